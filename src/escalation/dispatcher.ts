import type { Logger } from '../log.js';
import { DeliveryError, type ChannelDirectory, type ChannelName } from '../contracts/index.js';
import { PeriodicTask } from './periodic-task.js';
import { PLATFORM_SEND_RATES, SendPace } from './send-pace.js';
import type { Outbox, OutboxItem } from './outbox.js';

/** How the dispatcher paces itself; every field has a production default. */
export interface DispatcherOptions {
  /** How long one `deliver` call may take before it counts as failed and is retried with backoff (default 10 s). */
  readonly timeoutMs?: number;
  /** Deliveries running at once on one channel (default 16); each conversation has at most one. */
  readonly perChannel?: number;
  /** How long `stop()` waits for deliveries in progress before giving their rows back (default 5 s). */
  readonly shutdownMs?: number;
  /** Rows claimed but not finished, at most (default 1,000). */
  readonly maxHeld?: number;
  /** Lease on a claimed row, renewed while this process holds it (default 15 s): how soon another process retries after a crash. */
  readonly leaseMs?: number;
  /** Messages per second, at most, per channel (default {@link PLATFORM_SEND_RATES}; a channel without an entry is not paced). */
  readonly sendRates?: Readonly<Partial<Record<ChannelName, number>>>;
  /** Told of every attempt's outcome (e.g. metrics); none by default. */
  readonly observer?: DeliveryObserver;
}

/** What became of a delivery attempt: sent, failed and to be retried, or failed for good and set aside. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'abandoned';

/** Hears of each delivery attempt by channel and outcome (nothing about the user or the message). */
export type DeliveryObserver = (channel: ChannelName, outcome: DeliveryOutcome) => void;

const DEFAULTS: Required<Omit<DispatcherOptions, 'observer'>> = { timeoutMs: 10_000, perChannel: 16, shutdownMs: 5_000, maxHeld: 1_000, leaseMs: 15_000, sendRates: PLATFORM_SEND_RATES };

/**
 * Drains the outbox in the process that runs the channels. Due rows are claimed every
 * `intervalMs` and grouped into lanes, one per conversation: a lane sends its rows in order,
 * lanes run side by side (at most `perChannel` calls at once on a channel), so a slow channel or
 * conversation delays no other, and each channel is paced to its platform's sending rate. A call that takes longer than `timeoutMs` counts as failed; a
 * failed row is retried with backoff and the rest of its lane waits behind it. Deliveries are
 * marked in batches right after they succeed. Rows for channels that are off here wait.
 */
export class OutboxDispatcher {
  readonly #options: Required<Omit<DispatcherOptions, 'observer'>>;
  readonly #observe: DeliveryObserver;
  readonly #task: PeriodicTask<number>;
  /** Claimed rows not yet finished, by id (what the lease covers and what stop() gives back). */
  readonly #held = new Map<number, OutboxItem>();
  /** Rows waiting in each running lane, oldest first. */
  readonly #lanes = new Map<string, OutboxItem[]>();
  readonly #running = new Set<Promise<void>>();
  readonly #slots = new Map<ChannelName, Slots>();
  readonly #paces = new Map<ChannelName, SendPace>();
  /** Calls in progress, aborted when stop() gives up on them. */
  readonly #calls = new Set<AbortController>();
  /** Delivered rows not yet marked (written together, right after the sends). */
  #unmarked: number[] = [];
  #flushing: NodeJS.Immediate | undefined;
  /** The marks being written (each write waits for the one before it). */
  #marking: Promise<void> = Promise.resolve();
  #deliveredCount = 0;
  #moreDue = false;
  #leaseRenewedAt = 0;
  #stopping = false;
  /** After stop(): late results of abandoned calls are ignored (their rows were given back). */
  #closed = false;
  #stopped: Promise<void> | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly channels: ChannelDirectory,
    private readonly logger: Logger,
    intervalMs = 250,
    options: DispatcherOptions = {},
  ) {
    const { observer, ...rest } = options;
    this.#options = { ...DEFAULTS, ...rest };
    this.#observe = observer ?? (() => undefined);
    this.#task = new PeriodicTask(
      () => this.#claim(),
      intervalMs,
      // #claim catches the database's failures itself; this is the backstop.
      (error) => this.logger.error({ reason: String(error) }, 'outbox: a claim failed; will retry'),
    );
  }

  /** Starts claiming on a timer. */
  start(): void {
    this.#task.start();
  }

  /**
   * Stops claiming, waits up to `shutdownMs` for deliveries in progress, then gives every
   * unfinished row back (due at once) so the next start sends it. Safe to call twice.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  /**
   * Delivers what is due now and waits for it (and for deliveries already running); resolves
   * with the number delivered meanwhile. Tests and the CLI use it instead of the timer.
   */
  async drain(): Promise<number> {
    const before = this.#deliveredCount;
    while (!this.#stopping) {
      const claimed = await this.#claim();
      await this.#settled();
      if (claimed === 0) break;
    }
    return this.#deliveredCount - before;
  }

  /** Claims due rows into lanes (renewing the lease of rows held); resolves with how many were claimed (never rejects). */
  async #claim(): Promise<number> {
    if (this.#stopping) return 0;
    // Marks first: a delivered row not yet marked would hold the rest of its lane back.
    await this.#flush();
    const now = new Date();
    const names = this.channels.all().map((adapter) => adapter.name);
    const owns = (item: Pick<OutboxItem, 'channel' | 'reference'>) => this.channels.get(item.channel)?.owns?.(item.reference) ?? true;
    let limit: number;
    let items: OutboxItem[];
    try {
      await this.#renewLeases(now);
      // After the awaits: lanes may have finished meanwhile.
      limit = this.#options.maxHeld - this.#held.size;
      items = await this.outbox.claimDue(names, now, { leaseMs: this.#options.leaseMs, limit, owns });
    } catch (error) {
      // The database is busy (another process writing) or unreachable: try again at the next tick.
      this.logger.warn({ reason: String(error) }, 'outbox: could not claim due rows; will retry');
      return 0;
    }
    if (this.#stopping) {
      // stop() began while the claim ran: give the rows back at once rather than start lanes.
      await this.outbox
        .release(
          items.map((item) => item.id),
          new Date(),
        )
        .catch((error: unknown) => this.logger.warn({ rows: items.length, reason: String(error) }, 'outbox: could not give back rows claimed at shutdown; their lease runs out'));
      return 0;
    }
    this.#moreDue = limit > 0 && items.length === limit;
    for (const item of items) {
      this.#held.set(item.id, item);
      const lane = this.#lanes.get(item.lane);
      if (lane) lane.push(item);
      else this.#startLane(item.lane, [item]);
    }
    return items.length;
  }

  async #renewLeases(now: Date): Promise<void> {
    if (this.#held.size === 0 || now.getTime() - this.#leaseRenewedAt < this.#options.leaseMs / 3) return;
    this.#leaseRenewedAt = now.getTime();
    await this.outbox.extendLease([...this.#held.keys()], new Date(now.getTime() + this.#options.leaseMs));
  }

  #startLane(key: string, queue: OutboxItem[]): void {
    this.#lanes.set(key, queue);
    const running = this.#runLane(key, queue)
      // Only the database can fail here (recording a failure); the row's lease runs out and it is retried.
      .catch((error: unknown) => this.logger.error({ reason: String(error) }, 'outbox: could not record a delivery attempt'))
      .finally(() => {
        this.#running.delete(running);
        // A full claim left due rows behind: fetch more once half the room is free, not only at the next tick.
        if (this.#moreDue && !this.#stopping && this.#held.size <= this.#options.maxHeld / 2) this.#task.runQuietly();
      });
    this.#running.add(running);
  }

  /** Sends a conversation's rows one after another; after a failure the rest wait behind the failed row. */
  async #runLane(key: string, queue: OutboxItem[]): Promise<void> {
    try {
      while (queue.length > 0 && !this.#stopping) {
        const item = queue.shift()!;
        const delivered = await this.#attempt(item);
        if (!delivered && !this.#stopping && queue.length > 0) {
          const waiting = queue.splice(0).map((next) => next.id);
          for (const id of waiting) this.#held.delete(id);
          // Due again, but the claim skips them while the failed row waits for its retry.
          await this.outbox.release(waiting, new Date());
        }
      }
    } finally {
      // At once, not in a later callback: a claim in between would queue rows on a lane that no longer runs.
      this.#lanes.delete(key);
      // Left over after an error (not a stop): forgotten here, claimed again once their lease runs out.
      if (!this.#stopping) for (const rest of queue) this.#held.delete(rest.id);
    }
  }

  /** One delivery, within the channel's concurrency and the call timeout; false when the row is still to be sent. */
  async #attempt(item: OutboxItem): Promise<boolean> {
    const slots = this.#slotsOf(item.channel);
    await slots.acquire();
    await this.#paceOf(item.channel)?.acquire();
    if (this.#stopping) {
      // Not started: stop() gives the row back.
      slots.release();
      return false;
    }
    const call = new AbortController();
    this.#calls.add(call);
    try {
      const adapter = this.channels.get(item.channel);
      if (!adapter) throw new DeliveryError(item.channel, 'the channel is not running in this process');
      await withTimeout(() => adapter.deliver(item.reference, item.replies, call.signal), call, this.#options.timeoutMs, item.channel);
      if (this.#closed) return false;
      this.#held.delete(item.id);
      this.#deliveredCount++;
      this.#mark(item.id);
      this.#observe(item.channel, 'delivered');
      return true;
    } catch (error) {
      if (this.#closed) return false;
      this.#held.delete(item.id);
      return await this.#failed(item, error);
    } finally {
      this.#calls.delete(call);
      slots.release();
    }
  }

  /** Records a failure: set aside when it can never succeed (then the lane goes on), else retried later. */
  async #failed(item: OutboxItem, error: unknown): Promise<boolean> {
    const reason = error instanceof Error ? error.message : String(error);
    const context = { outboxId: item.id, channel: item.channel, attempts: item.attempts + 1, reason };
    if (error instanceof DeliveryError && error.permanent) {
      await this.outbox.abandon(item, reason, new Date());
      this.#observe(item.channel, 'abandoned');
      this.logger.error(context, 'delivery impossible; set aside (see the ticket)');
      return true;
    }
    await this.outbox.failed(item, reason, new Date());
    this.#observe(item.channel, 'retry');
    this.logger.warn(context, 'delivery failed; will retry');
    return false;
  }

  /** Queues a delivered row's mark; the marks of one event-loop turn are written in one statement. */
  #mark(id: number): void {
    this.#unmarked.push(id);
    this.#flushing ??= setImmediate(() => void this.#flush());
  }

  /** Writes the queued marks after the writes already under way; resolves when they are written (never rejects). */
  #flush(): Promise<void> {
    clearImmediate(this.#flushing);
    this.#flushing = undefined;
    this.#marking = this.#marking.then(() => this.#writeMarks());
    return this.#marking;
  }

  async #writeMarks(): Promise<void> {
    const ids = this.#unmarked;
    if (ids.length === 0) return;
    this.#unmarked = [];
    try {
      await this.outbox.delivered(ids, new Date());
    } catch (error) {
      // Still leased (for `leaseMs`), so not sent again meanwhile; tried again with the next marks or claim.
      this.#unmarked.unshift(...ids);
      this.logger.error({ rows: ids.length, reason: String(error) }, 'could not mark deliveries; will retry');
    }
  }

  /** Waits until no lane runs, then writes the pending marks. */
  async #settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
    await this.#flush();
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true;
    await this.#task.stop();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), this.#options.shutdownMs)));
    const outcome = await Promise.race([this.#settled(), deadline]);
    clearTimeout(timer);
    this.#closed = true;
    for (const call of this.#calls) call.abort();
    await this.#flush();
    const unfinished = [...this.#held.keys()];
    this.#held.clear();
    try {
      await this.outbox.release(unfinished, new Date());
    } catch (error) {
      // Their lease runs out instead: the next start (or another instance) sends them then.
      this.logger.error({ rows: unfinished.length, reason: String(error) }, 'outbox: could not give back unfinished deliveries; they are retried once their lease ends');
      return;
    }
    if (unfinished.length > 0) {
      this.logger.warn({ rows: unfinished.length, gaveUpWaiting: outcome === 'deadline' }, 'outbox: unfinished deliveries given back for the next start');
    }
  }

  /** The channel's send rate (undefined: not paced). */
  #paceOf(channel: ChannelName): SendPace | undefined {
    const rate = this.#options.sendRates[channel];
    if (!rate) return undefined;
    let pace = this.#paces.get(channel);
    if (!pace) this.#paces.set(channel, (pace = new SendPace(rate)));
    return pace;
  }

  #slotsOf(channel: ChannelName): Slots {
    let slots = this.#slots.get(channel);
    if (!slots) this.#slots.set(channel, (slots = new Slots(this.#options.perChannel)));
    return slots;
  }
}

/** A counting semaphore: at most `size` holders, the others wait in order. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

/**
 * Runs `work` until it settles or `ms` pass, whichever is first; on time-out the call's signal is
 * aborted (an adapter that honours it stops) and a transient DeliveryError is thrown.
 */
async function withTimeout(work: () => Promise<void>, call: AbortController, ms: number, channel: ChannelName): Promise<void> {
  const timer = setTimeout(() => call.abort(new DeliveryError(channel, `no answer within ${ms} ms`)), ms);
  const aborted = new Promise<never>((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason as Error), { once: true }));
  const sending = work();
  // After a time-out nobody awaits the call any more; its late failure is not an unhandled rejection.
  sending.catch(() => undefined);
  aborted.catch(() => undefined);
  try {
    await Promise.race([sending, aborted]);
  } finally {
    clearTimeout(timer);
  }
}
