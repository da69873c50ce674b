import type { ClientBase } from 'pg';

/** U+0000 itself, or JSON's escape of it (after an even number of backslashes: not an escaped backslash). */
// eslint-disable-next-line no-control-regex -- the control character is what this looks for
const NUL = /\u0000|(?<!\\)((?:\\\\)*)\\u0000/g;

/** `value` without U+0000 (in text, or escaped in JSON text), which Postgres refuses in text and jsonb; anything else as it is. */
export function withoutNul(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(NUL, '$1') : value;
}

/**
 * Makes `client` drop U+0000 from every string it sends as a parameter. SQLite stores the character;
 * Postgres refuses the whole statement ("invalid byte sequence"), so hostile input would turn a turn
 * into an error instead of a reply. Hooked on each pooled connection as it opens.
 */
export function dropNulFromParameters(client: ClientBase): void {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (first: unknown, second?: unknown, ...rest: unknown[]) => {
    const config = first && typeof first === 'object' && Array.isArray((first as { values?: unknown }).values) ? { ...first, values: (first as { values: unknown[] }).values.map(withoutNul) } : first;
    return send(config, Array.isArray(second) ? second.map(withoutNul) : second, ...rest);
  };
}
