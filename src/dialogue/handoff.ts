import { policyOf, type DetailStep, type Lang } from '../contracts/index.js';
import { say, type MessageKey } from '../contracts/index.js';
import type { PendingHandoff } from './state.js';

/** The details to ask for before handing off (the intent's policy), skipping those already known. */
export function detailSteps(intent: string, known: Readonly<Record<string, string>>): DetailStep[] {
  return policyOf(intent).handoff.filter((step) => !(step in known));
}

/**
 * The hand-off re-planned for a better-known intent ("我的提现没到账" typed after /human): the
 * questions already asked stay asked, the rest follow the new intent (a transaction ID for
 * missing funds), skipping what is known.
 */
export function replan(handoff: PendingHandoff, intent: string, details: Readonly<Record<string, string>>): PendingHandoff {
  const asked = handoff.steps.slice(0, handoff.stepIndex + 1);
  const rest = detailSteps(intent, details).filter((step) => !asked.includes(step));
  return { ...handoff, intent, details, steps: [...asked, ...rest] };
}

/** The question for a step, in the user's language. */
export function detailQuestion(step: DetailStep, intent: string, lang: Lang): string {
  if (step === 'problemType') {
    // A request for a human or an unknown question says nothing of the problem: ask for it.
    if (policyOf(intent).kind === 'request' || policyOf(intent).kind === 'out_of_scope') return say(lang, 'askDescribe');
    return say(lang, 'askProblemType', { problem: say(lang, `intent.${intent}` as MessageKey) });
  }
  const keys: Record<Exclude<DetailStep, 'problemType'>, MessageKey> = {
    occurredAt: 'askWhen',
    errorMessage: 'askError',
    transactionId: 'askTransactionIdStep',
    email: 'askEmail',
  };
  return say(lang, keys[step]);
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@.]{2,}$/;
// A chain hash (0x + 64 hex, or 64 hex), a base58/alphanumeric hash, or a platform order number.
const TRANSACTION_ID = /^(?:0x)?[0-9a-f]{64}$|^[1-9A-HJ-NP-Za-km-z]{43,90}$|^[A-Za-z0-9_-]{8,40}$/i;

// What users write before the id itself: "tx", "交易ID:", "order no. ", "订单号", "#".
const LABEL = /^(?:(?:tx ?hash|tx ?id|tx|hash|transaction(?: id| hash)?|order(?: (?:no|number|id))?|交易id|交易哈希|交易号|订单编号|订单号|订单|单号)\.?\s*[:：#]?\s*|#)/i;

/** The outcome of checking a detail answer: the value to store, or the message to re-ask with. */
export type DetailCheck = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: MessageKey };

/** Validates an answer to a detail step (an e-mail must look like one; a transaction ID like a hash or an id). */
export function checkDetail(step: DetailStep, answer: string): DetailCheck {
  const value = answer.trim().slice(0, 500);
  if (step === 'email') return EMAIL.test(value) ? { ok: true, value } : { ok: false, error: 'invalidEmail' };
  if (step === 'transactionId') {
    const id = value
      .normalize('NFKC')
      .replace(LABEL, '')
      .replace(/^.*\/tx\//, '');
    return TRANSACTION_ID.test(id) && /\d/.test(id) ? { ok: true, value: id } : { ok: false, error: 'invalidTransactionId' };
  }
  return { ok: true, value };
}

/** Finds a transaction ID in free text ("txid 0xabc…"), for users who send it unasked. */
export function findTransactionId(text: string): string | undefined {
  return /(?:0x)?[0-9a-f]{64}/i.exec(text)?.[0];
}
