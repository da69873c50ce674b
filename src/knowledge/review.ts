import type { Brain } from '../nlu/brain.js';
import { clusterBySimilarity } from './clusters.js';
import type { UnansweredQuestion } from './unanswered.js';

/** How many example texts a group shows. */
const EXAMPLES = 3;

/** A group of similar questions the bot missed, with what it comes closest to. */
export interface MissedGroup {
  readonly count: number;
  /** The questions' ids (for `kb dismiss`). */
  readonly ids: readonly number[];
  /** Why they were missed: fallback, clarify, not_helpful ("No"). */
  readonly reasons: Readonly<Record<string, number>>;
  readonly langs: readonly string[];
  /** Up to three texts (redacted when stored), the most typical first. */
  readonly examples: readonly string[];
  /** The intent the classifier leans to for the most typical question, and how sure it is. */
  readonly closestIntent: { readonly intent: string; readonly confidence: number };
  /** The FAQ entry whose questions match it best, if any. */
  readonly closestFaq: { readonly id: string; readonly score: number } | null;
  readonly lastAt: string;
}

/** Groups missed questions by the classifier's own features (cosine of its TF-IDF vectors), largest group first. */
export function reviewMissed(questions: readonly UnansweredQuestion[], brain: Brain): MissedGroup[] {
  return clusterBySimilarity(questions, (question) => brain.classifier.features(question.text)).map(({ items, representative }) => {
    const [top] = brain.classifier.predict(representative.text, 1);
    const [faq] = brain.matcher.search(representative.text, { limit: 1 });
    const reasons: Record<string, number> = {};
    for (const item of items) reasons[item.reason] = (reasons[item.reason] ?? 0) + 1;
    const examples = [representative.text, ...items.map((item) => item.text).filter((text) => text !== representative.text)];
    return {
      count: items.length,
      ids: items.map((item) => item.id),
      reasons,
      langs: [...new Set(items.map((item) => item.lang))].sort(),
      examples: [...new Set(examples)].slice(0, EXAMPLES),
      closestIntent: { intent: top?.label ?? 'none', confidence: Math.round((top?.confidence ?? 0) * 1000) / 1000 },
      closestFaq: faq ? { id: faq.entry.id, score: Math.round(faq.score * 1000) / 1000 } : null,
      lastAt: new Date(Math.max(...items.map((item) => item.at.getTime()))).toISOString(),
    };
  });
}
