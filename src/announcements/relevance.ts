/**
 * Which questions an active maintenance notice answers first: maintenance itself, pending
 * transactions (maintenance delays them), and "is it down?" however the brain classified it.
 */

/** The intents a maintenance notice comes before. */
const ANSWERED_FIRST: ReadonlySet<string> = new Set(['platform.maintenance', 'transaction.pending']);

/** "Is it down?", "the app won't load", "网站打不开", "是不是宕机了" … */
const ASKS_IF_DOWN =
  /\b(is|are) (it|the \w+|\w+) (down|offline|broken)\b|\b(down|offline) (now|today|again|for everyone)\b|\boutage\b|\bnot (loading|working|responding)\b|\b(won'?t|can'?t|cannot|doesn'?t) (load|open|connect)\b|宕机|挂了|崩了|打不开|无法访问|访问不了|连不上|进不去|登不进去/iu;

/** Whether the user asks if the service is down or unreachable. */
export function asksIfDown(words: string): boolean {
  return ASKS_IF_DOWN.test(words);
}

/** Whether an active maintenance notice should be said before the answer to this question. */
export function maintenanceComesFirst(intent: string, words: string): boolean {
  return ANSWERED_FIRST.has(intent) || asksIfDown(words);
}
