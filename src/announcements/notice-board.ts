import { and, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { conversations, notices, noticeSubscriptions, users } from '../db/schema.js';
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
 * delivers each row once (see `Outbox`), at each platform's sending rate.
 */
export class NoticeBoard {
  readonly #outbox: Outbox;
  readonly #conversations: ConversationStore;
  /** The notices in force, read on every turn: prepared once. */
  readonly #inForce;

  constructor(private readonly db: Database) {
    this.#outbox = new Outbox(db);
    this.#conversations = new ConversationStore(db);
    const now = sql.placeholder('now');
    this.#inForce = db
      .select()
      .from(notices)
      .where(and(lte(notices.startsAt, now), gt(notices.endsAt, now)))
      .orderBy(desc(notices.startsAt), desc(notices.id))
      .prepare();
  }

  /**
   * Publishes a notice and queues it for every subscriber, each in their conversation's language.
   * @throws NoticeError for an empty or too long text, or an end not after the start and now.
   */
  publish(notice: NewNotice, now = new Date()): NoticeView {
    const text = { en: notice.text.en.trim(), zh: notice.text.zh.trim() };
    for (const lang of ['en', 'zh'] as const) {
      if (!text[lang]) throw new NoticeError(`the ${lang} text is empty`);
      if (text[lang].length > MAX_NOTICE_LENGTH) throw new NoticeError(`the ${lang} text is longer than ${MAX_NOTICE_LENGTH} characters`);
    }
    if (notice.endsAt.getTime() <= notice.startsAt.getTime()) throw new NoticeError('the end must be after the start');
    if (notice.endsAt.getTime() <= now.getTime()) throw new NoticeError('the end is in the past');
    return this.db.transaction(() => {
      const row = this.db
        .insert(notices)
        .values({ kind: notice.kind, textEn: text.en, textZh: text.zh, startsAt: notice.startsAt, endsAt: notice.endsAt, recipients: 0, createdAt: now })
        .returning()
        .get();
      const recipients = this.#fanOut(viewOf(row), now);
      this.db.update(notices).set({ recipients }).where(eq(notices.id, row.id)).run();
      return viewOf({ ...row, recipients });
    });
  }

  /** The notices in force at `now` (started, not ended), the latest first. */
  active(now = new Date()): NoticeView[] {
    return this.#inForce.all({ now: now.getTime() }).map(viewOf);
  }

  /** The maintenance notices in force at `now`, the latest first. */
  activeMaintenance(now = new Date()): NoticeView[] {
    return this.active(now).filter((notice) => notice.kind === 'maintenance');
  }

  /** Subscribes a user (`telegram:123`; the user must have written to the bot). Subscribing twice is one subscription. */
  subscribe(userKey: string, now = new Date()): void {
    this.db.insert(noticeSubscriptions).values({ userId: userKey, createdAt: now }).onConflictDoNothing().run();
  }

  /** Ends a user's subscription (nothing happens if there was none). */
  unsubscribe(userKey: string): void {
    this.db.delete(noticeSubscriptions).where(eq(noticeSubscriptions.userId, userKey)).run();
  }

  /** Whether a user receives notices. */
  isSubscribed(userKey: string): boolean {
    return this.db.select({ userId: noticeSubscriptions.userId }).from(noticeSubscriptions).where(eq(noticeSubscriptions.userId, userKey)).get() !== undefined;
  }

  /** Queues the notice for every subscriber (once each, by its outbox key); returns how many were queued. */
  #fanOut(notice: NoticeView, now: Date): number {
    const subscribers = this.db
      .select({
        userKey: noticeSubscriptions.userId,
        channel: conversations.channel,
        conversationId: conversations.id,
        reference: conversations.reference,
        state: conversations.state,
        userLang: users.lang,
      })
      .from(noticeSubscriptions)
      .innerJoin(conversations, eq(conversations.userId, noticeSubscriptions.userId))
      .innerJoin(users, eq(users.id, noticeSubscriptions.userId))
      .all();
    let queued = 0;
    for (const subscriber of subscribers) {
      const lang = langOf(subscriber.state.lang ?? subscriber.userLang);
      const text = noticeText(notice, lang);
      const fresh = this.#outbox.enqueue(
        { channel: subscriber.channel as ChannelName, reference: subscriber.reference, replies: [{ kind: 'status', text }], dedupeKey: noticeDeliveryKey(notice.id, subscriber.userKey) },
        now,
      );
      if (!fresh) continue;
      // In the history too: the transcript shows it, and the web chat serves its pages from there.
      this.#conversations.append(subscriber.conversationId, { sender: 'bot', text }, now);
      queued++;
    }
    return queued;
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
