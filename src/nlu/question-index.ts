/**
 * An inverted index over FAQ question rows that scores a query the way fuse.js's token search
 * does (IDF-weighted share of the query's tokens found in a row, raised to the row's field
 * norm), without fuzzy-matching every token against every row: a token the index knows (or
 * one too short to forgive a typo in) counts in the rows whose text contains it; only a token
 * it does not know is fuzzy-matched, by fuse.js, against the known tokens that share enough
 * character bigrams with it, and counts in the rows holding those.
 */
import Fuse from 'fuse.js';

/** One scored row: its position in the rows given to the index, and a fuse-style score (0 best, 1 none). */
export interface IndexHit {
  readonly row: number;
  readonly score: number;
}

/** How close a typo must be to a known token (fuse.js bitap threshold: errors per character). */
const FUZZY_THRESHOLD = 0.3;
/** Tokens shorter than this cannot be within the threshold with one error, so are never fuzzy-matched. */
const MIN_FUZZY_LENGTH = 4;
/** At most this many unknown tokens of a query are fuzzy-matched, so a long garbled text stays cheap. */
const MAX_FUZZY_TOKENS = 6;
/** fuse.js never scores a match below this. */
const MIN_SCORE = 0.001;
const FUZZY_OPTIONS = { ignoreLocation: true, threshold: FUZZY_THRESHOLD };
/** Tokens whose matching rows an index remembers (its texts never change); the cap bounds a long-running bot. */
const ROWS_CACHE_LIMIT = 5_000;

/** The rows a token counts in and the credit it earns in each (1 exact, less for a typo). */
interface RowCredits {
  readonly rows: Int32Array;
  readonly credits: Float64Array;
}

const NO_ROWS: RowCredits = { rows: new Int32Array(0), credits: new Float64Array(0) };

function rowCredits(credits: ReadonlyMap<number, number>): RowCredits {
  return { rows: Int32Array.from(credits.keys()), credits: Float64Array.from(credits.values()) };
}

/** Whether hit (`score`, `row`) ranks before `other`: lower score first, ties in row order. */
function ranksBefore(score: number, row: number, other: IndexHit): boolean {
  return score < other.score || (score === other.score && row < other.row);
}

/** fuse.js's field norm: 1 / sqrt(whitespace-separated words), to 3 decimals. */
function fieldNorm(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length || 1;
  return Math.round(1000 / Math.sqrt(words)) / 1000;
}

function bigrams(token: string): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i + 2 <= token.length; i++) grams.add(token.slice(i, i + 2));
  return grams;
}

/** Token search over a fixed set of texts (see the module comment). */
export class QuestionIndex {
  readonly #texts: readonly string[];
  readonly #postings = new Map<string, number[]>();
  readonly #norms: Float64Array;
  readonly #rowsWithTokens: number;
  /** Known tokens by the character bigrams they contain, to find a typo's candidates. */
  readonly #byBigram = new Map<string, string[]>();
  /** The rows each token seen in a query counts in: finding them scans every row's text, and queries repeat their tokens. */
  readonly #rowsCache = new Map<string, RowCredits>();

  /**
   * @param texts the rows, already normalised
   * @param tokenize the same tokens for rows and queries (distinct per text)
   */
  constructor(
    texts: readonly string[],
    private readonly tokenize: (text: string) => readonly string[],
  ) {
    this.#texts = texts;
    this.#norms = Float64Array.from(texts, fieldNorm);
    let rowsWithTokens = 0;
    texts.forEach((text, row) => {
      const tokens = new Set(tokenize(text));
      if (tokens.size > 0) rowsWithTokens++;
      for (const token of tokens) {
        const posting = this.#postings.get(token);
        if (posting) posting.push(row);
        else this.#postings.set(token, [row]);
      }
    });
    this.#rowsWithTokens = rowsWithTokens;
    for (const token of this.#postings.keys()) {
      for (const gram of bigrams(token)) {
        const list = this.#byBigram.get(gram);
        if (list) list.push(token);
        else this.#byBigram.set(gram, [token]);
      }
    }
  }

  /** Okapi-style IDF over the rows holding the token, as fuse.js's token search computes it. */
  #idf(token: string): number {
    const df = this.#postings.get(token)?.length ?? 0;
    return Math.log(1 + (this.#rowsWithTokens - df + 0.5) / (df + 0.5));
  }

  /**
   * Rows holding `token` or whose text contains it (fuse.js's exact match, also inside longer
   * words); a stem such as "happi" is held by "happy" without being part of its text.
   */
  #containing(token: string): Map<number, number> {
    const rows = new Map<number, number>((this.#postings.get(token) ?? []).map((row) => [row, 1]));
    this.#texts.forEach((text, row) => {
      if (text.includes(token)) rows.set(row, 1);
    });
    return rows;
  }

  /**
   * Rows holding a known token within fuse.js's fuzzy threshold of an unknown one, each with its
   * best credit (1 - fuzzy score). Only known tokens sharing enough character bigrams with it are
   * tried: k errors can destroy at most 2k of a token's bigrams.
   */
  #fuzzy(token: string): Map<number, number> {
    const grams = bigrams(token);
    const errors = Math.floor(FUZZY_THRESHOLD * token.length);
    const needed = Math.max(1, grams.size - 2 * errors);
    const shared = new Map<string, number>();
    for (const gram of grams) for (const known of this.#byBigram.get(gram) ?? []) shared.set(known, (shared.get(known) ?? 0) + 1);
    const rows = new Map<number, number>();
    for (const [known, count] of shared) {
      if (count < needed) continue;
      const match = Fuse.match(token, known, FUZZY_OPTIONS);
      if (!match.isMatch) continue;
      const credit = 1 - Math.max(MIN_SCORE, match.score ?? 1);
      for (const row of this.#postings.get(known)!) rows.set(row, Math.max(rows.get(row) ?? 0, credit));
    }
    return rows;
  }

  /** The rows a query token counts in, with their credit: exact for a known (or short) token, fuzzy for an unknown one. */
  #rowsFor(token: string, known: boolean): RowCredits {
    let rows = this.#rowsCache.get(token);
    if (!rows) {
      rows = rowCredits(known ? this.#containing(token) : this.#fuzzy(token));
      if (this.#rowsCache.size >= ROWS_CACHE_LIMIT) this.#rowsCache.clear();
      this.#rowsCache.set(token, rows);
    }
    return rows;
  }

  /** Rows matching at least one query token, best first (ties in row order); at most `limit`. */
  search(query: string, limit: number): IndexHit[] {
    const earned = new Float64Array(this.#texts.length);
    const matched = new Uint8Array(this.#texts.length);
    const touched: number[] = [];
    let totalIdf = 0;
    let fuzzyLeft = MAX_FUZZY_TOKENS;
    for (const token of new Set(this.tokenize(query))) {
      const idf = this.#idf(token);
      totalIdf += idf;
      const known = this.#postings.has(token) || token.length < MIN_FUZZY_LENGTH;
      const { rows, credits } = known || fuzzyLeft-- > 0 ? this.#rowsFor(token, known) : NO_ROWS;
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k]!;
        if (!matched[row]) {
          matched[row] = 1;
          touched.push(row);
        }
        earned[row]! += idf * credits[k]!;
      }
    }
    if (totalIdf <= 0) return [];
    return this.#best(touched, earned, totalIdf, limit);
  }

  /** The `limit` best of the touched rows, in order, without sorting them all (a common word touches most rows). */
  #best(touched: readonly number[], earned: Float64Array, totalIdf: number, limit: number): IndexHit[] {
    const best: IndexHit[] = [];
    if (limit <= 0) return best;
    for (const row of touched) {
      const score = Math.max(MIN_SCORE, 1 - earned[row]! / totalIdf) ** this.#norms[row]!;
      if (best.length === limit && !ranksBefore(score, row, best[limit - 1]!)) continue;
      if (best.length === limit) best.pop();
      let at = best.length;
      while (at > 0 && ranksBefore(score, row, best[at - 1]!)) at--;
      best.splice(at, 0, { row, score });
    }
    return best;
  }
}
