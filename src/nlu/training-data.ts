import { readFileSync } from 'node:fs';
import { isIntentId, type IntentId, type Lang } from '../contracts/index.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { LabelledText } from './classifier.js';

/** The out-of-scope class. */
export const OUT_OF_SCOPE: IntentId = 'none';

/** The languages every intent is trained in. */
export const TRAINING_LANGS = ['en', 'zh'] as const satisfies readonly Lang[];

/** Training phrases per language and intent, in the shape of `intents/<lang>.json`. */
export type IntentPhrases = Readonly<Record<Lang, Readonly<Record<string, readonly string[]>>>>;

const INTENTS_DIR = new URL('../../intents/', import.meta.url);

/**
 * Reads `intents/<lang>.json` for both languages.
 * @throws Error naming a file or intent that does not fit the taxonomy.
 */
export function readIntentFiles(dir: URL = INTENTS_DIR): IntentPhrases {
  const read = (lang: Lang) => {
    const file = new URL(`${lang}.json`, dir);
    const utterances = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
    for (const intent of Object.keys(utterances)) {
      if (!isIntentId(intent)) throw new Error(`${file.pathname}: "${intent}" is not an intent of the taxonomy`);
    }
    return utterances;
  };
  return { en: read('en'), zh: read('zh') };
}

/** The classifier's training set: the phrases of every intent plus every FAQ question variant (labelled with its entry's intent). */
export function trainingExamples(phrases: IntentPhrases, knowledgeBase: KnowledgeBase): LabelledText[] {
  const examples: LabelledText[] = [];
  for (const lang of TRAINING_LANGS) {
    for (const [intent, texts] of Object.entries(phrases[lang])) for (const text of texts) examples.push({ text, label: intent });
  }
  for (const entry of knowledgeBase.entries) {
    for (const lang of TRAINING_LANGS) {
      for (const text of entry.questions[lang]) examples.push({ text, label: entry.intent });
    }
  }
  return examples;
}

/**
 * The classifier's training set from the files: the utterances of `intents/<lang>.json` plus every
 * FAQ question variant.
 * @throws Error naming a file or intent that does not fit the taxonomy.
 */
export function loadTrainingData(knowledgeBase: KnowledgeBase, dir: URL = INTENTS_DIR): LabelledText[] {
  return trainingExamples(readIntentFiles(dir), knowledgeBase);
}
