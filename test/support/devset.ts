import { loadDevSet as loadDevSetFile, type DevQuery } from '../../src/knowledge/dev-set.js';

export { scoreDevSet, type DevQuery, type DevSetScore } from '../../src/knowledge/dev-set.js';

/**
 * A dev set's queries: `devset` (302 queries) or `holdout` (306 harder ones: indirect
 * phrasings, pinyin, other platforms' problems), both written blind to `intents/`.
 */
export function loadDevSet(name: 'devset' | 'holdout' = 'devset'): DevQuery[] {
  return loadDevSetFile(new URL(`../fixtures/${name}.jsonl`, import.meta.url));
}
