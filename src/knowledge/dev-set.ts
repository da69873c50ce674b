/**
 * The bilingual dev set (`test/fixtures/devset.jsonl`, the one `npm run bench` scores) and how a
 * brain scores on it: a retrain is scored on it before it goes live.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Brain } from '../nlu/brain.js';

/** Where the dev set is: the bench's, written independently of `intents/`. */
export const DEV_SET_PATH = new URL('../../test/fixtures/devset.jsonl', import.meta.url);

/** One query of the dev set. */
export interface DevQuery {
  readonly text: string;
  readonly intent: string;
  readonly lang: 'zh' | 'en';
}

/** A dev-set query the brain got wrong: what was expected, what it decided. */
export interface DevSetMiss {
  readonly text: string;
  readonly expected: string;
  readonly got: string;
  readonly action: string;
  readonly confidence: number;
}

/** How a brain does on (a part of) the dev set (fractions rounded to 4 decimals). */
export interface DevSetTally {
  /** Share of all queries handled right: in scope, the right intent; out of scope, fallback or clarify. */
  readonly overall: number;
  readonly inScope: number;
  readonly inScopeAccuracy: number;
  readonly outOfScope: number;
  readonly outOfScopeRejected: number;
  readonly misses: readonly DevSetMiss[];
}

/** How a brain does on the dev set: in all, and per language. */
export interface DevSetScore extends DevSetTally {
  readonly byLang: Readonly<Record<'en' | 'zh', Omit<DevSetTally, 'misses'>>>;
}

/** The dev set's queries, or none when the file is not there (an installation without `test/`). */
export function loadDevSet(path: URL | string = DEV_SET_PATH): DevQuery[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DevQuery);
}

/** Runs the brain over the queries: in scope, the intent must match; out of scope, the action must be fallback or clarify. */
export function scoreDevSet(brain: Brain, queries: readonly DevQuery[]): DevSetScore {
  const decided = queries.map((query) => ({ query, decision: brain.decide(query.text) }));
  const { misses: _en, ...en } = tally(decided.filter(({ query }) => query.lang === 'en'));
  const { misses: _zh, ...zh } = tally(decided.filter(({ query }) => query.lang === 'zh'));
  return { ...tally(decided), byLang: { en, zh } };
}

/** The figures of a set of decided queries. */
function tally(decided: readonly { readonly query: DevQuery; readonly decision: ReturnType<Brain['decide']> }[]): DevSetTally {
  let inScope = 0;
  let correct = 0;
  let outOfScope = 0;
  let rejected = 0;
  const misses: DevSetMiss[] = [];
  for (const { query, decision } of decided) {
    const miss = { text: query.text, expected: query.intent, got: decision.intent, action: decision.action, confidence: decision.confidence };
    if (query.intent === 'none') {
      outOfScope++;
      if (decision.action === 'fallback' || decision.action === 'clarify') rejected++;
      else misses.push(miss);
    } else {
      inScope++;
      if (decision.intent === query.intent) correct++;
      else misses.push(miss);
    }
  }
  return {
    overall: round((correct + rejected) / Math.max(1, decided.length)),
    inScope,
    inScopeAccuracy: round(correct / Math.max(1, inScope)),
    outOfScope,
    outOfScopeRejected: round(rejected / Math.max(1, outOfScope)),
    misses,
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
