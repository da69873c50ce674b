/**
 * The platform-free vocabulary of a conversation. Adapters translate platform events into
 * {@link IncomingMessage} and render {@link Reply} with the platform's own means; nothing in here
 * knows about grammy, discord.js or botbuilder.
 */

/**
 * The channels the bot speaks on; `cli` is the terminal user and the agent desk; `email` writes
 * to users about their tickets (confirmations, replies while they are away) and reads their answers.
 */
export type ChannelName = 'web' | 'telegram' | 'discord' | 'teams' | 'cli' | 'email';

/** Every channel name, in a fixed order (for validation and menus). */
export const CHANNEL_NAMES: readonly ChannelName[] = ['web', 'telegram', 'discord', 'teams', 'cli', 'email'];

/** The two languages the bot answers in. */
export type Lang = 'zh' | 'en';

/**
 * Whatever an adapter needs to write to a conversation later (chat id, channel id,
 * Bot Framework conversation reference...). Stored as JSON and handed back untouched.
 */
export type ConversationRef = Readonly<Record<string, unknown>>;

/** A message from a user, as every channel sees it. */
export interface IncomingMessage {
  readonly channel: ChannelName;
  /** The user's id on that channel (e.g. the Telegram user id), not qualified by channel. */
  readonly userId: string;
  readonly displayName?: string;
  /** How to reach this conversation again, for agent replies that arrive later. */
  readonly conversation: ConversationRef;
  /** What the user typed. Empty when {@link payload} carries a button press. */
  readonly text: string;
  /** A button's payload as the platform gave it back (see {@link Suggestion.payload}); read it with `decodePayload`. */
  readonly payload?: string;
  /** The language the platform reports for the user (Telegram `language_code`, Discord locale). */
  readonly langHint?: Lang;
  /** The platform's id for this message, so a redelivered update is handled once. */
  readonly messageId?: string;
  /**
   * Set when the user sent something other than text (a sticker, photo, file, voice note):
   * its kind, e.g. `'sticker'`. The core answers that it reads text only.
   */
  readonly unsupported?: string;
  /**
   * The network origin of the message (the client's IP address, as the web chat sees it), for
   * per-address caps. Never stored raw: hash it if it must be kept.
   */
  readonly origin?: string;
}

/**
 * A button offered with a reply. Pressing it sends {@link payload} back as
 * {@link IncomingMessage.payload}; the core makes payloads with `encodePayload` only.
 */
export interface Suggestion {
  readonly label: string;
  readonly payload: string;
}

/** What kind of reply this is, so adapters can style it (e.g. an agent's message shows their name). */
export type ReplyKind = 'answer' | 'clarify' | 'fallback' | 'escalation' | 'agent' | 'status' | 'prompt' | 'warning';

/** The escalation a reply is about, for channels that show a ticket banner. */
export interface EscalationNotice {
  readonly number: string;
  readonly status: string;
  readonly priority: string;
  readonly queuePosition?: number;
  readonly slaDueAt?: string;
}

/** One message from the bot (or from an agent, through the bot) to a user. */
export interface Reply {
  readonly kind: ReplyKind;
  readonly text: string;
  readonly suggestions?: readonly Suggestion[];
  readonly escalation?: EscalationNotice;
  /** The agent's display name, for `kind: 'agent'`. */
  readonly agentName?: string;
  /**
   * Why a `warning` was given, for adapters that act on it (Discord deletes a public message
   * that revealed a secret): `secret` (redacted seed phrase, key or password), `rate_limited`,
   * `too_long`, `unsupported` (not text).
   */
  readonly reason?: 'secret' | 'rate_limited' | 'too_long' | 'unsupported';
}
