/**
 * Train/test evaluation of the intent classifier on CSV files in the
 * BANKING77 format (header `text,category`), behind the CLI `eval` command.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { expectedCalibrationError, reliabilityTable, type ReliabilityBin } from './calibration.js';
import { IntentClassifier, type LabelledText, type Prediction } from './classifier.js';
import { applyRules, type Action, type DecisionPolicy } from './decision-rules.js';
import { OUT_OF_SCOPE } from './training-data.js';

/** What {@link evaluateCsv} measured. */
export interface EvaluationReport {
  /** Number of test rows classified. */
  n: number;
  /** Top-1 accuracy on the test rows (a `none` row is right when `none` comes first), rounded to 4 decimals. */
  accuracy: number;
  /** Wall-clock training time in milliseconds (features, vocabulary, model and calibration). */
  trainMs: number;
  /** Median latency of one `predict` call, in microseconds. */
  p50Us: number;
  /** 95th-percentile latency of one `predict` call, in microseconds. */
  p95Us: number;
  /** Resident set size of the process after classifying, in MB. */
  rssMb: number;
}

/** What the bot would do with the test rows, reported when they include out-of-scope (`none`) rows. */
export interface DecisionReport {
  /** Top-1 accuracy on the in-scope rows alone. */
  inScopeAccuracy: number;
  /** Share of in-scope rows answered (or escalated) with the right intent under the bot's rules. */
  answeredCorrect: number;
  /** Share of in-scope rows where the bot asks which question was meant (clarify). */
  clarified: number;
  /** Share of `none` rows given the fallback. */
  oosRejected: number;
  /** Share of `none` rows answered (or escalated) as if in scope. */
  oosAnswered: number;
  /** Expected calibration error of the top confidence over all rows (10 bins). */
  ece: number;
}

/** Options of {@link evaluateCsv}. */
export interface EvaluateOptions {
  /** The bot's thresholds; the decision fields are computed under them. */
  readonly policy: DecisionPolicy;
  /** Add the reliability table (confidence bins vs accuracy) and the ECE. */
  readonly calibration?: boolean;
}

/** One test row's outcome: the classifier's first choice and what the bot's rules do with it. */
export interface Outcome {
  readonly label: string;
  readonly top: Prediction;
  readonly action: Action;
}

const TEXT_COLUMN = 'text';
const LABEL_COLUMN = 'category';

/**
 * Reads a CSV file with a header row containing `text` and `category`
 * columns (others are ignored) into labelled examples. Quoted fields with
 * commas or newlines are handled.
 *
 * @throws Error naming the file when it cannot be read, is not valid CSV,
 * lacks one of the columns, has a row with an empty text or category, or has
 * no data rows.
 */
export async function readLabelledCsv(path: string): Promise<LabelledText[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read CSV file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let records: string[][];
  try {
    records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new Error(`Invalid CSV in ${path}: ${(error as Error).message}`, { cause: error });
  }
  const [header, ...rows] = records;
  const columns = (header ?? []).map((name) => name.trim().toLowerCase());
  const textAt = columns.indexOf(TEXT_COLUMN);
  const labelAt = columns.indexOf(LABEL_COLUMN);
  const missing: string[] = [];
  if (textAt === -1) missing.push(TEXT_COLUMN);
  if (labelAt === -1) missing.push(LABEL_COLUMN);
  if (missing.length > 0) {
    throw new Error(`CSV file ${path} is missing column(s) ${missing.map((c) => `"${c}"`).join(', ')} ` + `in its header (found: ${columns.map((c) => `"${c}"`).join(', ') || 'nothing'})`);
  }
  if (rows.length === 0) throw new Error(`CSV file ${path} has a header but no data rows`);
  return rows.map((row, i) => {
    const text = row[textAt]?.trim() ?? '';
    const label = row[labelAt]?.trim() ?? '';
    if (text === '' || label === '') {
      throw new Error(`CSV file ${path}: data row ${i + 1} has an empty "${TEXT_COLUMN}" or "${LABEL_COLUMN}"`);
    }
    return { text, label };
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function share(count: number, total: number): number {
  return Number((count / Math.max(1, total)).toFixed(4));
}

const ANSWERED: ReadonlySet<Action> = new Set(['answer', 'escalate']);

/**
 * What the bot's rules (`decision-rules.ts`, as in the brain minus its FAQ matcher) do with
 * classified rows: in-scope rows answered right or clarified, `none` rows rejected or answered.
 */
export function decisionReport(outcomes: readonly Outcome[]): DecisionReport {
  const inScope = outcomes.filter((o) => o.label !== OUT_OF_SCOPE);
  const outOfScope = outcomes.filter((o) => o.label === OUT_OF_SCOPE);
  return {
    inScopeAccuracy: share(inScope.filter((o) => o.top.label === o.label).length, inScope.length),
    answeredCorrect: share(inScope.filter((o) => ANSWERED.has(o.action) && o.top.label === o.label).length, inScope.length),
    clarified: share(inScope.filter((o) => o.action === 'clarify').length, inScope.length),
    oosRejected: share(outOfScope.filter((o) => o.action === 'fallback').length, outOfScope.length),
    oosAnswered: share(outOfScope.filter((o) => ANSWERED.has(o.action)).length, outOfScope.length),
    ece: expectedCalibrationError(outcomes.map((o) => ({ confidence: o.top.confidence, correct: o.top.label === o.label }))),
  };
}

/** Classifies `rows` with `classifier` under `policy`, timing each `predict` call. */
export function classifyRows(classifier: IntentClassifier, rows: readonly LabelledText[], policy: DecisionPolicy): { outcomes: Outcome[]; latenciesUs: number[] } {
  const latenciesUs: number[] = [];
  const outcomes = rows.map(({ text, label }) => {
    const before = process.hrtime.bigint();
    const ranked = classifier.predict(text, 4);
    latenciesUs.push(Number(process.hrtime.bigint() - before) / 1e3);
    return { label, top: ranked[0]!, action: applyRules(ranked, policy).action };
  });
  return { outcomes, latenciesUs: latenciesUs.sort((a, b) => a - b) };
}

/**
 * Trains a fresh {@link IntentClassifier} on `trainPath`, classifies every row of `testPath`
 * and reports accuracy, training time, per-query latency and memory; when the test rows
 * include `none`, also what the bot would do ({@link DecisionReport}); with `calibration`,
 * the ECE and the reliability table.
 *
 * @throws Error from {@link readLabelledCsv} for a missing or malformed file.
 */
export async function evaluateCsv(trainPath: string, testPath: string, options: EvaluateOptions): Promise<EvaluationReport & Partial<DecisionReport> & { reliability?: ReliabilityBin[] }> {
  const [train, test] = await Promise.all([readLabelledCsv(trainPath), readLabelledCsv(testPath)]);
  const started = process.hrtime.bigint();
  const classifier = IntentClassifier.train(train);
  const trainMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { outcomes, latenciesUs } = classifyRows(classifier, test, options.policy);
  const report: EvaluationReport = {
    n: test.length,
    accuracy: share(outcomes.filter((o) => o.top.label === o.label).length, test.length),
    trainMs: Math.round(trainMs),
    p50Us: Math.round(percentile(latenciesUs, 0.5)),
    p95Us: Math.round(percentile(latenciesUs, 0.95)),
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
  const decisions = test.some((row) => row.label === OUT_OF_SCOPE) ? decisionReport(outcomes) : {};
  if (!options.calibration) return { ...report, ...decisions };
  const scored = outcomes.map((o) => ({ confidence: o.top.confidence, correct: o.top.label === o.label }));
  return { ...report, ...decisions, ece: expectedCalibrationError(scored), reliability: reliabilityTable(scored) };
}
