/**
 * Turns messages into sparse TF-IDF vectors over the features of `features.ts`, and
 * measures how much of a message the vocabulary knows (its feature coverage).
 */
import { extractFeatures } from './features.js';

/** A sparse vector: feature indices and their (L2-normalised) weights. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** A vectorised message and the share of its informative words the vocabulary knows. */
export interface VectorizedText {
  readonly vector: SparseVector;
  /**
   * IDF-weighted share of the message's words (`w:` features) seen in training, in [0, 1]:
   * an unseen word counts as the rarest kind, so "what about the Lakers game" scores low
   * even though its stop words and character trigrams are known. 0 for a message without words.
   */
  readonly coverage: number;
}

/** How often each feature occurs in one message, keyed by feature index. */
export type TermCounts = ReadonlyMap<number, number>;

/**
 * The training texts as feature counts over one shared vocabulary: fitted once, then
 * any subset of its documents can get its own {@link Vectorizer} (for held-out folds).
 */
export class Corpus {
  private constructor(
    readonly vocabulary: ReadonlyMap<string, number>,
    /** 1 where the feature is a word (`w:`), the features coverage is measured on. */
    readonly isWord: Uint8Array,
    readonly documents: readonly TermCounts[],
  ) {}

  /**
   * Counts the features of every text. Feature strings are turned into indices one text at
   * a time, so the ~130 strings per text die young instead of burdening the GC.
   */
  static of(texts: readonly string[]): Corpus {
    const vocabulary = new Map<string, number>();
    const words: number[] = [];
    const documents = texts.map((text) => {
      const counts = new Map<number, number>();
      for (const feature of extractFeatures(text)) {
        let j = vocabulary.get(feature);
        if (j === undefined) {
          j = vocabulary.size;
          vocabulary.set(feature, j);
          words[j] = feature.startsWith('w:') ? 1 : 0;
        }
        counts.set(j, (counts.get(j) ?? 0) + 1);
      }
      return counts;
    });
    return new Corpus(vocabulary, Uint8Array.from(words), documents);
  }
}

/** A fitted {@link Vectorizer} as plain data: features in index order, and its tables. */
export interface VectorizerModel {
  readonly vocabulary: readonly string[];
  readonly isWord: Uint8Array;
  readonly idf: Float32Array;
  readonly unseenIdf: number;
}

/** Maps messages to sparse vectors: features weighted by sublinear TF × IDF, L2-normalised. */
export class Vectorizer {
  private constructor(
    private readonly vocabulary: ReadonlyMap<string, number>,
    private readonly isWord: Uint8Array,
    /** IDF per feature of the corpus; 0 for a feature none of this vectorizer's documents has. */
    private readonly idf: Float32Array,
    /** The IDF a never-seen feature would have (document frequency 0). */
    private readonly unseenIdf: number,
  ) {}

  /**
   * Fits the IDF table on the documents `rows` of `corpus` (all by default); features
   * only other documents have are unseen to this vectorizer, as they would be in production.
   */
  static fit(corpus: Corpus, rows?: readonly number[]): Vectorizer {
    const documentFrequency = new Float32Array(corpus.vocabulary.size);
    const chosen = rows ?? corpus.documents.map((_, i) => i);
    for (const i of chosen) for (const j of corpus.documents[i]!.keys()) documentFrequency[j]!++;
    // Smoothed IDF (as in scikit-learn), so a feature present everywhere still counts a little.
    const n = chosen.length;
    const idf = documentFrequency.map((df) => (df > 0 ? Math.log((1 + n) / (1 + df)) + 1 : 0));
    return new Vectorizer(corpus.vocabulary, corpus.isWord, idf, Math.log(1 + n) + 1);
  }

  /** The fitted tables as plain data (for another thread; see {@link Vectorizer.fromModel}). */
  toModel(): VectorizerModel {
    return { vocabulary: [...this.vocabulary.keys()], isWord: this.isWord, idf: this.idf, unseenIdf: this.unseenIdf };
  }

  /** A vectorizer from {@link Vectorizer.toModel}'s data: the same vectors as the one that made it. */
  static fromModel(model: VectorizerModel): Vectorizer {
    return new Vectorizer(new Map(model.vocabulary.map((feature, i) => [feature, i])), model.isWord, model.idf, model.unseenIdf);
  }

  /** Number of feature indices a weight table must cover. */
  get size(): number {
    return this.idf.length;
  }

  /** Vectorises a document of the corpus the vectorizer was fitted on. */
  vectorize(counts: TermCounts): VectorizedText {
    return this.weigh(counts, 0);
  }

  /** Vectorises one message (features unseen in training are ignored) and measures its coverage. */
  transform(text: string): VectorizedText {
    const counts = new Map<number, number>();
    let unseenWords = 0;
    for (const feature of extractFeatures(text)) {
      const j = this.vocabulary.get(feature);
      if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
      else if (feature.startsWith('w:')) unseenWords++;
    }
    return this.weigh(counts, unseenWords);
  }

  private weigh(counts: TermCounts, unseenWords: number): VectorizedText {
    const indices: number[] = [];
    const values: number[] = [];
    let known = 0;
    let total = unseenWords * this.unseenIdf;
    for (const [j, count] of counts) {
      const idf = this.idf[j]!;
      if (this.isWord[j]) {
        total += count * (idf || this.unseenIdf);
        known += count * idf;
      }
      if (idf === 0) continue;
      indices.push(j);
      // Sublinear TF: a word repeated in one message is not much stronger evidence.
      values.push((1 + Math.log(count)) * idf);
    }
    return { vector: normalize(Int32Array.from(indices), Float32Array.from(values)), coverage: total > 0 ? known / total : 0 };
  }
}

function normalize(indices: Int32Array, values: Float32Array): SparseVector {
  let norm = 0;
  for (const value of values) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < values.length; i++) values[i]! /= norm;
  return { indices, values };
}

/**
 * `a + weight × b`, L2-normalised: a message read together with the previous turn, where the
 * message itself (`a`) dominates and `b` supplies what it leaves out.
 */
export function blend(a: SparseVector, b: SparseVector, weight: number): SparseVector {
  const sum = new Map<number, number>();
  a.indices.forEach((j, k) => sum.set(j, a.values[k]!));
  b.indices.forEach((j, k) => sum.set(j, (sum.get(j) ?? 0) + weight * b.values[k]!));
  return normalize(Int32Array.from(sum.keys()), Float32Array.from(sum.values()));
}
