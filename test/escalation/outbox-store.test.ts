import { asc, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { ChannelName, ConversationRef } from '../../src/contracts/index.js';
import type { Engine } from '../../src/db/index.js';
import { openEngine } from '../../src/db/open.js';
import { Outbox, type ClaimOptions, type OutboxItem } from '../../src/escalation/outbox.js';
import { describeEachEngine } from '../support/engines.js';
import { insertTicketRow } from '../support/ticket-rows.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const LEASE: ClaimOptions = { leaseMs: 10_000, limit: 100 };

/** The rows as stored, in id order. */
const rowsOf = (engine: Engine) => engine.run((db, t) => db.select().from(t.outbox).orderBy(asc(t.outbox.id)));

describeEachEngine('outbox store', (engine) => {
  let e: Engine;
  let outbox: Outbox;
  const queue = (channel: ChannelName, reference: ConversationRef, text: string, extra: { escalationId?: number; dedupeKey?: string } = {}, now = T0) =>
    outbox.enqueue({ channel, reference, replies: [{ kind: 'status', text }], ...extra }, now);
  const texts = (items: readonly OutboxItem[]) => items.map((item) => item.replies.map((reply) => reply.text).join('|'));

  it('opens a fresh database', async () => {
    e = await engine.open();
    outbox = new Outbox(e);
    expect(await outbox.pendingCount()).toBe(0);
    expect(await outbox.backlog()).toEqual([]);
  });

  it('queues a row once per dedupe key, saying whether it was queued', async () => {
    expect(await queue('web', { user: 'dee' }, 'notice', { dedupeKey: 'notice:1:dee' })).toBe(true);
    expect(await queue('web', { user: 'dee' }, 'notice again', { dedupeKey: 'notice:1:dee' })).toBe(false);
    expect(await queue('web', { user: 'dee' }, 'no key')).toBe(true);
    expect(await queue('web', { user: 'dee' }, 'no key either')).toBe(true);
    const rows = await rowsOf(e);
    expect(rows.map((row) => [row.status, row.dedupeKey, (row.payload as { replies: { text: string }[] }).replies[0]!.text])).toEqual([
      ['pending', 'notice:1:dee', 'notice'],
      ['pending', null, 'no key'],
      ['pending', null, 'no key either'],
    ]);
    expect(rows[0]).toMatchObject({ channel: 'web', reference: { user: 'dee' }, attempts: 0, nextAttemptAt: T0, createdAt: T0 });
    // Also inside a caller's transaction (queued with the change that causes it), and rolled back with it.
    await expect(
      e.transaction(async () => {
        await queue('web', { user: 'dee' }, 'rolled back');
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await outbox.pendingCount()).toBe(3);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('claims due rows oldest first for the given channels only, leasing them', async () => {
    await queue('web', { user: 'ann' }, 'a1');
    await queue('teams', { user: 'bob' }, 'b1');
    await queue('web', { user: 'cat' }, 'c1', {}, at(5_000));
    await queue('telegram', { chatId: 1 }, 't1');
    const claimed = await outbox.claimDue(['web', 'teams'], at(1_000), LEASE);
    expect(texts(claimed)).toEqual(['a1', 'b1']);
    expect(claimed[0]).toMatchObject({ channel: 'web', reference: { user: 'ann' }, attempts: 0, lane: `web:${JSON.stringify({ user: 'ann' })}` });
    const rows = await rowsOf(e);
    expect(rows.map((row) => row.nextAttemptAt.getTime())).toEqual([at(11_000), at(11_000), at(5_000), T0].map((d) => d.getTime()));
    // Leased: not claimed again until the lease ends.
    expect(texts(await outbox.claimDue(['web', 'teams'], at(6_000), LEASE))).toEqual(['c1']);
    expect(await outbox.claimDue(['web', 'teams'], at(10_999), LEASE)).toEqual([]);
    expect(texts(await outbox.claimDue(['web', 'teams'], at(11_000), LEASE))).toEqual(['a1', 'b1']);
    expect(await outbox.claimDue([], at(60_000), LEASE)).toEqual([]);
    expect(await outbox.claimDue(['web'], at(60_000), { ...LEASE, limit: 0 })).toEqual([]);
    expect(texts(await outbox.claimDue(['web', 'teams', 'telegram'], at(60_000), { ...LEASE, limit: 2 }))).toEqual(['a1', 'b1']);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('leaves rows to another process when it does not own their conversation', async () => {
    await queue('web', { user: 'here' }, 'mine');
    await queue('web', { user: 'there' }, 'theirs');
    const owns = (item: Pick<OutboxItem, 'reference'>) => item.reference.user === 'here';
    expect(texts(await outbox.claimDue(['web'], T0, { ...LEASE, owns }))).toEqual(['mine']);
    expect(texts(await outbox.claimDue(['web'], T0, LEASE))).toEqual(['theirs']);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('holds a conversation back while an older row of it is in flight or backing off (its lane), not other conversations', async () => {
    await queue('teams', { user: 'ola' }, 'first');
    await queue('teams', { user: 'ola' }, 'second');
    await queue('teams', { user: 'pia' }, 'other');
    // One claim may take a whole lane (the dispatcher sends it in order).
    const [first, second, other] = await outbox.claimDue(['teams'], T0, LEASE);
    expect(texts([first!, second!, other!])).toEqual(['first', 'second', 'other']);
    expect(first!.lane).toBe(second!.lane);
    expect(first!.lane).not.toBe(other!.lane);
    await outbox.delivered([other!.id], at(50));
    // The first fails (backing off), the second is given back: it waits behind the first.
    await outbox.failed(first!, 'connector answered 503', at(100));
    await outbox.release([second!.id], at(100));
    await queue('teams', { user: 'ola' }, 'third', {}, at(200));
    await queue('teams', { user: 'pia' }, 'other again', {}, at(200));
    expect(texts(await outbox.claimDue(['teams'], at(300), LEASE))).toEqual(['other again']);
    // Once the first is due again, the lane goes on in order.
    expect(texts(await outbox.claimDue(['teams'], at(1_100), LEASE))).toEqual(['first', 'second', 'third']);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('treats the same reference as one lane whatever the order of its keys', async () => {
    await queue('teams', { conversationId: 'c1', serviceUrl: 'https://x' }, 'one');
    await queue('teams', { conversationId: 'c1', serviceUrl: 'https://x' }, 'two');
    const [one] = await outbox.claimDue(['teams'], T0, { ...LEASE, limit: 1 });
    await outbox.failed(one!, 'timeout', T0);
    expect(await outbox.claimDue(['teams'], at(10), LEASE)).toEqual([]);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('extends leases of pending rows only, marks delivered rows, releases rows due at once', async () => {
    await queue('web', { user: 'a' }, 'a');
    await queue('web', { user: 'b' }, 'b');
    await queue('web', { user: 'c' }, 'c');
    const [a, b, c] = await outbox.claimDue(['web'], T0, LEASE);
    await outbox.delivered([a!.id], at(50));
    await outbox.extendLease([a!.id, b!.id], at(60_000));
    await outbox.release([c!.id], at(70));
    const rows = await rowsOf(e);
    expect(rows.map((row) => [row.status, row.nextAttemptAt.getTime(), row.deliveredAt?.getTime() ?? null])).toEqual([
      ['delivered', at(10_000).getTime(), at(50).getTime()],
      ['pending', at(60_000).getTime(), null],
      ['pending', at(70).getTime(), null],
    ]);
    expect(texts(await outbox.claimDue(['web'], at(70), LEASE))).toEqual(['c']);
    // Empty batches write nothing.
    await outbox.delivered([], T0);
    await outbox.extendLease([], T0);
    await outbox.release([], T0);
    await outbox.delivered([b!.id, c!.id], at(80));
    expect(await outbox.pendingCount()).toBe(0);
    expect(await outbox.claimDue(['web'], at(1_000_000), LEASE)).toEqual([]);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('backs a failed row off exponentially, capped at five minutes, keeping the error', async () => {
    await queue('web', { user: 'flaky' }, 'hello');
    const [item] = await outbox.claimDue(['web'], T0, LEASE);
    const delays: number[] = [];
    for (const attempts of [0, 1, 2, 9, 20]) {
      await outbox.failed({ ...item!, attempts }, `x${'y'.repeat(600)}`, T0);
      const [row] = await rowsOf(e);
      delays.push(row!.nextAttemptAt.getTime() - T0.getTime());
      expect(row).toMatchObject({ status: 'pending', attempts: attempts + 1 });
      expect(row!.lastError).toHaveLength(500);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 300_000, 300_000]);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('sets aside a row that can never be delivered, saying so on its ticket', async () => {
    const escalationId = await insertTicketRow(e, 'gone', { at: T0, slaAfterMs: 3_600_000 });
    await queue('web', { user: 'gone' }, 'lost', { escalationId });
    await queue('web', { user: 'nobody' }, 'lost too');
    const [lost, lostToo] = await outbox.claimDue(['web'], T0, LEASE);
    await outbox.abandon(lost!, 'bot was removed', at(5));
    await outbox.abandon(lostToo!, 'no chat id', at(6));
    expect((await rowsOf(e)).map((row) => [row.status, row.attempts, row.lastError])).toEqual([
      ['failed', 1, 'bot was removed'],
      ['failed', 1, 'no chat id'],
    ]);
    const events = await e.run((db, t) => db.select().from(t.escalationEvents).where(eq(t.escalationEvents.escalationId, escalationId)));
    expect(events.map((event) => [event.actor, event.action, event.note, event.createdAt.getTime()])).toEqual([['system', 'delivery failed', 'bot was removed', at(5).getTime()]]);
    expect(await e.run((db, t) => db.select().from(t.escalationEvents))).toHaveLength(1);
    // Never claimed again, nor counted as pending.
    expect(await outbox.claimDue(['web'], at(1_000_000), LEASE)).toEqual([]);
    expect(await outbox.pendingCount()).toBe(0);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('reports the backlog per channel: how many rows wait and when the oldest was queued', async () => {
    await queue('web', { user: 'a' }, 'a', {}, at(3_000));
    await queue('web', { user: 'b' }, 'b', {}, at(1_000));
    await queue('teams', { user: 'c' }, 'c', {}, at(2_000));
    await queue('telegram', { chatId: 7 }, 'd', {}, at(500));
    const [, , , done] = await outbox.claimDue(['web', 'teams', 'telegram'], at(5_000), LEASE);
    await outbox.delivered([done!.id], at(5_001));
    const backlog = await outbox.backlog();
    expect(backlog).toEqual([
      { channel: 'teams', pending: 1, oldestAt: at(2_000) },
      { channel: 'web', pending: 2, oldestAt: at(1_000) },
    ]);
    expect(backlog[0]!.oldestAt).toBeInstanceOf(Date);
    expect(typeof backlog[0]!.pending).toBe('number');
    expect(await outbox.pendingCount()).toBe(3);
    await e.run((db, t) => db.delete(t.outbox));
  });

  it('never lets two instances on one database claim the same row, and keeps each conversation in order across them', async () => {
    const config = await engine.config();
    // SQLite: a claim that finds the other connection writing fails at once (SQLITE_BUSY) and is tried again, as the dispatcher does.
    const open = () => openEngine(config, { sqlite: { busyTimeoutMs: 0 }, postgres: { maxConnections: 4 } });
    const first = await open();
    const second = await open();
    try {
      const a = new Outbox(first);
      const b = new Outbox(second);
      // 200 rows over 40 conversations: 5 rows a lane.
      for (let n = 0; n < 200; n++) await a.enqueue({ channel: 'web', reference: { user: `u${n % 40}` }, replies: [{ kind: 'status', text: `r${n}` }] }, T0);
      const claimedBy = new Map<number, string>();
      /** Rows claimed and not yet marked, by lane: one claimer at a time. */
      const held = new Map<string, { who: string; ids: number[] }>();
      /** Each lane's rows in the order claims returned them. */
      const order = new Map<string, number[]>();
      let busy = 0;
      const retrying = async <T>(work: () => Promise<T>): Promise<T> => {
        for (;;) {
          try {
            return await work();
          } catch (error) {
            if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
            busy++;
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      };
      const drain = async (outbox: Outbox, who: string) => {
        for (let round = 0; round < 2_000 && claimedBy.size < 200; round++) {
          const items = await retrying(() => outbox.claimDue(['web'], at(1_000), { leaseMs: 3_600_000, limit: 7 }));
          for (const item of items) {
            expect(claimedBy.get(item.id), `row ${item.id} claimed by ${claimedBy.get(item.id)} and ${who}`).toBeUndefined();
            claimedBy.set(item.id, who);
            const holder = held.get(item.lane);
            expect(holder === undefined || holder.who === who, `lane ${item.lane} held by ${holder?.who} when ${who} claimed row ${item.id}`).toBe(true);
            held.set(item.lane, { who, ids: [...(holder?.ids ?? []), item.id] });
            order.set(item.lane, [...(order.get(item.lane) ?? []), item.id]);
          }
          // Sent: forgotten here first (still leased until marked), then marked.
          for (const item of items) held.delete(item.lane);
          await new Promise((resolve) => setImmediate(resolve));
          await retrying(() =>
            outbox.delivered(
              items.map((item) => item.id),
              at(1_000),
            ),
          );
        }
      };
      await Promise.all([drain(a, 'first'), drain(b, 'second'), drain(a, 'first again'), drain(b, 'second again')]);
      expect(claimedBy.size).toBe(200);
      expect(await a.pendingCount()).toBe(0);
      expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
      for (const ids of order.values()) expect(ids).toEqual([...ids].sort((x, y) => x - y));
      if (engine.dialect === 'postgres') expect(busy).toBe(0);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
