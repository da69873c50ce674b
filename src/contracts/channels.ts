/**
 * What a channel adapter implements, as the parts that reach channels (the outbox dispatcher,
 * the desk feed) see it: they talk to adapters through this interface only.
 */
import type { DeskEvent } from './desk-events.js';
import type { ChannelName, ConversationRef, Reply } from './messages.js';

/**
 * What every channel adapter implements (the runtime starts and stops it; the
 * outbox hands it replies for conversations it owns). Everything else an adapter
 * does is translating platform events into `IncomingMessage`s.
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

/** The adapters running in this process. */
export interface ChannelDirectory {
  /** The adapter for `channel`, if that channel is on in this process. */
  get(channel: ChannelName): ChannelAdapter | undefined;
  /** Every adapter, in registration order. */
  all(): ChannelAdapter[];
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
