import { and, asc, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Engine, Prepared } from '../db/index.js';
import type { notices } from '../db/schema.js';
import { ConversationStore } from '../dialogue/store.js';
import { Outbox } from '../escalation/outbox.js';
import type { ChannelName, Lang, NewNotice, NoticeView } from '../contracts/index.js';
import { noticeText } from './wording.js';

/** The longest notice text accepted, per language (a notice is one chat message). */
export const MAX_NOTICE_LENGTH = 1000;

/** A notice that cannot be published as given: the message says what to change. */
export class NoticeError extends Error {
  override readonly name = 'NoticeError';
}

/** The outbox key of one subscriber's copy of a notice: the same notice never reaches a user twice. */
export function noticeDeliveryKey(noticeId: number, userKey: string): string {
  return `notice:${noticeId}:${userKey}`;
}

type NoticeRow = typeof notices.$inferSelect;

/**
 * Announcements: who subscribed (by channel-qualified user id, on the channel they subscribed
 * from), publishing a notice and the notices in force.
 *
 * Publishing is one transaction: the notice, one outbox row per subscriber (unique key
 * `notice:<id>:<user>`) and the notice in each subscriber's conversation history. Either all of
 * it is stored or none, so a crash cannot leave a notice half fanned out; the outbox then
 * delivers each row once (see `Outbox`), at each platform's sending rate. A fan-out queues a
 * subscriber's copy only when its outbox row is new, so fanning the same notice out again, from
 * this instance or another at the same time, queues nobody twice.
 */
export class NoticeBoard {
  readonly #outbox: Outbox;
  readonly #conversations: ConversationStore;
  /** The notices in force, read on every turn: prepared once. */
  readonly #inForce: Prepared<NoticeRow[]>;

  constructor(private readonly engine: Engine) {
    this.#outbox = new Outbox(engine);
    this.#conversations = new ConversationStore(engine);
    const now = sql.placeholder('now');
    this.#inForce = engine.prepare('notices_in_force', (db, t) =>
      db
        .select()
        .from(t.notices)
        .where(and(lte(t.notices.startsAt, now), gt(t.notices.endsAt, now)))
        .orderBy(desc(t.notices.startsAt), desc(t.notices.id)),
    );
  }

  /**
   * Publishes a notice and queues it for every subscriber, each in their conversation's language
   * (one transaction).
   * @throws NoticeError for an empty or too long text, or an end not after the start and now.
   */
  async publish(notice: NewNotice, now = new Date()): Promise<NoticeView> {
    const text = { en: notice.text.en.trim(), zh: notice.text.zh.trim() };
    for (const lang of ['en', 'zh'] as const) {
      if (!text[lang]) throw new NoticeError(`the ${lang} text is empty`);
      if (text[lang].length > MAX_NOTICE_LENGTH) throw new NoticeError(`the ${lang} text is longer than ${MAX_NOTICE_LENGTH} characters`);
    }
    if (notice.endsAt.getTime() <= notice.startsAt.getTime()) throw new NoticeError('the end must be after the start');
    if (notice.endsAt.getTime() <= now.getTime()) throw new NoticeError('the end is in the past');
    return this.engine.transaction(async () => {
      const [row] = await this.engine.run((db, t) =>
        db.insert(t.notices).values({ kind: notice.kind, textEn: text.en, textZh: text.zh, startsAt: notice.startsAt, endsAt: notice.endsAt, recipients: 0, createdAt: now }).returning(),
      );
      return this.#fanOut(row!, now);
    });
  }

  /**
   * Queues a published notice for the subscribers who have not had it yet (one who subscribed
   * since it was published, say), in one transaction, and counts them in its recipients. Each
   * subscriber's copy is queued once by its outbox key, however often this is called and by
   * however many instances at once. Returns the notice as it is now.
   * @throws NoticeError for a notice that does not exist.
   */
  async fanOut(noticeId: number, now = new Date()): Promise<NoticeView> {
    return this.engine.transaction(async () => {
      const [row] = await this.engine.run((db, t) => db.select().from(t.notices).where(eq(t.notices.id, noticeId)).limit(1));
      if (!row) throw new NoticeError(`no notice ${noticeId}`);
      return this.#fanOut(row, now);
    });
  }

  /** The notices in force at `now` (started, not ended), the latest first. */
  async active(now = new Date()): Promise<NoticeView[]> {
    return (await this.#inForce({ now: this.engine.sql.time(now) })).map(viewOf);
  }

  /** The maintenance notices in force at `now`, the latest first. */
  async activeMaintenance(now = new Date()): Promise<NoticeView[]> {
    return (await this.active(now)).filter((notice) => notice.kind === 'maintenance');
  }

  /** Subscribes a user (`telegram:123`; the user must have written to the bot). Subscribing twice is one subscription. */
  async subscribe(userKey: string, now = new Date()): Promise<void> {
    await this.engine.run((db, t) => db.insert(t.noticeSubscriptions).values({ userId: userKey, createdAt: now }).onConflictDoNothing());
  }

  /** Ends a user's subscription (nothing happens if there was none). */
  async unsubscribe(userKey: string): Promise<void> {
    await this.engine.run((db, t) => db.delete(t.noticeSubscriptions).where(eq(t.noticeSubscriptions.userId, userKey)));
  }

  /** Whether a user receives notices. */
  async isSubscribed(userKey: string): Promise<boolean> {
    const rows = await this.engine.run((db, t) => db.select({ userId: t.noticeSubscriptions.userId }).from(t.noticeSubscriptions).where(eq(t.noticeSubscriptions.userId, userKey)).limit(1));
    return rows.length > 0;
  }

  /**
   * Queues the notice for every subscriber who has not had it (once each, by its outbox key),
   * adds them to its recipients and returns it. Call inside a transaction.
   */
  async #fanOut(row: NoticeRow, now: Date): Promise<NoticeView> {
    const notice = viewOf(row);
    const subscribers = await this.engine.run((db, t) =>
      db
        .select({
          userKey: t.noticeSubscriptions.userId,
          channel: t.conversations.channel,
          conversationId: t.conversations.id,
          reference: t.conversations.reference,
          state: t.conversations.state,
          userLang: t.users.lang,
        })
        .from(t.noticeSubscriptions)
        .innerJoin(t.conversations, eq(t.conversations.userId, t.noticeSubscriptions.userId))
        .innerJoin(t.users, eq(t.users.id, t.noticeSubscriptions.userId))
        // One order for every instance: two fan-outs of one notice wait on the same outbox keys in turn, never on each other's.
        .orderBy(asc(t.noticeSubscriptions.userId)),
    );
    let queued = 0;
    for (const subscriber of subscribers) {
      const lang = langOf(subscriber.state.lang ?? subscriber.userLang);
      const text = noticeText(notice, lang);
      const fresh = await this.#outbox.enqueue(
        { channel: subscriber.channel as ChannelName, reference: subscriber.reference, replies: [{ kind: 'status', text }], dedupeKey: noticeDeliveryKey(notice.id, subscriber.userKey) },
        now,
      );
      if (!fresh) continue;
      // In the history too: the transcript shows it, and the web chat serves its pages from there.
      await this.#conversations.append(subscriber.conversationId, { sender: 'bot', text }, now);
      queued++;
    }
    if (queued === 0) return notice;
    // Added to what is stored (not set): another instance's fan-out of the same notice counts its own.
    const [updated] = await this.engine.run((db, t) =>
      db
        .update(t.notices)
        .set({ recipients: sql`${t.notices.recipients} + ${queued}` })
        .where(eq(t.notices.id, notice.id))
        .returning(),
    );
    return viewOf(updated!);
  }
}

function langOf(value: unknown): Lang {
  return value === 'zh' ? 'zh' : 'en';
}

function viewOf(row: NoticeRow): NoticeView {
  return {
    id: row.id,
    kind: row.kind,
    text: { en: row.textEn, zh: row.textZh },
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    recipients: row.recipients,
    createdAt: row.createdAt.toISOString(),
  };
}
