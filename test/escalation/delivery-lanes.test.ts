import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ChannelRegistry } from '../../src/core/channel.js';
import { DeliveryError, type ChannelAdapter } from '../../src/contracts/index.js';
import type { ChannelName, ConversationRef, Reply } from '../../src/contracts/index.js';
import { OutboxDispatcher, type DispatcherOptions } from '../../src/escalation/dispatcher.js';
import { createLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import { describeEachEngine } from '../support/engines.js';

/**
 * A channel whose platform answers as the test says: at once, with a failure, or never (a
 * connection accepted and left hanging). Conversations are `{ user }` references.
 */
class ScriptedChannel implements ChannelAdapter {
  readonly sent: { user: string; text: string }[] = [];
  readonly calls: { user: string; signal: AbortSignal | undefined }[] = [];
  readonly hanging = new Set<string>();
  readonly failures = new Map<string, DeliveryError[]>();

  constructor(readonly name: ChannelName) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async deliver(reference: ConversationRef, replies: readonly Reply[], signal?: AbortSignal): Promise<void> {
    const user = String(reference.user);
    this.calls.push({ user, signal });
    if (this.hanging.has(user)) return new Promise<void>(() => undefined);
    const failure = this.failures.get(user)?.shift();
    if (failure) throw failure;
    for (const reply of replies) this.sent.push({ user, text: reply.text });
  }

  textsTo(user: string): string[] {
    return this.sent.filter((entry) => entry.user === user).map((entry) => entry.text);
  }
}

const eventually = <T>(check: () => T) => vi.waitFor(check, { timeout: 5_000, interval: 10 });

describeEachEngine('outbox lanes, time-outs and shutdown', (engine) => {
  let services: Services;
  let teams: ScriptedChannel;
  let web: ScriptedChannel;
  let channels: ChannelRegistry;
  const dispatchers: OutboxDispatcher[] = [];

  beforeEach(async () => {
    services = await createServices(await engine.config());
    teams = new ScriptedChannel('teams');
    web = new ScriptedChannel('web');
    channels = new ChannelRegistry();
    channels.register(teams);
    channels.register(web);
  });
  afterEach(async () => {
    for (const dispatcher of dispatchers.splice(0)) await dispatcher.stop();
    await services.close();
  });

  function dispatcher(options: DispatcherOptions & { intervalMs?: number } = {}, registry = channels): OutboxDispatcher {
    const made = new OutboxDispatcher(services.outbox, registry, createLogger('silent'), options.intervalMs ?? 250, options);
    dispatchers.push(made);
    return made;
  }
  const enqueue = (channel: ChannelName, user: string, text: string) => services.outbox.enqueue({ channel, reference: { user }, replies: [{ kind: 'status', text }] }, new Date());
  const rows = () => services.engine.run((db, t) => db.select().from(t.outbox).orderBy(asc(t.outbox.id)));
  const makeDue = () => services.engine.run((db, t) => db.update(t.outbox).set({ nextAttemptAt: new Date(Date.now() - 1) }));

  it('counts a call that never answers as a failure after the time-out, aborts its signal and retries it with backoff', async () => {
    teams.hanging.add('ann');
    await enqueue('teams', 'ann', 'Hello Ann');
    const outbox = dispatcher({ timeoutMs: 50 });
    expect(await outbox.drain()).toBe(0);
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'teams: no answer within 50 ms' });
    expect((await rows())[0]!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    expect(teams.calls[0]!.signal?.aborted).toBe(true);

    teams.hanging.delete('ann');
    await makeDue();
    expect(await outbox.drain()).toBe(1);
    expect(teams.textsTo('ann')).toEqual(['Hello Ann']);
    expect((await rows())[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('keeps delivering to other channels and other conversations while one conversation hangs', async () => {
    teams.hanging.add('stuck');
    const outbox = dispatcher({ intervalMs: 20, shutdownMs: 50 });
    outbox.start();
    await enqueue('teams', 'stuck', 'never answered');
    await eventually(() => expect(teams.calls.map((call) => call.user)).toContain('stuck'));
    await enqueue('web', 'wendy', 'An agent replied');
    await enqueue('teams', 'tom', 'Another Teams user');
    await eventually(() => expect(web.textsTo('wendy')).toEqual(['An agent replied']));
    await eventually(() => expect(teams.textsTo('tom')).toEqual(['Another Teams user']));
    await eventually(async () => expect((await rows()).map((row) => row.status)).toEqual(['pending', 'delivered', 'delivered']));
  });

  it('delivers a conversation in order, also when an earlier reply has to be retried', async () => {
    teams.failures.set('ola', [new DeliveryError('teams', 'connector answered 503')]);
    for (const text of ['first', 'second', 'third']) await enqueue('teams', 'ola', text);
    await enqueue('teams', 'pia', 'other conversation');
    const outbox = dispatcher();
    expect(await outbox.drain()).toBe(1);
    expect(teams.textsTo('pia')).toEqual(['other conversation']);
    // The later replies are due, but wait behind the first one's backoff.
    expect(await outbox.drain()).toBe(0);
    expect(teams.textsTo('ola')).toEqual([]);
    expect((await rows()).slice(0, 3).map((row) => [row.status, row.attempts])).toEqual([
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    await makeDue();
    expect(await outbox.drain()).toBe(3);
    expect(teams.textsTo('ola')).toEqual(['first', 'second', 'third']);
  });

  it('goes on with a conversation after a reply that can never be delivered is set aside', async () => {
    teams.failures.set('gone', [new DeliveryError('teams', 'bot was removed', { permanent: true })]);
    await enqueue('teams', 'gone', 'lost');
    await enqueue('teams', 'gone', 'next');
    expect(await dispatcher().drain()).toBe(1);
    expect((await rows()).map((row) => row.status)).toEqual(['failed', 'delivered']);
  });

  it('delivers more than one claim of rows in a drain, every row once', async () => {
    for (let n = 0; n < 300; n++) await enqueue(n % 2 ? 'web' : 'teams', `user-${n % 60}`, `reply ${n}`);
    expect(await dispatcher({ maxHeld: 100 }).drain()).toBe(300);
    expect(teams.sent.length + web.sent.length).toBe(300);
    expect(new Set([...teams.sent, ...web.sent].map((entry) => entry.text)).size).toBe(300);
    expect(web.textsTo('user-1')).toEqual([1, 61, 121, 181, 241].map((n) => `reply ${n}`));
    expect(await services.outbox.pendingCount()).toBe(0);
  });

  it('stops within its deadline with a call hanging, and gives the row back for the next start', async () => {
    teams.hanging.add('hal');
    await enqueue('teams', 'hal', 'sent at shutdown');
    const first = dispatcher({ intervalMs: 20, shutdownMs: 100 });
    first.start();
    await eventually(() => expect(teams.calls).toHaveLength(1));
    await first.stop();
    expect(teams.calls[0]!.signal?.aborted).toBe(true);
    // Not a failed attempt: due at once, without backoff.
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await rows())[0]!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());

    const restarted = new ScriptedChannel('teams');
    const registry = new ChannelRegistry();
    registry.register(restarted);
    expect(await dispatcher({}, registry).drain()).toBe(1);
    expect(restarted.textsTo('hal')).toEqual(['sent at shutdown']);
  });

  it('renews the lease while a row is held, so another process leaves it alone until it is given back', async () => {
    teams.hanging.add('kim');
    await enqueue('teams', 'kim', 'held');
    const holder = dispatcher({ intervalMs: 10, leaseMs: 600, shutdownMs: 50 });
    holder.start();
    await eventually(() => expect(teams.calls).toHaveLength(1));
    const elsewhere = new ScriptedChannel('teams');
    const registry = new ChannelRegistry();
    registry.register(elsewhere);
    dispatcher({ intervalMs: 10, leaseMs: 600 }, registry).start();
    // Several lease periods: the holder's renewals keep the row to itself.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(elsewhere.calls).toHaveLength(0);
    await holder.stop();
    await eventually(() => expect(elsewhere.textsTo('kim')).toEqual(['held']));
    // The mark is written right after the send, on the next turn of the event loop.
    await eventually(async () => expect((await rows())[0]).toMatchObject({ status: 'delivered', attempts: 0 }));
  });

  it('lets another process send a row whose holder died mid-delivery, once the lease has run out', async () => {
    teams.hanging.add('lou');
    await enqueue('teams', 'lou', 'sent by the survivor');
    // A holder that claims once and then renews nothing: as if the process had been killed.
    const holder = dispatcher({ leaseMs: 200, timeoutMs: 60_000, shutdownMs: 50 });
    void holder.drain();
    await eventually(() => expect(teams.calls).toHaveLength(1));
    const survivor = new ScriptedChannel('teams');
    const registry = new ChannelRegistry();
    registry.register(survivor);
    dispatcher({ intervalMs: 10 }, registry).start();
    await eventually(() => expect(survivor.textsTo('lou')).toEqual(['sent by the survivor']));
  });
});
