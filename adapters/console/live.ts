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

  constructor(
    private readonly source: Pick<ConsoleBackend, 'eventsSince' | 'lastEventId'>,
    private readonly intervalMs = 500,
  ) {}

  /** Follows the desk from now on. */
  start(): void {
    this.#cursor = this.source.lastEventId();
    this.#poller = setInterval(() => this.poll(), this.intervalMs);
    this.#heartbeat = setInterval(() => this.#writeAll(': ping\n\n'), HEARTBEAT_MS);
    this.#poller.unref();
    this.#heartbeat.unref();
  }

  /** Ends every stream (pages reconnect to the next process and resume). */
  stop(): void {
    clearInterval(this.#poller);
    clearInterval(this.#heartbeat);
    for (const res of this.#streams) res.end();
    this.#streams.clear();
  }

  /** Sends what is new on the desk to every open page now (the timer calls it; so may tests). */
  poll(): void {
    for (let batch = this.source.eventsSince(this.#cursor); batch.length > 0; batch = this.source.eventsSince(this.#cursor)) {
      for (const event of batch) this.#writeAll(frame(event));
      this.#cursor = batch.at(-1)!.id;
    }
  }

  /** Turns `res` into a page's event stream, first sending what it missed after `lastEventId`. */
  open(res: Response, lastEventId: number | undefined): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n: connected\n\n');
    for (let after = lastEventId ?? this.#cursor; after < this.#cursor;) {
      const missed = this.source.eventsSince(after).filter((event) => event.id <= this.#cursor);
      if (missed.length === 0) break;
      for (const event of missed) res.write(frame(event));
      after = missed.at(-1)!.id;
    }
    this.#streams.add(res);
    res.on('close', () => this.#streams.delete(res));
  }

  #writeAll(chunk: string): void {
    for (const res of this.#streams) res.write(chunk);
  }
}

function frame(event: DeskEvent): string {
  const live: LiveEvent = { type: event.type, ticketId: event.ticket.id, number: event.ticket.number, priority: event.ticket.priority };
  return `id: ${event.id}\nevent: desk\ndata: ${JSON.stringify(live)}\n\n`;
}
