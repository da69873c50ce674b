import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelName, ConversationRef } from '../../src/contracts/index.js';
import { tables } from '../../src/db/index.js';
import { startTestApp } from '../support/app.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { sqliteOf } from '../support/sqlite.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const AGENT = { channel: 'cli' as const, userId: 'carol', name: 'carol' };

/** Opens an urgent ticket for a user of `channel` (through the core, as the adapter would) and returns its id. */
async function ticketFor(app: App, channel: ChannelName, userId: string, conversation: ConversationRef): Promise<number> {
  await app.services.bot.handle({ channel, userId, conversation, text: 'someone hacked my account and stole all my BTC' });
  return (await app.services.desk.list({ channel })).find((ticket) => ticket.userId === userId)!.id;
}

/**
 * Replies to the ticket, drains twice (the second time with every row made due, as after any
 * backoff), and returns the reply's outbox row and the ticket's last audit event.
 */
async function replyAndDrain(app: App, ticketId: number) {
  await app.services.desk.reply(ticketId, AGENT, 'Are you still there?');
  await app.drainOutbox();
  sqliteOf(app.services)
    .update(tables.outbox)
    .set({ nextAttemptAt: new Date(Date.now() - 1) })
    .run();
  await app.drainOutbox();
  return { row: lastOutboxRow(app, ticketId), event: (await app.services.desk.detail(ticketId)).events.at(-1)! };
}

/** The newest outbox row queued for a ticket. */
function lastOutboxRow(app: App, ticketId: number) {
  return sqliteOf(app.services)
    .select()
    .from(tables.outbox)
    .all()
    .filter((row) => row.escalationId === ticketId)
    .at(-1)!;
}

describe('Telegram deliveries to users the bot can no longer reach', () => {
  let fake: FakeTelegram;
  let app: App;
  beforeAll(async () => {
    fake = await FakeTelegram.start();
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, AGENT_IDS: 'cli:*' });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  const sendsTo = (chatId: number) => fake.callsOf('sendMessage').filter((call) => call.params.chat_id === chatId).length;

  it.each([
    ['bot was blocked by the user', 7001, (chatId: number) => fake.block(chatId)],
    ['user is deactivated', 7002, (chatId: number) => fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: user is deactivated' }, (params) => params.chat_id === chatId)],
  ] as const)('sets a reply aside when Telegram answers 403 "%s", with an audit event, and sends it no more', async (reason, chatId, refuse) => {
    fake.addChat({ id: chatId, type: 'private', first_name: 'Gone' });
    const ticket = await ticketFor(app, 'telegram', String(chatId), { chatId });
    refuse(chatId);
    const { row, event } = await replyAndDrain(app, ticket);
    expect(row).toMatchObject({ status: 'failed', lastError: expect.stringContaining(reason) });
    expect(event).toMatchObject({ actor: 'system', action: 'delivery failed', note: expect.stringContaining(reason) });
    expect(sendsTo(chatId)).toBe(1);
  });

  it('sets a reply aside when the chat no longer exists (400 "chat not found")', async () => {
    // Never registered with the fake: Telegram does not know the chat.
    const ticket = await ticketFor(app, 'telegram', '7003', { chatId: 7003 });
    const { row, event } = await replyAndDrain(app, ticket);
    expect(row).toMatchObject({ status: 'failed', lastError: expect.stringContaining('chat not found') });
    expect(event).toMatchObject({ action: 'delivery failed' });
  });

  it('keeps retrying a refusal that may pass (missing rights in a group)', async () => {
    fake.addChat({ id: 7004, type: 'private', first_name: 'Muted' });
    const ticket = await ticketFor(app, 'telegram', '7004', { chatId: 7004 });
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: not enough rights to send text messages to the chat' }, (params) => params.chat_id === 7004);
    await app.services.desk.reply(ticket, AGENT, 'Are you still there?');
    await app.drainOutbox();
    const row = lastOutboxRow(app, ticket);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
  });
});

describe('Discord deliveries to users the bot can no longer reach', () => {
  let fake: FakeDiscord;
  let app: App;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    app = await startTestApp(fake.env({ AGENT_IDS: 'cli:*' }));
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.stop();
  });

  const postsTo = (channelId: string) => fake.calls.filter((call) => call.method === 'POST' && call.path === `/channels/${channelId}/messages`).length;

  it.each([
    ['Cannot send messages to this user', '810000000000000001', 403, 50007],
    ['Unknown Channel', '810000000000000002', 404, 10003],
  ] as const)('sets a reply aside when Discord answers "%s", with an audit event, and sends it no more', async (message, userId, status, code) => {
    const ticket = await ticketFor(app, 'discord', userId, { userId, dm: true });
    const dm = fake.dmChannelOf(userId);
    fake.failNext('POST', new RegExp(`^/channels/${dm}/messages$`), status, code, message);
    const { row, event } = await replyAndDrain(app, ticket);
    expect(row).toMatchObject({ status: 'failed' });
    expect(event).toMatchObject({ actor: 'system', action: 'delivery failed' });
    expect(postsTo(dm)).toBe(1);
  });

  it('keeps retrying when Discord fails for a moment (500)', async () => {
    const userId = '810000000000000003';
    const ticket = await ticketFor(app, 'discord', userId, { userId, dm: true });
    const dm = fake.dmChannelOf(userId);
    // discord.js retries a 5xx itself a few times: fail every one of those attempts.
    for (let n = 0; n < 4; n++) fake.failNext('POST', new RegExp(`^/channels/${dm}/messages$`), 500, 0, 'Internal Server Error');
    await app.services.desk.reply(ticket, AGENT, 'Are you still there?');
    await app.drainOutbox();
    const row = lastOutboxRow(app, ticket);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
  });
});
