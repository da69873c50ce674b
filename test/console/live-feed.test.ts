import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { LiveFeed } from '../../adapters/console/live.js';
import type { DeskEvent } from '../../src/core/index.js';

/** An audit trail whose reads take a turn of the event loop (as a database over the network would); `hold` makes them wait. */
class SlowTrail {
  readonly events: DeskEvent[] = [];
  reads = 0;
  overlapping = 0;
  #inFlight = 0;
  #gate: Promise<void> | undefined;
  #release: (() => void) | undefined;

  add(id: number): void {
    this.events.push({ id, type: 'claimed', ticket: { id, number: `T-${id}`, priority: 'normal' } } as unknown as DeskEvent);
  }

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#release = resolve));
  }

  release(): void {
    this.#release?.();
    this.#gate = undefined;
  }

  readonly lastEventId = async (): Promise<number> => this.events.at(-1)?.id ?? 0;

  readonly eventsSince = async (afterId: number): Promise<DeskEvent[]> => {
    this.reads++;
    if (++this.#inFlight > 1) this.overlapping++;
    try {
      await (this.#gate ?? new Promise((resolve) => setImmediate(resolve)));
      return this.events.filter((event) => event.id > afterId).slice(0, 2);
    } finally {
      this.#inFlight--;
    }
  };
}

/** A page's event stream: the ids it was sent, in order. */
function page(): { res: Response; ids: () => number[]; close: () => void } {
  const chunks: string[] = [];
  const emitter = new EventEmitter();
  const res = Object.assign(emitter, {
    writeHead: () => res,
    write: (chunk: string) => chunks.push(chunk) > 0,
    end: () => res,
  }) as unknown as Response;
  return { res, ids: () => chunks.flatMap((chunk) => [...chunk.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]))), close: () => emitter.emit('close') };
}

describe('the console live feed over an asynchronous audit trail', () => {
  it('never reads while another poll reads, and sends every event once, in order', async () => {
    const trail = new SlowTrail();
    trail.add(1);
    const feed = new LiveFeed(trail, (error) => expect.fail(String(error)), 60_000);
    await feed.start();
    const open = page();
    await feed.open(open.res, undefined);
    for (let id = 2; id <= 7; id++) trail.add(id);
    await Promise.all([feed.poll(), feed.poll(), feed.poll()]);
    feed.stop();
    expect(trail.overlapping).toBe(0);
    expect(open.ids()).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('a page that connects during a poll gets what it missed, then the live events, each once and in order', async () => {
    const trail = new SlowTrail();
    for (let id = 1; id <= 3; id++) trail.add(id);
    const feed = new LiveFeed(trail, (error) => expect.fail(String(error)), 60_000);
    await feed.start();
    for (let id = 4; id <= 6; id++) trail.add(id);
    trail.hold();
    const polled = feed.poll();
    const late = page();
    const opened = feed.open(late.res, 1);
    trail.release();
    await Promise.all([polled, opened]);
    trail.add(7);
    await feed.poll();
    feed.stop();
    expect(trail.overlapping).toBe(0);
    expect(late.ids()).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('does not write to a page that went away while what it missed was read', async () => {
    const trail = new SlowTrail();
    for (let id = 1; id <= 3; id++) trail.add(id);
    const feed = new LiveFeed(trail, (error) => expect.fail(String(error)), 60_000);
    await feed.start();
    trail.hold();
    const gone = page();
    const opened = feed.open(gone.res, 0);
    gone.close();
    trail.release();
    await opened;
    trail.add(4);
    await feed.poll();
    feed.stop();
    expect(gone.ids()).toEqual([]);
  });
});
