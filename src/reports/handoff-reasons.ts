import { policyOf } from '../contracts/index.js';
import type { TicketFact } from './history.js';
import type { Session } from './sessions.js';
import type { BotSignals } from './signals.js';

/**
 * Why a conversation went to a human: the user `asked` (a button, "agent please", yes to an offer),
 * the bot `failed_twice` (two misses in a row, then a human offered and taken), the user
 * `rejected_answer` ("No" to "Did this help?", then a human), or an `urgent_intent` (a compromised
 * account goes to a human at once).
 */
export type HandoffReason = 'asked' | 'failed_twice' | 'rejected_answer' | 'urgent_intent';

/** Every reason, in the order reports list them. */
export const HANDOFF_REASONS: readonly HandoffReason[] = ['asked', 'failed_twice', 'rejected_answer', 'urgent_intent'];

/**
 * The reason of a ticket opened in `session`: read back from the turn that created it to the last
 * turn the brain decided on (the detail questions in between decide nothing).
 */
export function handoffReason(ticket: TicketFact, session: Session, signals: BotSignals): HandoffReason {
  if (policyOf(ticket.intent).priority === 'urgent') return 'urgent_intent';
  const before = session.turns.filter((turn) => turn.at.getTime() <= ticket.createdAt.getTime());
  for (const turn of before.reverse()) {
    const said = turn.messages.filter((message) => message.sender === 'bot').map((message) => signals.signalOf(message.text));
    if (said.includes('helpedNo')) return 'rejected_answer';
    if (said.includes('humanAfterMisses')) return 'failed_twice';
    if (turn.decision) return 'asked';
  }
  return 'asked';
}
