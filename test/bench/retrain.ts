/**
 * The live knowledge base's retrain (`npm run bench`, section `retrain`): training time on the main
 * thread and in the worker, the wall time from an edit's examples to a classifier ready to swap in
 * (scored on the dev set against the one in use, as the running bot does),
 * what restoring the model costs the main thread, and message handling p50/p99 with and without a
 * retrain running in the worker.
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { loadConfig } from '../../src/config/index.js';
import { DEV_SET_PATH } from '../../src/knowledge/dev-set.js';
import { Retrainer } from '../../src/knowledge/retrainer.js';
import { IntentClassifier } from '../../src/nlu/classifier.js';
import { trainingExamples } from '../../src/nlu/training-data.js';
import { createServices } from '../../src/services.js';
import { loadDevSet } from '../support/devset.js';
import { tempDir } from '../support/temp.js';

/** Runs the retrain measurements on a fresh database seeded from `intents/`. */
export async function benchRetrain() {
  const { dir, cleanup } = tempDir();
  const config = loadConfig({ DATABASE_PATH: `${dir}/retrain.sqlite` });
  const services = await createServices(config);
  const retrainer = new Retrainer();
  const queries = loadDevSet().map((query) => query.text);
  let turn = 0;
  // One turn, timed; distinct users so the flood limit never applies.
  const handleOne = async () => {
    const user = `retrain-${turn % 400}`;
    const text = queries[turn++ % queries.length]!;
    const started = process.hrtime.bigint();
    await services.bot.handle({ channel: 'web', userId: user, conversation: { visitorId: user }, text });
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  try {
    const examples = trainingExamples(await services.knowledge.phrases(), services.brain.knowledgeBase);
    let started = performance.now();
    const local = IntentClassifier.train(examples);
    const mainThreadTrainMs = performance.now() - started;
    started = performance.now();
    await retrainer.train(examples);
    const firstRetrainWallMs = performance.now() - started;
    started = performance.now();
    // What the main thread pays: the model's copy out of the message, and the classifier rebuilt from it.
    IntentClassifier.fromModel(structuredClone(local.toModel()));
    const restoreMs = performance.now() - started;

    const idle: number[] = [];
    for (let i = 0; i < 300; i++) {
      idle.push(await handleOne());
      await yieldToEvents();
    }
    const during: number[] = [];
    let done = false;
    started = performance.now();
    // As the running bot retrains: scored on the dev set against the classifier in use, before it goes live.
    const scoring = { policy: config.nlu, links: config.links, faq: await services.knowledge.faq.entries(), current: services.brain.classifier.toModel(), devSet: DEV_SET_PATH.href };
    const retrain = retrainer.train(examples, scoring).then((result) => {
      done = true;
      return result;
    });
    while (!done) {
      during.push(await handleOne());
      await yieldToEvents();
    }
    const { trainMs: workerTrainMs } = await retrain;
    const scoredRetrainWallMs = performance.now() - started;
    return {
      examples: examples.length,
      mainThreadTrainMs: round(mainThreadTrainMs),
      workerTrainMs: round(workerTrainMs),
      scoredRetrainWallMs: round(scoredRetrainWallMs),
      firstRetrainWallMs: round(firstRetrainWallMs),
      restoreOnMainThreadMs: round(restoreMs),
      turnsIdle: { turns: idle.length, ...summary(idle) },
      turnsDuringRetrain: { turns: during.length, ...summary(during) },
    };
  } finally {
    await retrainer.stop();
    await services.close();
    cleanup();
  }
}

function summary(timings: number[]): { p50Ms: number; p99Ms: number; maxMs: number } {
  const sorted = [...timings].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { p50Ms: round(at(50)), p99Ms: round(at(99)), maxMs: round(sorted.at(-1) ?? 0) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
