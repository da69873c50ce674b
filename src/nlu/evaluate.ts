/**
 * Train/test evaluation of the intent classifier on CSV files in the
 * BANKING77 format (header `text,category`), behind the CLI `eval` command.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { IntentClassifier, type LabelledText } from './classifier.js';

/** What {@link evaluateCsv} measured. */
export interface EvaluationReport {
  /** Number of test rows classified. */
  n: number;
  /** Top-1 accuracy on the test rows, rounded to 4 decimals. */
  accuracy: number;
  /** Wall-clock training time in milliseconds (features, vocabulary and model). */
  trainMs: number;
  /** Median latency of one `predict` call, in microseconds. */
  p50Us: number;
  /** 95th-percentile latency of one `predict` call, in microseconds. */
  p95Us: number;
  /** Resident set size of the process after classifying, in MB. */
  rssMb: number;
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
    throw new Error(
      `CSV file ${path} is missing column(s) ${missing.map((c) => `"${c}"`).join(', ')} ` +
        `in its header (found: ${columns.map((c) => `"${c}"`).join(', ') || 'nothing'})`,
    );
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

/**
 * Trains a fresh {@link IntentClassifier} on `trainPath`, classifies every
 * row of `testPath` (timing each call with `process.hrtime.bigint`) and
 * reports accuracy, training time, per-query latency and memory.
 *
 * @throws Error from {@link readLabelledCsv} for a missing or malformed file.
 */
export async function evaluateCsv(trainPath: string, testPath: string): Promise<EvaluationReport> {
  const [train, test] = await Promise.all([readLabelledCsv(trainPath), readLabelledCsv(testPath)]);
  const started = process.hrtime.bigint();
  const classifier = IntentClassifier.train(train);
  const trainMs = Number(process.hrtime.bigint() - started) / 1e6;

  let correct = 0;
  const latenciesUs: number[] = [];
  for (const { text, label } of test) {
    const before = process.hrtime.bigint();
    const [best] = classifier.predict(text, 1);
    latenciesUs.push(Number(process.hrtime.bigint() - before) / 1e3);
    if (best?.label === label) correct++;
  }
  latenciesUs.sort((a, b) => a - b);
  return {
    n: test.length,
    accuracy: Number((correct / test.length).toFixed(4)),
    trainMs: Math.round(trainMs),
    p50Us: Math.round(percentile(latenciesUs, 0.5)),
    p95Us: Math.round(percentile(latenciesUs, 0.95)),
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
}
