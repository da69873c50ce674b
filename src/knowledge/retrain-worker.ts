/**
 * The retrain worker's thread: trains a classifier on the examples it is sent and posts the trained
 * model back as plain data (its typed arrays transferred, not copied). One job per message.
 */
import { parentPort } from 'node:worker_threads';
import { IntentClassifier, type LabelledText } from '../nlu/classifier.js';

/** A job for the worker: the examples to train on. */
export interface RetrainJob {
  readonly id: number;
  readonly examples: readonly LabelledText[];
}

parentPort?.on('message', (job: RetrainJob) => {
  try {
    const started = performance.now();
    const model = IntentClassifier.train(job.examples).toModel();
    const trainMs = performance.now() - started;
    const buffers = [model.weights.buffer, model.biases.buffer, model.vectorizer.idf.buffer, model.vectorizer.isWord.buffer] as ArrayBuffer[];
    parentPort!.postMessage({ id: job.id, model, trainMs }, buffers);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
