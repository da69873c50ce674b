import type { Response } from 'express';
import type { Reply } from '../../src/core/index.js';

/** An open server-sent-events stream of one visitor's page, and how far it has been sent. */
export interface VisitorStream {
  /** The id of the last message sent on this stream (`null`: the conversation was empty). */
  cursor: string | null;
  /** Sends replies as one `replies` event whose id is the last of them (the page's resume point). */
  send(replies: readonly Reply[], lastId: string): void;
}

const HEARTBEAT_MS = 25_000;

/** The visitors' open event streams: opened per request, closed with the connection or on stop. */
export class VisitorStreams {
  readonly #byVisitor = new Map<string, Map<VisitorStream, Response>>();
  #heartbeat: NodeJS.Timeout | undefined;

  /** Starts the heartbeat comment that keeps idle streams open through proxies. */
  start(): void {
    this.#heartbeat = setInterval(() => this.#writeAll(': ping\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** Ends every stream (the pages reconnect to the next process and resume). */
  stop(): void {
    clearInterval(this.#heartbeat);
    for (const streams of this.#byVisitor.values()) for (const res of streams.values()) res.end();
    this.#byVisitor.clear();
  }

  /** Turns `res` into an event stream for `visitorId`, starting after message `cursor`. */
  open(visitorId: string, res: Response, cursor: string | null): VisitorStream {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n: connected\n\n');
    const stream: VisitorStream = {
      cursor,
      send(replies, lastId) {
        // A catch-up that was still reading when the page left (or the server stopped) has nowhere to send.
        if (res.writableEnded || res.destroyed) return;
        stream.cursor = lastId;
        res.write(`id: ${lastId}\nevent: replies\ndata: ${JSON.stringify({ replies })}\n\n`);
      },
    };
    const streams = this.#byVisitor.get(visitorId) ?? new Map<VisitorStream, Response>();
    streams.set(stream, res);
    this.#byVisitor.set(visitorId, streams);
    res.on('close', () => {
      streams.delete(stream);
      if (streams.size === 0 && this.#byVisitor.get(visitorId) === streams) this.#byVisitor.delete(visitorId);
    });
    return stream;
  }

  /** The visitor's open streams (none when no page is connected). */
  of(visitorId: string): VisitorStream[] {
    return [...(this.#byVisitor.get(visitorId)?.keys() ?? [])];
  }

  #writeAll(chunk: string): void {
    for (const streams of this.#byVisitor.values()) for (const res of streams.values()) res.write(chunk);
  }
}
