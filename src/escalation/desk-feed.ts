import type { ChannelDirectory, ChannelName, DeskEvent } from '../contracts/index.js';
import type { Engine } from '../db/index.js';
import { PeriodicTask } from './periodic-task.js';
import type { Logger } from '../log.js';
import type { DeskBindings } from './desk-bindings.js';
import type { TicketQueue } from './queue.js';

/** Events one poll claims for a desk at most (the queue's page). */
const BATCH = 100;

/**
 * How long the feed waits before mirroring an event on Postgres, where ids are drawn when a
 * transaction inserts, not when it commits: an event with a lower id may become visible after a
 * higher one. A transaction that takes longer than this to commit its event leaves it unmirrored.
 */
export const POSTGRES_SETTLE_MS = 2_000;

/**
 * Mirrors ticket changes (from this process, another instance or the CLI desk) to the agent
 * desks of the channels: polls the audit trail and hands each new event to every adapter with
 * `onDeskEvent`, keeping a cursor per channel in the database.
 *
 * Several instances may run it on one database: a poll claims a channel's next events by moving
 * its cursor past them (under a lock, so two instances never take the same events) before
 * handing them over, so each event reaches a desk once. When a desk refuses one, the cursor goes
 * back to it (if no other instance has moved on meanwhile), and the next poll retries from it.
 * An instance that stops dead between the claim and the hand-over leaves the rest of that batch
 * unmirrored (the tickets themselves are unaffected). On Postgres an event is mirrored once it has
 * been visible for `settleMs` (see {@link POSTGRES_SETTLE_MS}), so one committed late is not skipped.
 */
export class DeskFeed {
  readonly #task: PeriodicTask<void>;
  #ready: Promise<void> = Promise.resolve();
  /** The newest event id seen at each poll not yet settled, oldest first. */
  readonly #seen: { at: number; newest: number }[] = [];
  /** Events up to this id have been visible for `settleMs`. */
  #settled = 0;

  /** `settleMs`: how long an event must have been visible before it is mirrored (default: 0 on SQLite, which commits ids in order; {@link POSTGRES_SETTLE_MS} on Postgres). */
  constructor(
    private readonly engine: Engine,
    private readonly queue: TicketQueue,
    private readonly bindings: DeskBindings,
    private readonly channels: ChannelDirectory,
    private readonly logger: Logger,
    intervalMs = 500,
    private readonly settleMs = engine.dialect === 'postgres' ? POSTGRES_SETTLE_MS : 0,
  ) {
    this.#task = new PeriodicTask(
      () => this.#pollOnce(),
      intervalMs,
      (error) => this.logger.warn({ reason: String(error) }, 'agent desk feed: a poll failed; will retry'),
    );
  }

  /**
   * Starts polling; a channel seen for the first time starts from now, not from history.
   * Resolves once every desk has its cursor. @throws when the database cannot be read.
   */
  async start(): Promise<void> {
    this.#ready = this.#startCursors();
    await this.#ready;
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

  /** Gives each desk never started a cursor at the newest event. */
  async #startCursors(): Promise<void> {
    for (const adapter of this.channels.all()) {
      if (!adapter.onDeskEvent) continue;
      const channel = adapter.name;
      // Under the channel's lock: two instances starting at once agree on the cursor.
      await this.engine.transaction(async () => {
        await this.engine.lock(lockKey(channel));
        if ((await this.bindings.deskCursor(channel)) === undefined) await this.bindings.setDeskCursor(channel, await this.queue.lastEventId());
      });
    }
  }

  async #pollOnce(): Promise<void> {
    // A poll before start() finished (or after it failed) begins where start() left the cursors.
    await this.#ready.catch(() => undefined);
    if (!this.channels.all().some((adapter) => adapter.onDeskEvent !== undefined)) return;
    let horizon: number;
    try {
      horizon = this.#horizon(await this.queue.lastEventId());
    } catch (error) {
      this.logger.warn({ reason: String(error) }, 'agent desk feed: could not read the audit trail; will retry');
      return;
    }
    for (const adapter of this.channels.all()) {
      if (!adapter.onDeskEvent) continue;
      try {
        await this.#mirror(adapter.name, adapter.onDeskEvent.bind(adapter), horizon);
      } catch (error) {
        // The database is busy or unreachable: the next poll starts from the cursor.
        this.logger.warn({ channel: adapter.name, reason: String(error) }, 'agent desk feed: could not read or record events; will retry');
      }
    }
  }

  /** The newest event id that may be mirrored now, `newest` being the newest there is: that one, or with a settling time the newest seen `settleMs` ago. */
  #horizon(newest: number): number {
    if (this.settleMs <= 0) return newest;
    const now = Date.now();
    this.#seen.push({ at: now, newest });
    while (this.#seen.length > 0 && this.#seen[0]!.at <= now - this.settleMs) this.#settled = Math.max(this.#settled, this.#seen.shift()!.newest);
    return this.#settled;
  }

  /** Hands one channel's desk the events after its cursor up to `horizon`: claims a batch, hands it over, gives back what the desk refused. */
  async #mirror(channel: ChannelName, onDeskEvent: (event: DeskEvent) => Promise<void>, horizon: number): Promise<void> {
    // Nothing new (most polls): a read, no claim (a write transaction).
    const cursor = await this.bindings.deskCursor(channel);
    if (cursor !== undefined && cursor >= horizon) return;
    for (;;) {
      const batch = await this.#claim(channel, horizon);
      if (!batch) return;
      for (const [index, event] of batch.events.entries()) {
        try {
          await onDeskEvent(event);
        } catch (error) {
          // A desk that cannot be reached now is retried from the same event on the next poll.
          this.logger.warn({ channel, eventId: event.id, reason: (error as Error).message }, 'agent desk update failed; will retry');
          await this.#giveBack(channel, batch.claimedTo, index === 0 ? batch.from : batch.events[index - 1]!.id);
          return;
        }
      }
      if (!batch.more) return;
    }
  }

  /**
   * Moves the channel's cursor past its next events (up to `horizon`), in one transaction under the
   * channel's lock, and returns them with where the cursor was and whether more may follow;
   * undefined when there is nothing new.
   */
  async #claim(channel: ChannelName, horizon: number): Promise<{ from: number; claimedTo: number; events: DeskEvent[]; more: boolean } | undefined> {
    return this.engine.transaction(async () => {
      await this.engine.lock(lockKey(channel));
      const from = (await this.bindings.deskCursor(channel)) ?? (await this.queue.lastEventId());
      const page = await this.queue.eventsSince(from, BATCH);
      const events = page.filter((event) => event.id <= horizon);
      if (events.length === 0) return undefined;
      const claimedTo = events.at(-1)!.id;
      await this.bindings.setDeskCursor(channel, claimedTo);
      return { from, claimedTo, events, more: page.length === BATCH && events.length === page.length };
    });
  }

  /** Puts the cursor back to `to` (the last event the desk took) unless another instance has moved it on since the claim. */
  async #giveBack(channel: ChannelName, claimedTo: number, to: number): Promise<void> {
    const given = await this.engine.transaction(async () => {
      await this.engine.lock(lockKey(channel));
      if ((await this.bindings.deskCursor(channel)) !== claimedTo) return false;
      await this.bindings.setDeskCursor(channel, to);
      return true;
    });
    if (!given) this.logger.warn({ channel, from: to + 1, to: claimedTo }, 'agent desk feed: events the desk refused were not retried (another instance has mirrored past them)');
  }
}

/** The lock a channel's desk cursor is moved under. */
function lockKey(channel: ChannelName): string {
  return `desk-feed:${channel}`;
}
