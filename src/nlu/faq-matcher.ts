import type { Lang } from '../contracts/index.js';
import type { FaqEntry, KnowledgeBase } from './knowledge-base.js';
import { extractFeatures } from './features.js';
import { normalizeText } from './normalize.js';
import { QuestionIndex } from './question-index.js';

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
  readonly lang: Lang;
}

/** A set of question rows and their index. */
interface Scope {
  readonly rows: readonly QuestionRow[];
  readonly index: QuestionIndex;
}

/** The tokens of features already seen (`extractFeatures` hands the same array back for a text it has just read). */
const tokensOf = new WeakMap<readonly string[], readonly string[]>();

/**
 * The classifier's own tokens, distinct: stemmed English words and Chinese words, characters
 * and bigrams, so unspaced Chinese matches word by word.
 */
function tokenize(text: string): readonly string[] {
  const features = extractFeatures(text);
  let tokens = tokensOf.get(features);
  if (!tokens) {
    const distinct = new Set<string>();
    for (const feature of features) if (feature.startsWith('w:') || feature.startsWith('z:')) distinct.add(feature.slice(2));
    tokens = [...distinct];
    tokensOf.set(features, tokens);
  }
  return tokens;
}

/** Rows considered per search before keeping one per entry. */
const CANDIDATE_ROWS = 20;

function scope(rows: readonly QuestionRow[]): Scope {
  return {
    rows,
    index: new QuestionIndex(
      rows.map((row) => normalizeText(row.question)),
      tokenize,
    ),
  };
}

/**
 * Token matching of a query against every FAQ question variant in both languages, scored like
 * fuse.js's token search (IDF-weighted tokens, typos forgiven by fuse.js's fuzzy matching —
 * see `question-index.ts`): picks the specific entry within an intent, and gives a second
 * opinion when the classifier is unsure.
 */
export class FaqMatcher {
  readonly #all: Scope;
  readonly #byIntent = new Map<string, Scope>();

  constructor(knowledgeBase: KnowledgeBase) {
    const rows = knowledgeBase.entries.flatMap((entry) => (['en', 'zh'] as const).flatMap((lang) => entry.questions[lang].map((question) => ({ entry, question, lang }))));
    this.#all = scope(rows);
    const intents = new Set(rows.map((row) => row.entry.intent));
    for (const intent of intents) this.#byIntent.set(intent, scope(rows.filter((row) => row.entry.intent === intent)));
  }

  /**
   * The best matching entries (one row per entry, best question), optionally within one intent.
   * @param limit how many entries at most
   */
  search(text: string, options: { intent?: string; limit?: number } = {}): FaqMatch[] {
    const query = normalizeText(text).slice(0, 64);
    if (!query) return [];
    const target = options.intent ? this.#byIntent.get(options.intent) : this.#all;
    if (!target) return [];
    const seen = new Set<string>();
    const matches: FaqMatch[] = [];
    for (const hit of target.index.search(query, CANDIDATE_ROWS)) {
      const row = target.rows[hit.row]!;
      if (seen.has(row.entry.id)) continue;
      seen.add(row.entry.id);
      matches.push({ entry: row.entry, question: row.question, lang: row.lang, score: hit.score });
      if (matches.length >= (options.limit ?? 3)) break;
    }
    return matches;
  }
}
