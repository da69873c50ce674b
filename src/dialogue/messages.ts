import { readFileSync } from 'node:fs';
import type { Lang } from '../core/types.js';

type Catalogue = Record<Lang, Record<string, string>>;

const catalogue = JSON.parse(
  readFileSync(new URL('../../data/messages.json', import.meta.url), 'utf8'),
) as Catalogue;

/** A key of `data/messages.json`, the texts the bot says outside FAQ answers. */
export type MessageKey = keyof (typeof catalogue)['en'] & string;

/**
 * The text for `key` in `lang`, with `{name}` placeholders filled from `vars`.
 * @throws Error for an unknown key, so a typo fails in tests, not in front of a user.
 */
export function say(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = catalogue[lang][key] ?? catalogue.en[key];
  if (template === undefined) throw new Error(`unknown message key "${key}"`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
