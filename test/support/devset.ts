import { readFileSync } from 'node:fs';
import type { Brain } from '../../src/nlu/brain.js';

/** One query of the bilingual dev set (`test/fixtures/devset.jsonl`), written independently of `intents/`. */
export interface DevQuery {
  readonly text: string;
  readonly intent: string;
  readonly lang: 'zh' | 'en';
}

/**
 * A dev set's queries: `devset` (302 queries) or `holdout` (306 harder ones: indirect
 * phrasings, pinyin, other platforms' problems), both written blind to `intents/`.
 */
export function loadDevSet(name: 'devset' | 'holdout' = 'devset'): DevQuery[] {
  const raw = readFileSync(new URL(`../fixtures/${name}.jsonl`, import.meta.url), 'utf8');
  return raw
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DevQuery);
}

/** Accuracy on in-scope queries, rejection of out-of-scope ones, and the misses, per language too. */
export interface DevSetScore {
  readonly inScope: number;
  readonly inScopeAccuracy: number;
  readonly outOfScope: number;
  readonly outOfScopeRejected: number;
  readonly byLang: Record<string, { inScopeAccuracy: number; outOfScopeRejected: number }>;
  readonly misses: { text: string; expected: string; got: string; action: string; confidence: number }[];
}

/** Runs the brain over the dev set: in scope, the intent must match; out of scope, the action must be fallback or clarify. */
export function scoreDevSet(brain: Brain, queries: readonly DevQuery[]): DevSetScore {
  const tally = (subset: readonly DevQuery[]) => {
    let correct = 0;
    let inScope = 0;
    let rejected = 0;
    let outOfScope = 0;
    const misses: DevSetScore['misses'] = [];
    for (const query of subset) {
      const decision = brain.decide(query.text);
      if (query.intent === 'none') {
        outOfScope++;
        const ok = decision.action === 'fallback' || decision.action === 'clarify';
        if (ok) rejected++;
        else misses.push({ text: query.text, expected: 'none', got: decision.intent, action: decision.action, confidence: decision.confidence });
      } else {
        inScope++;
        if (decision.intent === query.intent) correct++;
        else misses.push({ text: query.text, expected: query.intent, got: decision.intent, action: decision.action, confidence: decision.confidence });
      }
    }
    return { inScope, inScopeAccuracy: round(correct / Math.max(1, inScope)), outOfScope, outOfScopeRejected: round(rejected / Math.max(1, outOfScope)), misses };
  };
  const all = tally(queries);
  const byLang: DevSetScore['byLang'] = {};
  for (const lang of ['en', 'zh'] as const) {
    const { inScopeAccuracy, outOfScopeRejected } = tally(queries.filter((query) => query.lang === lang));
    byLang[lang] = { inScopeAccuracy, outOfScopeRejected };
  }
  return { ...all, byLang };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
