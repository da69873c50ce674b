import { and, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type Sqlite from 'better-sqlite3';
import type { Database } from '../db/index.js';
import { conversations, messages, unansweredQuestions, users } from '../db/schema.js';
import type { ChannelName, ConversationRef, Lang } from '../contracts/index.js';
import { INITIAL_STATE, type DialogueState } from './state.js';

/** A conversation row as the pipeline uses it. */
export interface ConversationRecord {
  readonly id: number;
  readonly userKey: string;
  readonly channel: ChannelName;
  readonly channelUserId: string;
  readonly displayName?: string;
  readonly reference: ConversationRef;
  readonly state: DialogueState;
}

/** Who wrote a stored message. */
export type Sender = 'user' | 'bot' | 'agent';

/** A message to store (its text already redacted). */
export interface MessageRecord {
  readonly sender: Sender;
  readonly text: string;
  readonly agent?: string;
  readonly escalationId?: number;
  readonly intent?: string;
  readonly confidence?: number;
  readonly action?: string;
  readonly platformMessageId?: string;
}

/** The channel-qualified user key, e.g. `telegram:123`. */
export function userKey(channel: ChannelName, userId: string): string {
  return `${channel}:${userId}`;
}

const p = sql.placeholder;
/** A placeholder in an update's `set`, which drizzle types without them: bound as given (JSON as text, times in ms). */
const bound = (name: string) => sql`${p(name)}`;

/** The statements of a turn, built and prepared once per store (drizzle would otherwise build and prepare each on every call). */
function prepareStatements(db: Database) {
  return {
    upsertUser: db
      .insert(users)
      .values({ id: p('key'), channel: p('channel'), channelUserId: p('channelUserId'), displayName: p('displayName'), lastSeenAt: p('now'), createdAt: p('now') })
      // An empty or missing name keeps the one stored.
      .onConflictDoUpdate({ target: users.id, set: { lastSeenAt: sql`excluded.last_seen_at`, displayName: sql`coalesce(nullif(excluded.display_name, ''), ${users.displayName})` } })
      .prepare(),
    conversationOfUser: db
      .select()
      .from(conversations)
      .where(eq(conversations.userId, p('key')))
      .prepare(),
    // What a turn reads (the reference it has just been given is newer): no JSON of the stored one to parse.
    stateOfUser: db
      .select({ id: conversations.id, state: conversations.state })
      .from(conversations)
      .where(eq(conversations.userId, p('key')))
      .prepare(),
    userById: db
      .select({ displayName: users.displayName })
      .from(users)
      .where(eq(users.id, p('key')))
      .prepare(),
    createConversation: db
      .insert(conversations)
      .values({ userId: p('key'), channel: p('channel'), reference: p('reference'), state: p('state'), createdAt: p('now'), updatedAt: p('now') })
      .returning({ id: conversations.id })
      .prepare(),
    stateOf: db
      .select({ state: conversations.state })
      .from(conversations)
      .where(eq(conversations.id, p('id')))
      .prepare(),
    saveState: db
      .update(conversations)
      .set({ state: bound('state'), updatedAt: bound('nowMs') })
      .where(eq(conversations.id, p('id')))
      .prepare(),
    saveStateAndReference: db
      .update(conversations)
      .set({ state: bound('state'), reference: bound('reference'), updatedAt: bound('nowMs') })
      .where(eq(conversations.id, p('id')))
      .prepare(),
    saveReference: db
      .update(conversations)
      .set({ reference: bound('reference'), updatedAt: bound('nowMs') })
      .where(eq(conversations.id, p('id')))
      .prepare(),
    seen: db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, p('conversationId')), eq(messages.platformMessageId, p('platformMessageId'))))
      .prepare(),
    append: db
      .insert(messages)
      .values({
        conversationId: p('conversationId'),
        sender: p('sender'),
        text: p('text'),
        agent: p('agent'),
        escalationId: p('escalationId'),
        intent: p('intent'),
        confidence: p('confidence'),
        action: p('action'),
        platformMessageId: p('platformMessageId'),
        createdAt: p('now'),
      })
      .prepare(),
    // One statement for the whole transcript, not one per message.
    attachRecent: db
      .update(messages)
      .set({ escalationId: bound('escalationId') })
      .where(
        inArray(
          messages.id,
          db
            .select({ id: messages.id })
            .from(messages)
            .where(and(eq(messages.conversationId, p('conversationId')), isNull(messages.escalationId)))
            .orderBy(desc(messages.id))
            .limit(p('limit')),
        ),
      )
      .prepare(),
    history: db
      .select({ sender: messages.sender, text: messages.text, agent: messages.agent, at: messages.createdAt })
      .from(messages)
      .where(eq(messages.conversationId, p('conversationId')))
      .orderBy(desc(messages.id))
      .limit(p('limit'))
      .prepare(),
    recentUserMessages: db
      .select({ id: messages.id, text: messages.text })
      .from(messages)
      .where(and(eq(messages.conversationId, p('conversationId')), eq(messages.sender, 'user'), gte(messages.createdAt, p('sinceMs'))))
      .orderBy(desc(messages.id))
      .limit(p('limit'))
      .prepare(),
    recordUnanswered: db
      .insert(unansweredQuestions)
      .values({ channel: p('channel'), text: p('text'), lang: p('lang'), intent: p('intent'), confidence: p('confidence'), reason: p('reason'), createdAt: p('now') })
      .prepare(),
  };
}

/**
 * Reads and writes users, conversations, messages and unanswered questions; the one writer of
 * dialogue state. Call inside a transaction. Its statements are prepared once, when it is made.
 */
export class ConversationStore {
  readonly #statements: ReturnType<typeof prepareStatements>;
  readonly #transaction: Sqlite.Transaction<(work: () => unknown) => unknown>;

  constructor(private readonly db: Database) {
    this.#statements = prepareStatements(db);
    // drizzle's handle carries its driver as `$client` (the shared `Database` type leaves it out).
    // The driver's transaction function, made once: drizzle's `transaction` builds a session object on every call.
    this.#transaction = (db as Database & { $client: Sqlite.Database }).$client.transaction((work: () => unknown) => work());
  }

  /** Runs `work` in one transaction (a savepoint inside another one), committed when it returns and rolled back when it throws. */
  inTransaction<T>(work: () => T): T {
    return this.#transaction(work) as T;
  }

  /**
   * Finds or creates the user and their conversation on a channel. The conversation's row is not
   * written for an existing one: the turn stores the new `reference` with its state
   * ({@link saveState}) or alone ({@link saveReference}), one update per turn.
   */
  open(channel: ChannelName, channelUserId: string, reference: ConversationRef, displayName: string | undefined, now: Date): ConversationRecord {
    const key = userKey(channel, channelUserId);
    this.#statements.upsertUser.run({ key, channel, channelUserId, displayName: displayName ?? null, now });
    const existing = this.#statements.stateOfUser.get({ key });
    if (existing) {
      return { id: existing.id, userKey: key, channel, channelUserId, displayName, reference, state: { ...INITIAL_STATE, ...(existing.state as Partial<DialogueState>) } };
    }
    const created = this.#statements.createConversation.get({ key, channel, reference: { ...reference }, state: { ...INITIAL_STATE }, now });
    if (!created) throw new Error(`conversation of ${key} not created`);
    return { id: created.id, userKey: key, channel, channelUserId, displayName, reference, state: INITIAL_STATE };
  }

  /** The conversation of a channel user, if they ever wrote. */
  find(channel: ChannelName, channelUserId: string): ConversationRecord | undefined {
    const key = userKey(channel, channelUserId);
    const row = this.#statements.conversationOfUser.get({ key });
    if (!row) return undefined;
    const user = this.#statements.userById.get({ key });
    return {
      id: row.id,
      userKey: key,
      channel,
      channelUserId,
      displayName: user?.displayName ?? undefined,
      reference: row.reference,
      state: { ...INITIAL_STATE, ...(row.state as Partial<DialogueState>) },
    };
  }

  /** A conversation's dialogue state, by conversation id (the initial state if it has none). */
  stateOf(conversationId: number): DialogueState {
    const row = this.#statements.stateOf.get({ id: conversationId });
    return { ...INITIAL_STATE, ...(row?.state as Partial<DialogueState> | undefined) };
  }

  /** Replaces a conversation's dialogue state, and its reference when given (the pipeline, at the end of a turn). */
  saveState(conversationId: number, state: DialogueState, now: Date, reference?: ConversationRef): void {
    if (reference) this.#statements.saveStateAndReference.run({ id: conversationId, state: JSON.stringify(state), reference: JSON.stringify(reference), nowMs: now.getTime() });
    else this.#statements.saveState.run({ id: conversationId, state: JSON.stringify(state), nowMs: now.getTime() });
  }

  /** Refreshes where to write back to a conversation (a turn that ends without changing its state). */
  saveReference(conversationId: number, reference: ConversationRef, now: Date): void {
    this.#statements.saveReference.run({ id: conversationId, reference: JSON.stringify(reference), nowMs: now.getTime() });
  }

  /**
   * Hands a conversation to a ticket after an agent acted on it: `rating` once resolved (the
   * next message may rate it), `escalated` once reopened (messages go to the ticket again).
   * Any hand-off questions in progress are dropped.
   */
  followTicket(conversationId: number, mode: 'rating' | 'escalated', escalationId: number, now: Date): void {
    this.saveState(conversationId, { ...this.stateOf(conversationId), mode, escalationId, handoff: undefined }, now);
  }

  /** Whether a platform message id was already handled in this conversation (a redelivered update). */
  seen(conversationId: number, platformMessageId: string): boolean {
    return !!this.#statements.seen.get({ conversationId, platformMessageId });
  }

  /** Appends a message to the conversation. */
  append(conversationId: number, message: MessageRecord, now: Date): void {
    this.#statements.append.run({
      conversationId,
      sender: message.sender,
      text: message.text,
      agent: message.agent ?? null,
      escalationId: message.escalationId ?? null,
      intent: message.intent ?? null,
      confidence: message.confidence === undefined ? null : Math.round(message.confidence * 100),
      action: message.action ?? null,
      platformMessageId: message.platformMessageId ?? null,
      now,
    });
  }

  /** Attaches the recent messages of a conversation that belong to no ticket yet to a new ticket (its transcript), in one statement. */
  attachRecent(conversationId: number, escalationId: number, limit = 30): void {
    this.#statements.attachRecent.run({ conversationId, escalationId, limit });
  }

  /** The last `limit` messages of a conversation, oldest first. */
  history(conversationId: number, limit = 50): { sender: Sender; text: string; agent: string | null; at: Date }[] {
    return this.#statements.history.all({ conversationId, limit }).reverse();
  }

  /** The user's own messages of a conversation written at or after `since`, the newest `limit`, oldest first (ids and stored texts). */
  recentUserMessages(conversationId: number, since: Date, limit: number): { id: number; text: string }[] {
    return this.#statements.recentUserMessages.all({ conversationId, sinceMs: since.getTime(), limit }).reverse();
  }

  /**
   * Rewrites messages of a conversation (a secret recognised only later) and the unanswered
   * questions on the channel that copied their text.
   */
  rewrite(conversationId: number, channel: ChannelName, rewrites: readonly { readonly id: number; readonly before: string; readonly after: string }[]): void {
    for (const { id, before, after } of rewrites) {
      this.db
        .update(messages)
        .set({ text: after })
        .where(and(eq(messages.id, id), eq(messages.conversationId, conversationId)))
        .run();
      this.db
        .update(unansweredQuestions)
        .set({ text: sql`replace(${unansweredQuestions.text}, ${before}, ${after})` })
        .where(and(eq(unansweredQuestions.channel, channel), sql`instr(${unansweredQuestions.text}, ${before}) > 0`))
        .run();
    }
  }

  /**
   * Makes overwritten text unrecoverable from the files: with `secure_delete` the old rows are
   * zeroed in the database file, and a checkpoint moves the write-ahead log's copies there and
   * truncates it. Call after the transaction that rewrote them has committed.
   */
  purgeOverwritten(): void {
    this.db.run(sql`PRAGMA wal_checkpoint(TRUNCATE)`);
  }

  /** Records a question the bot could not answer (text already redacted), for the FAQ to grow from. */
  recordUnanswered(entry: { channel: ChannelName; text: string; lang: Lang; intent?: string; confidence?: number; reason: 'fallback' | 'clarify' | 'not_helpful' }, now: Date): void {
    this.#statements.recordUnanswered.run({
      channel: entry.channel,
      text: entry.text,
      lang: entry.lang,
      intent: entry.intent ?? null,
      confidence: entry.confidence === undefined ? null : Math.round(entry.confidence * 100),
      reason: entry.reason,
      now,
    });
  }
}
