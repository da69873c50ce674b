import type { Response } from 'express';
import type { ConsoleBackend, DeskEvent } from '../../src/core/index.js';

/** What a browser is told of a desk event: enough to decide what to refresh, no user text (pages fetch it rendered and escaped). */
export interface LiveEvent {
  readonly type: DeskEvent['type'];
  readonly ticketId: number;
  readonly number: string;
  readonly priority: DeskEvent['ticket']['priority'];
}

const HEARTBEAT_MS = 25_000;

/**
 * The console's live feed: follows the desk events (the audit trail every desk writes to: this
 * console, the CLI, Telegram, Discord, Teams) and fans each out to the open pages as server-sent
 * events whose id is the event's id, so a page that reconnects (`Last-Event-ID`) gets what it missed.
 */
export class LiveFeed {
  readonly #streams = new Set<Response>();
  #cursor = 0;
  #poller: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #stopped = false;
  /** The last read queued: polls and the catch-ups of opening pages run one at a time, in order, so the cursor moves only between them. */
  #tail: Promise<void> = Promise.resolve();
  /** Polls queued or running: the timer queues none while there is one. */
  #polls = 0;

  constructor(
    private readonly source: Pick<ConsoleBackend, 'eventsSince' | 'lastEventId'>,
    /** What a timed poll that failed does with its error (the next poll starts from the same cursor). */
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = 500,
  ) {}

  /** Follows the desk from now on. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#serial(async () => {
      this.#cursor = await this.source.lastEventId();
    });
    if (this.#stopped) return;
    this.#poller = setInterval(() => {
      if (this.#polls === 0) this.poll().catch(this.onError);
    }, this.intervalMs);
    this.#heartbeat = setInterval(() => this.#writeAll(': ping\n\n'), HEARTBEAT_MS);
    this.#poller.unref();
    this.#heartbeat.unref();
  }

  /** Ends every stream (pages reconnect to the next process and resume). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#poller);
    clearInterval(this.#heartbeat);
    for (const res of this.#streams) res.end();
    this.#streams.clear();
  }

  /** Sends what is new on the desk to every open page now (the timer calls it; so may tests), after the reads queued before it. */
  async poll(): Promise<void> {
    this.#polls++;
    try {
      await this.#serial(async () => {
        for (let batch = await this.source.eventsSince(this.#cursor); batch.length > 0; batch = await this.source.eventsSince(this.#cursor)) {
          for (const event of batch) this.#writeAll(frame(event));
          this.#cursor = batch.at(-1)!.id;
        }
      });
    } finally {
      this.#polls--;
    }
  }

  /**
   * Turns `res` into a page's event stream, first sending what it missed after `lastEventId`; it
   * gets the live events from there (no poll runs meanwhile, so none is missed or sent out of order).
   */
  async open(res: Response, lastEventId: number | undefined): Promise<void> {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n: connected\n\n');
    let closed = false;
    res.on('close', () => {
      closed = true;
      this.#streams.delete(res);
    });
    await this.#serial(async () => {
      for (let after = lastEventId ?? this.#cursor; after < this.#cursor;) {
        const missed = (await this.source.eventsSince(after)).filter((event) => event.id <= this.#cursor);
        // A page that went away while its events were read is not written to.
        if (closed || missed.length === 0) break;
        for (const event of missed) res.write(frame(event));
        after = missed.at(-1)!.id;
      }
      if (closed) return;
      if (this.#stopped) return void res.end();
      this.#streams.add(res);
    });
  }

  /** Runs `task` after the reads queued before it. */
  #serial(task: () => Promise<void>): Promise<void> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #writeAll(chunk: string): void {
    for (const res of this.#streams) res.write(chunk);
  }
}

function frame(event: DeskEvent): string {
  const live: LiveEvent = { type: event.type, ticketId: event.ticket.id, number: event.ticket.number, priority: event.ticket.priority };
  return `id: ${event.id}\nevent: desk\ndata: ${JSON.stringify(live)}\n\n`;
}
