import { createHash } from 'node:crypto';
import { PeriodicTask } from '../escalation/periodic-task.js';
import type { Logger } from '../log.js';
import type { LabelledText } from '../nlu/classifier.js';
import type { BrainHolder } from './brain-holder.js';
import { DEV_SET_PATH } from './dev-set.js';
import { brainOf, liveKnowledge, type BrainSettings } from './live-brain.js';
import type { Retrainer } from './retrainer.js';
import { isWorse, type RetrainLog } from './retrain-log.js';
import type { KnowledgeSnapshot, KnowledgeStore } from './store.js';

/** What the watcher works with. */
export interface KnowledgeWatcherDeps {
  readonly store: KnowledgeStore;
  readonly holder: BrainHolder;
  readonly retrainer: Retrainer;
  /** Where scored retrains are recorded (`kb status`). */
  readonly retrains: RetrainLog;
  readonly logger: Logger;
  /** The thresholds and links the brain is built with. */
  readonly settings: BrainSettings;
  /** How often the version row is read. */
  readonly pollMs: number;
  /** The knowledge the holder's brain was built from. */
  readonly snapshot: KnowledgeSnapshot;
  /** The dev set a retrain is scored on (default: the bench's, `DEV_SET_PATH`). */
  readonly devSet?: URL;
}

/** How a check ended: whether a new brain went live, and the error that stopped it reading the knowledge base, if one did. */
interface CheckOutcome {
  readonly swapped: boolean;
  readonly error?: Error;
}

/**
 * Keeps the running bot's brain up to date with the knowledge base: every `pollMs` it reads the
 * version row (one indexed read); when another process (`kb add-phrase`, `kb faq edit`, the
 * console, another instance) has raised it, the phrases and FAQ are read. When the classifier's
 * training set changed, a classifier is trained in the worker and scored there against the current
 * one on the dev set (a warning is logged when it scores lower, and the scores are recorded) before
 * the brain is swapped in whole; when only answers changed, the brain is rebuilt with the same
 * classifier. Messages keep being answered by the previous brain meanwhile; a failed retrain keeps
 * it and is logged, and is tried again only after the next edit. A database that cannot be read is
 * logged and read again at the next poll (the poll's timer never sees a rejection).
 */
export class KnowledgeWatcher {
  readonly #task: PeriodicTask<CheckOutcome>;
  #loaded: number;
  #failed: number | undefined;
  /** A digest of the training set the current classifier was trained on. */
  #trainedOn: string;

  constructor(private readonly deps: KnowledgeWatcherDeps) {
    this.#loaded = deps.snapshot.version;
    this.#trainedOn = digest(liveKnowledge(deps.snapshot.phrases, deps.snapshot.faq, deps.settings.links).examples);
    this.#task = new PeriodicTask(() => this.#poll(), deps.pollMs);
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

  /**
   * Checks now, until the brain is that of the latest version (a check in progress, which this
   * joins, may have read the knowledge before the latest edit); true when a new brain was swapped in.
   * Rejects when the knowledge base cannot be read.
   */
  async check(): Promise<boolean> {
    let swapped = false;
    while (await this.#behind()) {
      const outcome = await this.#task.run();
      if (outcome.error) throw outcome.error;
      swapped = outcome.swapped || swapped;
    }
    return swapped;
  }

  /** Whether the knowledge base has a version newer than the brain's that has not failed to load. */
  async #behind(): Promise<boolean> {
    const version = await this.deps.store.version();
    return version > this.#loaded && version !== this.#failed;
  }

  /** One poll: never rejects (the timer would not hear it); a database error is logged and returned. */
  async #poll(): Promise<CheckOutcome> {
    try {
      return { swapped: await this.#refresh() };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.deps.logger.error({ reason: failure.message }, 'knowledge base: could not read it; trying again at the next poll');
      return { swapped: false, error: failure };
    }
  }

  /** Reads the knowledge when it is newer and swaps a brain of it in; rejects only when the database cannot be read. */
  async #refresh(): Promise<boolean> {
    const { store, holder, retrainer, retrains, logger, settings } = this.deps;
    if (!(await this.#behind())) return false;
    const snapshot = await store.snapshot();
    const { version } = snapshot;
    if (version <= this.#loaded || version === this.#failed) return false;
    try {
      const { knowledgeBase, examples } = liveKnowledge(snapshot.phrases, snapshot.faq, settings.links);
      const trainedOn = digest(examples);
      if (trainedOn === this.#trainedOn) {
        // Only answers changed: the same classifier, a new knowledge base, swapped in whole.
        holder.swap(brainOf(holder.current.classifier, knowledgeBase, settings.policy, holder.current.topics));
        this.#loaded = version;
        logger.info({ version }, `knowledge base v${version}: FAQ updated and swapped in (no retrain needed)`);
        return true;
      }
      const scoring = { ...settings, faq: snapshot.faq, current: holder.current.classifier.toModel(), devSet: (this.deps.devSet ?? DEV_SET_PATH).href };
      const { classifier, trainMs, scores } = await retrainer.train(examples, scoring);
      if (scores) {
        const fields = { version, newScore: scores.candidate.overall, currentScore: scores.current.overall };
        if (isWorse(scores.candidate.overall, scores.current.overall))
          logger.warn(fields, `knowledge base v${version}: the retrained brain scores worse on the dev set (${scores.candidate.overall} < ${scores.current.overall}); swapping it in anyway`);
        await retrains.record({ version, scores, examples: examples.length, trainMs, at: new Date() }).catch((error: unknown) => {
          // The brain is good to go: only `kb status` misses this retrain's scores.
          logger.error({ version, reason: error instanceof Error ? error.message : String(error) }, `knowledge base v${version}: the retrain's scores could not be recorded`);
        });
      }
      holder.swap(brainOf(classifier, knowledgeBase, settings.policy, holder.current.topics));
      this.#loaded = version;
      this.#trainedOn = trainedOn;
      logger.info({ version, examples: examples.length, trainMs: Math.round(trainMs), devScore: scores?.candidate.overall }, `knowledge base v${version}: brain retrained and swapped in`);
      return true;
    } catch (error) {
      this.#failed = version;
      logger.error({ version, reason: error instanceof Error ? error.message : String(error) }, `knowledge base v${version}: retraining failed; the previous brain stays`);
      return false;
    }
  }
}

/** A digest of a training set: equal when the classifier would be trained on the same examples. */
function digest(examples: readonly LabelledText[]): string {
  const hash = createHash('sha256');
  for (const { label, text } of examples) hash.update(`${label}\t${text}\n`);
  return hash.digest('hex');
}
