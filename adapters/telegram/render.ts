import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Reply, Suggestion } from '../../src/core/index.js';

/** Telegram's limit on a message's text, counted after the HTML is parsed. */
const MAX_TEXT_LENGTH = 4096;
/** Telegram's limit on a button's `callback_data`, in bytes. */
const MAX_CALLBACK_DATA_BYTES = 64;
/** Buttons with labels up to this long share a row; longer ones (questions) get a row each. */
const SHORT_LABEL = 14;
/** At most this many short buttons share a row. */
const ROW_WIDTH = 5;

/** One Telegram message to send: HTML text (parse mode HTML) and maybe an inline keyboard. */
export interface OutgoingMessage {
  readonly html: string;
  readonly keyboard?: InlineKeyboardMarkup;
}

/** Escapes text for Telegram's HTML parse mode, so user or agent text never turns into markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => (char === '&' ? '&amp;' : char === '<' ? '&lt;' : char === '>' ? '&gt;' : '&quot;'));
}

/** Whether a suggestion's payload fits in a button (Telegram refuses longer `callback_data`). */
export function fitsButton(suggestion: Suggestion): boolean {
  return Buffer.byteLength(suggestion.payload, 'utf8') <= MAX_CALLBACK_DATA_BYTES;
}

/**
 * Renders one reply as Telegram messages: the text escaped (an agent's reply shown as
 * "<b>Alice</b>: text"), split below Telegram's length limit, the suggestions as an inline
 * keyboard on the last part. Suggestions whose payload does not fit a button are left out.
 */
export function renderReply(reply: Reply): OutgoingMessage[] {
  if (!reply.text.trim()) return [];
  const prefix = reply.kind === 'agent' && reply.agentName ? `<b>${escapeHtml(reply.agentName)}</b>: ` : '';
  const room = MAX_TEXT_LENGTH - (reply.kind === 'agent' ? (reply.agentName?.length ?? 0) + 2 : 0);
  const parts = splitText(reply.text, room);
  const keyboard = inlineKeyboard(reply.suggestions ?? []);
  return parts.map((part, index) => ({
    html: (index === 0 ? prefix : '') + escapeHtml(part),
    ...(index === parts.length - 1 && keyboard ? { keyboard } : {}),
  }));
}

/** Short buttons (Yes / No, Skip / Cancel, ratings) share rows; longer ones (FAQ questions) get a row each. */
function inlineKeyboard(suggestions: readonly Suggestion[]): InlineKeyboardMarkup | undefined {
  const rows: InlineKeyboardButton[][] = [];
  let row: InlineKeyboardButton[] = [];
  for (const suggestion of suggestions.filter(fitsButton)) {
    const button = { text: suggestion.label, callback_data: suggestion.payload };
    if ([...suggestion.label].length > SHORT_LABEL) {
      if (row.length) rows.push(row);
      rows.push([button]);
      row = [];
      continue;
    }
    row.push(button);
    if (row.length === ROW_WIDTH) {
      rows.push(row);
      row = [];
    }
  }
  if (row.length) rows.push(row);
  return rows.length ? { inline_keyboard: rows } : undefined;
}

/** Splits text into parts of at most `max` characters, at a line break or a space when there is one nearby. */
function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    // Never split a surrogate pair (an emoji or a rare CJK character) in two.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  parts.push(rest);
  return parts;
}
