import { readFileSync } from 'node:fs';
import { isIntentId, type IntentId, type Lang } from '../contracts/index.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { LabelledText } from './classifier.js';

/** The out-of-scope class. */
export const OUT_OF_SCOPE: IntentId = 'none';

const INTENTS_DIR = new URL('../../intents/', import.meta.url);

/**
 * The classifier's training set: the utterances of `intents/<lang>.json` plus every
 * FAQ question variant (labelled with its entry's intent).
 * @throws Error naming a file or intent that does not fit the taxonomy.
 */
export function loadTrainingData(knowledgeBase: KnowledgeBase, dir: URL = INTENTS_DIR): LabelledText[] {
  const examples: LabelledText[] = [];
  for (const lang of ['en', 'zh'] as const satisfies readonly Lang[]) {
    const file = new URL(`${lang}.json`, dir);
    const utterances = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
    for (const [intent, texts] of Object.entries(utterances)) {
      if (!isIntentId(intent)) {
        throw new Error(`${file.pathname}: "${intent}" is not an intent of the taxonomy`);
      }
      for (const text of texts) examples.push({ text, label: intent });
    }
  }
  for (const entry of knowledgeBase.entries) {
    for (const lang of ['en', 'zh'] as const) {
      for (const text of entry.questions[lang]) examples.push({ text, label: entry.intent });
    }
  }
  return examples;
}
