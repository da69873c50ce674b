import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Engine, Tables } from '../db/index.js';
import { isAgent, type AgentIdentity } from '../config/index.js';
import { redactSecrets } from '../safety/redact.js';
import { DeskError, policyOf, type AgentActor, type AuditAction, type ChannelName, type EscalationView, type Lang, type Reply } from '../contracts/index.js';
import { say, type MessageKey } from '../contracts/index.js';
import { conversationLock, type ConversationRecord, type ConversationStore } from '../dialogue/store.js';
import { actorKeys } from './actors.js';
import { Assignees } from './assignees.js';
import { Outbox } from './outbox.js';
import { PriorityQuota } from './priority-quota.js';
import type { TicketQueue } from './queue.js';
import { slaTerms, type SlaPolicy } from './sla.js';
import { alertsDue, autoCloseCutoff } from './sla-rules.js';
import { langOf, type EscalationRow } from './view.js';

/** What a new ticket needs; the caller creates it inside the transaction that stores the user's message. */
export interface NewEscalation {
  readonly conversation: ConversationRecord;
  readonly intent: string;
  readonly userText: string;
  readonly details: Readonly<Record<string, string>>;
  readonly lang: Lang;
  /** The network address the user wrote from, when the channel knows it (web): raised priorities per address are capped. */
  readonly origin?: string;
}

/** The ticket a user notice is about. */
export interface NoticeTicket {
  readonly id: number;
  readonly number: string;
  readonly lang: Lang;
  readonly conversationId: number;
}

/**
 * What the user hears when an agent acts on their ticket, and where their conversation goes
 * next: the dialogue words it and keeps the conversation's state (its one writer). Called
 * inside the agent action's transaction (the state changes join it).
 */
export interface UserNotices {
  /** "Alice has joined the conversation." (Words only: nothing stored.) */
  agentJoined(ticket: NoticeTicket, agentName: string): Reply;
  /** "Resolved: how would you rate the help?", with the conversation waiting for a rating. */
  resolved(ticket: NoticeTicket, now: Date): Promise<Reply>;
  /** "Reopened", with the user's messages going to the ticket again. */
  reopened(ticket: NoticeTicket, now: Date): Promise<Reply>;
  /** "Closed after `hours` without an answer from you", with the conversation back with the bot. */
  autoClosed(ticket: NoticeTicket, hours: number, now: Date): Promise<Reply>;
}

/** The lifecycle's collaborators. */
export interface TicketLifecycleDeps {
  readonly engine: Engine;
  readonly conversations: ConversationStore;
  readonly queue: TicketQueue;
  readonly notices: UserNotices;
  readonly sla: SlaPolicy;
  /** Who may act as an agent (`AGENT_IDS`), checked on every agent action. */
  readonly agents: readonly AgentIdentity[];
  readonly priorityQuota?: PriorityQuota;
}

/**
 * Ticket changes: created by the dialogue, worked by agents (claim, assign, reply, note, resolve,
 * reopen), closed, reopened or rated by their users. Every agent action checks `AGENT_IDS`;
 * every change is audited (the desks mirror the audit trail) and queues what the user should
 * see in the outbox within the same transaction. An agent action holds its ticket until it
 * commits, so two agents (on two instances too) never act on the same ticket at once.
 */
export class TicketLifecycle {
  readonly #outbox: Outbox;
  readonly #priorityQuota: PriorityQuota;
  readonly #assignees: Assignees;
  readonly #statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly deps: TicketLifecycleDeps) {
    this.#outbox = new Outbox(deps.engine);
    this.#priorityQuota = deps.priorityQuota ?? new PriorityQuota();
    this.#statements = prepareStatements(deps.engine);
    this.#assignees = new Assignees(deps.engine);
  }

  /**
   * Creates a ticket with the transcript so far, numbered after its row id (unique however many
   * instances open tickets at once). In one transaction: call inside the caller's, which it joins.
   */
  async create(input: NewEscalation, now: Date): Promise<EscalationView> {
    const wanted = policyOf(input.intent).priority;
    const priority = this.#priorityQuota.grant(input.origin, wanted, now.getTime());
    const terms = slaTerms(this.deps.sla, priority, now);
    const { conversation } = input;
    return this.deps.engine.transaction(async () => {
      const [inserted] = await this.#statements.create({
        // Unique until the number replaces it below, whichever instance inserts at the same moment.
        number: `pending-${randomUUID()}`,
        priority,
        channel: conversation.channel,
        userId: conversation.userKey,
        conversationId: conversation.id,
        displayName: conversation.displayName ?? null,
        reference: { ...conversation.reference },
        lang: input.lang,
        intent: input.intent,
        category: input.intent.split('.')[0] ?? input.intent,
        userText: input.userText.slice(0, 2000),
        summary: summarise(input.intent, input.userText, input.lang),
        details: { ...input.details },
        now,
        slaDueAt: terms.dueAt,
      });
      if (!inserted) throw new Error('ticket not created');
      // Ticket numbers follow the row id so they are short, unique and never reused.
      await this.#statements.number({ id: inserted.id, number: `T-${1000 + inserted.id}` });
      await this.deps.conversations.attachRecent(conversation.id, inserted.id);
      const capped = priority === wanted ? '' : ` (${wanted} refused: this address's quota of raised priorities is used up)`;
      await this.#audit(inserted.id, actorKeys.user(conversation.userKey), 'created', `priority ${priority}${capped}`, now);
      return this.deps.queue.view(inserted.id);
    });
  }

  /** An agent takes a ticket; the user sees that a human has joined. */
  async claim(ref: number | string, agent: AgentActor, now = new Date()): Promise<EscalationView> {
    return this.#act(ref, agent, async (row) => {
      if (row.status === 'claimed' && row.agentId === actorKeys.agent(agent)) return;
      if (row.status === 'claimed') throw new DeskError({ code: 'conflict', reason: 'claimed_by_other', number: row.number, agent: row.agent ?? '' });
      if (row.status !== 'open') throw new DeskError({ code: 'conflict', reason: 'not_active', number: row.number, status: row.status });
      await this.#claimRow(row.id, agent, now);
      await this.#notify(row, [this.deps.notices.agentJoined(noticeOf(row), agent.name)], now);
    });
  }

  /**
   * Gives an active ticket to the console agent `web:<login>`, who must be in `AGENT_IDS` with an
   * enabled console account (else `forbidden`). A claimed ticket may be handed on by the agent
   * holding it or by a console admin; an open one by any agent (they could claim it themselves).
   * Audited as a `claim` by the assignee noting who assigned it, so every desk follows it as a
   * claim; the user hears that the assignee has joined.
   */
  async assign(ref: number | string, agent: AgentActor, login: string, now = new Date()): Promise<EscalationView> {
    const by = actorKeys.agent(agent);
    return this.#act(ref, agent, async (row) => {
      const assignee = await this.#assignees.find(login);
      const to: AgentActor = { channel: 'web', userId: login, name: assignee?.name ?? login };
      if (!assignee || !this.isAgent(to.channel, to.userId)) throw new DeskError({ code: 'forbidden', reason: 'not_assignable', who: actorKeys.agent(to) });
      if (row.status !== 'open' && row.status !== 'claimed') throw new DeskError({ code: 'conflict', reason: 'not_active', number: row.number, status: row.status });
      if (row.agentId === actorKeys.agent(to)) return;
      const admin = agent.channel === 'web' && (await this.#assignees.find(agent.userId))?.admin === true;
      if (row.status === 'claimed' && row.agentId !== by && !admin) throw new DeskError({ code: 'conflict', reason: 'claimed_by_other', number: row.number, agent: row.agent ?? '' });
      await this.#claimRow(row.id, to, now, `assigned by ${by}`);
      await this.#notify(row, [this.deps.notices.agentJoined(noticeOf(row), to.name)], now);
    });
  }

  /**
   * An agent's message to the user (claims the ticket first if nobody has). `messageId` is the
   * platform's id of the agent's message: a platform that delivers it again (after a crash) gets
   * the same ticket back and the user is not written to twice.
   */
  async reply(ref: number | string, agent: AgentActor, text: string, options: { messageId?: string; now?: Date } = {}): Promise<EscalationView> {
    const { messageId, now = new Date() } = options;
    // An agent may paste what a user should never have sent: it is redacted like a user's words.
    const body = redactSecrets(text).text.trim();
    if (!body) throw new DeskError({ code: 'invalid', reason: 'empty_reply' });
    return this.#act(ref, agent, async (row) => {
      if (messageId && (await this.deps.conversations.seen(row.conversationId, messageId))) return;
      if (row.status === 'resolved' || row.status === 'closed') throw new DeskError({ code: 'conflict', reason: 'not_active', number: row.number, status: row.status });
      if (row.status === 'claimed' && row.agentId !== actorKeys.agent(agent)) throw new DeskError({ code: 'conflict', reason: 'claimed_by_other', number: row.number, agent: row.agent ?? '' });
      const replies: Reply[] = [];
      if (row.status === 'open') {
        await this.#claimRow(row.id, agent, now);
        replies.push(this.deps.notices.agentJoined(noticeOf(row), agent.name));
      }
      // The reply's text rides on the audit event so every agent desk can mirror it.
      await this.#audit(row.id, actorKeys.agent(agent), 'reply', body, now);
      replies.push({ kind: 'agent', text: body, agentName: agent.name });
      await this.#notify(row, replies, now, messageId);
    });
  }

  /** An internal note: stored on the ticket, never sent to the user. */
  async note(ref: number | string, agent: AgentActor, text: string, now = new Date()): Promise<EscalationView> {
    const body = redactSecrets(text).text.trim();
    if (!body) throw new DeskError({ code: 'invalid', reason: 'empty_note' });
    return this.#act(ref, agent, (row) => this.#audit(row.id, actorKeys.agent(agent), 'note', body, now));
  }

  /** Closes a ticket as solved: the user is told and asked for a rating; the bot takes over again. */
  async resolve(ref: number | string, agent: AgentActor, resolutionNote?: string, now = new Date()): Promise<EscalationView> {
    const note = resolutionNote === undefined ? null : redactSecrets(resolutionNote).text.trim() || null;
    return this.#act(ref, agent, async (row) => {
      if (row.status === 'resolved' || row.status === 'closed') throw new DeskError({ code: 'conflict', reason: 'already_done', number: row.number, status: row.status });
      const agentId = actorKeys.agent(agent);
      await this.deps.engine.run((db, { escalations }) =>
        db
          .update(escalations)
          .set({ status: 'resolved', resolvedAt: now, updatedAt: now, agent: row.agent ?? agent.name, agentId: row.agentId ?? agentId, resolutionNote: note })
          .where(eq(escalations.id, row.id)),
      );
      await this.#audit(row.id, agentId, 'resolve', note, now);
      await this.#notify(row, [await this.deps.notices.resolved(noticeOf(row), now)], now);
    });
  }

  /** Opens a resolved or closed ticket again; the user's messages go to it once more. */
  async reopen(ref: number | string, agent: AgentActor, now = new Date()): Promise<EscalationView> {
    return this.#act(ref, agent, async (row) => {
      if (row.status === 'open' || row.status === 'claimed') throw new DeskError({ code: 'conflict', reason: 'still_active', number: row.number, status: row.status });
      const other = await this.deps.queue.activeFor(row.conversationId);
      if (other) throw new DeskError({ code: 'conflict', reason: 'user_has_other', number: other.number });
      await this.#reopenRow(row.id, now);
      await this.#audit(row.id, actorKeys.agent(agent), 'reopen', null, now);
      await this.#notify(row, [await this.deps.notices.reopened(noticeOf(row), now)], now);
    });
  }

  /**
   * The user reopens their own resolved or closed ticket ("not solved" → "reopen"): back in the
   * queue, unassigned, audited as a `reopen` by the user so the agent desks refresh its card.
   * ({@link reopen} is for agents: it checks `AGENT_IDS`.) In one transaction: call inside the
   * pipeline's, which it joins. Undefined when the ticket is not this conversation's or is still active.
   */
  async reopenByUser(escalationId: number, conversation: ConversationRecord, now: Date): Promise<EscalationView | undefined> {
    return this.deps.engine.transaction(async () => {
      const reopened = await this.#reopenRow(escalationId, now, ({ escalations }) => and(eq(escalations.conversationId, conversation.id), inArray(escalations.status, ['resolved', 'closed'])));
      if (!reopened) return undefined;
      await this.#audit(escalationId, actorKeys.user(conversation.userKey), 'reopen', 'by the user', now);
      await this.deps.conversations.attachRecent(conversation.id, escalationId);
      return this.deps.queue.view(escalationId);
    });
  }

  /**
   * Replaces text a user sent earlier wherever a ticket copied it (its first words, summary and
   * audit trail): a secret recognised only once its last part arrived. In one transaction: call
   * inside the pipeline's, with the conversation's messages already rewritten.
   */
  async scrubUserText(conversationId: number, rewrites: readonly { readonly before: string; readonly after: string }[]): Promise<void> {
    const { engine } = this.deps;
    await engine.transaction(async () => {
      const tickets = (await engine.run((db, { escalations }) => db.select({ id: escalations.id }).from(escalations).where(eq(escalations.conversationId, conversationId)))).map((row) => row.id);
      if (tickets.length === 0) return;
      for (const { before, after } of rewrites) {
        await engine.run((db, { escalations }) =>
          db
            .update(escalations)
            .set({ userText: sql`replace(${escalations.userText}, ${before}, ${after})`, summary: sql`replace(${escalations.summary}, ${before}, ${after})` })
            .where(inArray(escalations.id, tickets)),
        );
        await engine.run((db, { escalationEvents }) =>
          db
            .update(escalationEvents)
            .set({ note: sql`replace(${escalationEvents.note}, ${before}, ${after})` })
            .where(and(inArray(escalationEvents.escalationId, tickets), engine.sql.contains(escalationEvents.note, before))),
        );
      }
    });
  }

  /** The user closes their own ticket (`/cancel`). In one transaction: call inside the pipeline's, which it joins. */
  async closeByUser(escalationId: number, conversation: ConversationRecord, now: Date): Promise<EscalationView> {
    return this.deps.engine.transaction(async () => {
      await this.deps.engine.run((db, { escalations }) => db.update(escalations).set({ status: 'closed', updatedAt: now }).where(eq(escalations.id, escalationId)));
      await this.#audit(escalationId, actorKeys.user(conversation.userKey), 'closed by user', null, now);
      return this.deps.queue.view(escalationId);
    });
  }

  /**
   * Records that the user wrote to their ticket (for the agent desks); the message itself is stored
   * by the pipeline. In one transaction: call inside the pipeline's, which it joins.
   */
  async userWrote(escalationId: number, conversation: ConversationRecord, redactedText: string, now: Date): Promise<void> {
    await this.deps.engine.transaction(async () => {
      await this.#statements.touch({ id: escalationId, now: this.deps.engine.sql.time(now) });
      await this.#audit(escalationId, actorKeys.user(conversation.userKey), 'user message', redactedText, now);
    });
  }

  /** Stores the user's 1-5 rating of a resolved ticket. In one transaction: call inside the pipeline's, which it joins. */
  async rate(escalationId: number, conversation: ConversationRecord, rating: number, now: Date): Promise<void> {
    await this.deps.engine.transaction(async () => {
      await this.deps.engine.run((db, { escalations }) => db.update(escalations).set({ rating, updatedAt: now }).where(eq(escalations.id, escalationId)));
      await this.#audit(escalationId, actorKeys.user(conversation.userKey), 'rated', String(rating), now);
    });
  }

  /**
   * Raises the SLA alerts due now (see {@link alertsDue}) as `sla breached` audit events (note:
   * the level), checked and written in one transaction that instances take in turns, so no alert
   * is raised twice, even by two processes; the desk feed then shows each on every desk once.
   * Returns how many were raised.
   */
  async raiseSlaAlerts(now = new Date()): Promise<number> {
    const { engine } = this.deps;
    return engine.transaction(async () => {
      await engine.lock('tickets:sla-alerts');
      let raised = 0;
      for (const ticket of await this.deps.queue.overdue(now)) {
        for (const level of alertsDue(ticket, now)) {
          await this.#audit(ticket.id, actorKeys.system, 'sla breached', String(level), now);
          raised++;
        }
      }
      return raised;
    });
  }

  /**
   * Closes the claimed tickets that have waited on their user for `hours` (the agent wrote last
   * and the user has not answered), each with an `auto closed` audit event and a notice to the
   * user in their language through the outbox, in one transaction with the check (instances take
   * it in turns; a ticket an agent changed meanwhile is left alone). Returns how many were closed.
   */
  async autoCloseWaiting(hours: number, now = new Date()): Promise<number> {
    if (hours <= 0) return 0;
    const { engine, queue } = this.deps;
    return engine.transaction(async () => {
      await engine.lock('tickets:auto-close');
      let closed = 0;
      for (const id of await queue.waitingOnUser(autoCloseCutoff(now, hours))) {
        const row = await queue.rowForChange(id);
        if (row.status !== 'claimed') continue;
        await engine.run((db, { escalations }) => db.update(escalations).set({ status: 'closed', updatedAt: now }).where(eq(escalations.id, id)));
        await this.#audit(id, actorKeys.system, 'auto closed', `after ${hours} h waiting on the user`, now);
        await this.#notify(row, [await this.deps.notices.autoClosed(noticeOf(row), hours, now)], now);
        closed++;
      }
      return closed;
    });
  }

  /** Whether this identity may act as an agent (`AGENT_IDS`). */
  isAgent(channel: ChannelName, userId: string): boolean {
    return isAgent(this.deps.agents, channel, userId);
  }

  /** Checks the agent, then runs `change` on the ticket's row, held, in one transaction; the ticket as it ends up. */
  async #act(ref: number | string, agent: AgentActor, change: (row: EscalationRow) => Promise<void>): Promise<EscalationView> {
    if (!this.isAgent(agent.channel, agent.userId)) throw new DeskError({ code: 'forbidden', reason: 'not_agent', who: actorKeys.agent(agent) });
    return this.deps.engine.transaction(async () => {
      // The user's conversation first (a turn of theirs in progress finishes), then the ticket.
      await this.deps.engine.lock(conversationLock((await this.deps.queue.row(ref)).userId));
      const row = await this.deps.queue.rowForChange(ref);
      await change(row);
      return this.deps.queue.view(row.id);
    });
  }

  async #claimRow(id: number, agent: AgentActor, now: Date, note: string | null = null): Promise<void> {
    const agentId = actorKeys.agent(agent);
    await this.deps.engine.run((db, { escalations }) => db.update(escalations).set({ status: 'claimed', agent: agent.name, agentId, claimedAt: now, updatedAt: now }).where(eq(escalations.id, id)));
    await this.#audit(id, agentId, 'claim', note, now);
  }

  /** Puts a ticket back in the queue, unassigned; false when `only` matched nothing. */
  async #reopenRow(id: number, now: Date, only?: (tables: Tables) => SQL | undefined): Promise<boolean> {
    const changed = await this.deps.engine.run((db, t) =>
      db
        .update(t.escalations)
        .set({ status: 'open', agent: null, agentId: null, claimedAt: null, resolvedAt: null, updatedAt: now })
        .where(only ? and(eq(t.escalations.id, id), only(t)) : eq(t.escalations.id, id))
        .returning({ id: t.escalations.id }),
    );
    return changed.length > 0;
  }

  async #audit(escalationId: number, actor: string, action: AuditAction, note: string | null, now: Date): Promise<void> {
    await this.#statements.audit({ escalationId, actor, action, note, now });
  }

  /** Queues replies for the user and stores them; `agentMessageId` marks the agent's message as handled. */
  async #notify(row: EscalationRow, replies: readonly Reply[], now: Date, agentMessageId?: string): Promise<void> {
    await this.#outbox.enqueue({ channel: row.channel as ChannelName, reference: row.reference, replies, escalationId: row.id }, now);
    for (const reply of replies) {
      const sender = reply.kind === 'agent' ? 'agent' : 'bot';
      const platformMessageId = sender === 'agent' ? agentMessageId : undefined;
      await this.deps.conversations.append(row.conversationId, { sender, agent: sender === 'agent' ? reply.agentName : undefined, text: reply.text, escalationId: row.id, platformMessageId }, now);
    }
  }
}

const p = sql.placeholder;

/** The writes of a turn that opens a ticket or writes to one, prepared once per lifecycle. */
function prepareStatements(engine: Engine) {
  return {
    create: engine.prepare('ticket_lifecycle_create', (db, { escalations }) =>
      db
        .insert(escalations)
        .values({
          number: p('number'),
          status: 'open',
          priority: p('priority'),
          channel: p('channel'),
          userId: p('userId'),
          conversationId: p('conversationId'),
          displayName: p('displayName'),
          reference: p('reference'),
          lang: p('lang'),
          intent: p('intent'),
          category: p('category'),
          userText: p('userText'),
          summary: p('summary'),
          details: p('details'),
          createdAt: p('now'),
          updatedAt: p('now'),
          slaDueAt: p('slaDueAt'),
        })
        .returning({ id: escalations.id }),
    ),
    // drizzle types an update's `set` without placeholders: bound as given.
    number: engine.prepare('ticket_lifecycle_number', (db, { escalations }) =>
      db
        .update(escalations)
        .set({ number: sql`${p('number')}` })
        .where(eq(escalations.id, p('id'))),
    ),
    // `now` bound as given: engine.sql.time of the moment.
    touch: engine.prepare('ticket_lifecycle_touch', (db, { escalations }) =>
      db
        .update(escalations)
        .set({ updatedAt: sql`${p('now')}` })
        .where(eq(escalations.id, p('id'))),
    ),
    audit: engine.prepare('ticket_lifecycle_audit', (db, { escalationEvents }) =>
      db.insert(escalationEvents).values({ escalationId: p('escalationId'), actor: p('actor'), action: p('action'), note: p('note'), createdAt: p('now') }),
    ),
  };
}

function noticeOf(row: EscalationRow): NoticeTicket {
  return { id: row.id, number: row.number, lang: langOf(row), conversationId: row.conversationId };
}

/** A one-line summary for the queue: the problem type and the start of the user's words. */
function summarise(intent: string, userText: string, lang: Lang): string {
  const label = say(lang, `intent.${intent}` as MessageKey);
  const words = userText.replace(/\s+/g, ' ').trim();
  return `${label}: ${words.length > 100 ? `${words.slice(0, 99)}…` : words}`;
}
