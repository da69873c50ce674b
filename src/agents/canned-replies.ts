import { eq } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
import type { cannedReplies } from '../db/schema.js';
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

/** By title in code-point order (the same on every engine: Postgres would compare by its locale), then oldest first. */
function byTitle(a: CannedRow, b: CannedRow): number {
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  return a.id - b.id;
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
    private readonly engine: Engine,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Every canned reply, by title. */
  async list(): Promise<CannedReply[]> {
    const rows = await this.engine.run((db, t) => db.select().from(t.cannedReplies));
    return rows.sort(byTitle).map(toReply);
  }

  /** Creates a canned reply. @throws CannedReplyError 'invalid' */
  async create(input: CannedReplyInput, by: string): Promise<CannedReply> {
    const fields = checked(input);
    const now = this.clock();
    const [row] = await this.engine.run((db, t) =>
      db
        .insert(t.cannedReplies)
        .values({ ...fields, updatedBy: by, createdAt: now, updatedAt: now })
        .returning(),
    );
    return toReply(row!);
  }

  /** Changes a canned reply. @throws CannedReplyError 'invalid' or 'not_found' */
  async update(id: number, input: CannedReplyInput, by: string): Promise<CannedReply> {
    const fields = checked(input);
    const [row] = await this.engine.run((db, t) =>
      db
        .update(t.cannedReplies)
        .set({ ...fields, updatedBy: by, updatedAt: this.clock() })
        .where(eq(t.cannedReplies.id, id))
        .returning(),
    );
    if (!row) throw new CannedReplyError('not_found', `no canned reply ${id}`);
    return toReply(row);
  }

  /** Deletes a canned reply. @throws CannedReplyError 'not_found' */
  async remove(id: number): Promise<void> {
    const removed = await this.engine.run((db, t) => db.delete(t.cannedReplies).where(eq(t.cannedReplies.id, id)).returning({ id: t.cannedReplies.id }));
    if (removed.length === 0) throw new CannedReplyError('not_found', `no canned reply ${id}`);
  }
}
