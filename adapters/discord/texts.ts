import type { Lang } from '../../src/core/types.js';
import catalogue from './messages.json' with { type: 'json' };

/** A key of `messages.json`: the few texts only the Discord channel says (both languages side by side). */
export type DiscordTextKey = keyof (typeof catalogue)['en'];

/** The Discord-only text for `key` in `lang`. */
export function text(lang: Lang, key: DiscordTextKey): string {
  return catalogue[lang][key];
}
