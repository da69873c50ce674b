import { afterAll, expect, it, vi } from 'vitest';
import { startTestApp } from '../support/app.js';
import { FakeTelegram, type ApiCall, type TgUser } from '../support/fake-telegram.js';
import { describeWithPostgres, freshPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const WEBHOOK_URL = 'https://bot.example.test/telegram/webhook';
const user = (id: number, name: string): TgUser => ({ id, is_bot: false, first_name: name, language_code: 'en' });
const to = (chatId: number, text?: RegExp) => (params: ApiCall['params']) => params.chat_id === chatId && (!text || text.test(String(params.text)));

describeWithPostgres('Telegram with two instances on one Postgres', () => {
  const databases: TestPostgresDatabase[] = [];
  const apps: App[] = [];
  const fakes: FakeTelegram[] = [];
  afterAll(async () => {
    await Promise.allSettled(apps.map((app) => app.dispose()));
    await Promise.allSettled(fakes.map((fake) => fake.close()));
    await Promise.allSettled(databases.map((database) => database.drop()));
  });
  const twoInstances = async (env: Record<string, string> = {}) => {
    const database = await freshPostgresDatabase();
    databases.push(database);
    const fake = await FakeTelegram.start();
    fakes.push(fake);
    const common = { DATABASE_URL: database.url, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, ...env };
    const first = await startTestApp({ ...common, INSTANCE_ID: 'one' });
    apps.push(first);
    const second = await startTestApp({ ...common, INSTANCE_ID: 'two' });
    apps.push(second);
    return { fake, first, second };
  };
  const modeOf = (app: App) => app.channels.get('telegram')!.detail!;

  it('long-polls from one instance only; the other stands by and takes over when it stops', { timeout: 30_000 }, async () => {
    const { fake, first, second } = await twoInstances();
    expect([modeOf(first), modeOf(second)]).toEqual([expect.stringContaining('long polling,'), expect.stringContaining('long polling on standby')]);
    const kim = user(3001, 'Kim');
    let mark = fake.mark();
    fake.sendText(kim, 'I forgot my password');
    await fake.waitForCall('sendMessage', to(kim.id, /reset/i), { after: mark });
    expect(fake.callsOf('sendMessage', mark).filter((call) => to(kim.id, /reset/i)(call.params))).toHaveLength(1);

    await first.dispose();
    await vi.waitFor(() => expect(modeOf(second)).toContain('long polling,'), { timeout: 10_000, interval: 100 });
    mark = fake.mark();
    fake.sendText(kim, 'how do I deposit USDT?');
    await fake.waitForCall('sendMessage', to(kim.id), { after: mark, timeoutMs: 10_000 });
  });

  it('serves the webhook on either instance, both checking the secret token they share through the database', async () => {
    const { fake, first, second } = await twoInstances({ TELEGRAM_WEBHOOK_URL: WEBHOOK_URL });
    const set = fake.callsOf('setWebhook').map((call) => call.params.secret_token);
    expect(set).toHaveLength(2);
    expect(set[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(set[1]).toBe(set[0]);
    const lou = user(3002, 'Lou');
    for (const [n, app] of [first, second].entries()) {
      fake.deliverWebhooksTo(app.url);
      const update = { update_id: 9_100_000 + n, message: { message_id: 10 + n, date: 0, chat: fake.privateChat(lou), from: lou, text: 'hello' } };
      expect(await fake.deliverToWebhook(update, 'not-the-secret')).toBe(401);
      expect(await fake.deliverToWebhook(update)).toBe(200);
    }
  });
});
