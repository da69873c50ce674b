import { and, desc, eq, gte, isNull, sql } from 'drizzle-orm';
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

/**
 * Reads and writes users, conversations, messages and unanswered questions; the one writer of
 * dialogue state. Call inside a transaction.
 */
export class ConversationStore {
  constructor(private readonly db: Database) {}

  /** Finds or creates the user and their conversation on a channel, refreshing the conversation reference. */
  open(channel: ChannelName, channelUserId: string, reference: ConversationRef, displayName: string | undefined, now: Date): ConversationRecord {
    const key = userKey(channel, channelUserId);
    this.db
      .insert(users)
      .values({ id: key, channel, channelUserId, displayName, lastSeenAt: now, createdAt: now })
      .onConflictDoUpdate({ target: users.id, set: { lastSeenAt: now, ...(displayName ? { displayName } : {}) } })
      .run();
    const existing = this.db.select().from(conversations).where(eq(conversations.userId, key)).get();
    if (existing) {
      this.db
        .update(conversations)
        .set({ reference: { ...reference }, updatedAt: now })
        .where(eq(conversations.id, existing.id))
        .run();
      return { id: existing.id, userKey: key, channel, channelUserId, displayName, reference, state: { ...INITIAL_STATE, ...(existing.state as Partial<DialogueState>) } };
    }
    const created = this.db
      .insert(conversations)
      .values({ userId: key, channel, reference: { ...reference }, state: { ...INITIAL_STATE }, createdAt: now, updatedAt: now })
      .returning({ id: conversations.id })
      .get();
    return { id: created.id, userKey: key, channel, channelUserId, displayName, reference, state: INITIAL_STATE };
  }

  /** The conversation of a channel user, if they ever wrote. */
  find(channel: ChannelName, channelUserId: string): ConversationRecord | undefined {
    const key = userKey(channel, channelUserId);
    const row = this.db.select().from(conversations).where(eq(conversations.userId, key)).get();
    if (!row) return undefined;
    const user = this.db.select().from(users).where(eq(users.id, key)).get();
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
    const row = this.db.select({ state: conversations.state }).from(conversations).where(eq(conversations.id, conversationId)).get();
    return { ...INITIAL_STATE, ...(row?.state as Partial<DialogueState> | undefined) };
  }

  /** Replaces a conversation's dialogue state (the pipeline, at the end of a turn). */
  saveState(conversationId: number, state: DialogueState, now: Date): void {
    this.db
      .update(conversations)
      .set({ state: { ...state }, updatedAt: now })
      .where(eq(conversations.id, conversationId))
      .run();
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
    return !!this.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.platformMessageId, platformMessageId)))
      .get();
  }

  /** Appends a message to the conversation. */
  append(conversationId: number, message: MessageRecord, now: Date): void {
    this.db
      .insert(messages)
      .values({
        conversationId,
        sender: message.sender,
        text: message.text,
        agent: message.agent,
        escalationId: message.escalationId,
        intent: message.intent,
        confidence: message.confidence === undefined ? undefined : Math.round(message.confidence * 100),
        action: message.action,
        platformMessageId: message.platformMessageId,
        createdAt: now,
      })
      .run();
  }

  /** Attaches the recent messages of a conversation that belong to no ticket yet to a new ticket (its transcript). */
  attachRecent(conversationId: number, escalationId: number, limit = 30): void {
    const recent = this.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), isNull(messages.escalationId)))
      .orderBy(desc(messages.id))
      .limit(limit)
      .all();
    for (const { id } of recent) {
      this.db.update(messages).set({ escalationId }).where(eq(messages.id, id)).run();
    }
  }

  /** The last `limit` messages of a conversation, oldest first. */
  history(conversationId: number, limit = 50): { sender: Sender; text: string; agent: string | null; at: Date }[] {
    return this.db
      .select({ sender: messages.sender, text: messages.text, agent: messages.agent, at: messages.createdAt })
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
      .orderBy(desc(messages.id))
      .limit(limit)
      .all()
      .reverse();
  }

  /** The user's own messages of a conversation written at or after `since`, the newest `limit`, oldest first (ids and stored texts). */
  recentUserMessages(conversationId: number, since: Date, limit: number): { id: number; text: string }[] {
    return this.db
      .select({ id: messages.id, text: messages.text })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.sender, 'user'), gte(messages.createdAt, since)))
      .orderBy(desc(messages.id))
      .limit(limit)
      .all()
      .reverse();
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
    this.db
      .insert(unansweredQuestions)
      .values({ ...entry, confidence: entry.confidence === undefined ? undefined : Math.round(entry.confidence * 100), createdAt: now })
      .run();
  }
}
