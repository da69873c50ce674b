/**
 * The trainable intent classifier: TF-IDF weighted sparse features (`vectorizer.ts`), a
 * one-vs-rest linear SVM (`svm.ts`), and a confidence that means something: a logistic
 * calibrator (`calibration.ts`) fitted on held-out folds, some of whose intents are hidden
 * from the fold's model, so that a message unlike any intent — or whose words the model
 * has mostly never seen — does not get a high confidence.
 *
 * Chosen by measurement on BANKING77 (see test/bench/banking77.ts): it beat
 * natural's BayesClassifier, natural's LogisticRegressionClassifier and a
 * softmax regression trained by SGD on accuracy, training time or both.
 */
import { ConfidenceCalibrator, type CalibrationPoint, type ConfidenceSignals } from './calibration.js';
import { seededRandom, toSparseMatrix, trainOneVsRest } from './svm.js';
import { blend, Corpus, Vectorizer, type SparseVector, type VectorizerModel } from './vectorizer.js';

/** One training example: a message and its intent label. */
export interface LabelledText {
  text: string;
  label: string;
}

/** One ranked intent with its probability. */
export interface Prediction {
  label: string;
  /**
   * Probability in [0, 1] that this is the message's label. Over all labels these sum to
   * at most 1: the rest is the probability that the message is none of them (unknown).
   */
  confidence: number;
}

/** Training options; every field has a default tuned on BANKING77 by 5-fold cross-validation. */
export interface ClassifierOptions {
  /** SVM cost (inverse regularisation strength): higher fits the training data more closely. Default 1. */
  cost?: number;
  /** Stopping tolerance on the projected gradient of the dual problem. Default 0.1, as in LIBLINEAR. */
  tolerance?: number;
  /** Upper bound on coordinate-descent passes per intent. Default 100. */
  maxPasses?: number;
  /**
   * Softmax temperature over SVM scores, one of the calibrator's inputs; lower is more peaked.
   * Default 0.2: it minimised the negative log-likelihood of out-of-fold predictions on both
   * BANKING77 and intents/*.json.
   */
  temperature?: number;
  /** Seed for the shuffling of examples and the calibration folds, so training is reproducible. Default 1. */
  seed?: number;
}

/** What {@link IntentClassifier.predict} can take besides the text. */
export interface PredictOptions {
  /**
   * Text of the previous turn (e.g. the question just answered): the message is read together
   * with it, the message weighing more, so "and deposits?" borrows the rest of its meaning.
   */
  context?: string;
}

const DEFAULTS: Required<ClassifierOptions> = {
  cost: 1,
  tolerance: 0.1,
  maxPasses: 100,
  temperature: 0.2,
  seed: 1,
};

/** Held-out folds the calibrator is fitted on. */
const CALIBRATION_FOLDS = 3;
/** Share of the intents each fold's model never sees, so the calibrator learns what "unknown" looks like. */
const HIDDEN_LABEL_SHARE = 0.25;
/**
 * Weight of a hidden intent's example in the calibration fit: below 1, since in production most
 * messages are of known intents (and the bot's own out-of-scope class is trained).
 */
const HIDDEN_LABEL_WEIGHT = 0.5;
/** Below this many examples (or with fewer than 4 labels) the folds are too thin: default weights are used. */
const MIN_CALIBRATION_EXAMPLES = 200;
const MIN_CALIBRATION_LABELS = 4;
/** How much the previous turn counts beside the message itself. */
const CONTEXT_WEIGHT = 0.5;

function resolveOptions(options: ClassifierOptions): Required<ClassifierOptions> {
  const settings = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof ClassifierOptions)[]) {
    const value = options[key];
    if (value === undefined) continue;
    const integer = key === 'seed' || key === 'maxPasses';
    const positive = key !== 'seed';
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || (positive && value <= 0)) {
      const kind = positive ? `a positive ${integer ? 'integer' : 'number'}` : 'an integer';
      throw new Error(`IntentClassifier option "${key}" must be ${kind}, got ${value}`);
    }
    settings[key] = value;
  }
  return settings;
}

/**
 * A trained {@link IntentClassifier} as plain data (typed arrays and strings): it crosses to another
 * thread by `postMessage` and is restored there by {@link IntentClassifier.fromModel}.
 */
export interface ClassifierModel {
  readonly labels: readonly string[];
  readonly vectorizer: VectorizerModel;
  readonly weights: Float32Array;
  readonly biases: Float32Array;
  readonly temperature: number;
  readonly calibratorWeights: readonly number[];
}

/** A trained SVM over its own labels: raw scores and their softmax. */
class LinearModel {
  constructor(
    readonly labelCount: number,
    readonly weights: Float32Array,
    readonly biases: Float32Array,
    readonly temperature: number,
  ) {}

  static train(vectors: readonly SparseVector[], y: Int32Array, labelCount: number, featureCount: number, settings: Required<ClassifierOptions>): LinearModel {
    const { weights, biases } = trainOneVsRest(toSparseMatrix(vectors), y, labelCount, featureCount, settings);
    return new LinearModel(labelCount, weights, biases, settings.temperature);
  }

  /** SVM scores per label. */
  scores({ indices, values }: SparseVector): Float64Array {
    const labelCount = this.labelCount;
    const scores = Float64Array.from(this.biases);
    for (let k = 0; k < indices.length; k++) {
      const offset = indices[k]! * labelCount;
      const value = values[k]!;
      for (let c = 0; c < labelCount; c++) scores[c]! += this.weights[offset + c]! * value;
    }
    return scores;
  }

  /** Softmax of the scores at the model's temperature (in place) and the calibrator's signals. */
  probabilities(scores: Float64Array, coverage: number): { best: number; signals: ConfidenceSignals } {
    let best = 0;
    let second = -Infinity;
    for (let c = 1; c < scores.length; c++) if (scores[c]! > scores[best]!) best = c;
    for (let c = 0; c < scores.length; c++) if (c !== best && scores[c]! > second) second = scores[c]!;
    const topScore = scores[best]!;
    let total = 0;
    for (let c = 0; c < scores.length; c++) {
      scores[c] = Math.exp((scores[c]! - topScore) / this.temperature);
      total += scores[c]!;
    }
    for (let c = 0; c < scores.length; c++) scores[c]! /= total;
    const margin = Number.isFinite(second) ? topScore - second : topScore;
    return { best, signals: { topScore, margin, probability: scores[best]!, coverage } };
  }
}

/**
 * Default calibrator weights over (1, topScore, margin, probability, coverage), for training
 * sets too small to hold folds out: roughly what the folds fit on intents/*.json and BANKING77.
 */
const DEFAULT_CALIBRATOR = new ConfidenceCalibrator([-4, 2, 1.5, 2, 2.5]);

/** 0 … n-1 in a random order (Fisher-Yates). */
function shuffled(n: number, random: () => number): number[] {
  const order = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * Fits the calibrator on held-out folds: each fold's model is trained on the other folds'
 * examples minus a random quarter of the intents, then predicts the fold; a prediction is
 * right only when its intent was known and chosen. Own vocabulary per fold, so the coverage
 * of held-out messages is as in production.
 */
function fitCalibrator(corpus: Corpus, y: Int32Array, labelCount: number, settings: Required<ClassifierOptions>): ConfidenceCalibrator {
  if (y.length < MIN_CALIBRATION_EXAMPLES || labelCount < MIN_CALIBRATION_LABELS) return DEFAULT_CALIBRATOR;
  const random = seededRandom(settings.seed + 1);
  const fold = Int32Array.from(y, () => Math.floor(random() * CALIBRATION_FOLDS));
  const points: CalibrationPoint[] = [];
  for (let k = 0; k < CALIBRATION_FOLDS; k++) {
    const order = shuffled(labelCount, random);
    const hidden = new Set(order.slice(0, Math.max(1, Math.round(labelCount * HIDDEN_LABEL_SHARE))));
    const known = order.filter((label) => !hidden.has(label));
    const compact = new Map(known.map((label, i) => [label, i]));
    const rows = [...y.keys()].filter((i) => fold[i] !== k && !hidden.has(y[i]!));
    const vectorizer = Vectorizer.fit(corpus, rows);
    const model = LinearModel.train(
      rows.map((i) => vectorizer.vectorize(corpus.documents[i]!).vector),
      Int32Array.from(rows, (i) => compact.get(y[i]!)!),
      known.length,
      vectorizer.size,
      settings,
    );
    y.forEach((label, i) => {
      if (fold[i] !== k) return;
      const { vector, coverage } = vectorizer.vectorize(corpus.documents[i]!);
      const { best, signals } = model.probabilities(model.scores(vector), coverage);
      points.push({ signals, correct: known[best] === label, weight: hidden.has(label) ? HIDDEN_LABEL_WEIGHT : 1 });
    });
  }
  return ConfidenceCalibrator.fit(points);
}

/**
 * A bilingual intent classifier. Train it once with {@link IntentClassifier.train},
 * then call {@link IntentClassifier.predict} per message (a few tens of
 * microseconds). Training is deterministic for the same examples and seed.
 *
 * @example
 * const clf = IntentClassifier.train([{ text: 'forgot my password', label: 'account.forgot_password' }, ...]);
 * clf.predict('I cannot remember my password', 3); // [{ label: 'account.forgot_password', confidence: 0.91 }, ...]
 */
export class IntentClassifier {
  private constructor(
    /** The labels seen in training, sorted. */
    readonly labels: readonly string[],
    private readonly vectorizer: Vectorizer,
    private readonly model: LinearModel,
    /** Maps the model's signals to the probability that its first choice is right. */
    readonly calibrator: ConfidenceCalibrator,
  ) {}

  /**
   * Trains a classifier on labelled examples, and its confidence calibrator on held-out folds.
   *
   * @throws Error when there are fewer than two distinct labels or an option is out of range.
   */
  static train(examples: readonly LabelledText[], options: ClassifierOptions = {}): IntentClassifier {
    const settings = resolveOptions(options);
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    if (labels.length < 2) {
      throw new Error(`IntentClassifier.train needs examples of at least 2 labels, got ${labels.length}`);
    }
    const labelIndex = new Map(labels.map((label, i) => [label, i]));
    const corpus = Corpus.of(examples.map((e) => e.text));
    const y = Int32Array.from(examples, (e) => labelIndex.get(e.label)!);
    const vectorizer = Vectorizer.fit(corpus);
    const vectors = corpus.documents.map((counts) => vectorizer.vectorize(counts).vector);
    const model = LinearModel.train(vectors, y, labels.length, vectorizer.size, settings);
    return new IntentClassifier(labels, vectorizer, model, fitCalibrator(corpus, y, labels.length, settings));
  }

  /** A message's features as the classifier sees them: its L2-normalised TF-IDF vector (cosine = dot product). */
  features(text: string): SparseVector {
    return this.vectorizer.transform(text).vector;
  }

  /** The trained classifier as plain data; its typed arrays may be transferred. */
  toModel(): ClassifierModel {
    const { weights, biases, temperature } = this.model;
    return { labels: this.labels, vectorizer: this.vectorizer.toModel(), weights, biases, temperature, calibratorWeights: this.calibrator.weights };
  }

  /** The classifier {@link IntentClassifier.toModel} described: it predicts exactly as the original. */
  static fromModel(model: ClassifierModel): IntentClassifier {
    const linear = new LinearModel(model.labels.length, model.weights, model.biases, model.temperature);
    return new IntentClassifier(model.labels, Vectorizer.fromModel(model.vectorizer), linear, new ConfidenceCalibrator(model.calibratorWeights));
  }

  /**
   * Classifies a message. Returns the `topK` most likely labels (all labels by default),
   * best first. The first label's confidence is the calibrated probability that it is right
   * (low when the message's words are mostly unknown to the model or no intent clearly claims
   * it); the others keep their softmax proportions.
   */
  predict(text: string, topK: number = this.labels.length, options: PredictOptions = {}): Prediction[] {
    const { vector, coverage } = this.vectorizer.transform(text);
    const blended = options.context ? blend(vector, this.vectorizer.transform(options.context).vector, CONTEXT_WEIGHT) : vector;
    const probabilities = this.model.scores(blended);
    const { best, signals } = this.model.probabilities(probabilities, coverage);
    const confidence = this.calibrator.confidence(signals);
    const p = signals.probability;
    // Shrinking keeps the ranking and leaves the missing mass to "unknown"; raising the first
    // choice takes the extra mass proportionally from the others.
    const scale = (c: number) => (c === best ? confidence : confidence <= p ? (probabilities[c]! * confidence) / p : (probabilities[c]! * (1 - confidence)) / Math.max(1 - p, 1e-12));
    return this.labels
      .map((label, c) => ({ label, confidence: scale(c) }))
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, Math.max(0, topK));
  }
}
