import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { say } from '../../src/contracts/index.js';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { collectEvents } from '../support/event-stream.js';
import { FakeConnector } from '../support/fake-connector.js';
import { FakeDiscord, type FakeUser } from '../support/fake-discord.js';
import { FakeTelegram, until, type TgUser } from '../support/fake-telegram.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const tgUser = (id: number, name: string): TgUser => ({ id, is_bot: false, first_name: name, language_code: 'en' });
const TG_ANN = tgUser(3001, 'Ann');
const TG_BO = tgUser(3002, 'Bo');
const TG_CY = tgUser(3003, 'Cy');
const DC_DAN: FakeUser = { id: '810000000000000001', username: 'dan' };
const DC_EVE: FakeUser = { id: '810000000000000002', username: 'eve' };
const NOTICE = { en: 'Deposits are paused from 02:00 to 04:00 UTC for a wallet upgrade.', zh: '02:00 至 04:00(UTC)钱包升级，暂停充值。' };

describe('an announcement on every channel', { timeout: 60_000 }, () => {
  let telegram: FakeTelegram;
  let discord: FakeDiscord;
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    discord = await FakeDiscord.start();
    connector = await FakeConnector.start();
    app = await startTestApp(discord.env({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot }));
  });
  afterAll(async () => {
    await app?.dispose();
    await telegram?.close();
    await discord?.stop();
    await connector?.close();
  });

  it('offers /subscribe and /unsubscribe in the Telegram and Discord menus', async () => {
    await until('the Telegram menu', () => telegram.commands.get(''));
    expect(telegram.commands.get('')!.map((command) => command.command)).toEqual(expect.arrayContaining(['subscribe', 'unsubscribe']));
    const registered = await discord.waitForCall('command registration', (call) => call.method === 'PUT' && call.path.endsWith('/commands'));
    expect((registered.body as { name: string }[]).map((command) => command.name)).toEqual(expect.arrayContaining(['subscribe', 'unsubscribe']));
  });

  it('reaches each subscriber once on Telegram, Discord, Teams and the web chat, and nobody else', async () => {
    const subscribed = say('en', 'subscribed');
    // Telegram: a typed command, a full-width one (a Chinese keyboard), one who subscribes and leaves, one who never asks.
    for (const [user, text] of [
      [TG_ANN, '/subscribe'],
      [TG_BO, '／subscribe'],
      [TG_CY, '/subscribe'],
    ] as const) {
      const mark = telegram.mark();
      telegram.sendText(user, text);
      await telegram.waitForCall('sendMessage', (params) => params.chat_id === user.id && params.text === subscribed, { after: mark });
    }
    let mark = telegram.mark();
    telegram.sendText(TG_CY, '/unsubscribe');
    await telegram.waitForCall('sendMessage', (params) => params.chat_id === TG_CY.id, { after: mark });
    // Discord: the slash command, and a DM from someone who only says hello.
    const slash = await discord.slash(DC_DAN, 'subscribe');
    await vi.waitFor(() => expect(discord.answersTo(slash).map((message) => message.content)).toContain(subscribed), { timeout: 5_000 });
    await discord.dm(DC_EVE, 'hello');
    // Teams: the command, and a user who asks a question.
    const teamsFay = connector.conversation({ id: 'a:personal-fay', user: { id: '29:fay', name: 'Fay' } });
    expect((await teamsFay.send(app.url, teamsFay.message('/subscribe'))).status).toBe(200);
    const teamsGus = connector.conversation({ id: 'a:personal-gus', user: { id: '29:gus', name: 'Gus' } });
    expect((await teamsGus.send(app.url, teamsGus.message('how do I enable 2FA?'))).status).toBe(200);
    // The web chat: a subscriber with the page open, and a visitor who is not subscribed.
    const [hana, ivo] = [await newVisitor(app.url), await newVisitor(app.url)];
    expect((await webSay(app.url, hana, { text: '/subscribe' })).map((reply) => reply.text)).toEqual([subscribed]);
    await webSay(app.url, ivo, { text: 'hello' });
    const [hanaPage, ivoPage] = [await collectEvents(app.url, hana), await collectEvents(app.url, ivo)];

    mark = telegram.mark();
    const published = await runCli(['announce', '--kind', 'maintenance', '--en', NOTICE.en, '--zh', NOTICE.zh, '--until', new Date(Date.now() + 3_600_000).toISOString(), '--json'], {
      DATABASE_PATH: `${app.dir}/bot.sqlite`,
    });
    expect(published.code).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ kind: 'maintenance', recipients: 5 });
    await vi.waitFor(
      async () => {
        await app.drainOutbox();
        expect(await app.services.outbox.pendingCount()).toBe(0);
        expect(hanaPage.events.length).toBeGreaterThan(0);
      },
      { timeout: 10_000 },
    );

    const noticed = (text: unknown) => String(text).includes(NOTICE.en);
    const telegramCopies = (user: TgUser) => telegram.callsOf('sendMessage', mark).filter((call) => call.params.chat_id === user.id && noticed(call.params.text)).length;
    expect([TG_ANN, TG_BO, TG_CY].map(telegramCopies)).toEqual([1, 1, 0]);
    const discordCopies = (user: FakeUser) => discord.messagesIn(discord.dmChannelOf(user.id)).filter((message) => noticed(message.content)).length;
    expect([DC_DAN, DC_EVE].map(discordCopies)).toEqual([1, 0]);
    const teamsCopies = (conversationId: string) => connector.messages(conversationId).filter((activity) => noticed(activity.text)).length;
    expect(['a:personal-fay', 'a:personal-gus'].map(teamsCopies)).toEqual([1, 0]);
    const webCopies = (events: typeof hanaPage.events) => events.flatMap((event) => event.replies).filter((reply) => noticed(reply.text)).length;
    expect([webCopies(hanaPage.events), webCopies(ivoPage.events)]).toEqual([1, 0]);
    hanaPage.close();
    ivoPage.close();

    // The notice is in force: a maintenance question is answered with it first.
    const answer = await webSay(app.url, ivo, { text: 'is the platform under maintenance right now?' });
    expect(answer[0]!.text).toContain(NOTICE.en);
  });
});
