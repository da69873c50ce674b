import { and, asc, count, eq, gt, inArray, isNull, lt, lte, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Engine, Tables } from '../db/index.js';
import {
  DeskError,
  type AuditAction,
  type AuditEntry,
  type DeskChange,
  type DeskEvent,
  type EscalationDetail,
  type EscalationView,
  type Lang,
  type Priority,
  type QueueFilter,
  type SlaLevel,
  type TicketStatus,
  type TranscriptMessage,
} from '../contracts/index.js';
import { parseActor } from './actors.js';
import type { OverdueTicket } from './sla-rules.js';
import { toView, type EscalationRow } from './view.js';

/** A ticket's priority as its rank in the queue (urgent first). */
const priorityRank = ({ escalations }: Tables) => sql<number>`case ${escalations.priority} when 'urgent' then 0 when 'high' then 1 else 2 end`;
/** A ticket's status as its rank in the queue (open first). */
const statusRank = ({ escalations }: Tables) => sql<number>`case ${escalations.status} when 'open' then 0 when 'claimed' then 1 when 'resolved' then 2 else 3 end`;
const TICKET_NUMBER = /^T-?(\d+)$/i;
/** The largest id a ticket may have (ids are 32-bit integers on Postgres). */
const MAX_ID = 2 ** 31 - 1;

/** The agents' console's inbox filters and search; every one optional, all of them must hold. */
export interface InboxFilter extends QueueFilter {
  /** The user's language. */
  readonly lang?: Lang;
  /** Only the tickets this agent identity (`web:alice`) claimed. */
  readonly agentId?: string;
  /** Only the tickets nobody has claimed. */
  readonly unassigned?: boolean;
  /** A ticket number (`T-1001`, `1001`), or part of the user's id or name, a transaction ID or an e-mail. */
  readonly search?: string;
}

/** Where a page of the queue ends: the last ticket's place in the queue's order. */
export interface QueueCursor {
  readonly statusRank: number;
  readonly priorityRank: number;
  readonly createdAtMs: number;
  readonly id: number;
}

const STATUS_ORDER: readonly TicketStatus[] = ['open', 'claimed', 'resolved', 'closed'];
const PRIORITY_ORDER: readonly Priority[] = ['urgent', 'high', 'normal'];

function cursorAfter(ticket: EscalationView): QueueCursor {
  return { statusRank: STATUS_ORDER.indexOf(ticket.status), priorityRank: PRIORITY_ORDER.indexOf(ticket.priority), createdAtMs: Date.parse(ticket.createdAt), id: ticket.id };
}

/** A cursor as text for a command line or a URL (opaque to its users). */
export function encodeQueueCursor(cursor: QueueCursor): string {
  return Buffer.from(JSON.stringify([cursor.statusRank, cursor.priorityRank, cursor.createdAtMs, cursor.id])).toString('base64url');
}

/** A cursor read back from {@link encodeQueueCursor}'s text; undefined when it is not one. */
export function decodeQueueCursor(text: string): QueueCursor | undefined {
  try {
    const parts: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parts) || parts.length !== 4 || !parts.every((part) => Number.isSafeInteger(part) && (part as number) >= 0)) return undefined;
    const [statusRank, priorityRank, createdAtMs, id] = parts as number[];
    return { statusRank: statusRank!, priorityRank: priorityRank!, createdAtMs: createdAtMs!, id: id! };
  } catch {
    return undefined;
  }
}

/** A transcript message with the bot's decision on it (the user's messages and the bot's answers carry one). */
export interface TranscriptLine extends TranscriptMessage {
  readonly intent: string | null;
  /** The brain's confidence, in percent. */
  readonly confidence: number | null;
  /** What the bot did: answer, clarify, escalate, fallback... */
  readonly action: string | null;
}

/**
 * Reading tickets: the agents' queue, one ticket, its transcript and audit trail, and the
 * changes since a desk last looked. Queue positions come from one query per read, never one
 * per ticket. Every read runs inside the caller's transaction when there is one.
 */
export class TicketQueue {
  readonly #statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly engine: Engine) {
    this.#statements = prepareStatements(engine);
  }

  /** The queue: open first by priority (urgent, high, normal), then oldest first. */
  async list(filter: QueueFilter = {}): Promise<EscalationView[]> {
    return this.inbox(filter);
  }

  /**
   * One page of {@link list}: at most `limit` tickets after `after` (the previous page's end),
   * and where this page ends when more may follow. Pages follow the queue's order by key, so a
   * ticket opened meanwhile does not shift the pages after it.
   */
  async page(filter: QueueFilter, limit: number, after?: QueueCursor): Promise<{ readonly tickets: EscalationView[]; readonly next?: QueueCursor }> {
    const tickets = await this.inbox(filter, { limit, after });
    const last = tickets.at(-1);
    return tickets.length === limit && last ? { tickets, next: cursorAfter(last) } : { tickets };
  }

  /** The console's inbox: {@link list}'s order, with the console's filters and search (optionally one page of it). */
  async inbox(filter: InboxFilter = {}, page: { readonly limit?: number; readonly after?: QueueCursor } = {}): Promise<EscalationView[]> {
    const { engine } = this;
    const rows = await engine.run((db, t) => {
      const { escalations } = t;
      const after = page.after;
      const conditions = [
        filter.status?.length ? inArray(escalations.status, [...filter.status] as TicketStatus[]) : undefined,
        filter.priority ? eq(escalations.priority, filter.priority) : undefined,
        filter.channel ? eq(escalations.channel, filter.channel) : undefined,
        filter.agent ? eq(escalations.agent, filter.agent) : undefined,
        filter.lang ? eq(escalations.lang, filter.lang) : undefined,
        filter.agentId ? eq(escalations.agentId, filter.agentId) : undefined,
        filter.unassigned ? isNull(escalations.agentId) : undefined,
        filter.search?.trim() ? searchCondition(engine, t, filter.search.trim()) : undefined,
        after
          ? sql`(${statusRank(t)}, ${priorityRank(t)}, ${escalations.createdAt}, ${escalations.id}) > (${after.statusRank}, ${after.priorityRank}, ${engine.sql.time(new Date(after.createdAtMs))}, ${after.id})`
          : undefined,
      ].filter((condition) => condition !== undefined);
      const query = db
        .select()
        .from(escalations)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(statusRank(t), priorityRank(t), asc(escalations.createdAt), asc(escalations.id));
      return page.limit === undefined ? query : query.limit(page.limit);
    });
    return this.#views(rows);
  }

  /** A ticket's transcript with the bot's decisions, oldest first. */
  async transcript(ticketId: number): Promise<TranscriptLine[]> {
    const rows = await this.engine.run((db, { messages }) => db.select().from(messages).where(eq(messages.escalationId, ticketId)).orderBy(asc(messages.id)));
    return rows.map((row) => ({
      from: row.sender,
      ...(row.agent ? { agent: row.agent } : {}),
      text: row.text,
      at: row.createdAt.toISOString(),
      intent: row.intent,
      confidence: row.confidence,
      action: row.action,
    }));
  }

  /** One ticket by id (`12`) or number (`T-1012`). @throws DeskError not_found */
  async view(ref: number | string): Promise<EscalationView> {
    const row = await this.row(ref);
    return toView(row, await this.#queuePosition(row));
  }

  /** A ticket with its transcript and audit trail. @throws DeskError not_found */
  async detail(ref: number | string): Promise<EscalationDetail> {
    const view = await this.view(ref);
    const messageRows = await this.engine.run((db, { messages }) => db.select().from(messages).where(eq(messages.escalationId, view.id)).orderBy(asc(messages.id)));
    const eventRows = await this.engine.run((db, { escalationEvents }) => db.select().from(escalationEvents).where(eq(escalationEvents.escalationId, view.id)).orderBy(asc(escalationEvents.id)));
    const transcript: TranscriptMessage[] = messageRows.map((row) => ({ from: row.sender, ...(row.agent ? { agent: row.agent } : {}), text: row.text, at: row.createdAt.toISOString() }));
    const events: AuditEntry[] = eventRows.map((row) => ({ actor: row.actor, action: row.action, note: row.note, at: row.createdAt.toISOString() }));
    return { ...view, messages: transcript, events };
  }

  /** The ticket a conversation is escalated to, if it is still open or claimed. */
  async activeFor(conversationId: number): Promise<EscalationView | undefined> {
    const [row] = await this.#statements.activeFor({ conversationId });
    return row ? toView(row, await this.#queuePosition(row)) : undefined;
  }

  /**
   * Ticket changes after audit event `afterId`, oldest first, for the desks that mirror the
   * queue: three queries however many events (the events, their tickets, the queue positions).
   */
  async eventsSince(afterId: number, limit = 100): Promise<DeskEvent[]> {
    const rows = await this.engine.run((db, { escalationEvents }) => db.select().from(escalationEvents).where(gt(escalationEvents.id, afterId)).orderBy(asc(escalationEvents.id)).limit(limit));
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.map((row) => row.escalationId))];
    const ticketRows = await this.engine.run((db, { escalations }) => db.select().from(escalations).where(inArray(escalations.id, ids)));
    const tickets = new Map((await this.#views(ticketRows)).map((view) => [view.id, view]));
    return rows.flatMap((row) => {
      const change = changeOf(row.action as AuditAction, row.note);
      const ticket = tickets.get(row.escalationId);
      return change && ticket ? [{ ...change, id: row.id, at: row.createdAt.toISOString(), actor: parseActor(row.actor), ticket }] : [];
    });
  }

  /**
   * Open tickets nobody has taken (no claim, no reply) whose first reply was due by `now`, with
   * the SLA alert levels already raised for each: one query.
   */
  async overdue(now: Date): Promise<OverdueTicket[]> {
    // Spelled out: drizzle leaves columns unqualified in a one-table select, which a subquery would misread.
    const raised = (level: SlaLevel) =>
      sql<number>`(select count(*) from escalation_events as raised where raised.escalation_id = "escalations"."id" and raised.action = 'sla breached' and raised.note = ${String(level)})`.mapWith(
        Number,
      );
    const rows = await this.engine.run((db, { escalations }) =>
      db
        .select({ id: escalations.id, createdAt: escalations.createdAt, slaDueAt: escalations.slaDueAt, level1: raised(1), level2: raised(2) })
        .from(escalations)
        .where(and(eq(escalations.status, 'open'), isNull(escalations.claimedAt), lte(escalations.slaDueAt, now)))
        .orderBy(asc(escalations.id)),
    );
    return rows.map(({ level1, level2, ...ticket }) => ({ ...ticket, raised: [...(level1 > 0 ? [1 as const] : []), ...(level2 > 0 ? [2 as const] : [])] }));
  }

  /**
   * Claimed tickets waiting on their user since `cutoff` or earlier: the last message an agent
   * wrote to the user is from then, and the user has written nothing since (bot notices do not
   * count). The ids, oldest first.
   */
  async waitingOnUser(cutoff: Date): Promise<number[]> {
    const lastAgentMessage = sql`(select max(agent.id) from messages as agent where agent.escalation_id = "escalations"."id" and agent.sender = 'agent')`;
    const rows = await this.engine.run((db, { escalations, messages }) =>
      db
        .select({ id: escalations.id })
        .from(escalations)
        .innerJoin(messages, eq(messages.id, lastAgentMessage))
        .where(
          and(
            eq(escalations.status, 'claimed'),
            lte(messages.createdAt, cutoff),
            sql`not exists (select 1 from messages as later where later.conversation_id = "escalations"."conversation_id" and later.sender = 'user' and later.id > "messages"."id")`,
          ),
        )
        .orderBy(asc(escalations.id)),
    );
    return rows.map((row) => row.id);
  }

  /** The id of the newest audit event (a desk starts mirroring from here). */
  async lastEventId(): Promise<number> {
    const [row] = await this.engine.run((db, { escalationEvents }) => db.select({ id: sql<number>`coalesce(max(${escalationEvents.id}), 0)`.mapWith(Number) }).from(escalationEvents));
    return row?.id ?? 0;
  }

  /** The stored row of a ticket by id or number, for the ticket lifecycle. @throws DeskError not_found */
  async row(ref: number | string): Promise<EscalationRow> {
    const text = String(ref).trim();
    const byNumber = TICKET_NUMBER.exec(text);
    // An id past the columns' 32-bit range (Postgres's `integer`) is no ticket, rather than an error.
    const id = /^\d+$/.test(text) && Number(text) <= MAX_ID ? Number(text) : undefined;
    const [row] = byNumber ? await this.#statements.byNumber({ number: `T-${byNumber[1]}` }) : id !== undefined ? await this.#statements.byId({ id }) : [];
    if (!row) throw new DeskError({ code: 'not_found', reason: 'no_ticket', ref: text });
    return row;
  }

  /**
   * {@link row}, held for the caller's transaction: another change to the ticket (from another
   * instance too) waits until that transaction ends, and the row returned is read after any change
   * that ran first. Call inside a transaction. @throws DeskError not_found
   */
  async rowForChange(ref: number | string): Promise<EscalationRow> {
    const { id } = await this.row(ref);
    await this.engine.lock(`escalation:${id}`);
    // Read again once held: a change that held it before may have committed since the first read.
    return this.row(id);
  }

  /** Rows as views, with the queue positions of the open ones from one query. */
  async #views(rows: readonly EscalationRow[]): Promise<EscalationView[]> {
    const positions = rows.some((row) => row.status === 'open') ? await this.#queuePositions() : new Map<number, number>();
    return rows.map((row) => toView(row, positions.get(row.id) ?? null));
  }

  /** Every open ticket's place in the queue, in one query (a COUNT per ticket grows with the square of the queue). */
  async #queuePositions(): Promise<Map<number, number>> {
    const rows = await this.engine.run((db, t) =>
      db
        .select({ id: t.escalations.id, position: sql<number>`row_number() over (order by ${priorityRank(t)}, ${t.escalations.createdAt}, ${t.escalations.id})`.mapWith(Number) })
        .from(t.escalations)
        .where(eq(t.escalations.status, 'open')),
    );
    return new Map(rows.map((row) => [row.id, row.position]));
  }

  /** One open ticket's place in the queue: the tickets ahead of it, counted. */
  async #queuePosition(row: EscalationRow): Promise<number | null> {
    if (row.status !== 'open') return null;
    const [ahead] = await this.#statements.ahead({ rank: rankOf(row.priority), priority: row.priority, createdAt: this.engine.sql.time(row.createdAt), id: row.id });
    return (ahead?.n ?? 0) + 1;
  }
}

const p = sql.placeholder;

/** The reads of a turn (a user's active ticket and its place), prepared once per queue. */
function prepareStatements(engine: Engine) {
  return {
    activeFor: engine.prepare('ticket_queue_active_for', (db, { escalations }) =>
      db
        .select()
        .from(escalations)
        .where(and(eq(escalations.conversationId, p('conversationId')), inArray(escalations.status, ['open', 'claimed'])))
        .orderBy(asc(escalations.id))
        .limit(1),
    ),
    byId: engine.prepare('ticket_queue_by_id', (db, { escalations }) =>
      db
        .select()
        .from(escalations)
        .where(eq(escalations.id, p('id'))),
    ),
    byNumber: engine.prepare('ticket_queue_by_number', (db, { escalations }) =>
      db
        .select()
        .from(escalations)
        .where(eq(escalations.number, p('number'))),
    ),
    // `createdAt` is bound as given: engine.sql.time of the ticket's creation.
    ahead: engine.prepare('ticket_queue_ahead', (db, t) =>
      db
        .select({ n: count() })
        .from(t.escalations)
        .where(
          and(
            eq(t.escalations.status, 'open'),
            or(
              lt(priorityRank(t), p('rank')),
              and(eq(t.escalations.priority, p('priority')), or(lt(t.escalations.createdAt, p('createdAt')), and(eq(t.escalations.createdAt, p('createdAt')), lt(t.escalations.id, p('id'))))),
            ),
          ),
        ),
    ),
  };
}

/**
 * A search: the ticket's number, or a part of the user's id or name, the transaction ID or the
 * e-mail, ignoring ASCII case on every engine (LIKE, wildcards escaped).
 */
function searchCondition(engine: Engine, { escalations }: Tables, text: string): SQL | undefined {
  const pattern = `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  const contains = (column: SQLWrapper) => engine.sql.likeIgnoringCase(column, pattern);
  const number = TICKET_NUMBER.exec(text) ?? /^(\d+)$/.exec(text);
  return or(
    number ? eq(escalations.number, `T-${number[1]}`) : undefined,
    contains(escalations.userId),
    contains(escalations.displayName),
    contains(engine.sql.jsonText(escalations.details, 'transactionId')),
    contains(engine.sql.jsonText(escalations.details, 'email')),
  );
}

function rankOf(priority: Priority): number {
  return priority === 'urgent' ? 0 : priority === 'high' ? 1 : 2;
}

/** What an audit entry means for the desks; undefined for an action this version does not know. */
function changeOf(action: AuditAction, note: string | null): DeskChange | undefined {
  switch (action) {
    case 'created':
      return { type: 'opened' };
    case 'claim':
      return { type: 'claimed' };
    case 'user message':
      return { type: 'user_message', text: note ?? '' };
    case 'reply':
      return { type: 'agent_reply', text: note ?? '' };
    case 'note':
      return { type: 'note' };
    case 'resolve':
      return { type: 'resolved', note };
    case 'reopen':
      return { type: 'reopened' };
    case 'closed by user':
      return { type: 'closed_by_user' };
    case 'rated':
      return { type: 'rated', rating: Number(note) };
    case 'delivery failed':
      return { type: 'delivery_failed', reason: note ?? '' };
    case 'sla breached':
      return { type: 'sla_breached', level: note === '2' ? 2 : 1 };
    case 'auto closed':
      return { type: 'auto_closed' };
    default:
      return undefined;
  }
}
