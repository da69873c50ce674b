/**
 * BANKING77 benchmark: our IntentClassifier against nlp.js (node-nlp, default
 * settings) and natural's BayesClassifier, on the same stratified 80/20 split
 * of shared/data/banking77/train.csv (the official test split is hidden;
 * set BANKING77_TRAIN to use another copy of the training file).
 *
 * `npx tsx test/bench/banking77.ts` prints one JSON object; `npm run bench`
 * imports {@link benchBanking77}.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IntentClassifier, type LabelledText } from '../../src/nlu/classifier.js';
import { readLabelledCsv } from '../../src/nlu/evaluate.js';

const TRAIN_CSV = process.env.BANKING77_TRAIN ?? fileURLToPath(new URL('../../../shared/data/banking77/train.csv', import.meta.url));
const TEST_SHARE = 0.2;
const SPLIT_SEED = 77;

/** How one model did on the held-out part. */
interface ModelResult {
  accuracy: number;
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
 * BayesClassifier trained and tested on the same stratified split.
 */
export async function benchBanking77(): Promise<object> {
  const { train, test } = stratifiedSplit(await readLabelledCsv(TRAIN_CSV));
  return {
    dataset: 'BANKING77 train.csv, stratified 80/20 split',
    trainRows: train.length,
    testRows: test.length,
    labels: new Set(train.map((row) => row.label)).size,
    ours: await measure(ours, train, test),
    nlpJs: await measure(await nlpJs(), train, test),
    naturalBayes: await measure(await naturalBayes(), train, test),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  console.log(JSON.stringify(await benchBanking77(), null, 2));
}
