/**
 * Text from users shown on an agent's terminal. A terminal acts on control characters: ESC
 * sequences can erase a line and print a fake "resolved by alice", OSC 52 sets the clipboard,
 * bidi overrides reorder what is read. Shown visibly escaped instead, so the agent sees that
 * something was there.
 */

/** C0 and C1 controls (tab and newline aside), DEL, and the bidi embedding, override and isolate characters. */
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every character a terminal would act on written as a visible escape (`\x1b`,
 * `\u202e`). `oneLine` also turns tabs and newlines into `\t` and `\n` (for tab-separated lists).
 */
export function printable(text: string, options: { oneLine?: boolean } = {}): string {
  const escaped = text.replace(TERMINAL_CONTROLS, escapeChar);
  return options.oneLine ? escaped.replace(/[\t\n]/g, escapeChar) : escaped;
}

function escapeChar(char: string): string {
  const code = char.codePointAt(0)!;
  if (char === '\t') return '\\t';
  if (char === '\n') return '\\n';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
