/**
 * Confidence calibration: a small logistic model that maps what the classifier saw
 * (its top SVM score, the margin to the runner-up, the softmax probability, the share of
 * known words) to the probability that its first choice is right; and the measures of how
 * well confidences match accuracy (reliability table, expected calibration error).
 */

/** The signals one prediction's confidence is computed from. */
export interface ConfidenceSignals {
  /** The best label's one-vs-rest SVM score (> 0: that label claims the message). */
  readonly topScore: number;
  /** Best minus second-best SVM score. */
  readonly margin: number;
  /** The best label's softmax probability. */
  readonly probability: number;
  /** IDF-weighted share of the message's words known to the model, in [0, 1]. */
  readonly coverage: number;
}

function design(signals: ConfidenceSignals): number[] {
  return [1, signals.topScore, signals.margin, signals.probability, signals.coverage];
}

/** One calibration example: the signals of an out-of-fold prediction and whether it was right. */
export interface CalibrationPoint {
  readonly signals: ConfidenceSignals;
  readonly correct: boolean;
  /** How much this point counts in the fit. Default 1. */
  readonly weight?: number;
}

const NEWTON_STEPS = 25;
const RIDGE = 1e-3;

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Solves `a x = b` for a small symmetric positive-definite `a` (Gaussian elimination). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row]![col]!) > Math.abs(m[pivot]![col]!)) pivot = row;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = m[row]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[row]![k]! -= factor * m[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = m[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= m[row]![k]! * x[k]!;
    x[row] = sum / m[row]![row]!;
  }
  return x;
}

/** Maps {@link ConfidenceSignals} to a probability that the classifier's first choice is right. */
export class ConfidenceCalibrator {
  constructor(
    /** Logistic weights over (1, topScore, margin, probability, coverage). */
    readonly weights: readonly number[],
  ) {}

  /**
   * Fits the logistic weights by Newton's method (with a little ridge) on out-of-fold points.
   * @throws Error when the points are all right or all wrong (nothing to learn from).
   */
  static fit(points: readonly CalibrationPoint[]): ConfidenceCalibrator {
    const right = points.filter((point) => point.correct).length;
    if (right === 0 || right === points.length) throw new Error('ConfidenceCalibrator.fit needs both right and wrong predictions');
    const rows = points.map((point) => design(point.signals));
    const size = rows[0]!.length;
    let w = new Array<number>(size).fill(0);
    for (let step = 0; step < NEWTON_STEPS; step++) {
      const gradient = new Array<number>(size).fill(0);
      const hessian = Array.from({ length: size }, (_, i) => Array.from({ length: size }, (_, j) => (i === j ? RIDGE : 0)));
      rows.forEach((x, i) => {
        const weight = points[i]!.weight ?? 1;
        const p = sigmoid(x.reduce((sum, value, k) => sum + value * w[k]!, 0));
        const error = (p - (points[i]!.correct ? 1 : 0)) * weight;
        const curvature = Math.max(p * (1 - p), 1e-9) * weight;
        for (let a = 0; a < size; a++) {
          gradient[a]! += error * x[a]!;
          for (let b = 0; b < size; b++) hessian[a]![b]! += curvature * x[a]! * x[b]!;
        }
      });
      gradient.forEach((g, k) => (gradient[k] = g + RIDGE * w[k]!));
      const delta = solve(hessian, gradient);
      w = w.map((value, k) => value - delta[k]!);
      if (Math.max(...delta.map(Math.abs)) < 1e-6) break;
    }
    return new ConfidenceCalibrator(w);
  }

  /** The calibrated probability that the first choice is right. */
  confidence(signals: ConfidenceSignals): number {
    return sigmoid(design(signals).reduce((sum, value, k) => sum + value * this.weights[k]!, 0));
  }
}

/** One bin of a reliability table: predictions whose confidence fell in [from, to). */
export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Mean confidence of the predictions in the bin. */
  readonly confidence: number;
  /** Share of them that were right. */
  readonly accuracy: number;
}

/** A prediction's confidence and whether it was right, for the calibration measures. */
export interface ScoredPrediction {
  readonly confidence: number;
  readonly correct: boolean;
}

function bin(predictions: readonly ScoredPrediction[], bins: number): ReliabilityBin[] {
  const mean = (values: number[]) => (values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : 0);
  return Array.from({ length: bins }, (_, b) => {
    const from = b / bins;
    const to = (b + 1) / bins;
    const inBin = predictions.filter((p) => p.confidence >= from && (p.confidence < to || (b === bins - 1 && p.confidence <= to)));
    return { from, to, count: inBin.length, confidence: mean(inBin.map((p) => p.confidence)), accuracy: mean(inBin.map((p) => (p.correct ? 1 : 0))) };
  });
}

/** Confidence in `bins` equal-width bins against accuracy (empty bins included, count 0), rounded to 4 decimals. */
export function reliabilityTable(predictions: readonly ScoredPrediction[], bins = 10): ReliabilityBin[] {
  return bin(predictions, bins).map((b) => ({ ...b, from: round(b.from), to: round(b.to), confidence: round(b.confidence), accuracy: round(b.accuracy) }));
}

/**
 * Expected calibration error: the count-weighted mean gap between confidence and accuracy
 * over `bins` equal-width bins (0 is perfectly calibrated), rounded to 4 decimals.
 */
export function expectedCalibrationError(predictions: readonly ScoredPrediction[], bins = 10): number {
  if (predictions.length === 0) return 0;
  const gap = bin(predictions, bins).reduce((sum, b) => sum + b.count * Math.abs(b.confidence - b.accuracy), 0);
  return round(gap / predictions.length);
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
