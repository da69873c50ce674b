import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IntentClassifier, type ClassifierModel, type LabelledText } from '../nlu/classifier.js';
import type { RetrainJob, RetrainScores, ScoringJob } from './retrain-worker.js';

export type { RetrainScores, ScoringJob } from './retrain-worker.js';

/** What the worker sends back for a job. */
type RetrainResult = { readonly id: number; readonly model: ClassifierModel; readonly trainMs: number; readonly scores?: RetrainScores } | { readonly id: number; readonly error: string };

/** A classifier trained off the main thread, how long training took there, and its dev-set scores when asked. */
export interface Retrained {
  readonly classifier: IntentClassifier;
  readonly trainMs: number;
  readonly scores?: RetrainScores;
}

const WORKER_URL = new URL(`./retrain-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Trains classifiers in a worker thread, so the bot keeps answering while it trains (about half
 * a second): the worker sends the trained model back as plain data and the classifier is
 * restored from it here (a few milliseconds). The worker starts with the first job and is kept.
 */
export class Retrainer {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (result: Retrained) => void; reject: (error: Error) => void }>();

  /** Trains on `examples` in the worker; with `scoring`, scores the result and the current classifier on the dev set there too. */
  train(examples: readonly LabelledText[], scoring?: ScoringJob): Promise<Retrained> {
    const id = this.#nextId++;
    const job: RetrainJob = { id, examples, scoring };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#start().postMessage(job);
    });
  }

  /** Stops the worker; jobs still running fail. */
  async stop(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await worker.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = WORKER_URL.pathname.endsWith('.ts') ? typeScriptWorker(WORKER_URL) : new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', (result: RetrainResult) => {
      const pending = this.#pending.get(result.id);
      this.#pending.delete(result.id);
      if (!pending) return;
      if ('error' in result) pending.reject(new Error(`retraining failed: ${result.error}`));
      else pending.resolve({ classifier: IntentClassifier.fromModel(result.model), trainMs: result.trainMs, scores: result.scores });
    });
    const failAll = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the retrain worker exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}

/** A worker running a TypeScript module (under tsx: `npm start`, tests): tsx's API imports it there. */
function typeScriptWorker(url: URL): Worker {
  // Node 20 does not apply an inherited `--import tsx` to a worker's own modules; tsx's `tsImport` does.
  const api = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const code = `import(${JSON.stringify(pathToFileURL(api).href)}).then(({ tsImport }) => tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, execArgv: [] });
}
