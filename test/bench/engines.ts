/**
 * The database engines under the same load (`npm run bench`, section `engines`; issue 18): the turn
 * pipeline on SQLite and on Postgres, and the web chat of one instance against two on one Postgres.
 *
 * 1. Pipeline: dev-set messages (a fixed bilingual mix: questions, greetings, follow-ups, reports
 *    that open tickets) through `services.bot.process` of the services as the server opens them,
 *    {@link PIPELINE.users} distinct web users, {@link PIPELINE.concurrency} turns in flight;
 *    turns/s and p50/p95 ms per turn (a turn's time includes waiting behind the others in flight).
 * 2. Instances: the real app in child processes (`instance.ts`: `startApp`, as `npm start` runs
 *    it) on one fresh Postgres database, loaded through their web chats (`POST
 *    /api/chat/messages`) by one autocannon child with the same total of connections either way:
 *    all on one instance, or half on each of two. Child processes rather than two `createServices`
 *    in this process: two instances in one process share one event loop, so their turns' CPU work
 *    (classification mostly) would take turns and the comparison would measure the loop, not
 *    whether two instances can share the database. The instances, the load generator and Postgres
 *    share this machine's cores (`cpus`): with fewer cores than processes, two instances are
 *    bounded by the machine rather than by the database.
 *
 * Postgres comes from `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL` (a role with CREATEDB): each
 * measurement gets a database of its own, created on that server and dropped after. Without either,
 * the section says it was skipped and why.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { cpus } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createServices, type Services } from '../../src/services.js';
import { loadDevSet } from '../support/devset.js';
import { createPostgresDatabase } from '../support/postgres-databases.js';
import { tempDir } from '../support/temp.js';
import { issueVisitors, load } from './http.js';
import type { LoadRequest, LoadResult } from './http-load.js';
import type { InstanceReady, InstanceRequest } from './instance.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INSTANCE_SCRIPT = fileURLToPath(new URL('./instance.ts', import.meta.url));

/** The pipeline part's load: unmeasured turns first (JIT, caches, prepared statements), then the measured ones. */
const PIPELINE = { warmupTurns: 200, turns: 2_000, concurrency: 8, users: 500 };

/** The instances part's load: connections in total (split evenly over the instances), visitors in total, seconds. */
const INSTANCES = { connections: 16, visitors: 2_000, warmupS: 2, durationS: 10 };

/** The database as `npm start` opens it (background checkpoints on SQLite); a failed checkpointer fails the bench. */
const SERVER_DATABASE = {
  checkpointInBackground: {
    onError: (error: Error) => {
      throw error;
    },
  },
};

/** One engine's pipeline figures. */
interface PipelineResult {
  readonly turns: number;
  readonly turnsPerS: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** Turns that opened a ticket (the same on both engines when the pipeline behaves the same). */
  readonly tickets: number;
}

/** One instance count's web chat figures (turns: messages answered 2xx). */
interface InstancesResult {
  readonly instances: number;
  readonly turnsPerS: number;
  /** Each instance's turns/s, p50 and p99 ms. */
  readonly perInstance: { turnsPerS: number; p50Ms: number; p99Ms: number }[];
  readonly non2xx: number;
  readonly errors: number;
}

/** The `engines` section, or why it was skipped. */
export type EnginesResult =
  | { readonly skipped: string }
  | {
      readonly cpus: number;
      readonly pipeline: { readonly turns: number; readonly concurrency: number; readonly users: number; readonly sqlite: PipelineResult; readonly postgres: PipelineResult };
      readonly instances: {
        readonly how: string;
        readonly connections: number;
        readonly durationS: number;
        readonly visitors: number;
        readonly one: InstancesResult;
        readonly two: InstancesResult;
        /** Two instances' turns/s over one's. */
        readonly twoOverOne: number;
      };
    };

/** Runs `run(0…count-1)` with `concurrency` calls in flight; resolves with each call's milliseconds. */
async function inFlight(count: number, concurrency: number, run: (n: number) => Promise<unknown>): Promise<number[]> {
  const timings: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const started = process.hrtime.bigint();
      await run(n);
      timings.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return timings;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The pipeline on the database `config` names: warm-up turns, then the measured ones. */
async function benchPipelineOn(config: Config): Promise<PipelineResult> {
  const services: Services = await createServices(config, undefined, SERVER_DATABASE);
  const texts = loadDevSet('devset').map((query) => query.text);
  let tickets = 0;
  // Turn n: the n-th text by user n mod users; the users are never two in flight at once.
  const turn = async (n: number) => {
    const user = `engines-${n % PIPELINE.users}`;
    const result = await services.bot.process({ channel: 'web', userId: user, conversation: { visitorId: user }, text: texts[n % texts.length]! });
    if (n >= PIPELINE.warmupTurns && result.escalation) tickets++;
  };
  try {
    await inFlight(PIPELINE.warmupTurns, PIPELINE.concurrency, turn);
    const started = performance.now();
    const timings = await inFlight(PIPELINE.turns, PIPELINE.concurrency, (n) => turn(PIPELINE.warmupTurns + n));
    const elapsedS = (performance.now() - started) / 1000;
    timings.sort((a, b) => a - b);
    return {
      turns: timings.length,
      turnsPerS: Math.round(timings.length / elapsedS),
      p50Ms: round(percentile(timings, 50)),
      p95Ms: round(percentile(timings, 95)),
      maxMs: round(timings.at(-1) ?? 0),
      tickets,
    };
  } finally {
    await services.close();
  }
}

/** A running instance (child process) and how to stop it. */
interface Instance {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the real app in a child process on `databaseUrl`; resolves once it serves. */
function startInstance(databaseUrl: string, id: string): Promise<Instance> {
  return new Promise((resolve, reject) => {
    const child: ChildProcessByStdio<Writable, Readable, null> = spawn(process.execPath, ['--import', 'tsx', INSTANCE_SCRIPT], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    let output = '';
    let ready = false;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`bench instance ${id} exited with ${code} before it was ready`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ready || !output.includes('\n')) return;
      ready = true;
      const { url } = JSON.parse(output.slice(0, output.indexOf('\n'))) as InstanceReady;
      resolve({
        url,
        stop: async () => {
          // Its standard input ending stops the app.
          child.stdin.end();
          await exited;
        },
      });
    });
    const request: InstanceRequest = { env: { DATABASE_URL: databaseUrl, INSTANCE_ID: id } };
    // Standard input stays open: the instance runs until it ends.
    child.stdin.write(`${JSON.stringify(request)}\n`);
  });
}

/** `count` instances on a fresh database, loaded through their web chats at once with the same total of connections. */
async function benchInstances(serverUrl: string, count: number): Promise<InstancesResult> {
  const database = await createPostgresDatabase(serverUrl, 'bot_bench');
  const instances: Instance[] = [];
  try {
    // One after the other: the first applies the migrations (the others would wait on its lock anyway).
    for (let n = 0; n < count; n++) instances.push(await startInstance(database.url, `bench-${n + 1}`));
    const texts = loadDevSet('devset').map((query) => query.text);
    const connections = INSTANCES.connections / count;
    const bodiesOf: string[][] = [];
    for (const instance of instances) {
      const visitors = await issueVisitors(instance.url, INSTANCES.visitors / count);
      // Visitor and text advance together but wrap at different lengths, so pairs vary.
      bodiesOf.push(visitors.map((visitorId, n) => JSON.stringify({ visitorId, text: texts[n % texts.length] })));
    }
    const requests = (durationS: number): LoadRequest[] => instances.map((instance, n) => ({ url: `${instance.url}/api/chat/messages`, connections, durationS, bodies: bodiesOf[n]! }));
    await load(requests(INSTANCES.warmupS));
    const results: LoadResult[] = await load(requests(INSTANCES.durationS));
    // Answered turns only: a refusal (503 when the database is busy) is no turn.
    const answeredPerS = (result: LoadResult) => (result.requests ? (result.perS * (result.requests - result.non2xx)) / result.requests : 0);
    return {
      instances: count,
      turnsPerS: Math.round(results.reduce((sum, result) => sum + answeredPerS(result), 0)),
      perInstance: results.map((result) => ({ turnsPerS: Math.round(answeredPerS(result)), p50Ms: result.p50Ms, p99Ms: result.p99Ms })),
      non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
      errors: results.reduce((sum, result) => sum + result.errors + result.timeouts, 0),
    };
  } finally {
    await Promise.allSettled(instances.map((instance) => instance.stop()));
    await database.drop();
  }
}

/**
 * The `engines` bench section: the turn pipeline on SQLite and on Postgres (turns/s, p50/p95 ms),
 * then the web chat's turns/s with one instance and with two on one Postgres. Skipped (saying why)
 * without `BENCH_DATABASE_URL` or `TEST_DATABASE_URL`.
 */
export async function benchEngines(): Promise<EnginesResult> {
  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!serverUrl) return { skipped: 'neither BENCH_DATABASE_URL nor TEST_DATABASE_URL is set (a Postgres role with CREATEDB, e.g. postgres://bot:bot@127.0.0.1:5432/bot_test)' };

  const { dir, cleanup } = tempDir();
  let sqlite: PipelineResult;
  let postgres: PipelineResult;
  try {
    sqlite = await benchPipelineOn(loadConfig({ DATABASE_PATH: `${dir}/engines.sqlite` }));
    const database = await createPostgresDatabase(serverUrl, 'bot_bench');
    try {
      postgres = await benchPipelineOn(loadConfig({ DATABASE_PATH: `${dir}/unused.sqlite`, DATABASE_URL: database.url }));
    } finally {
      await database.drop();
    }
  } finally {
    cleanup();
  }

  const one = await benchInstances(serverUrl, 1);
  const two = await benchInstances(serverUrl, 2);
  return {
    cpus: cpus().length,
    pipeline: { turns: PIPELINE.turns, concurrency: PIPELINE.concurrency, users: PIPELINE.users, sqlite, postgres },
    instances: {
      how: 'child processes running startApp on one Postgres database, one autocannon child posting to their web chats (connections split evenly)',
      connections: INSTANCES.connections,
      durationS: INSTANCES.durationS,
      visitors: INSTANCES.visitors,
      one,
      two,
      twoOverOne: Math.round((two.turnsPerS / one.turnsPerS) * 100) / 100,
    },
  };
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchEngines(), null, 2));
