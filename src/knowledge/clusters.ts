import type { SparseVector } from '../nlu/vectorizer.js';

/** How similar (cosine of the classifier's TF-IDF vectors) a question must be to a group's centre to join it. */
export const CLUSTER_SIMILARITY = 0.3;

/** A group of similar items, largest first from {@link clusterBySimilarity}. */
export interface Cluster<T> {
  readonly items: readonly T[];
  /** The member closest to the group's centre: the one to show first. */
  readonly representative: T;
}

/**
 * Greedy single-pass clustering: each item joins the group whose centre (the normalised sum of
 * its members' vectors) it is most similar to, if at least `threshold`, else starts its own.
 */
export function clusterBySimilarity<T>(items: readonly T[], vectorOf: (item: T) => SparseVector, threshold = CLUSTER_SIMILARITY): Cluster<T>[] {
  const groups: { items: T[]; vectors: Map<number, number>[]; sum: Map<number, number> }[] = [];
  for (const item of items) {
    const vector = toMap(vectorOf(item));
    let best: (typeof groups)[number] | undefined;
    let bestScore = threshold;
    for (const group of groups) {
      const score = cosine(vector, group.sum);
      if (score >= bestScore) [best, bestScore] = [group, score];
    }
    if (!best) groups.push({ items: [item], vectors: [vector], sum: new Map(vector) });
    else {
      best.items.push(item);
      best.vectors.push(vector);
      for (const [index, value] of vector) best.sum.set(index, (best.sum.get(index) ?? 0) + value);
    }
  }
  return groups
    .map((group) => {
      const scores = group.vectors.map((vector) => cosine(vector, group.sum));
      return { items: group.items, representative: group.items[scores.indexOf(Math.max(...scores))]! };
    })
    .sort((a, b) => b.items.length - a.items.length);
}

function toMap({ indices, values }: SparseVector): Map<number, number> {
  return new Map(Array.from(indices, (index, k) => [index, values[k]!]));
}

/** Cosine similarity of two sparse vectors. */
function cosine(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number {
  let dot = 0;
  for (const [index, value] of a) dot += value * (b.get(index) ?? 0);
  const norm = (v: ReadonlyMap<number, number>) => Math.sqrt([...v.values()].reduce((total, x) => total + x * x, 0));
  const denominator = norm(a) * norm(b);
  return denominator === 0 ? 0 : dot / denominator;
}
