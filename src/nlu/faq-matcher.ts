import Fuse, { type IFuseOptions } from 'fuse.js';
import type { Lang } from '../core/types.js';
import type { FaqEntry, KnowledgeBase } from './knowledge-base.js';
import { extractFeatures } from './features.js';
import { normalizeText } from './normalize.js';

/** A FAQ entry that fuzzily matches a query; `score` 0 is a perfect match, 1 none at all. */
export interface FaqMatch {
  readonly entry: FaqEntry;
  readonly question: string;
  readonly lang: Lang;
  readonly score: number;
}

interface QuestionRow {
  readonly entry: FaqEntry;
  readonly question: string;
  readonly normalized: string;
  readonly lang: Lang;
}

/**
 * Fuse's token search (TF-IDF over tokens) with the classifier's own tokens: stemmed English
 * words and Chinese characters and bigrams, so unspaced Chinese matches word by word.
 */
const FUSE_OPTIONS: IFuseOptions<QuestionRow> = {
  keys: ['normalized'],
  includeScore: true,
  ignoreLocation: true,
  // Token search fuzzy-matches each token; a tighter threshold prunes faster and still forgives a typo.
  threshold: 0.3,
  useTokenSearch: true,
  tokenMatch: 'any',
  // Distinct tokens only: fuse fuzzy-matches each query token, so repeats cost time and add nothing.
  tokenize: (text) => [...new Set(extractFeatures(text).flatMap((feature) => (feature.startsWith('w:') || feature.startsWith('z:') ? [feature.slice(2)] : [])))],
};

/**
 * Fuzzy matching (fuse.js) of a query against every FAQ question variant in both
 * languages: picks the specific entry within an intent, and gives a second opinion
 * when the classifier is unsure.
 */
export class FaqMatcher {
  readonly #all: Fuse<QuestionRow>;
  readonly #byIntent = new Map<string, Fuse<QuestionRow>>();

  constructor(knowledgeBase: KnowledgeBase) {
    const rows = knowledgeBase.entries.flatMap((entry) =>
      (['en', 'zh'] as const).flatMap((lang) =>
        entry.questions[lang].map((question) => ({ entry, question, lang, normalized: normalizeText(question) })),
      ),
    );
    this.#all = new Fuse(rows, FUSE_OPTIONS);
    const intents = new Set(rows.map((row) => row.entry.intent));
    for (const intent of intents) {
      this.#byIntent.set(intent, new Fuse(rows.filter((row) => row.entry.intent === intent), FUSE_OPTIONS));
    }
  }

  /**
   * The best matching entries (one row per entry, best question), optionally within one intent.
   * @param limit how many entries at most
   */
  search(text: string, options: { intent?: string; limit?: number } = {}): FaqMatch[] {
    const query = normalizeText(text).slice(0, 64);
    if (!query) return [];
    const index = options.intent ? this.#byIntent.get(options.intent) : this.#all;
    if (!index) return [];
    const seen = new Set<string>();
    const matches: FaqMatch[] = [];
    for (const hit of index.search(query, { limit: 20 })) {
      if (seen.has(hit.item.entry.id)) continue;
      seen.add(hit.item.entry.id);
      matches.push({ entry: hit.item.entry, question: hit.item.question, lang: hit.item.lang, score: hit.score ?? 1 });
      if (matches.length >= (options.limit ?? 3)) break;
    }
    return matches;
  }
}
