import { redactSecrets } from './redact.js';

/** A structure with its secrets redacted, and whether there were any. */
export interface RedactedStructure<T> {
  readonly value: T;
  readonly found: boolean;
}

/** Nesting deeper than this is not a platform's conversation reference: left as it is. */
const MAX_DEPTH = 8;

/** Applies `change` to every string inside a JSON-like value; other values are kept. */
function mapStrings(node: unknown, change: (text: string) => string, depth = 0): unknown {
  if (typeof node === 'string') return change(node);
  if (depth >= MAX_DEPTH || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((item) => mapStrings(item, change, depth + 1));
  return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, mapStrings(item, change, depth + 1)]));
}

/**
 * Replaces each `before` with its `after` in every string inside a JSON-like value (a dialogue
 * state that copied the user's words before they turned out to be part of a secret).
 */
export function replaceInStrings<T>(value: T, rewrites: readonly { readonly before: string; readonly after: string }[]): T {
  if (rewrites.length === 0) return value;
  return mapStrings(value, (text) => rewrites.reduce((result, { before, after }) => result.replaceAll(before, after), text)) as T;
}

/**
 * Strings {@link redactStrings} found no secret in, the oldest dropped past the cap: a user's
 * conversation reference (a web visitor id, a Teams conversation name) comes with every message,
 * and a 46-character visitor id is as costly to clear as a key-shaped string. A string with a
 * secret is never kept.
 */
const CLEAN_STRINGS_LIMIT = 10_000;
const cleanStrings = new Set<string>();

function rememberClean(text: string): void {
  if (cleanStrings.size >= CLEAN_STRINGS_LIMIT) cleanStrings.delete(cleanStrings.values().next().value!);
  cleanStrings.add(text);
}

/**
 * Redacts every string inside a JSON-like value (a stored conversation reference carries free
 * text the user chose: a Teams conversation or user name). Strings without a secret, and every
 * other value, stay exactly as they were, so the reference still works for writing back.
 */
export function redactStrings<T>(value: T): RedactedStructure<T> {
  let found = false;
  const redacted = mapStrings(value, (text) => {
    if (cleanStrings.has(text)) return text;
    const redaction = redactSecrets(text);
    if (redaction.found.length === 0) {
      rememberClean(text);
      return text;
    }
    found = true;
    return redaction.text;
  }) as T;
  return { value: found ? redacted : value, found };
}
