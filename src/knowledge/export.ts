import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TRAINING_LANGS } from '../nlu/training-data.js';
import type { KnowledgeSnapshot } from './store.js';

/** The files `kb export` writes, relative to the repository (or the directory given): the ones the database is seeded from. */
export const EXPORTED_FILES = { faq: 'data/faq.json', en: 'intents/en.json', zh: 'intents/zh.json' } as const;

/**
 * Writes the knowledge in the repository's format under `dir`: the FAQ to `data/faq.json`, the
 * phrases to `intents/en.json` and `intents/zh.json` (JSON indented by two spaces, a final line
 * break), so seeding a fresh database from them gives the same knowledge back. Returns the paths written.
 */
export function exportKnowledge(snapshot: Pick<KnowledgeSnapshot, 'phrases' | 'faq'>, dir: string): string[] {
  const files: [string, unknown][] = [[EXPORTED_FILES.faq, { entries: snapshot.faq }], ...TRAINING_LANGS.map((lang): [string, unknown] => [EXPORTED_FILES[lang], snapshot.phrases[lang]])];
  return files.map(([file, content]) => {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
    return path;
  });
}
