import { and, asc, count, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { deskCards, deskCursors, escalationEvents, escalations, messages } from '../db/schema.js';
import { isAgent, type AgentIdentity } from '../config/index.js';
import { redactSecrets } from '../safety/redact.js';
import type { ChannelName, Lang, Reply } from '../core/types.js';
import { say } from '../dialogue/messages.js';
import type { ConversationRecord, ConversationStore } from '../dialogue/store.js';
import { DeskError } from './errors.js';
import { Outbox } from './outbox.js';
import { PriorityQuota } from './priority-quota.js';
import { priorityFor, slaTerms, type Priority, type SlaPolicy } from './sla.js';
import { toView, type AuditEntry, type EscalationDetail, type EscalationView, type TranscriptMessage } from './view.js';

/** Someone acting on tickets: a CLI user (`cli:alice`) or a platform user in an agent group. */
export interface AgentActor {
  readonly channel: ChannelName;
  readonly userId: string;
  /** The name users see ("Alice has joined"). */
  readonly name: string;
}

/** What a new ticket needs; the caller runs this inside the transaction that stores the user's message. */
export interface NewEscalation {
  readonly conversation: ConversationRecord;
  readonly intent: string;
  readonly userText: string;
  readonly details: Readonly<Record<string, string>>;
  readonly lang: Lang;
  /** The network address the user wrote from, when the channel knows it (web): raised priorities per address are capped. */
  readonly origin?: string;
}

/** Filters for the agent's queue. */
export interface QueueFilter {
  readonly status?: readonly EscalationView['status'][];
  readonly priority?: Priority;
  readonly channel?: ChannelName;
  readonly agent?: string;
}

/** A ticket change for the agent desks in the channels (Telegram group, Discord thread). */
export interface DeskEvent {
  readonly id: number;
  readonly action: string;
  readonly actor: string;
  readonly note: string | null;
  readonly escalation: EscalationView;
}

const PRIORITY_RANK = sql<number>`case ${escalations.priority} when 'urgent' then 0 when 'high' then 1 else 2 end`;
const STATUS_RANK = sql<number>`case ${escalations.status} when 'open' then 0 when 'claimed' then 1 when 'resolved' then 2 else 3 end`;
const TICKET_NUMBER = /^T-?(\d+)$/i;

/**
 * Escalations: created by the dialogue, worked by agents (claim, reply, note, resolve, reopen),
 * closed or rated by users. Every agent action checks `AGENT_IDS`, is audited, and queues
 * what the user should see in the outbox within the same transaction.
 */
export class EscalationService {
  readonly #outbox: Outbox;
  readonly #priorityQuota: PriorityQuota;

  constructor(
    private readonly db: Database,
    private readonly conversations: ConversationStore,
    private readonly options: { readonly sla: SlaPolicy; readonly agents: readonly AgentIdentity[]; readonly priorityQuota?: PriorityQuota },
  ) {
    this.#outbox = new Outbox(db);
    this.#priorityQuota = options.priorityQuota ?? new PriorityQuota();
  }

  /** Creates a ticket with the transcript so far; call inside the caller's transaction. */
  create(input: NewEscalation, now: Date): EscalationView {
    const wanted = priorityFor(input.intent);
    const priority = this.#priorityQuota.grant(input.origin, wanted, now.getTime());
    const terms = slaTerms(this.options.sla, priority, now);
    const { conversation } = input;
    const inserted = this.db
      .insert(escalations)
      .values({
        number: `pending-${now.getTime()}-${conversation.id}`,
        status: 'open',
        priority,
        channel: conversation.channel,
        userId: conversation.userKey,
        conversationId: conversation.id,
        displayName: conversation.displayName,
        reference: { ...conversation.reference },
        lang: input.lang,
        intent: input.intent,
        category: input.intent.split('.')[0] ?? input.intent,
        userText: input.userText.slice(0, 2000),
        summary: summarise(input.intent, input.userText, input.lang),
        details: { ...input.details },
        createdAt: now,
        updatedAt: now,
        slaDueAt: terms.dueAt,
      })
      .returning({ id: escalations.id })
      .get();
    // Ticket numbers follow the row id so they are short, unique and never reused.
    this.db.update(escalations).set({ number: `T-${1000 + inserted.id}` }).where(eq(escalations.id, inserted.id)).run();
    this.conversations.attachRecent(conversation.id, inserted.id);
    const capped = priority === wanted ? '' : ` (${wanted} refused: this address's quota of raised priorities is used up)`;
    this.#audit(inserted.id, userActor(conversation), 'created', `priority ${priority}${capped}`, now);
    return this.view(inserted.id);
  }

  /** The queue: open first by priority (urgent, high, normal), then oldest first. */
  list(filter: QueueFilter = {}): EscalationView[] {
    const conditions = [
      filter.status?.length ? inArray(escalations.status, [...filter.status]) : undefined,
      filter.priority ? eq(escalations.priority, filter.priority) : undefined,
      filter.channel ? eq(escalations.channel, filter.channel) : undefined,
      filter.agent ? eq(escalations.agent, filter.agent) : undefined,
    ].filter((condition) => condition !== undefined);
    const rows = this.db
      .select()
      .from(escalations)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(STATUS_RANK, PRIORITY_RANK, asc(escalations.createdAt), asc(escalations.id))
      .all();
    const positions = rows.some((row) => row.status === 'open') ? this.#queuePositions() : new Map<number, number>();
    return rows.map((row) => toView(row, positions.get(row.id) ?? null));
  }

  /** Every open ticket's place in the queue, in one query (a COUNT per ticket grows with the square of the queue). */
  #queuePositions(): Map<number, number> {
    const rows = this.db
      .select({ id: escalations.id, position: sql<number>`row_number() over (order by ${PRIORITY_RANK}, ${escalations.createdAt}, ${escalations.id})` })
      .from(escalations)
      .where(eq(escalations.status, 'open'))
      .all();
    return new Map(rows.map((row) => [row.id, row.position]));
  }

  /** One ticket by id (`12`) or number (`T-1012`). @throws DeskError not_found */
  view(ref: number | string): EscalationView {
    const row = this.#row(ref);
    return toView(row, this.#queuePosition(row));
  }

  /** A ticket with its transcript and audit trail. */
  detail(ref: number | string): EscalationDetail {
    const view = this.view(ref);
    const transcript: TranscriptMessage[] = this.db
      .select()
      .from(messages)
      .where(eq(messages.escalationId, view.id))
      .orderBy(asc(messages.id))
      .all()
      .map((row) => ({ from: row.sender, ...(row.agent ? { agent: row.agent } : {}), text: row.text, at: row.createdAt.toISOString() }));
    const events: AuditEntry[] = this.db
      .select()
      .from(escalationEvents)
      .where(eq(escalationEvents.escalationId, view.id))
      .orderBy(asc(escalationEvents.id))
      .all()
      .map((row) => ({ actor: row.actor, action: row.action, note: row.note, at: row.createdAt.toISOString() }));
    return { ...view, messages: transcript, events };
  }

  /** The ticket a conversation is escalated to, if it is still open or claimed. */
  activeFor(conversationId: number): EscalationView | undefined {
    const row = this.db
      .select()
      .from(escalations)
      .where(and(eq(escalations.conversationId, conversationId), inArray(escalations.status, ['open', 'claimed'])))
      .orderBy(asc(escalations.id))
      .get();
    return row ? toView(row, this.#queuePosition(row)) : undefined;
  }

  /** An agent takes a ticket; the user sees that a human has joined. */
  claim(ref: number | string, agent: AgentActor, now = new Date()): EscalationView {
    return this.#act(ref, agent, (row) => {
      if (row.status === 'claimed' && row.agentId === actorName(agent)) return;
      if (row.status === 'claimed') throw new DeskError('conflict', `${row.number} is already claimed by ${row.agent}`);
      if (row.status !== 'open') throw new DeskError('conflict', `${row.number} is ${row.status}; reopen it first`);
      this.#claimRow(row.id, agent, now);
      this.#notify(row, [{ kind: 'status', text: say(lang(row), 'agentJoined', { agent: agent.name }), agentName: agent.name }], now);
    });
  }

  /**
   * An agent's message to the user (claims the ticket first if nobody has). `messageId` is the
   * platform's id of the agent's message: a platform that delivers it again (after a crash) gets
   * the same ticket back and the user is not written to twice.
   */
  reply(ref: number | string, agent: AgentActor, text: string, options: { messageId?: string; now?: Date } = {}): EscalationView {
    const { messageId, now = new Date() } = options;
    // An agent may paste what a user should never have sent: it is redacted like a user's words.
    const body = redactSecrets(text).text.trim();
    if (!body) throw new DeskError('invalid', 'the reply is empty');
    return this.#act(ref, agent, (row) => {
      if (messageId && this.conversations.seen(row.conversationId, messageId)) return;
      if (row.status === 'resolved' || row.status === 'closed') throw new DeskError('conflict', `${row.number} is ${row.status}; reopen it first`);
      if (row.status === 'claimed' && row.agentId !== actorName(agent)) throw new DeskError('conflict', `${row.number} is claimed by ${row.agent}`);
      const replies: Reply[] = [];
      if (row.status === 'open') {
        this.#claimRow(row.id, agent, now);
        replies.push({ kind: 'status', text: say(lang(row), 'agentJoined', { agent: agent.name }), agentName: agent.name });
      }
      // The reply's text rides on the audit event so every agent desk (Telegram, Discord) can mirror it.
      this.#audit(row.id, actorName(agent), 'reply', body, now);
      replies.push({ kind: 'agent', text: body, agentName: agent.name });
      this.#notify(row, replies, now, messageId);
    });
  }

  /** An internal note: stored on the ticket, never sent to the user. */
  note(ref: number | string, agent: AgentActor, text: string, now = new Date()): EscalationView {
    const body = redactSecrets(text).text.trim();
    if (!body) throw new DeskError('invalid', 'the note is empty');
    return this.#act(ref, agent, (row) => this.#audit(row.id, actorName(agent), 'note', body, now));
  }

  /** Closes a ticket as solved: the user is told and asked for a rating; the bot takes over again. */
  resolve(ref: number | string, agent: AgentActor, resolutionNote?: string, now = new Date()): EscalationView {
    const note = resolutionNote === undefined ? null : redactSecrets(resolutionNote).text.trim() || null;
    return this.#act(ref, agent, (row) => {
      if (row.status === 'resolved' || row.status === 'closed') throw new DeskError('conflict', `${row.number} is already ${row.status}`);
      this.db
        .update(escalations)
        .set({ status: 'resolved', resolvedAt: now, updatedAt: now, agent: row.agent ?? agent.name, agentId: row.agentId ?? actorName(agent), resolutionNote: note })
        .where(eq(escalations.id, row.id))
        .run();
      this.#audit(row.id, actorName(agent), 'resolve', note, now);
      this.#setConversationMode(row, 'rating', now);
      this.#notify(row, [{ kind: 'prompt', text: say(lang(row), 'resolved', { number: row.number }), suggestions: ratingButtons() }], now);
    });
  }

  /** Opens a resolved or closed ticket again; the user's messages go to it once more. */
  reopen(ref: number | string, agent: AgentActor, now = new Date()): EscalationView {
    return this.#act(ref, agent, (row) => {
      if (row.status === 'open' || row.status === 'claimed') throw new DeskError('conflict', `${row.number} is still ${row.status}`);
      const other = this.activeFor(row.conversationId);
      if (other) throw new DeskError('conflict', `the user already has ${other.number} open`);
      this.db
        .update(escalations)
        .set({ status: 'open', agent: null, agentId: null, claimedAt: null, resolvedAt: null, updatedAt: now })
        .where(eq(escalations.id, row.id))
        .run();
      this.#audit(row.id, actorName(agent), 'reopen', null, now);
      this.#setConversationMode(row, 'escalated', now);
      this.#notify(row, [{ kind: 'status', text: say(lang(row), 'reopened', { number: row.number }) }], now);
    });
  }

  /**
   * The user reopens their own resolved or closed ticket ("not solved" → "reopen"): back in the
   * queue, unassigned, audited as a `reopen` by the user so the agent desks refresh its card.
   * ({@link reopen} is for agents: it checks `AGENT_IDS`.) Call inside the pipeline's transaction.
   * Undefined when the ticket is not this conversation's or is still active.
   */
  reopenByUser(escalationId: number, conversation: ConversationRecord, now: Date): EscalationView | undefined {
    const reopened = this.db
      .update(escalations)
      .set({ status: 'open', agent: null, agentId: null, claimedAt: null, resolvedAt: null, updatedAt: now })
      .where(and(eq(escalations.id, escalationId), eq(escalations.conversationId, conversation.id), inArray(escalations.status, ['resolved', 'closed'])))
      .run();
    if (reopened.changes === 0) return undefined;
    this.#audit(escalationId, userActor(conversation), 'reopen', 'by the user', now);
    this.conversations.attachRecent(conversation.id, escalationId);
    return this.view(escalationId);
  }

  /**
   * Replaces text a user sent earlier wherever a ticket copied it (its first words, summary and
   * audit trail): a secret recognised only once its last part arrived. Call inside the
   * pipeline's transaction, with the conversation's messages already rewritten.
   */
  scrubUserText(conversationId: number, rewrites: readonly { readonly before: string; readonly after: string }[]): void {
    const tickets = this.db.select({ id: escalations.id }).from(escalations).where(eq(escalations.conversationId, conversationId)).all().map((row) => row.id);
    if (tickets.length === 0) return;
    for (const { before, after } of rewrites) {
      this.db
        .update(escalations)
        .set({ userText: sql`replace(${escalations.userText}, ${before}, ${after})`, summary: sql`replace(${escalations.summary}, ${before}, ${after})` })
        .where(inArray(escalations.id, tickets))
        .run();
      this.db
        .update(escalationEvents)
        .set({ note: sql`replace(${escalationEvents.note}, ${before}, ${after})` })
        .where(and(inArray(escalationEvents.escalationId, tickets), sql`instr(${escalationEvents.note}, ${before}) > 0`))
        .run();
    }
  }

  /** The user closes their own ticket (`/cancel`); call inside the pipeline's transaction. */
  closeByUser(escalationId: number, conversation: ConversationRecord, now: Date): EscalationView {
    this.db.update(escalations).set({ status: 'closed', updatedAt: now }).where(eq(escalations.id, escalationId)).run();
    this.#audit(escalationId, userActor(conversation), 'closed by user', null, now);
    return this.view(escalationId);
  }

  /** Records that the user wrote to their ticket (for the agent desks); the message itself is stored by the pipeline. */
  userWrote(escalationId: number, conversation: ConversationRecord, redactedText: string, now: Date): void {
    this.db.update(escalations).set({ updatedAt: now }).where(eq(escalations.id, escalationId)).run();
    this.#audit(escalationId, userActor(conversation), 'user message', redactedText, now);
  }

  /** Stores the user's 1-5 rating of a resolved ticket. */
  rate(escalationId: number, conversation: ConversationRecord, rating: number, now: Date): void {
    this.db.update(escalations).set({ rating, updatedAt: now }).where(eq(escalations.id, escalationId)).run();
    this.#audit(escalationId, userActor(conversation), 'rated', String(rating), now);
  }

  /** Ticket changes after event `afterId`, oldest first, for agent desks that mirror the queue. */
  eventsSince(afterId: number, limit = 100): DeskEvent[] {
    const rows = this.db.select().from(escalationEvents).where(gt(escalationEvents.id, afterId)).orderBy(asc(escalationEvents.id)).limit(limit).all();
    return rows.map((row) => ({ id: row.id, action: row.action, actor: row.actor, note: row.action === 'note' ? null : row.note, escalation: this.view(row.escalationId) }));
  }

  /** The id of the newest audit event (a desk starts mirroring from here). */
  lastEventId(): number {
    return this.db.select({ id: sql<number>`coalesce(max(${escalationEvents.id}), 0)` }).from(escalationEvents).get()?.id ?? 0;
  }

  /** Remembers where a ticket is shown on a platform (a card message, a thread). */
  attachCard(escalationId: number, channel: ChannelName, cardRef: string, now = new Date()): void {
    this.db.insert(deskCards).values({ escalationId, channel, cardRef, createdAt: now }).onConflictDoNothing().run();
  }

  /** The ticket a platform card or thread belongs to. */
  ticketForCard(channel: ChannelName, cardRef: string): EscalationView | undefined {
    const row = this.db.select().from(deskCards).where(and(eq(deskCards.channel, channel), eq(deskCards.cardRef, cardRef))).get();
    return row ? this.view(row.escalationId) : undefined;
  }

  /** Where a ticket is shown on a platform, oldest first. */
  cardsOf(escalationId: number, channel: ChannelName): string[] {
    return this.db
      .select({ cardRef: deskCards.cardRef })
      .from(deskCards)
      .where(and(eq(deskCards.escalationId, escalationId), eq(deskCards.channel, channel)))
      .orderBy(asc(deskCards.id))
      .all()
      .map((row) => row.cardRef);
  }

  /** The last audit event a channel's desk has mirrored (undefined: never started). */
  deskCursor(channel: ChannelName): number | undefined {
    return this.db.select().from(deskCursors).where(eq(deskCursors.channel, channel)).get()?.lastEventId;
  }

  /** Records how far a channel's desk has mirrored. */
  setDeskCursor(channel: ChannelName, lastEventId: number): void {
    this.db.insert(deskCursors).values({ channel, lastEventId }).onConflictDoUpdate({ target: deskCursors.channel, set: { lastEventId } }).run();
  }

  /** Whether this identity may act as an agent (`AGENT_IDS`). */
  isAgent(channel: ChannelName, userId: string): boolean {
    return isAgent(this.options.agents, channel, userId);
  }

  #act(ref: number | string, agent: AgentActor, change: (row: typeof escalations.$inferSelect) => void): EscalationView {
    if (!this.isAgent(agent.channel, agent.userId)) {
      throw new DeskError('forbidden', `${agent.channel}:${agent.userId} is not an agent (AGENT_IDS)`);
    }
    return this.db.transaction(() => {
      change(this.#row(ref));
      return this.view(ref);
    });
  }

  #claimRow(id: number, agent: AgentActor, now: Date): void {
    this.db.update(escalations).set({ status: 'claimed', agent: agent.name, agentId: actorName(agent), claimedAt: now, updatedAt: now }).where(eq(escalations.id, id)).run();
    this.#audit(id, actorName(agent), 'claim', null, now);
  }

  #row(ref: number | string): typeof escalations.$inferSelect {
    const text = String(ref).trim();
    const byNumber = TICKET_NUMBER.exec(text);
    const row = byNumber
      ? this.db.select().from(escalations).where(eq(escalations.number, `T-${byNumber[1]}`)).get()
      : /^\d+$/.test(text)
        ? this.db.select().from(escalations).where(eq(escalations.id, Number(text))).get()
        : undefined;
    if (!row) throw new DeskError('not_found', `no escalation "${text}"`);
    return row;
  }

  #queuePosition(row: typeof escalations.$inferSelect): number | null {
    if (row.status !== 'open') return null;
    const ahead = this.db
      .select({ n: count() })
      .from(escalations)
      .where(
        and(
        eq(escalations.status, 'open'),
        or(
          lt(PRIORITY_RANK, rankOf(row.priority)),
          and(eq(escalations.priority, row.priority), or(lt(escalations.createdAt, row.createdAt), and(eq(escalations.createdAt, row.createdAt), lt(escalations.id, row.id)))),
          ),
        ),
      )
      .get();
    return (ahead?.n ?? 0) + 1;
  }

  #audit(escalationId: number, actor: string, action: string, note: string | null, now: Date): void {
    this.db.insert(escalationEvents).values({ escalationId, actor, action, note, createdAt: now }).run();
  }

  /** Queues replies for the user and stores them; `agentMessageId` marks the agent's message as handled. */
  #notify(row: typeof escalations.$inferSelect, replies: readonly Reply[], now: Date, agentMessageId?: string): void {
    this.#outbox.enqueue({ channel: row.channel as ChannelName, reference: row.reference, replies, escalationId: row.id }, now);
    for (const reply of replies) {
      const sender = reply.kind === 'agent' ? 'agent' : 'bot';
      const platformMessageId = sender === 'agent' ? agentMessageId : undefined;
      this.conversations.append(row.conversationId, { sender, agent: sender === 'agent' ? reply.agentName : undefined, text: reply.text, escalationId: row.id, platformMessageId }, now);
    }
  }

  #setConversationMode(row: typeof escalations.$inferSelect, mode: 'rating' | 'escalated', now: Date): void {
    const state = this.conversations.stateOf(row.conversationId);
    this.conversations.saveState(row.conversationId, { ...state, mode, escalationId: row.id, handoff: undefined }, now);
  }
}

function rankOf(priority: Priority): number {
  return priority === 'urgent' ? 0 : priority === 'high' ? 1 : 2;
}

function lang(row: typeof escalations.$inferSelect): Lang {
  return row.lang === 'zh' ? 'zh' : 'en';
}

function userActor(conversation: ConversationRecord): string {
  return `user:${conversation.userKey}`;
}

function actorName(agent: AgentActor): string {
  return `${agent.channel}:${agent.userId}`;
}

function ratingButtons(): Reply['suggestions'] {
  return [1, 2, 3, 4, 5].map((n) => ({ label: '★'.repeat(n), payload: `rate:${n}` }));
}

/** A one-line summary for the queue: the problem type and the start of the user's words. */
function summarise(intent: string, userText: string, lang: Lang): string {
  const label = say(lang, `intent.${intent}` as Parameters<typeof say>[1]);
  const words = userText.replace(/\s+/g, ' ').trim();
  return `${label}: ${words.length > 100 ? `${words.slice(0, 99)}…` : words}`;
}
