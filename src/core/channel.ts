import type { Express } from 'express';
import type { Logger } from '../log.js';
import type { ChannelName, ConversationRef, IncomingMessage, Reply } from './types.js';

/**
 * What every channel adapter implements (the runtime starts and stops it; the
 * outbox hands it replies for conversations it owns). Everything else an adapter
 * does is translating platform events into {@link IncomingMessage}s.
 */
export interface ChannelAdapter {
  readonly name: ChannelName;
  /** Connects to the platform (or mounts routes); resolves when ready to receive. */
  start(): Promise<void>;
  /** Disconnects; must be safe to call twice. */
  stop(): Promise<void>;
  /**
   * Sends replies to a stored conversation (agent replies, status changes, rating prompts).
   * @throws DeliveryError when the platform refused or could not be reached; the outbox retries.
   */
  deliver(reference: ConversationRef, replies: readonly Reply[]): Promise<void>;
  /** Whether this process can reach that conversation (default: every one on the channel). */
  owns?(reference: ConversationRef): boolean;
}

/** A reply could not be delivered on a channel; the outbox records it and retries later. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';

  constructor(
    readonly channel: ChannelName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${channel}: ${message}`, options);
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
  /** Recent messages of a user's conversation, oldest first. */
  history(user: Pick<IncomingMessage, 'channel' | 'userId'>, limit?: number): { from: string; text: string; agent: string | null; at: string }[];
}

/** What the runtime hands every adapter it creates. */
export interface ChannelContext {
  readonly bot: MessageHandler;
  /** The shared HTTP server's app, for webhooks and the web chat. */
  readonly http: Express;
  readonly logger: Logger;
}
