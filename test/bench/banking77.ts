/**
 * BANKING77 benchmark: our IntentClassifier against nlp.js (node-nlp, default
 * settings) and natural's BayesClassifier, on the same stratified 80/20 split of
 * shared/data/banking77/train.csv (the official test split is hidden; set
 * BANKING77_TRAIN to use another copy of the training file), plus our calibration error
 * and the unknown-intent protocol (a quarter of the intents hidden from training must
 * not be answered).
 *
 * `npx tsx test/bench/banking77.ts` prints one JSON object; `npm run bench`
 * imports {@link benchBanking77}.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { expectedCalibrationError } from '../../src/nlu/calibration.js';
import { IntentClassifier, type LabelledText, type Prediction } from '../../src/nlu/classifier.js';
import { applyRules, type DecisionPolicy } from '../../src/nlu/decision-rules.js';
import { readLabelledCsv } from '../../src/nlu/evaluate.js';
import { seededRandom } from '../../src/nlu/svm.js';

const TRAIN_CSV = process.env.BANKING77_TRAIN ?? fileURLToPath(new URL('../../../shared/data/banking77/train.csv', import.meta.url));
const TEST_SHARE = 0.2;
const SPLIT_SEED = 77;
/** The unknown-intent protocol: this share of the intents is hidden from training, over these seeds. */
const UNKNOWN_SHARE = 0.25;
const UNKNOWN_SEEDS = [1, 2, 3];

/** How one model did on the held-out part. */
interface ModelResult {
  accuracy: number;
  /** Expected calibration error of the top confidence (ours only: the others give none). */
  ece?: number;
  trainMs: number;
  p50Us: number;
  p95Us: number;
  /** Process RSS after this model ran; models run in the order listed, so later ones include earlier ones. */
  rssMb: number;
}

/** Trains on the examples and returns an (async or sync) text → label function. */
type Trainer = (train: readonly LabelledText[]) => Promise<(text: string) => Promise<string> | string>;

/** FNV-1a, to order rows pseudo-randomly but reproducibly without a PRNG. */
function hash(text: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Holds out TEST_SHARE of every label's rows, chosen by a seeded hash of the text. */
function stratifiedSplit(rows: readonly LabelledText[]): { train: LabelledText[]; test: LabelledText[] } {
  const byLabel = new Map<string, LabelledText[]>();
  for (const row of rows) {
    const group = byLabel.get(row.label);
    if (group) group.push(row);
    else byLabel.set(row.label, [row]);
  }
  const train: LabelledText[] = [];
  const test: LabelledText[] = [];
  for (const group of byLabel.values()) {
    const ordered = group.sort((a, b) => hash(a.text, SPLIT_SEED) - hash(b.text, SPLIT_SEED));
    const held = Math.round(group.length * TEST_SHARE);
    test.push(...ordered.slice(0, held));
    train.push(...ordered.slice(held));
  }
  return { train, test };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

async function measure(trainer: Trainer, train: readonly LabelledText[], test: readonly LabelledText[]): Promise<ModelResult> {
  const started = process.hrtime.bigint();
  const classify = await trainer(train);
  const trainMs = Number(process.hrtime.bigint() - started) / 1e6;
  let correct = 0;
  const latenciesUs: number[] = [];
  for (const { text, label } of test) {
    const before = process.hrtime.bigint();
    const predicted = await classify(text);
    latenciesUs.push(Number(process.hrtime.bigint() - before) / 1e3);
    if (predicted === label) correct++;
  }
  latenciesUs.sort((a, b) => a - b);
  return {
    accuracy: Number((correct / test.length).toFixed(4)),
    trainMs: Math.round(trainMs),
    p50Us: Math.round(percentile(latenciesUs, 0.5)),
    p95Us: Math.round(percentile(latenciesUs, 0.95)),
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
}

const ours: Trainer = async (train) => {
  const classifier = IntentClassifier.train(train);
  return (text) => classifier.predict(text, 1)[0]?.label ?? '';
};

/** Our classifier's calibration error on the split (a second training, so the timed run stays as it was). */
function oursEce(train: readonly LabelledText[], test: readonly LabelledText[]): number {
  const classifier = IntentClassifier.train(train);
  return expectedCalibrationError(
    test.map(({ text, label }) => {
      const [top] = classifier.predict(text, 1);
      return { confidence: top!.confidence, correct: top!.label === label };
    }),
  );
}

/** What the bot's rules do with the held-out rows at one answer threshold, known and unknown intents apart. */
interface OperatingPoint {
  answerThreshold: number;
  /** Share of unknown-intent rows given the fallback. */
  unknownRejected: number;
  /** Share of unknown-intent rows not answered (fallback or clarify). */
  unknownNotAnswered: number;
  /** Share of known-intent rows answered with the right intent under the bot's rules. */
  knownAnsweredCorrect: number;
  /** Share of known-intent rows clarified. */
  knownClarified: number;
}

/** One seed of the unknown-intent protocol: the bot's configured operating point, the trade-off curve and calibration. */
interface UnknownIntentRun extends OperatingPoint {
  seed: number;
  unknownIntents: number;
  /** Calibration error over all test rows (an unknown row's first choice is always wrong). */
  ece: number;
  trainMs: number;
  /** The same rows at other answer thresholds (margin as configured). */
  curve: OperatingPoint[];
}

/** Answer thresholds the trade-off curve is drawn at. */
const CURVE_THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** Scores the ranked predictions of `test` under `policy`. */
function operatingPoint(ranked: readonly Prediction[][], test: readonly LabelledText[], unknown: ReadonlySet<string>, policy: DecisionPolicy): OperatingPoint {
  const outcomes = ranked.map((predictions, i) => ({ label: test[i]!.label, top: predictions[0]!, action: applyRules(predictions, policy).action }));
  const unknownRows = outcomes.filter((o) => unknown.has(o.label));
  const knownRows = outcomes.filter((o) => !unknown.has(o.label));
  const share = (count: number, total: number) => round(count / total);
  return {
    answerThreshold: policy.answerThreshold,
    unknownRejected: share(unknownRows.filter((o) => o.action === 'fallback').length, unknownRows.length),
    unknownNotAnswered: share(unknownRows.filter((o) => o.action === 'fallback' || o.action === 'clarify').length, unknownRows.length),
    knownAnsweredCorrect: share(knownRows.filter((o) => (o.action === 'answer' || o.action === 'escalate') && o.top.label === o.label).length, knownRows.length),
    knownClarified: share(knownRows.filter((o) => o.action === 'clarify').length, knownRows.length),
  };
}

/**
 * The standard open-set protocol: a random quarter of the intents is hidden from training
 * (train on the rest, test on every held-out row), and the bot's decision rules must not
 * answer the hidden ones. Repeated over several seeds, each with its trade-off curve.
 */
function unknownIntentProtocol(train: readonly LabelledText[], test: readonly LabelledText[]) {
  const policy = loadConfig({}).nlu;
  const labels = [...new Set(train.map((row) => row.label))].sort();
  const runs: UnknownIntentRun[] = UNKNOWN_SEEDS.map((seed) => {
    const random = seededRandom(seed * 7919);
    const order = [...labels];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const unknown = new Set(order.slice(0, Math.round(labels.length * UNKNOWN_SHARE)));
    const started = process.hrtime.bigint();
    const classifier = IntentClassifier.train(train.filter((row) => !unknown.has(row.label)));
    const trainMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    const ranked = test.map(({ text }) => classifier.predict(text, 4));
    return {
      seed,
      unknownIntents: unknown.size,
      ...operatingPoint(ranked, test, unknown, policy),
      ece: expectedCalibrationError(ranked.map((predictions, i) => ({ confidence: predictions[0]!.confidence, correct: predictions[0]!.label === test[i]!.label }))),
      trainMs,
      curve: CURVE_THRESHOLDS.map((answerThreshold) => operatingPoint(ranked, test, unknown, { ...policy, answerThreshold })),
    };
  });
  const mean = (values: readonly number[]) => round(values.reduce((sum, value) => sum + value, 0) / values.length);
  const meanOf = (points: readonly OperatingPoint[]): OperatingPoint => ({
    answerThreshold: points[0]!.answerThreshold,
    unknownRejected: mean(points.map((p) => p.unknownRejected)),
    unknownNotAnswered: mean(points.map((p) => p.unknownNotAnswered)),
    knownAnsweredCorrect: mean(points.map((p) => p.knownAnsweredCorrect)),
    knownClarified: mean(points.map((p) => p.knownClarified)),
  });
  return {
    protocol: `${UNKNOWN_SHARE * 100}% of intents hidden from training, bot decision rules (answer >= ${policy.answerThreshold}, margin ${policy.ambiguityMargin})`,
    runs,
    mean: { ...meanOf(runs), ece: mean(runs.map((run) => run.ece)) },
    meanCurve: CURVE_THRESHOLDS.map((_, k) => meanOf(runs.map((run) => run.curve[k]!))),
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

// The competitors are imported before their clock starts, so loading a library is not counted as training.
async function nlpJs(): Promise<Trainer> {
  const { NlpManager } = await import('node-nlp');
  return async (train) => {
    // Model settings are nlp.js defaults; only disk writes and progress logging are turned off.
    const manager = new NlpManager({ languages: ['en'], autoSave: false, nlu: { log: false } });
    for (const { text, label } of train) manager.addDocument('en', text, label);
    await manager.train();
    return async (text) => (await manager.process('en', text)).intent;
  };
}

async function naturalBayes(): Promise<Trainer> {
  // natural's index loads dotenv, which would print a banner into our JSON.
  process.env.DOTENV_CONFIG_QUIET = 'true';
  const { default: natural } = await import('natural');
  return async (train) => {
    const classifier = new natural.BayesClassifier();
    for (const { text, label } of train) classifier.addDocument(text, label);
    classifier.train();
    return (text) => classifier.classify(text);
  };
}

/**
 * Runs the BANKING77 comparison: our classifier, nlp.js and natural's
 * BayesClassifier trained and tested on the same stratified split; our calibration error;
 * and the unknown-intent protocol.
 */
export async function benchBanking77(): Promise<object> {
  const { train, test } = stratifiedSplit(await readLabelledCsv(TRAIN_CSV));
  return {
    dataset: 'BANKING77 train.csv, stratified 80/20 split',
    trainRows: train.length,
    testRows: test.length,
    labels: new Set(train.map((row) => row.label)).size,
    ours: { ...(await measure(ours, train, test)), ece: oursEce(train, test) },
    unknownIntents: unknownIntentProtocol(train, test),
    nlpJs: await measure(await nlpJs(), train, test),
    naturalBayes: await measure(await naturalBayes(), train, test),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(JSON.stringify(await benchBanking77(), null, 2));
}
