import { say, type Lang, type MessageKey } from '../../src/core/index.js';

/** A text of `data/messages.json` in one language: the console says nothing that is not there. */
export type Say = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The console's texts in `lang`. */
export function textsIn(lang: Lang): Say {
  return (key, vars) => say(lang, key, vars);
}
