/**
 * The linear SVM behind the intent classifier: one binary L2-regularised
 * squared-hinge SVM per label, trained by dual coordinate descent (LIBLINEAR's method).
 */
import type { SparseVector } from './vectorizer.js';

/** Solver settings (see `ClassifierOptions` for their meaning and defaults). */
export interface SvmOptions {
  readonly cost: number;
  readonly tolerance: number;
  readonly maxPasses: number;
  readonly seed: number;
}

/** Mulberry32: a tiny, fast, seedable PRNG, enough for shuffling and fold assignment. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** All training vectors in one compressed-sparse-row block, for cache-friendly inner loops. */
export interface SparseMatrix {
  rows: number;
  rowStart: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Packs vectors into one {@link SparseMatrix}. */
export function toSparseMatrix(vectors: readonly SparseVector[]): SparseMatrix {
  const rowStart = new Int32Array(vectors.length + 1);
  vectors.forEach((v, i) => (rowStart[i + 1] = rowStart[i]! + v.indices.length));
  const indices = new Int32Array(rowStart[vectors.length]!);
  const values = new Float32Array(rowStart[vectors.length]!);
  vectors.forEach((v, i) => {
    indices.set(v.indices, rowStart[i]);
    values.set(v.values, rowStart[i]);
  });
  return { rows: vectors.length, rowStart, indices, values };
}

/**
 * Trains one binary L2-regularised squared-hinge SVM per label by dual
 * coordinate descent with shrinking (Hsieh et al., ICML 2008; LIBLINEAR's
 * solver 1). Returns feature-major weights (`weights[feature * labels + label]`)
 * so that scoring a message reads contiguous memory, plus one bias per label.
 */
export function trainOneVsRest(x: SparseMatrix, y: Int32Array, labelCount: number, featureCount: number, options: SvmOptions): { weights: Float32Array; biases: Float32Array } {
  const { rows, rowStart, indices, values } = x;
  const weights = new Float32Array(featureCount * labelCount);
  const biases = new Float32Array(labelCount);
  const random = seededRandom(options.seed);
  // The squared hinge loss adds 1/(2C) to the diagonal of the dual Hessian.
  const diagonal = 0.5 / options.cost;
  const squaredNorm = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    // The bias is the (regularised) weight of an extra feature that is always 1.
    let sum = 1;
    for (let k = rowStart[i]!; k < rowStart[i + 1]!; k++) sum += values[k]! * values[k]!;
    squaredNorm[i] = sum + diagonal;
  }
  const w = new Float32Array(featureCount);
  const alpha = new Float64Array(rows);
  const order = new Int32Array(rows);

  for (let label = 0; label < labelCount; label++) {
    w.fill(0);
    alpha.fill(0);
    let bias = 0;
    for (let i = 0; i < rows; i++) order[i] = i;
    let active = rows;
    let maxGradientBefore = Infinity;
    for (let pass = 0; pass < options.maxPasses; pass++) {
      // Fisher-Yates over the active set: a random visiting order converges much faster.
      for (let s = 0; s < active - 1; s++) {
        const r = s + Math.floor(random() * (active - s));
        const tmp = order[s]!;
        order[s] = order[r]!;
        order[r] = tmp;
      }
      let maxGradient = -Infinity;
      let minGradient = Infinity;
      for (let s = 0; s < active; s++) {
        const i = order[s]!;
        const sign = y[i] === label ? 1 : -1;
        const from = rowStart[i]!;
        const to = rowStart[i + 1]!;
        let margin = bias;
        for (let k = from; k < to; k++) margin += w[indices[k]!]! * values[k]!;
        const a = alpha[i]!;
        const gradient = sign * margin - 1 + diagonal * a;
        let projected = gradient;
        if (a === 0) {
          // Shrinking: an example far outside the margin is unlikely to become a support vector.
          if (gradient > maxGradientBefore) {
            active--;
            order[s] = order[active]!;
            order[active] = i;
            s--;
            continue;
          }
          if (gradient > 0) projected = 0;
        }
        if (projected > maxGradient) maxGradient = projected;
        if (projected < minGradient) minGradient = projected;
        if (projected !== 0) {
          const next = Math.max(a - gradient / squaredNorm[i]!, 0);
          const step = (next - a) * sign;
          alpha[i] = next;
          for (let k = from; k < to; k++) w[indices[k]!]! += step * values[k]!;
          bias += step;
        }
      }
      if (maxGradient - minGradient <= options.tolerance) {
        // Converged on the shrunk set: confirm on all examples before stopping.
        if (active === rows) break;
        active = rows;
        maxGradientBefore = Infinity;
        continue;
      }
      maxGradientBefore = maxGradient <= 0 ? Infinity : maxGradient;
    }
    for (let f = 0; f < featureCount; f++) weights[f * labelCount + label] = w[f]!;
    biases[label] = bias;
  }
  return { weights, biases };
}
