import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startApp, type RunningApp } from '../../src/main.js';
import { startTestApp, testConfig } from '../support/app.js';
import { FakeDiscord, guildOnShard, shardOf, type FakeUser } from '../support/fake-discord.js';
import { tempDir } from '../support/temp.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const ANN: FakeUser = { id: '800000000000000101', username: 'ann' };
const BO: FakeUser = { id: '800000000000000102', username: 'bo' };
const DAN: FakeUser = { id: '800000000000000103', username: 'dan' };
const AGENT = { channel: 'cli' as const, userId: 'carol', name: 'carol' };
const TOTAL_SHARDS = 2;

/** Waits for a condition that the app makes true asynchronously, up to a deadline. */
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 5_000, interval: 10 });
/** Runs the outbox or the desk feed until `check` passes (a run the app's own timer started may be in flight). */
const settle = <T>(flush: () => Promise<unknown>, check: () => T) =>
  eventually(async () => {
    await flush();
    return check();
  });
const turnsOf = (app: RunningApp, user: FakeUser) => app.services.bot.history({ channel: 'discord', userId: user.id });

describe('Discord gateway shards spread across instances (DISCORD_SHARDS)', () => {
  let fake: FakeDiscord;
  /** The instance running shard 0 of 2, and the one running shard 1 of 2, each on its own database. */
  let instances: App[];

  beforeAll(async () => {
    // The server's events go to shard 1, so the instance without the server must stay silent.
    fake = await FakeDiscord.start({ guildId: guildOnShard(1, TOTAL_SHARDS) });
    instances = [];
    for (const shards of ['0/2', '1/2']) instances.push(await startTestApp(fake.env({ DISCORD_SHARDS: shards })));
  });
  afterAll(async () => {
    for (const app of instances ?? []) await app.dispose();
    await fake?.stop();
  });

  /** The bot's replies (POSTs in the channel) that reference a member's message. */
  const repliesTo = (channelId: string, messageId: string) =>
    fake.calls.filter((call) => call.method === 'POST' && call.path === `/channels/${channelId}/messages` && call.body?.message_reference?.message_id === messageId);

  it('each instance opens one gateway connection and identifies as its own shard of the same total', () => {
    expect(fake.gatewayConnections).toBe(2);
    expect(fake.identifies.map((identify) => identify.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(instances.map((app) => app.channels.get('discord')!.detail)).toEqual([expect.stringContaining('gateway shards 0 of 2'), expect.stringContaining('gateway shards 1 of 2')]);
  });

  it("answers a server message from the instance holding the server's shard only, and a DM from shard 0's", async () => {
    const holder = shardOf(fake.guildId, TOTAL_SHARDS);
    const asked = await fake.post(fake.helpChannelId, ANN, 'I forgot my password');
    expect(fake.dispatched.at(-1)).toEqual({ event: 'MESSAGE_CREATE', shard: holder });
    const reply = await fake.waitForCall('the answer in the help channel', (call) => repliesTo(fake.helpChannelId, asked).includes(call));
    expect(reply.body.content).toMatch(/reset/i);
    expect(repliesTo(fake.helpChannelId, asked)).toHaveLength(1);
    expect(await turnsOf(instances[holder]!, ANN)).not.toEqual([]);
    expect(await turnsOf(instances[1 - holder]!, ANN)).toEqual([]);

    // Discord sends direct messages to shard 0.
    const dm = await fake.dm(BO, 'how do I enable 2FA?');
    expect(fake.dispatched.at(-1)).toEqual({ event: 'MESSAGE_CREATE', shard: 0 });
    expect((await fake.waitForCall('the answer in the DM', (call) => repliesTo(fake.dmChannelOf(BO.id), dm).includes(call))).body.content).toMatch(/2FA/);
    expect(await turnsOf(instances[0]!, BO)).not.toEqual([]);
    expect(await turnsOf(instances[1]!, BO)).toEqual([]);
  });

  it("posts a ticket's card and thread from an instance whose shards do not hold the agent channel's server", async () => {
    const [withoutServer] = instances.filter((_, shard) => shard !== shardOf(fake.guildId, TOTAL_SHARDS));
    await fake.dm(DAN, 'someone hacked my account and stole all my BTC');
    const ticket = await eventually(async () => {
      const opened = (await withoutServer!.services.desk.list({ channel: 'discord' })).find((open) => open.userId === DAN.id);
      if (!opened) throw new Error('no ticket yet');
      return opened;
    });
    const card = await settle(withoutServer!.pollDesks, () => {
      const posted = fake.messagesIn(fake.agentChannelId).find((message) => JSON.stringify(message.embeds).includes(ticket.number));
      if (!posted) throw new Error('no card yet');
      return posted;
    });
    expect(fake.threadsIn(fake.agentChannelId)).toContain(card.id);
  });
});

describe('Discord without a gateway (DISCORD_SHARDS=none)', () => {
  let fake: FakeDiscord;
  let app: RunningApp;
  let cleanup: () => void;
  const logLines: string[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    const temp = tempDir();
    cleanup = temp.cleanup;
    app = await startApp(testConfig(temp.dir, fake.env({ DISCORD_SHARDS: 'none' })), createLogger('info', { write: (line: string) => void logLines.push(line) }));
  });
  afterAll(async () => {
    await app?.stop();
    cleanup?.();
    await fake?.stop();
  });

  it('opens no gateway connection, checks the token over REST and says so at start-up', () => {
    expect(fake.gatewayConnections).toBe(0);
    expect(fake.calls).toContainEqual(expect.objectContaining({ method: 'GET', path: '/users/@me' }));
    const messages = logLines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain('discord: on (REST only, no gateway shards)');
  });

  it("delivers a ticket's card and thread lines to the agent channel and an agent's reply to the user's DMs, all over REST", async () => {
    // The user wrote to another instance (one with the gateway); this one's core has the ticket.
    await app.services.bot.handle({ channel: 'discord', userId: DAN.id, conversation: { userId: DAN.id, dm: true }, text: 'someone hacked my account and stole all my BTC' });
    const ticket = (await app.services.desk.list({ channel: 'discord' })).find((open) => open.userId === DAN.id)!;
    const card = await settle(app.pollDesks, () => {
      const posted = fake.messagesIn(fake.agentChannelId).find((message) => JSON.stringify(message.embeds).includes(ticket.number));
      if (!posted) throw new Error('no card yet');
      return posted;
    });
    expect(fake.threadsIn(fake.agentChannelId)).toContain(card.id);

    await app.services.desk.reply(ticket.id, AGENT, 'We have frozen your account while we check.');
    const textsIn = (channelId: string) =>
      fake
        .messagesIn(channelId)
        .map((message) => message.content)
        .join('\n');
    await settle(app.drainOutbox, () => expect(textsIn(fake.dmChannelOf(DAN.id))).toContain('**carol:** We have frozen your account while we check.'));
    await settle(app.pollDesks, () => expect(textsIn(card.id)).toContain('🎧 **carol** (cli): We have frozen your account while we check.'));
    expect(fake.gatewayConnections).toBe(0);
  });

  it('stops start-up with an error naming DISCORD_BOT_TOKEN when Discord refuses the token', async () => {
    const { dir, cleanup: remove } = tempDir();
    try {
      await expect(startTestApp(fake.env({ DISCORD_SHARDS: 'none', DISCORD_BOT_TOKEN: 'not-the-token' }), dir)).rejects.toThrow(/^DISCORD_BOT_TOKEN: Discord refused the token/);
      expect(fake.gatewayConnections).toBe(0);
    } finally {
      remove();
    }
  });
});
