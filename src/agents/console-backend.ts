import type { Database } from '../db/index.js';
import type { DeskEvent, EscalationView } from '../contracts/index.js';
import type { InboxFilter, TicketQueue, TranscriptLine } from '../escalation/queue.js';
import { AgentAccounts } from './accounts.js';
import { ConsoleAuth } from './console-auth.js';
import { AgentSessions, type SessionPolicy } from './sessions.js';

/**
 * What the agents' web console needs from the core besides the desk it acts through: sign-in,
 * the inbox with its filters, transcripts with the bot's decisions, and the desk events it
 * streams to the browsers (from any id, so a page that reconnects gets what it missed).
 */
export interface ConsoleBackend {
  readonly auth: ConsoleAuth;
  /** Tickets: open first by priority, then oldest; filtered and searched. */
  inbox(filter: InboxFilter): EscalationView[];
  /** A ticket's transcript with the bot's decisions. */
  transcript(ticketId: number): TranscriptLine[];
  /** Desk events after audit event `afterId`, oldest first (at most 100). */
  eventsSince(afterId: number): DeskEvent[];
  /** The newest audit event's id. */
  lastEventId(): number;
}

/** The console's backend over the bot's database and ticket queue. */
export function createConsoleBackend(db: Database, queue: TicketQueue, sessions: SessionPolicy): ConsoleBackend {
  return {
    auth: new ConsoleAuth(new AgentAccounts(db), new AgentSessions(db, sessions)),
    inbox: (filter) => queue.inbox(filter),
    transcript: (ticketId) => queue.transcript(ticketId),
    eventsSince: (afterId) => queue.eventsSince(afterId),
    lastEventId: () => queue.lastEventId(),
  };
}
