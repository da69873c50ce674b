import { PeriodicTask } from '../escalation/periodic-task.js';
import type { Logger } from '../log.js';
import { trainingExamples } from '../nlu/training-data.js';
import type { BrainHolder } from './brain-holder.js';
import type { Retrainer } from './retrainer.js';
import type { KnowledgeStore } from './store.js';

/** What the watcher works with. */
export interface KnowledgeWatcherDeps {
  readonly store: KnowledgeStore;
  readonly holder: BrainHolder;
  readonly retrainer: Retrainer;
  readonly logger: Logger;
  /** How often the version row is read. */
  readonly pollMs: number;
  /** The knowledge base's version the holder's brain was trained on. */
  readonly version: number;
}

/**
 * Keeps the running bot's brain up to date with the knowledge base: every `pollMs` it reads the
 * version row (one indexed read); when another process (`kb add-phrase`, the console) has raised
 * it, the phrases are read, a classifier is trained in the worker, and the brain is swapped in
 * whole. Messages keep being answered by the previous brain meanwhile; a failed retrain keeps it
 * and is logged, and is tried again only after the next edit.
 */
export class KnowledgeWatcher {
  readonly #task: PeriodicTask<boolean>;
  #loaded: number;
  #failed: number | undefined;

  constructor(private readonly deps: KnowledgeWatcherDeps) {
    this.#loaded = deps.version;
    this.#task = new PeriodicTask(() => this.#refresh(), deps.pollMs);
  }

  /** The version of the brain in use. */
  get version(): number {
    return this.#loaded;
  }

  /** Starts polling. */
  start(): void {
    this.#task.start();
  }

  /** Stops polling (waiting for a retrain in progress) and the worker. */
  async stop(): Promise<void> {
    await this.#task.stop();
    await this.deps.retrainer.stop();
  }

  /** Checks now (or joins the check in progress); true when a new brain was swapped in. */
  check(): Promise<boolean> {
    return this.#task.run();
  }

  async #refresh(): Promise<boolean> {
    const { store, holder, retrainer, logger } = this.deps;
    const version = store.version();
    if (version <= this.#loaded || version === this.#failed) return false;
    try {
      const examples = trainingExamples(store.phrases(), holder.current.knowledgeBase);
      const { classifier, trainMs } = await retrainer.train(examples);
      holder.swap(holder.current.withClassifier(classifier));
      this.#loaded = version;
      logger.info({ version, examples: examples.length, trainMs: Math.round(trainMs) }, `knowledge base v${version}: brain retrained and swapped in`);
      return true;
    } catch (error) {
      this.#failed = version;
      logger.error({ version, reason: error instanceof Error ? error.message : String(error) }, `knowledge base v${version}: retraining failed; the previous brain stays`);
      return false;
    }
  }
}
