import type { Logger } from '../log.js';
import { DeliveryError, type ChannelRegistry } from '../core/channel.js';
import { PeriodicTask } from '../core/periodic-task.js';
import type { ChannelName, ConversationRef } from '../core/types.js';
import type { Outbox } from './outbox.js';

/**
 * Drains the outbox in the process that runs the channels: every `intervalMs` it hands
 * due rows to their channel's adapter, marks them delivered, or records the failure for
 * a retry with backoff. Rows for channels that are off here wait until one is on.
 */
export class OutboxDispatcher {
  readonly #task: PeriodicTask<number>;

  constructor(
    private readonly outbox: Outbox,
    private readonly channels: ChannelRegistry,
    private readonly logger: Logger,
    intervalMs = 250,
  ) {
    this.#task = new PeriodicTask(() => this.#drainOnce(), intervalMs);
  }

  /** Starts draining on a timer. */
  start(): void {
    this.#task.start();
  }

  /** Stops the timer and waits for a drain in progress. */
  stop(): Promise<void> {
    return this.#task.stop();
  }

  /** Delivers what is due now; resolves with the number delivered. Overlapping calls share one drain. */
  drain(): Promise<number> {
    return this.#task.run();
  }

  async #drainOnce(): Promise<number> {
    const channels = this.channels.all().map((adapter) => adapter.name);
    let delivered = 0;
    const owns = (item: { channel: ChannelName; reference: ConversationRef }) => this.channels.get(item.channel)?.owns?.(item.reference) ?? true;
    for (const item of this.outbox.claimDue(channels, new Date(), owns)) {
      const adapter = this.channels.get(item.channel)!;
      try {
        await adapter.deliver(item.reference, item.replies);
        this.outbox.delivered(item.id, new Date());
        delivered++;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (error instanceof DeliveryError && error.permanent) {
          this.outbox.abandon(item, reason, new Date());
          this.logger.error({ outboxId: item.id, channel: item.channel, reason }, 'delivery impossible; set aside (see the ticket)');
          continue;
        }
        this.outbox.failed(item, reason, new Date());
        this.logger.warn({ outboxId: item.id, channel: item.channel, attempts: item.attempts + 1, reason }, 'delivery failed; will retry');
      }
    }
    return delivered;
  }
}
