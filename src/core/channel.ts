import type { Express } from 'express';
import type { Logger } from '../log.js';
import type { AgentActor, DeskEvent, QueueFilter } from '../escalation/service.js';
import type { EscalationDetail, EscalationView } from '../escalation/view.js';
import type { ChannelName, ConversationRef, IncomingMessage, Lang, Reply } from './types.js';

export type { AgentActor, DeskEvent } from '../escalation/service.js';
export type { EscalationDetail, EscalationView } from '../escalation/view.js';

/**
 * What every channel adapter implements (the runtime starts and stops it; the
 * outbox hands it replies for conversations it owns). Everything else an adapter
 * does is translating platform events into {@link IncomingMessage}s.
 */
export interface ChannelAdapter {
  readonly name: ChannelName;
  /** How the channel runs, for the start-up log line (e.g. "long polling", "unauthenticated: for the local Emulator"). */
  readonly detail?: string;
  /** Connects to the platform (or mounts routes); resolves when ready to receive. */
  start(): Promise<void>;
  /** Disconnects; must be safe to call twice. */
  stop(): Promise<void>;
  /**
   * Sends replies to a stored conversation (agent replies, status changes, rating prompts).
   * `signal` is aborted when the outbox stops waiting (its per-call time-out, or shutdown): an
   * adapter that passes it to its HTTP calls stops at once; one that ignores it is left to finish.
   * @throws DeliveryError when the platform refused or could not be reached; the outbox retries
   * (or, when `permanent`, sets the row aside).
   */
  deliver(reference: ConversationRef, replies: readonly Reply[], signal?: AbortSignal): Promise<void>;
  /** Whether this process can reach that conversation (default: every one on the channel). */
  owns?(reference: ConversationRef): boolean;
  /**
   * Mirrors a ticket change to this channel's agent desk (post or edit a card, post the user's
   * message into the ticket's thread). Called in order, once per event, across restarts.
   */
  onDeskEvent?(event: DeskEvent): Promise<void>;
}

/**
 * A reply could not be delivered on a channel. The outbox records it and retries later, unless
 * it is `permanent` (it can never succeed: a conversation reference without a chat id, a user
 * who blocked the bot or deleted their account, a chat that is gone): then the row is set aside
 * as failed and the ticket's audit trail says so.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly permanent: boolean;

  constructor(
    readonly channel: ChannelName,
    message: string,
    options?: { cause?: unknown; permanent?: boolean },
  ) {
    super(`${channel}: ${message}`, options);
    this.permanent = options?.permanent ?? false;
  }
}

/** The adapters running in this process, by channel. */
export class ChannelRegistry {
  readonly #adapters = new Map<ChannelName, ChannelAdapter>();

  /** Adds a started adapter so replies for its channel can be delivered. */
  register(adapter: ChannelAdapter): void {
    this.#adapters.set(adapter.name, adapter);
  }

  /** The adapter for `channel`, if that channel is on in this process. */
  get(channel: ChannelName): ChannelAdapter | undefined {
    return this.#adapters.get(channel);
  }

  /** Every registered adapter, in registration order. */
  all(): ChannelAdapter[] {
    return [...this.#adapters.values()];
  }
}

/** The part of the core an adapter talks to: hand it a message, get the replies. */
export interface MessageHandler {
  handle(message: IncomingMessage): Reply[];
  /** The FAQ's questions in a language (for menus and autocomplete); answer one with payload `faq:<id>`. */
  faq(lang: Lang): { id: string; question: string }[];
  /** Recent messages of a user's conversation, oldest first. */
  history(user: Pick<IncomingMessage, 'channel' | 'userId'>, limit?: number): { from: string; text: string; agent: string | null; at: string }[];
}

/**
 * The agent's desk as channels see it: agents in a Telegram group or a Discord thread work
 * tickets through it. Every action checks `AGENT_IDS` (throws `DeskError` 'forbidden').
 */
export interface AgentDesk {
  isAgent(channel: ChannelName, userId: string): boolean;
  list(filter?: QueueFilter): EscalationView[];
  view(ref: number | string): EscalationView;
  detail(ref: number | string): EscalationDetail;
  claim(ref: number | string, agent: AgentActor): EscalationView;
  /** `messageId`: the platform's id of the agent's message, so a redelivered one is relayed once. */
  reply(ref: number | string, agent: AgentActor, text: string, options?: { messageId?: string }): EscalationView;
  note(ref: number | string, agent: AgentActor, text: string): EscalationView;
  resolve(ref: number | string, agent: AgentActor, resolutionNote?: string): EscalationView;
  reopen(ref: number | string, agent: AgentActor): EscalationView;
  /** Remembers where a ticket is shown on this platform (card message id, thread id). */
  attachCard(escalationId: number, channel: ChannelName, cardRef: string): void;
  /** The ticket a card or thread belongs to. */
  ticketForCard(channel: ChannelName, cardRef: string): EscalationView | undefined;
  /** Where a ticket is shown on this platform. */
  cardsOf(escalationId: number, channel: ChannelName): string[];
}

/** What the runtime hands every adapter it creates. */
export interface ChannelContext {
  readonly bot: MessageHandler;
  readonly desk: AgentDesk;
  /** The shared HTTP server's app, for webhooks and the web chat. */
  readonly http: Express;
  readonly logger: Logger;
}
