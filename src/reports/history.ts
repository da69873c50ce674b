import { and, asc, eq, gte, inArray, lt, min } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
import type { Period } from './period.js';

/** One stored message, with its conversation's channel: what the reports read. */
export interface MessageFact {
  readonly conversationId: number;
  readonly channel: string;
  readonly sender: 'user' | 'bot' | 'agent';
  readonly text: string;
  readonly intent: string | null;
  readonly action: string | null;
  readonly at: Date;
}

/** One ticket, with the time of its first agent reply. */
export interface TicketFact {
  readonly id: number;
  readonly conversationId: number;
  readonly channel: string;
  readonly lang: string;
  readonly intent: string;
  readonly agent: string | null;
  readonly rating: number | null;
  readonly createdAt: Date;
  readonly slaDueAt: Date;
  readonly firstReplyAt: Date | null;
}

/** The stored history a report is computed from. */
export interface History {
  /** Messages written in the period, oldest first. */
  readonly messages: readonly MessageFact[];
  /** Tickets created from the period's start until a day after its end (a hand-off within 24 h counts). */
  readonly tickets: readonly TicketFact[];
}

/** How long after a conversation a hand-off still counts against its automated resolution. */
export const HANDOFF_WINDOW_MS = 24 * 3_600_000;

/**
 * Reads the messages and tickets of `period` (read-only, in plain portable SQL: the figures are
 * computed from these rows in JS, the same on either engine).
 */
export async function readHistory(engine: Engine, period: Period): Promise<History> {
  const ticketsUntil = new Date(period.until.getTime() + HANDOFF_WINDOW_MS);
  return engine.run(async (db, { conversations, escalations, messages }) => {
    const ticketsInWindow = and(gte(escalations.createdAt, period.since), lt(escalations.createdAt, ticketsUntil));
    const rows = await db
      .select({
        conversationId: messages.conversationId,
        channel: conversations.channel,
        sender: messages.sender,
        text: messages.text,
        intent: messages.intent,
        action: messages.action,
        at: messages.createdAt,
      })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(gte(messages.createdAt, period.since), lt(messages.createdAt, period.until)))
      .orderBy(asc(messages.createdAt), asc(messages.id));
    const tickets = await db.select().from(escalations).where(ticketsInWindow).orderBy(asc(escalations.id));
    // The tickets' first agent replies: the same tickets as a subquery (no list of ids bound, however many there are).
    const firstReplies =
      tickets.length === 0
        ? []
        : await db
            .select({ id: messages.escalationId, at: min(messages.createdAt) })
            .from(messages)
            .where(and(eq(messages.sender, 'agent'), inArray(messages.escalationId, db.select({ id: escalations.id }).from(escalations).where(ticketsInWindow))))
            .groupBy(messages.escalationId);
    const replied = new Map(firstReplies.map((row) => [row.id, row.at] as const));
    return {
      messages: rows,
      tickets: tickets.map((ticket) => ({
        id: ticket.id,
        conversationId: ticket.conversationId,
        channel: ticket.channel,
        lang: ticket.lang,
        intent: ticket.intent,
        agent: ticket.agent,
        rating: ticket.rating,
        createdAt: ticket.createdAt,
        slaDueAt: ticket.slaDueAt,
        firstReplyAt: toDate(replied.get(ticket.id)),
      })),
    };
  });
}

/** `min()` over a timestamp column comes back as a `Date` (mapped by the column); a raw number or text, should a driver hand one, is read as a time too. */
function toDate(value: Date | number | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}
