/**
 * The intent taxonomy (its ids are a contract, see DESIGN.md) and what the bot does for each:
 * one row per intent, read by the brain (answer or escalate), the pipeline ("Did this help?",
 * the follow-up offer, vague intents), the hand-off (its questions) and the tickets (priority).
 */

/** Every intent id of the taxonomy. */
export const INTENT_IDS = [
  'account.forgot_password',
  'account.locked',
  'transaction.pending',
  'withdrawal.not_received',
  'funds.how_to_deposit_withdraw',
  'security.suspicious_activity',
  'security.account_compromised',
  'security.account_protection',
  'usage.how_to',
  'support.response_time',
  'support.contact',
  'platform.maintenance',
  'community.forum',
  'agent.request',
  'smalltalk.greeting',
  'smalltalk.thanks',
  'smalltalk.goodbye',
  'none',
] as const;

/** An intent id of the taxonomy. */
export type IntentId = (typeof INTENT_IDS)[number];

/** How urgent a ticket is; the queue is ordered by it. */
export type Priority = 'urgent' | 'high' | 'normal';

/** A question of the short dialogue before a hand-off (the details the article says support needs). */
export type DetailStep = 'problemType' | 'occurredAt' | 'errorMessage' | 'transactionId' | 'email';

/** What the bot offers after answering: a human, a look-up by transaction ID, or a security check by a human. */
export type FollowUp = 'offer_human' | 'ask_transaction_id' | 'offer_verification';

/**
 * What an intent says about the user's problem: `problem` (a specific one), `request` (wants a
 * human, says nothing of the problem), `smalltalk` (hello, thanks), `out_of_scope`.
 */
export type IntentKind = 'problem' | 'request' | 'smalltalk' | 'out_of_scope';

/** The rules for one intent. */
export interface IntentPolicy {
  readonly kind: IntentKind;
  /** When the brain is sure of it: answer from the FAQ, or hand off to a human at once. */
  readonly action: 'answer' | 'escalate';
  /** The priority of a ticket about it. */
  readonly priority: Priority;
  /** Whether an answer ends with "Did this help?". */
  readonly askFeedback: boolean;
  /** The questions asked before a hand-off about it, in order (each skippable). */
  readonly handoff: readonly DetailStep[];
  /** What the bot offers after its answer (an FAQ entry may name its own). */
  readonly followUp?: FollowUp;
}

const BASIC: readonly DetailStep[] = ['problemType', 'occurredAt', 'errorMessage', 'email'];
const WITH_TRANSACTION: readonly DetailStep[] = ['problemType', 'occurredAt', 'errorMessage', 'transactionId', 'email'];

const problem = (extra: Partial<IntentPolicy> = {}): IntentPolicy => ({ kind: 'problem', action: 'answer', priority: 'normal', askFeedback: true, handoff: BASIC, ...extra });
const smalltalk: IntentPolicy = { kind: 'smalltalk', action: 'answer', priority: 'normal', askFeedback: false, handoff: BASIC };

/** The policy of every intent: the one place these rules are written. */
export const INTENT_POLICY: { readonly [id in IntentId]: IntentPolicy } = {
  'account.forgot_password': problem(),
  'account.locked': problem({ followUp: 'offer_human' }),
  'transaction.pending': problem({ priority: 'high', handoff: WITH_TRANSACTION, followUp: 'ask_transaction_id' }),
  'withdrawal.not_received': problem({ priority: 'high', handoff: WITH_TRANSACTION, followUp: 'offer_human' }),
  'funds.how_to_deposit_withdraw': problem({ handoff: WITH_TRANSACTION }),
  'security.suspicious_activity': problem({ handoff: WITH_TRANSACTION, followUp: 'offer_verification' }),
  'security.account_compromised': problem({ action: 'escalate', priority: 'urgent' }),
  'security.account_protection': problem(),
  'usage.how_to': problem(),
  'support.response_time': problem(),
  'support.contact': problem(),
  'platform.maintenance': problem(),
  'community.forum': problem(),
  'agent.request': { kind: 'request', action: 'escalate', priority: 'normal', askFeedback: true, handoff: BASIC },
  'smalltalk.greeting': smalltalk,
  'smalltalk.thanks': smalltalk,
  'smalltalk.goodbye': smalltalk,
  none: { kind: 'out_of_scope', action: 'answer', priority: 'normal', askFeedback: true, handoff: BASIC },
};

/** The policy of a label outside the taxonomy (e.g. a BANKING77 category under `eval`): a plain problem. */
const OUTSIDE_TAXONOMY: IntentPolicy = problem();

/** Whether `value` is an intent id of the taxonomy. */
export function isIntentId(value: string): value is IntentId {
  return Object.hasOwn(INTENT_POLICY, value);
}

/** The policy of an intent; a label outside the taxonomy is treated as a plain problem. */
export function policyOf(intent: string): IntentPolicy {
  return isIntentId(intent) ? INTENT_POLICY[intent] : OUTSIDE_TAXONOMY;
}

/** Says nothing specific about the problem (a request for a human, small talk, out of scope): a later description may tell more. */
export function isVague(intent: string): boolean {
  return policyOf(intent).kind !== 'problem';
}
