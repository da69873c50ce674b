import { ActionRowBuilder, ButtonBuilder, ButtonStyle, escapeMarkdown } from 'discord.js';
import { detectLanguage, type Lang, type Reply, type Suggestion } from '../../src/core/index.js';

/** Discord's limit on a message's text. */
export const MAX_CONTENT = 2000;
/** Discord's limit on a button's custom id, which carries the suggestion's payload. */
const MAX_CUSTOM_ID = 100;
const MAX_LABEL = 80;
const BUTTONS_PER_ROW = 5;
const MAX_ROWS = 5;
const URL = /(https?:\/\/[^\s<>]+)/;

/** A message to post: text plus button rows, ready for `send`, `reply` or `followUp`. */
export interface Outgoing {
  readonly content: string;
  readonly components: ActionRowBuilder<ButtonBuilder>[];
}

/**
 * Plain text for Discord: markdown, headings and masked links are escaped so a name or a
 * message shows as typed, while URLs stay clickable (escaping inside them would break them).
 */
export function plain(value: string): string {
  return value
    .split(URL)
    .map((part, index) => (index % 2 === 1 ? part : escapeMarkdown(part, { heading: true }).replace(/\[/g, '\\[')))
    .join('');
}

/** Cuts `value` to `max` characters, marking the cut. */
export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/**
 * Renders one turn's replies as few messages as Discord allows: texts joined into messages of
 * at most 2000 characters, every suggestion a button on the last one (so a turn reads as one
 * answer in a busy channel). An agent's words carry their name. In a shared channel the buttons
 * carry their `owner` (the user answered), so {@link pressedButton} can refuse anyone else.
 */
export function renderReplies(replies: readonly Reply[], options: { owner?: string } = {}): Outgoing[] {
  const texts = replies.map((reply) => (reply.kind === 'agent' && reply.agentName ? `**${plain(reply.agentName)}:** ${plain(reply.text)}` : plain(reply.text)));
  const chunks: string[] = [];
  for (const piece of texts.flatMap(split)) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + 2 + piece.length <= MAX_CONTENT) chunks[chunks.length - 1] = `${last}\n\n${piece}`;
    else chunks.push(piece);
  }
  const rows = buttonRows(
    replies.flatMap((reply) => reply.suggestions ?? []),
    options.owner,
  );
  return chunks.map((content, index) => ({ content, components: index === chunks.length - 1 ? rows : [] }));
}

/** The language the core answered in, for the adapter's own notes around its replies. */
export function languageOf(replies: readonly Reply[], hint: Lang | undefined): Lang {
  const sample = replies.map((reply) => reply.text).join(' ');
  if (!sample.trim()) return hint ?? 'en';
  return detectLanguage(sample) === 'en' ? 'en' : 'zh';
}

/** A pressed suggestion button: the core's payload, and the user it was meant for when it says so. */
export function pressedButton(customId: string): { readonly payload: string; readonly owner?: string } {
  const owned = OWNED.exec(customId);
  return owned ? { payload: owned[1]!, owner: owned[2]! } : { payload: customId };
}

/** `<payload>|<user id>`: a button of a message in a shared channel, for that user only. */
const OWNED = /^(.*)\|(\d+)$/s;

function buttonRows(suggestions: readonly Suggestion[], owner?: string): ActionRowBuilder<ButtonBuilder>[] {
  const seen = new Set<string>();
  const idOf = (payload: string) => (owner ? `${payload}|${owner}` : payload);
  // A payload longer than a custom id cannot round-trip, so it is not offered at all.
  const usable = suggestions.filter((s) => idOf(s.payload).length <= MAX_CUSTOM_ID && !seen.has(s.payload) && seen.add(s.payload)).slice(0, BUTTONS_PER_ROW * MAX_ROWS);
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let start = 0; start < usable.length; start += BUTTONS_PER_ROW) {
    const buttons = usable.slice(start, start + BUTTONS_PER_ROW).map((suggestion) =>
      new ButtonBuilder()
        .setCustomId(idOf(suggestion.payload))
        .setLabel(clip(suggestion.label, MAX_LABEL))
        .setStyle(suggestion.payload === 'human' ? ButtonStyle.Primary : ButtonStyle.Secondary),
    );
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(buttons));
  }
  return rows;
}

/** Splits a text longer than a message, at a line break when there is one. */
function split(value: string): string[] {
  const parts: string[] = [];
  let rest = value;
  while (rest.length > MAX_CONTENT) {
    const newline = rest.lastIndexOf('\n', MAX_CONTENT);
    const cut = newline > 0 ? newline : MAX_CONTENT;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  return rest ? [...parts, rest] : parts;
}
