/**
 * Ticket changes as the agent desks receive them: a discriminated union that every desk
 * handles with an exhaustive `switch`, so a new kind of change is a compile error in every desk
 * until it is handled.
 */
import type { Actor, EscalationView } from './tickets.js';

/**
 * The actions of a ticket's audit trail, as stored and as `escalations show --json` prints them
 * (`events[].action`). An assignment is a `claim` by the assignee with the note `assigned by <who>`,
 * so every desk follows it as a claim; `tag`/`untag` (note: the tag) change no desk's card.
 */
export type AuditAction =
  'created' | 'claim' | 'reply' | 'note' | 'resolve' | 'reopen' | 'closed by user' | 'user message' | 'rated' | 'delivery failed' | 'sla breached' | 'auto closed' | 'tag' | 'untag';

/** How late a ticket's first reply is: `1` once its SLA passed, `2` at twice the time. */
export type SlaLevel = 1 | 2;

/** What changed. */
export type DeskChange =
  | { readonly type: 'opened' }
  | { readonly type: 'claimed' }
  /** The user wrote to their ticket (redacted). */
  | { readonly type: 'user_message'; readonly text: string }
  /** An agent answered the user, on any desk. */
  | { readonly type: 'agent_reply'; readonly text: string }
  /** An internal note; its text stays on the ticket (`escalations show`), not in the chat desks. */
  | { readonly type: 'note' }
  | { readonly type: 'resolved'; readonly note: string | null }
  | { readonly type: 'reopened' }
  | { readonly type: 'closed_by_user' }
  | { readonly type: 'rated'; readonly rating: number }
  /** A message to the user was set aside for good (the user blocked the bot, the chat is gone). */
  | { readonly type: 'delivery_failed'; readonly reason: string }
  /** The first reply is overdue (level 1), or twice overdue (level 2). */
  | { readonly type: 'sla_breached'; readonly level: SlaLevel }
  /** Closed by the bot after waiting on the user too long. */
  | { readonly type: 'auto_closed' };

/** The kinds of {@link DeskChange}. */
export type DeskEventType = DeskChange['type'];

/** A ticket change for the agent desks: what changed, who did it, and the ticket as it is now. */
export type DeskEvent = DeskChange & {
  /** The audit event's id: desks keep a cursor of the last one they mirrored. */
  readonly id: number;
  readonly at: string;
  readonly actor: Actor;
  readonly ticket: EscalationView;
};
