import { and, eq, gte, inArray, lt, min } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { conversations, escalations, messages } from '../db/schema.js';
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

/** Reads the messages and tickets of `period` (read-only). */
export function readHistory(db: Database, period: Period): History {
  const rows = db
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
    .orderBy(messages.createdAt, messages.id)
    .all();
  const tickets = db
    .select()
    .from(escalations)
    .where(and(gte(escalations.createdAt, period.since), lt(escalations.createdAt, new Date(period.until.getTime() + HANDOFF_WINDOW_MS))))
    .orderBy(escalations.id)
    .all();
  const ids = tickets.map((ticket) => ticket.id);
  const firstReplies = new Map(
    ids.length === 0
      ? []
      : db
          .select({ id: messages.escalationId, at: min(messages.createdAt) })
          .from(messages)
          .where(and(eq(messages.sender, 'agent'), inArray(messages.escalationId, ids)))
          .groupBy(messages.escalationId)
          .all()
          .map((row) => [row.id, row.at] as const),
  );
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
      firstReplyAt: toDate(firstReplies.get(ticket.id)),
    })),
  };
}

/** `min()` over a timestamp column comes back as the raw number. */
function toDate(value: Date | number | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}
