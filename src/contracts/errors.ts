/** The agent desk's refusals, as codes a desk can act on and details it can word in its language. */
import type { TicketStatus } from './tickets.js';

/** Why an agent's action on a ticket was refused (the CLI's exit code follows it). */
export type DeskErrorCode = 'not_found' | 'forbidden' | 'conflict' | 'invalid';

/** A refusal in detail: its reason, with what a desk needs to say it. */
export type DeskRefusal =
  | { readonly code: 'not_found'; readonly reason: 'no_ticket'; readonly ref: string }
  | { readonly code: 'forbidden'; readonly reason: 'not_agent'; readonly who: string }
  | { readonly code: 'forbidden'; readonly reason: 'not_assignable'; readonly who: string }
  | { readonly code: 'conflict'; readonly reason: 'claimed_by_other'; readonly number: string; readonly agent: string }
  | { readonly code: 'conflict'; readonly reason: 'not_active'; readonly number: string; readonly status: TicketStatus }
  | { readonly code: 'conflict'; readonly reason: 'already_done'; readonly number: string; readonly status: TicketStatus }
  | { readonly code: 'conflict'; readonly reason: 'still_active'; readonly number: string; readonly status: TicketStatus }
  | { readonly code: 'conflict'; readonly reason: 'user_has_other'; readonly number: string }
  | { readonly code: 'invalid'; readonly reason: 'empty_reply' | 'empty_note' };

/** The reasons a desk may be refused, for wording them. */
export type DeskRefusalReason = DeskRefusal['reason'];

/**
 * An agent action the desk refuses. The message (English, for the CLI and logs) says why without
 * ticket content for a non-agent; {@link refusal} lets a chat desk say it in its own language.
 */
export class DeskError extends Error {
  override readonly name = 'DeskError';
  readonly code: DeskErrorCode;

  constructor(readonly refusal: DeskRefusal) {
    super(describeRefusal(refusal));
    this.code = refusal.code;
  }
}

function describeRefusal(refusal: DeskRefusal): string {
  switch (refusal.reason) {
    case 'no_ticket':
      return `no escalation "${refusal.ref}"`;
    case 'not_agent':
      return `${refusal.who} is not an agent (AGENT_IDS)`;
    case 'not_assignable':
      return `${refusal.who} cannot take tickets: it needs an enabled console account and an AGENT_IDS entry`;
    case 'claimed_by_other':
      return `${refusal.number} is already claimed by ${refusal.agent}`;
    case 'not_active':
      return `${refusal.number} is ${refusal.status}; reopen it first`;
    case 'already_done':
      return `${refusal.number} is already ${refusal.status}`;
    case 'still_active':
      return `${refusal.number} is still ${refusal.status}`;
    case 'user_has_other':
      return `the user already has ${refusal.number} open`;
    case 'empty_reply':
      return 'the reply is empty';
    case 'empty_note':
      return 'the note is empty';
  }
}
