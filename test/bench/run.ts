/**
 * `npm run bench`: BANKING77 (ours vs nlp.js and natural on the same split, the unknown-intent
 * protocol, calibration), the bilingual dev sets and out-of-scope set under the bot's decisions,
 * full-pipeline latency with the database, start-up time, HTTP chat throughput beside bare express, and the
 * pipeline on SQLite beside Postgres with one and two instances (`engines`, skipped without a Postgres URL). Prints one JSON object.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { readFileSync } from 'node:fs';
import { Brain } from '../../src/nlu/brain.js';
import { expectedCalibrationError } from '../../src/nlu/calibration.js';
import { createServices } from '../../src/services.js';
import { loadDevSet, scoreDevSet, type DevQuery } from '../support/devset.js';
import { tempDir } from '../support/temp.js';
import { benchBanking77 } from './banking77.js';
import { benchHttp } from './http.js';
import { benchConsole } from './console.js';
import { benchEngines } from './engines.js';
import { benchList } from './list.js';
import { benchOutbox } from './outbox.js';
import { benchRetrain } from './retrain.js';
import { benchEscalatedTurn, benchTurnCost } from './turn.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** The blind bilingual out-of-scope set (`test/fixtures/out-of-scope.jsonl`), labelled `none`. */
function loadOutOfScope(): DevQuery[] {
  const raw = readFileSync(new URL('../fixtures/out-of-scope.jsonl', import.meta.url), 'utf8');
  return raw
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => ({ ...(JSON.parse(line) as Omit<DevQuery, 'intent'>), intent: 'none' }));
}

/** What the bot does with a query set: in-scope answered right or clarified, out-of-scope rejected or answered, calibration. */
function decisions(brain: Brain, queries: readonly DevQuery[]) {
  const made = queries.map((query) => ({ query, decision: brain.decide(query.text) }));
  const inScope = made.filter(({ query }) => query.intent !== 'none');
  const outOfScope = made.filter(({ query }) => query.intent === 'none');
  const answered = (action: string) => action === 'answer' || action === 'escalate';
  const share = (count: number, total: number) => (total ? round(count / total) : null);
  return {
    answeredCorrect: share(inScope.filter(({ query, decision }) => answered(decision.action) && decision.intent === query.intent).length, inScope.length),
    clarified: share(inScope.filter(({ decision }) => decision.action === 'clarify').length, inScope.length),
    oosRejected: share(outOfScope.filter(({ decision }) => decision.action === 'fallback').length, outOfScope.length),
    oosAnswered: share(outOfScope.filter(({ decision }) => answered(decision.action)).length, outOfScope.length),
    oosAnsweredTexts: outOfScope.filter(({ decision }) => answered(decision.action)).map(({ query, decision }) => `${query.text} → ${decision.intent} ${decision.confidence}`),
    ece: expectedCalibrationError(made.map(({ query, decision }) => ({ confidence: decision.confidence, correct: decision.intent === query.intent }))),
  };
}

/** Latency of `Brain.decide` and of one full FAQ search over the dev-set, holdout and out-of-scope texts (3 passes; the first warms the caches). */
function benchBrainLatency(brain: Brain) {
  const texts = [...loadDevSet('devset'), ...loadDevSet('holdout'), ...loadOutOfScope()].map((query) => query.text);
  const time = (run: (text: string) => unknown) => {
    const timings: number[] = [];
    for (let pass = 0; pass < 3; pass++) {
      for (const text of texts) {
        const started = process.hrtime.bigint();
        run(text);
        timings.push(Number(process.hrtime.bigint() - started) / 1e3);
      }
    }
    timings.sort((a, b) => a - b);
    return { calls: timings.length, p50Us: Math.round(percentile(timings, 50)), p95Us: Math.round(percentile(timings, 95)), maxUs: Math.round(timings.at(-1) ?? 0) };
  };
  return { decide: time((text) => brain.decide(text)), faqSearch: time((text) => brain.matcher.search(text, { limit: 1 })) };
}

function benchDevSets() {
  const started = performance.now();
  const brain = Brain.load(loadConfig({}).nlu);
  const brainLoadMs = Math.round(performance.now() - started);
  const score = (name: 'devset' | 'holdout') => {
    const result = scoreDevSet(brain, loadDevSet(name));
    return { ...result, misses: result.misses.length, missed: result.misses.slice(0, 40), decisions: decisions(brain, loadDevSet(name)) };
  };
  return {
    brainLoadMs,
    latency: benchBrainLatency(brain),
    devSet: score('devset'),
    holdout: score('holdout'),
    outOfScope: { queries: loadOutOfScope().length, ...decisions(brain, loadOutOfScope()) },
  };
}

async function benchPipeline() {
  const { dir, cleanup } = tempDir();
  const services = await createServices(loadConfig({ DATABASE_PATH: `${dir}/bench.sqlite` }));
  const queries = loadDevSet().map((query) => query.text);
  const timings: number[] = [];
  try {
    // Distinct users so the per-user flood limit never kicks in; every turn writes to SQLite.
    for (let i = 0; i < 1000; i++) {
      const text = queries[i % queries.length]!;
      const started = process.hrtime.bigint();
      await services.bot.handle({ channel: 'web', userId: `bench-${i % 400}`, conversation: { visitorId: `bench-${i % 400}` }, text });
      timings.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    await services.close();
    cleanup();
  }
  timings.sort((a, b) => a - b);
  return { turns: timings.length, p50Ms: round(percentile(timings, 50)), p95Ms: round(percentile(timings, 95)), maxMs: round(timings.at(-1) ?? 0) };
}

/** Time from spawning the bot as `npm start` does (`node --import tsx src/main.ts`) to its "ready" log line, and the app's own measure. */
function benchStartup(): Promise<{ processToReadyMs: number; appStartupMs: number }> {
  const { dir, cleanup } = tempDir();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', DATABASE_PATH: `${dir}/startup.sqlite` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /"startupMs":(\d+)[^\n]*ready/.exec(output);
      if (ready) {
        const processToReadyMs = Math.round(performance.now() - started);
        child.kill('SIGTERM');
        child.on('exit', () => {
          cleanup();
          resolve({ processToReadyMs, appStartupMs: Number(ready[1]) });
        });
      }
    });
    child.on('error', reject);
  });
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

const result = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  ...benchDevSets(),
  pipeline: await benchPipeline(),
  turnCost: await benchTurnCost(),
  escalatedTurn: await benchEscalatedTurn(),
  escalationsList: await benchList(),
  startup: await benchStartup(),
  http: await benchHttp(),
  engines: await benchEngines(),
  banking77: await benchBanking77(),
  outbox: await benchOutbox(),
  retrain: await benchRetrain(),
  console: await benchConsole(),
  rssMb: Math.round(process.memoryUsage().rss / 1e6),
};
console.log(JSON.stringify(result, null, 2));
