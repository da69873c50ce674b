import type { ChannelDirectory, ChannelName, DeskEvent } from '../contracts/index.js';
import { PeriodicTask } from './periodic-task.js';
import type { Logger } from '../log.js';
import type { DeskBindings } from './desk-bindings.js';
import type { TicketQueue } from './queue.js';

/**
 * Mirrors ticket changes (from this process or the CLI desk in another) to the agent desks
 * of the channels: polls the audit trail and hands each new event to every adapter with
 * `onDeskEvent`, keeping a cursor per channel in the database.
 */
export class DeskFeed {
  readonly #task: PeriodicTask<void>;

  constructor(
    private readonly queue: TicketQueue,
    private readonly bindings: DeskBindings,
    private readonly channels: ChannelDirectory,
    private readonly logger: Logger,
    intervalMs = 500,
  ) {
    this.#task = new PeriodicTask(() => this.#pollOnce(), intervalMs);
  }

  /** Starts polling; a channel seen for the first time starts from now, not from history. */
  start(): void {
    for (const adapter of this.channels.all()) {
      if (adapter.onDeskEvent && this.bindings.deskCursor(adapter.name) === undefined) {
        this.bindings.setDeskCursor(adapter.name, this.queue.lastEventId());
      }
    }
    this.#task.start();
  }

  /** Stops polling and waits for a poll in progress. */
  stop(): Promise<void> {
    return this.#task.stop();
  }

  /** Mirrors what is new now (tests call it instead of waiting). Overlapping calls share one poll. */
  poll(): Promise<void> {
    return this.#task.run();
  }

  async #pollOnce(): Promise<void> {
    for (const adapter of this.channels.all()) {
      if (!adapter.onDeskEvent) continue;
      try {
        await this.#mirror(adapter.name, adapter.onDeskEvent.bind(adapter));
      } catch (error) {
        // The database is busy (another process writing): the next poll starts from the same cursor.
        this.logger.warn({ channel: adapter.name, reason: String(error) }, 'agent desk feed: could not read or record events; will retry');
      }
    }
  }

  /** Hands one channel's desk the events after its cursor, moving the cursor past each one it took. */
  async #mirror(channel: ChannelName, onDeskEvent: (event: DeskEvent) => Promise<void>): Promise<void> {
    const cursor = this.bindings.deskCursor(channel) ?? this.queue.lastEventId();
    for (const event of this.queue.eventsSince(cursor)) {
      try {
        await onDeskEvent(event);
      } catch (error) {
        // A desk that cannot be reached now is retried from the same event on the next poll.
        this.logger.warn({ channel, eventId: event.id, reason: (error as Error).message }, 'agent desk update failed; will retry');
        return;
      }
      this.bindings.setDeskCursor(channel, event.id);
    }
  }
}
