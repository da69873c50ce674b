import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { startTestApp } from '../support/app.js';
import { FakeTelegram, until, type ApiCall, type TgUser } from '../support/fake-telegram.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const WEBHOOK_URL = 'https://bot.example.test/telegram/webhook';
const user = (id: number, name: string): TgUser => ({ id, is_bot: false, first_name: name, language_code: 'en' });
const to = (chatId: number, text?: RegExp) => (params: ApiCall['params']) => params.chat_id === chatId && (!text || text.test(String(params.text)));

describe('Telegram channel (webhook)', () => {
  let fake: FakeTelegram;
  let app: App;

  beforeAll(async () => {
    fake = await FakeTelegram.start();
    app = await startTestApp({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: WEBHOOK_URL,
      TELEGRAM_WEBHOOK_SECRET: 'test-secret_123',
    });
    fake.deliverWebhooksTo(app.url);
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  it('sets the webhook with the secret at start, and never polls', () => {
    expect(fake.webhook).toEqual({ url: WEBHOOK_URL, secretToken: 'test-secret_123', allowedUpdates: ['message', 'callback_query'] });
    expect(fake.callsOf('getUpdates')).toEqual([]);
  });

  it('handles an update posted with the right secret', async () => {
    const kim = user(2001, 'Kim');
    const mark = fake.mark();
    const delivered = fake.webhookDeliveries.length;
    fake.sendText(kim, 'I forgot my password');
    await fake.waitForCall('sendMessage', to(kim.id, /reset/i), { after: mark });
    const delivery = await until('the webhook response', () => fake.webhookDeliveries[delivered]);
    expect(delivery.status).toBe(200);
  });

  it('refuses an update with a wrong or missing secret, and does nothing with it', async () => {
    const mallory = user(2002, 'Mallory');
    const update = { update_id: 9_000_001, message: { message_id: 1, date: 0, chat: fake.privateChat(mallory), from: mallory, text: 'I forgot my password' } };
    expect(await fake.deliverToWebhook(update, 'wrong-secret')).toBe(401);
    expect(await fake.deliverToWebhook(update, '')).toBe(401);
    // A later, genuine update is answered; the forged one never was.
    const mark = fake.mark();
    fake.sendText(mallory, 'hello');
    await fake.waitForCall('sendMessage', to(mallory.id), { after: mark });
    expect(fake.callsOf('sendMessage').filter((call) => to(mallory.id, /reset/i)(call.params))).toEqual([]);
  });

  it('answers an update Telegram delivers twice only once', async () => {
    const lou = user(2003, 'Lou');
    const mark = fake.mark();
    const message = fake.sendText(lou, 'I forgot my password', { updateId: 9_000_100 });
    await fake.waitForCall('sendMessage', to(lou.id, /reset/i), { after: mark });
    expect(await fake.deliverToWebhook({ update_id: 9_000_100, message })).toBe(200);
    fake.sendText(lou, 'how long does support take to reply?');
    await fake.waitForCall('sendMessage', to(lou.id, /minute|24/), { after: mark });
    expect(fake.callsOf('sendMessage', mark).filter((call) => to(lou.id, /reset/i)(call.params))).toHaveLength(1);
  });
});

describe('Telegram webhook settings', () => {
  it('makes up a secret when TELEGRAM_WEBHOOK_SECRET is not set, and requires it', async () => {
    const fake = await FakeTelegram.start();
    const app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_WEBHOOK_URL: WEBHOOK_URL });
    try {
      fake.deliverWebhooksTo(app.url);
      expect(fake.webhook!.secretToken).toMatch(/^[0-9a-f]{64}$/);
      const kim = user(2004, 'Kim');
      const update = { update_id: 9_000_200, message: { message_id: 1, date: 0, chat: fake.privateChat(kim), from: kim, text: 'hi' } };
      expect(await fake.deliverToWebhook(update, '')).toBe(401);
      expect(await fake.deliverToWebhook(update)).toBe(200);
    } finally {
      await app.dispose();
      await fake.close();
    }
  });

  it('refuses a secret Telegram would refuse, naming the variable', () => {
    const env = { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_WEBHOOK_URL: WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET: 'has spaces!' };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/^TELEGRAM_WEBHOOK_SECRET: /);
  });
});
