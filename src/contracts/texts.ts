/**
 * The texts the bot and the desks say outside FAQ answers, from `data/messages.json` (both
 * languages side by side). Its keys are a contract: a literal type the compiler checks.
 */
import { readFileSync } from 'node:fs';
import type { Lang } from './messages.js';

/** The catalogue's English half as the compiler reads it: its keys are the message keys. */
type English = (typeof import('../../data/messages.json'))['en'];

/** A key of `data/messages.json`, the texts the bot says outside FAQ answers: a typo is a compile error. */
export type MessageKey = keyof English;

const catalogue = JSON.parse(readFileSync(new URL('../../data/messages.json', import.meta.url), 'utf8')) as Record<Lang, Record<MessageKey, string>>;

/**
 * The text for `key` in `lang`, with `{name}` placeholders filled from `vars`.
 * @throws Error for a key missing from the catalogue at run time (a key built from data, e.g. an intent).
 */
export function say(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = catalogue[lang][key] ?? catalogue.en[key];
  if (template === undefined) throw new Error(`unknown message key "${key}"`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
