import type { Lang, Suggestion } from '../contracts/index.js';
import type { Brain, Decision } from '../nlu/brain.js';
import { say } from '../contracts/index.js';

/** What re-wording a decision needs from the brain. */
export type Wording = Pick<Brain, 'answerEntry' | 'knowledgeBase'>;

/**
 * The brain's decision with every text in `lang`: the brain answers in the language a message is
 * written in, but a user who pinned a language (or writes the odd word in the other one) gets
 * one language per turn. Intent, confidence and action stay as decided.
 */
export function inLanguage(decision: Decision, lang: Lang, wording: Wording): Decision {
  const secondary = decision.secondary && inLanguage(decision.secondary, lang, wording);
  if (decision.lang === lang) return secondary === decision.secondary ? decision : { ...decision, secondary };
  return { ...decision, lang, reply: replyIn(decision, lang, wording), suggestions: decision.suggestions.map((suggestion) => labelIn(suggestion, lang, wording)), secondary };
}

function replyIn(decision: Decision, lang: Lang, wording: Wording): string {
  if (decision.faqId) return wording.answerEntry(decision.faqId, lang)?.reply ?? decision.reply;
  switch (decision.action) {
    case 'clarify':
      return say(lang, 'clarify');
    case 'fallback':
      return say(lang, 'fallback');
    case 'escalate':
      return say(lang, 'collectIntro');
    case 'answer':
      return decision.reply;
  }
}

function labelIn(suggestion: Suggestion, lang: Lang, wording: Wording): Suggestion {
  if (suggestion.payload === 'human') return { ...suggestion, label: say(lang, 'button.human') };
  const faqId = suggestion.payload.startsWith('faq:') ? suggestion.payload.slice(4) : undefined;
  const question = faqId ? wording.knowledgeBase.byId(faqId)?.questions[lang][0] : undefined;
  return question ? { ...suggestion, label: question } : suggestion;
}
