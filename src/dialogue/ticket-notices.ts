import type { Lang, Reply } from '../contracts/index.js';
import { say } from '../contracts/index.js';
import { ratingButtons } from './rating.js';
import type { ConversationStore } from './store.js';

/** The ticket a notice is about: its id, number, the user's language and conversation. */
export interface NoticeTarget {
  readonly id: number;
  readonly number: string;
  readonly lang: Lang;
  readonly conversationId: number;
}

/**
 * What a user hears when an agent acts on their ticket, in their language, and where their
 * conversation goes next (through the conversation store, the one writer of dialogue state).
 * The ticket lifecycle calls it inside the agent action's transaction.
 */
export class TicketNotices {
  constructor(private readonly store: ConversationStore) {}

  /** "Alice has joined the conversation." */
  agentJoined(ticket: NoticeTarget, agentName: string): Reply {
    return { kind: 'status', text: say(ticket.lang, 'agentJoined', { agent: agentName }), agentName };
  }

  /** The ticket is resolved: the user is asked for a rating, and their next message may give it. */
  async resolved(ticket: NoticeTarget, now: Date): Promise<Reply> {
    await this.store.followTicket(ticket.conversationId, 'rating', ticket.id, now);
    return { kind: 'prompt', text: say(ticket.lang, 'resolved', { number: ticket.number }), suggestions: ratingButtons() };
  }

  /**
   * The ticket was closed after waiting `hours` on the user: their conversation is back with the
   * bot (if it was still following the ticket), and "not solved" offers to reopen it.
   */
  async autoClosed(ticket: NoticeTarget, hours: number, now: Date): Promise<Reply> {
    const state = await this.store.stateOf(ticket.conversationId);
    if (state.escalationId === ticket.id) await this.store.saveState(ticket.conversationId, { ...state, mode: 'bot', escalationId: undefined, resolvedTicketId: ticket.id }, now);
    return { kind: 'status', text: say(ticket.lang, 'autoClosed', { number: ticket.number, hours }) };
  }

  /** The ticket is open again: the user's messages go to it once more. */
  async reopened(ticket: NoticeTarget, now: Date): Promise<Reply> {
    await this.store.followTicket(ticket.conversationId, 'escalated', ticket.id, now);
    return { kind: 'status', text: say(ticket.lang, 'reopened', { number: ticket.number }) };
  }
}
