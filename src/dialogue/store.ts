import { and, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
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

/**
 * The lock ({@link Engine.lock}) every change to a user's conversation holds first: their turns, their
 * e-mails and agents' actions on their tickets take turns, on every instance (always in this order:
 * the conversation, then the ticket).
 */
export function conversationLock(key: string): string {
  return `conversation:${key}`;
}

const p = sql.placeholder;
/** How stale a user's `lastSeenAt` may be before a turn writes it again. */
const LAST_SEEN_PRECISION_MS = 60_000;
/** A placeholder in an update's `set`, which drizzle types without them: bound as given (JSON as text, times by `engine.sql.time`). */
const bound = (name: string) => sql`${p(name)}`;

/** The statements of a turn, built and prepared once per store (drizzle would otherwise build and prepare each on every call). */
function prepareStatements(engine: Engine) {
  return {
    upsertUser: engine.prepare('conversations_upsert_user', (db, { users }) =>
      db
        .insert(users)
        .values({ id: p('key'), channel: p('channel'), channelUserId: p('channelUserId'), displayName: p('displayName'), lastSeenAt: p('now'), createdAt: p('now') })
        // An empty or missing name keeps the one stored. `lastSeenAt` is kept to the minute: a user who
        // writes again within it, under the same name, leaves the row (and its page) untouched.
        .onConflictDoUpdate({
          target: users.id,
          set: { lastSeenAt: sql`excluded.last_seen_at`, displayName: sql`coalesce(nullif(excluded.display_name, ''), ${users.displayName})` },
          setWhere: sql`${users.lastSeenAt} < ${p('staleBefore')} or coalesce(nullif(excluded.display_name, ''), ${users.displayName}) is distinct from ${users.displayName}`,
        }),
    ),
    conversationOfUser: engine.prepare('conversations_of_user', (db, { conversations }) =>
      db
        .select()
        .from(conversations)
        .where(eq(conversations.userId, p('key'))),
    ),
    // What a turn reads (the reference it has just been given is newer): no JSON of the stored one to parse.
    stateOfUser: engine.prepare('conversations_state_of_user', (db, { conversations }) =>
      db
        .select({ id: conversations.id, state: conversations.state })
        .from(conversations)
        .where(eq(conversations.userId, p('key'))),
    ),
    userById: engine.prepare('conversations_user_by_id', (db, { users }) =>
      db
        .select({ displayName: users.displayName })
        .from(users)
        .where(eq(users.id, p('key'))),
    ),
    createConversation: engine.prepare('conversations_create', (db, { conversations }) =>
      db
        .insert(conversations)
        .values({ userId: p('key'), channel: p('channel'), reference: p('reference'), state: p('state'), createdAt: p('now'), updatedAt: p('now') })
        .returning({ id: conversations.id }),
    ),
    stateOf: engine.prepare('conversations_state_of', (db, { conversations }) =>
      db
        .select({ state: conversations.state })
        .from(conversations)
        .where(eq(conversations.id, p('id'))),
    ),
    saveState: engine.prepare('conversations_save_state', (db, { conversations }) =>
      db
        .update(conversations)
        .set({ state: bound('state'), updatedAt: bound('now') })
        .where(eq(conversations.id, p('id'))),
    ),
    saveStateAndReference: engine.prepare('conversations_save_state_and_reference', (db, { conversations }) =>
      db
        .update(conversations)
        .set({ state: bound('state'), reference: bound('reference'), updatedAt: bound('now') })
        .where(eq(conversations.id, p('id'))),
    ),
    saveReference: engine.prepare('conversations_save_reference', (db, { conversations }) =>
      db
        .update(conversations)
        .set({ reference: bound('reference'), updatedAt: bound('now') })
        .where(eq(conversations.id, p('id'))),
    ),
    seen: engine.prepare('conversations_seen', (db, { messages }) =>
      db
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.conversationId, p('conversationId')), eq(messages.platformMessageId, p('platformMessageId'))))
        .limit(1),
    ),
    append: engine.prepare('conversations_append', (db, { messages }) =>
      db.insert(messages).values({
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
      }),
    ),
    // One statement for the whole transcript, not one per message.
    attachRecent: engine.prepare('conversations_attach_recent', (db, { messages }) =>
      db
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
        ),
    ),
    history: engine.prepare('conversations_history', (db, { messages }) =>
      db
        .select({ sender: messages.sender, text: messages.text, agent: messages.agent, at: messages.createdAt })
        .from(messages)
        .where(eq(messages.conversationId, p('conversationId')))
        .orderBy(desc(messages.id))
        .limit(p('limit')),
    ),
    recentUserMessages: engine.prepare('conversations_recent_user_messages', (db, { messages }) =>
      db
        .select({ id: messages.id, text: messages.text })
        .from(messages)
        .where(and(eq(messages.conversationId, p('conversationId')), eq(messages.sender, 'user'), gte(messages.createdAt, p('since'))))
        .orderBy(desc(messages.id))
        .limit(p('limit')),
    ),
    recordUnanswered: engine.prepare('conversations_record_unanswered', (db, { unansweredQuestions }) =>
      db.insert(unansweredQuestions).values({ channel: p('channel'), text: p('text'), lang: p('lang'), intent: p('intent'), confidence: p('confidence'), reason: p('reason'), createdAt: p('now') }),
    ),
  };
}

/**
 * Reads and writes users, conversations, messages and unanswered questions; the one writer of
 * dialogue state. A turn calls it inside one transaction ({@link Engine.transaction}). Its
 * statements are prepared once, when it is made.
 */
export class ConversationStore {
  readonly #statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly engine: Engine) {
    this.#statements = prepareStatements(engine);
  }

  /**
   * Finds or creates the user and their conversation on a channel. The conversation's row is not
   * written for an existing one: the turn stores the new `reference` with its state
   * ({@link saveState}) or alone ({@link saveReference}), one update per turn.
   */
  async open(channel: ChannelName, channelUserId: string, reference: ConversationRef, displayName: string | undefined, now: Date): Promise<ConversationRecord> {
    const key = userKey(channel, channelUserId);
    await this.#statements.upsertUser({ key, channel, channelUserId, displayName: displayName ?? null, now, staleBefore: this.engine.sql.time(new Date(now.getTime() - LAST_SEEN_PRECISION_MS)) });
    const [existing] = await this.#statements.stateOfUser({ key });
    if (existing) {
      return { id: existing.id, userKey: key, channel, channelUserId, displayName, reference, state: { ...INITIAL_STATE, ...(existing.state as Partial<DialogueState>) } };
    }
    const [created] = await this.#statements.createConversation({ key, channel, reference: { ...reference }, state: { ...INITIAL_STATE }, now });
    if (!created) throw new Error(`conversation of ${key} not created`);
    return { id: created.id, userKey: key, channel, channelUserId, displayName, reference, state: INITIAL_STATE };
  }

  /** The conversation of a channel user, if they ever wrote. */
  async find(channel: ChannelName, channelUserId: string): Promise<ConversationRecord | undefined> {
    const key = userKey(channel, channelUserId);
    const [row] = await this.#statements.conversationOfUser({ key });
    if (!row) return undefined;
    const [user] = await this.#statements.userById({ key });
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
  async stateOf(conversationId: number): Promise<DialogueState> {
    const [row] = await this.#statements.stateOf({ id: conversationId });
    return { ...INITIAL_STATE, ...(row?.state as Partial<DialogueState> | undefined) };
  }

  /** Replaces a conversation's dialogue state, and its reference when given (the pipeline, at the end of a turn). */
  async saveState(conversationId: number, state: DialogueState, now: Date, reference?: ConversationRef): Promise<void> {
    const at = this.engine.sql.time(now);
    if (reference) await this.#statements.saveStateAndReference({ id: conversationId, state: JSON.stringify(state), reference: JSON.stringify(reference), now: at });
    else await this.#statements.saveState({ id: conversationId, state: JSON.stringify(state), now: at });
  }

  /** Refreshes where to write back to a conversation (a turn that ends without changing its state). */
  async saveReference(conversationId: number, reference: ConversationRef, now: Date): Promise<void> {
    await this.#statements.saveReference({ id: conversationId, reference: JSON.stringify(reference), now: this.engine.sql.time(now) });
  }

  /**
   * Hands a conversation to a ticket after an agent acted on it: `rating` once resolved (the
   * next message may rate it), `escalated` once reopened (messages go to the ticket again).
   * Any hand-off questions in progress are dropped.
   */
  async followTicket(conversationId: number, mode: 'rating' | 'escalated', escalationId: number, now: Date): Promise<void> {
    await this.saveState(conversationId, { ...(await this.stateOf(conversationId)), mode, escalationId, handoff: undefined }, now);
  }

  /** Whether a platform message id was already handled in this conversation (a redelivered update). */
  async seen(conversationId: number, platformMessageId: string): Promise<boolean> {
    return (await this.#statements.seen({ conversationId, platformMessageId })).length > 0;
  }

  /** Appends a message to the conversation. */
  async append(conversationId: number, message: MessageRecord, now: Date): Promise<void> {
    await this.#statements.append({
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
  async attachRecent(conversationId: number, escalationId: number, limit = 30): Promise<void> {
    await this.#statements.attachRecent({ conversationId, escalationId, limit });
  }

  /** The last `limit` messages of a conversation, oldest first. */
  async history(conversationId: number, limit = 50): Promise<{ sender: Sender; text: string; agent: string | null; at: Date }[]> {
    return (await this.#statements.history({ conversationId, limit })).reverse();
  }

  /** The user's own messages of a conversation written at or after `since`, the newest `limit`, oldest first (ids and stored texts). */
  async recentUserMessages(conversationId: number, since: Date, limit: number): Promise<{ id: number; text: string }[]> {
    return (await this.#statements.recentUserMessages({ conversationId, since: this.engine.sql.time(since), limit })).reverse();
  }

  /**
   * Rewrites messages of a conversation (a secret recognised only later) and the unanswered
   * questions on the channel that copied their text.
   */
  async rewrite(conversationId: number, channel: ChannelName, rewrites: readonly { readonly id: number; readonly before: string; readonly after: string }[]): Promise<void> {
    await this.engine.run(async (db, { messages, unansweredQuestions }) => {
      for (const { id, before, after } of rewrites) {
        await db
          .update(messages)
          .set({ text: after })
          .where(and(eq(messages.id, id), eq(messages.conversationId, conversationId)));
        await db
          .update(unansweredQuestions)
          .set({ text: sql`replace(${unansweredQuestions.text}, ${before}, ${after})` })
          .where(and(eq(unansweredQuestions.channel, channel), this.engine.sql.contains(unansweredQuestions.text, before)));
      }
    });
  }

  /** Records a question the bot could not answer (text already redacted), for the FAQ to grow from. */
  async recordUnanswered(entry: { channel: ChannelName; text: string; lang: Lang; intent?: string; confidence?: number; reason: 'fallback' | 'clarify' | 'not_helpful' }, now: Date): Promise<void> {
    await this.#statements.recordUnanswered({
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
