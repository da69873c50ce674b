import type { DetailStep, Lang } from '../contracts/index.js';

/** A hand-off being prepared: the questions still to ask and the answers so far. */
export interface PendingHandoff {
  readonly intent: string;
  readonly userText: string;
  readonly steps: readonly DetailStep[];
  readonly stepIndex: number;
  readonly details: Readonly<Record<string, string>>;
  /** Times the current question was asked again after an answer that did not fit (two at most). */
  readonly reasks?: number;
}

/** A question the bot's last message asked, so a short reply ("yes", "不用了") is read as its answer. */
export type Awaiting = 'feedback' | 'humanOffer' | 'reopenOffer';

/**
 * Where a conversation stands; stored as JSON with the conversation so that a restart
 * (or the agent desk in another process) finds it as it was.
 */
export interface DialogueState {
  readonly mode: 'bot' | 'collecting' | 'escalated' | 'rating';
  /** The language to answer in, sticky once chosen with /lang. */
  readonly lang?: Lang;
  readonly langLocked?: boolean;
  /** Bot failures in a row (fallbacks, rejected answers); two hand off to a human. */
  readonly failures: number;
  /** The last intent answered, used as the problem type when the user then asks for a human. */
  readonly lastIntent?: string;
  readonly lastUserText?: string;
  /** The bot just asked for a transaction ID. */
  readonly expectingTransactionId?: boolean;
  readonly handoff?: PendingHandoff;
  /** The open escalation while `mode` is `escalated`, or the one to rate while `rating`. */
  readonly escalationId?: number;
  readonly awaiting?: Awaiting;
  /** When a message to the open ticket was last acknowledged (ISO 8601): once a minute is enough. */
  readonly ackedAt?: string;
  /** An unclear rating was already asked again once. */
  readonly ratingReasked?: boolean;
  /** The ticket resolved last, which "not solved" offers to reopen. */
  readonly resolvedTicketId?: number;
}

/** The state of a conversation that has never been seen. */
export const INITIAL_STATE: DialogueState = { mode: 'bot', failures: 0 };
