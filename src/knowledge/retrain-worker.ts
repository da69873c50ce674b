/**
 * The retrain worker's thread: trains a classifier on the examples it is sent, scores it and the
 * current one on the dev set when asked, and posts the trained model back as plain data (its
 * typed arrays transferred, not copied). One job per message.
 */
import { parentPort } from 'node:worker_threads';
import { IntentClassifier, type ClassifierModel, type LabelledText } from '../nlu/classifier.js';
import { knowledgeBaseOf, type FaqEntry } from '../nlu/knowledge-base.js';
import { loadDevSet, scoreDevSet, type DevSetScore } from './dev-set.js';
import { brainOf, type BrainSettings } from './live-brain.js';

/** What to score a retrain with: the FAQ it answers from, the brain's settings, the current classifier and the dev set. */
export interface ScoringJob extends BrainSettings {
  readonly faq: readonly FaqEntry[];
  /** The classifier in use now (copied, not transferred: the bot keeps using it). */
  readonly current: ClassifierModel;
  /** The dev set's file (`DEV_SET_PATH`). */
  readonly devSet: string;
}

/** A job for the worker: the examples to train on, and what to score with. */
export interface RetrainJob {
  readonly id: number;
  readonly examples: readonly LabelledText[];
  readonly scoring?: ScoringJob;
}

/** A dev-set score as a retrain records it: the figures, not the missed queries. */
export type RetrainScore = Omit<DevSetScore, 'misses'>;

/** The dev-set scores of a retrain: the new classifier's and the current one's (with the same FAQ). */
export interface RetrainScores {
  readonly candidate: RetrainScore;
  readonly current: RetrainScore;
}

parentPort?.on('message', (job: RetrainJob) => {
  try {
    const started = performance.now();
    const classifier = IntentClassifier.train(job.examples);
    const trainMs = performance.now() - started;
    const scores = job.scoring && score(classifier, job.scoring);
    const model = classifier.toModel();
    const buffers = [model.weights.buffer, model.biases.buffer, model.vectorizer.idf.buffer, model.vectorizer.isWord.buffer] as ArrayBuffer[];
    parentPort!.postMessage({ id: job.id, model, trainMs, scores }, buffers);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});

/** Both classifiers' scores on the dev set, each answering from the new FAQ; none without a dev set. */
function score(candidate: IntentClassifier, job: ScoringJob): RetrainScores | undefined {
  const queries = loadDevSet(new URL(job.devSet));
  if (queries.length === 0) return undefined;
  const knowledgeBase = knowledgeBaseOf(job.faq, job.links);
  const figures = (classifier: IntentClassifier): RetrainScore => {
    const { misses: _misses, ...score } = scoreDevSet(brainOf(classifier, knowledgeBase, job.policy), queries);
    return score;
  };
  return { candidate: figures(candidate), current: figures(IntentClassifier.fromModel(job.current)) };
}
