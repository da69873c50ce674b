import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChannelRegistry } from '../../src/core/channel.js';
import { DeliveryError, type ChannelAdapter } from '../../src/contracts/index.js';
import type { ConversationRef, Reply } from '../../src/contracts/index.js';
import { OutboxDispatcher } from '../../src/escalation/dispatcher.js';
import { createLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import { describeEachEngine } from '../support/engines.js';

/** A channel whose platform fails as told: the way a real adapter reports a refused send. */
class FlakyChannel implements ChannelAdapter {
  readonly name = 'cli' as const;
  readonly delivered: (readonly Reply[])[] = [];
  failures: DeliveryError[] = [];
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async deliver(_reference: ConversationRef, replies: readonly Reply[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.delivered.push(replies);
  }
}

describeEachEngine('outbox delivery', (engine) => {
  let services: Services;
  let channel: FlakyChannel;
  let dispatcher: OutboxDispatcher;
  const agent = { channel: 'cli' as const, userId: 'ann', name: 'Ann' };

  beforeAll(async () => {
    services = await createServices(await engine.config());
    channel = new FlakyChannel();
    const channels = new ChannelRegistry();
    channels.register(channel);
    dispatcher = new OutboxDispatcher(services.outbox, channels, createLogger('silent'));
  });
  afterAll(async () => {
    await services?.close();
  });

  async function openTicket(user: string): Promise<number> {
    const turn = await services.bot.process({ channel: 'cli', userId: user, conversation: { user }, text: 'my account was hacked, funds stolen' });
    return turn.escalation!.id;
  }

  const outboxRows = () => services.engine.run((db, t) => db.select().from(t.outbox).orderBy(asc(t.outbox.id)));

  it('retries a failed delivery later and delivers it once', async () => {
    const id = await openTicket('outbox-1');
    channel.failures = [new DeliveryError('cli', 'connector answered 503')];
    await services.desk.reply(id, agent, 'We are on it.');
    expect(await dispatcher.drain()).toBe(0);
    expect((await outboxRows()).at(-1)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'cli: connector answered 503' });
    // Not due yet: the backoff holds it back.
    expect(await dispatcher.drain()).toBe(0);
    const row = (await outboxRows()).at(-1)!;
    await services.engine.run((db, t) => db.update(t.outbox).set({ nextAttemptAt: new Date(Date.now() - 1) }));
    expect(await dispatcher.drain()).toBe(1);
    expect(await dispatcher.drain()).toBe(0);
    expect(channel.delivered.flat().map((reply) => reply.text)).toEqual(['Ann has joined the conversation.', 'We are on it.']);
    expect((await outboxRows()).find((r) => r.id === row.id)).toMatchObject({ status: 'delivered' });
  });

  it('sets aside a delivery that can never succeed, and says so on the ticket', async () => {
    const id = await openTicket('outbox-2');
    channel.failures = [new DeliveryError('cli', 'the conversation reference has no chat id', { permanent: true })];
    await services.desk.reply(id, agent, 'Hello?');
    expect(await dispatcher.drain()).toBe(0);
    expect((await outboxRows()).at(-1)).toMatchObject({ status: 'failed', lastError: 'cli: the conversation reference has no chat id' });
    const detail = await services.desk.detail(id);
    expect(detail.events.at(-1)).toMatchObject({ actor: 'system', action: 'delivery failed' });
    expect(detail.messages.at(-1)).toMatchObject({ from: 'agent', text: 'Hello?' });
    expect(await dispatcher.drain()).toBe(0);
  });
});
