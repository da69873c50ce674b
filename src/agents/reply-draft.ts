import type { Lang } from '../contracts/index.js';
import type { TranscriptLine } from '../escalation/queue.js';
import type { Brain } from '../nlu/brain.js';
import { redactSecrets } from '../safety/redact.js';

/** A FAQ answer the brain offers an agent as the start of a reply. */
export interface ReplyDraft {
  /** The FAQ entry it comes from. */
  readonly faqId: string;
  /** The user's question it answers (as stored: redacted). */
  readonly question: string;
  /** The entry's answer in the ticket's language. */
  readonly text: string;
}

/** Intents whose FAQ entries answer no question (thanks, greetings): never a draft. */
const NOT_A_QUESTION = 'smalltalk.';

/**
 * The brain's best FAQ answer for the user's last question on a ticket, in the user's language,
 * redacted: the newest user message the classifier reads as a known question (at least as sure as
 * the bot must be to answer), answered by that intent's best-matching entry. Undefined when the
 * user asked nothing the FAQ answers.
 */
export function replyDraft(brain: Brain, transcript: readonly TranscriptLine[], lang: Lang): ReplyDraft | undefined {
  for (const line of transcript.toReversed()) {
    if (line.from !== 'user') continue;
    const [top] = brain.classifier.predict(line.text, 1);
    if (!top || top.confidence < brain.policy.answerThreshold || top.label.startsWith(NOT_A_QUESTION)) continue;
    const entry = brain.matcher.search(line.text, { intent: top.label, limit: 1 })[0]?.entry ?? brain.knowledgeBase.forIntent(top.label)[0];
    if (entry) return { faqId: entry.id, question: line.text, text: redactSecrets(brain.knowledgeBase.answer(entry, lang)).text };
  }
  return undefined;
}
