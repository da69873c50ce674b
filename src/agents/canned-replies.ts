import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { cannedReplies } from '../db/schema.js';
import type { Lang } from '../contracts/index.js';
import { redactSecrets } from '../safety/redact.js';

/** A canned reply: a bilingual macro an agent inserts into a reply (and edits before sending). */
export interface CannedReply {
  readonly id: number;
  /** What agents pick it by. */
  readonly title: string;
  /** The text in each language (secrets redacted when stored). */
  readonly text: Readonly<Record<Lang, string>>;
  /** The admin who last changed it (`web:<login>`). */
  readonly updatedBy: string;
  readonly updatedAt: string;
}

/** What an admin writes: a title and both texts. */
export interface CannedReplyInput {
  readonly title: string;
  readonly en: string;
  readonly zh: string;
}

/** Why a canned reply was refused; the message says what to fix. */
export class CannedReplyError extends Error {
  override readonly name = 'CannedReplyError';

  constructor(
    readonly code: 'invalid' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

const TITLE_MAX = 80;
/** As long as a console reply may be. */
const TEXT_MAX = 4000;

type CannedRow = typeof cannedReplies.$inferSelect;

function toReply(row: CannedRow): CannedReply {
  return { id: row.id, title: row.title, text: { en: row.textEn, zh: row.textZh }, updatedBy: row.updatedBy, updatedAt: row.updatedAt.toISOString() };
}

/** The fields as stored: trimmed, texts redacted. @throws CannedReplyError 'invalid' */
function checked(input: CannedReplyInput): { title: string; textEn: string; textZh: string } {
  const title = input.title.trim();
  if (!title || [...title].length > TITLE_MAX || /[\p{Cc}\p{Cf}]/u.test(title)) throw new CannedReplyError('invalid', `the title must be 1-${TITLE_MAX} printable characters`);
  const textEn = redactSecrets(input.en).text.trim();
  const textZh = redactSecrets(input.zh).text.trim();
  if (!textEn || !textZh || [...textEn].length > TEXT_MAX || [...textZh].length > TEXT_MAX) throw new CannedReplyError('invalid', `both texts must be 1-${TEXT_MAX} characters`);
  return { title, textEn, textZh };
}

/**
 * The console's canned replies, by title. Admins create, edit and delete them (the console checks
 * the role); texts are redacted like an agent's reply before they are stored, so a macro can
 * never carry a seed phrase to a user.
 */
export class CannedReplies {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Every canned reply, by title. */
  async list(): Promise<CannedReply[]> {
    return this.db.select().from(cannedReplies).orderBy(asc(cannedReplies.title), asc(cannedReplies.id)).all().map(toReply);
  }

  /** Creates a canned reply. @throws CannedReplyError 'invalid' */
  async create(input: CannedReplyInput, by: string): Promise<CannedReply> {
    const now = this.clock();
    return toReply(
      this.db
        .insert(cannedReplies)
        .values({ ...checked(input), updatedBy: by, createdAt: now, updatedAt: now })
        .returning()
        .get(),
    );
  }

  /** Changes a canned reply. @throws CannedReplyError 'invalid' or 'not_found' */
  async update(id: number, input: CannedReplyInput, by: string): Promise<CannedReply> {
    const row = this.db
      .update(cannedReplies)
      .set({ ...checked(input), updatedBy: by, updatedAt: this.clock() })
      .where(eq(cannedReplies.id, id))
      .returning()
      .get();
    if (!row) throw new CannedReplyError('not_found', `no canned reply ${id}`);
    return toReply(row);
  }

  /** Deletes a canned reply. @throws CannedReplyError 'not_found' */
  async remove(id: number): Promise<void> {
    if (this.db.delete(cannedReplies).where(eq(cannedReplies.id, id)).run().changes === 0) throw new CannedReplyError('not_found', `no canned reply ${id}`);
  }
}
