import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../src/contracts/index.js';
import { startTestApp } from '../support/app.js';
import { FakeTelegram, sentMessage, until, type ApiCall, type TgChat, type TgUser } from '../support/fake-telegram.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const GROUP: TgChat = { id: -1001000000022, type: 'supergroup', title: 'Wallet community' };
const user = (id: number, name: string): TgUser => ({ id, is_bot: false, first_name: name, language_code: 'en' });
const DAN = user(2001, 'Dan');
const GUS = user(2002, 'Gus');
const MALLORY = user(2666, 'Mallory');
const inGroup = (text?: RegExp) => (params: ApiCall['params']) => params.chat_id === GROUP.id && (!text || text.test(String(params.text)));

describe('buttons in a Telegram group', () => {
  let fake: FakeTelegram;
  let app: App;

  beforeAll(async () => {
    fake = await FakeTelegram.start({ chats: [GROUP] });
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  /** The answer to a callback query, once the bot has given it. */
  const answerTo = (queryId: string) => until('the callback answered', () => fake.callsOf('answerCallbackQuery').find((call) => call.params.callback_query_id === queryId));

  it('belong to the user who asked: anyone else is told so and changes nothing', async () => {
    let mark = fake.mark();
    fake.sendText(DAN, `@${fake.me.username} I forgot my password`, { chat: GROUP });
    const prompt = sentMessage(await fake.waitForCall('sendMessage', (params) => inGroup()(params) && params.reply_markup !== undefined, { after: mark }));
    expect(prompt.reply_to_message?.from?.id).toBe(DAN.id);

    mark = fake.mark();
    const stolen = fake.press(MALLORY, prompt, 'feedback:no');
    expect((await answerTo(stolen)).params).toEqual({ callback_query_id: stolen, text: say('en', 'buttonsForSomeoneElse'), show_alert: true });
    expect(fake.callsOf('editMessageReplyMarkup', mark)).toEqual([]);
    expect(fake.callsOf('sendMessage', mark)).toEqual([]);
    expect(await app.services.bot.history({ channel: 'telegram', userId: String(MALLORY.id) })).toEqual([]);

    const own = fake.press(DAN, prompt, 'feedback:yes');
    await answerTo(own);
    await fake.waitForCall('sendMessage', inGroup(new RegExp(say('en', 'feedbackYes').slice(0, 12))), { after: mark });
  });

  it('delivered later (the rating prompt after an agent resolves) still belong to their user', async () => {
    let mark = fake.mark();
    fake.sendText(GUS, `@${fake.me.username} someone hacked my account and stole my BTC`, { chat: GROUP });
    await fake.waitForCall('sendMessage', inGroup(/T-\d+/), { after: mark });
    const ticket = (await app.services.desk.list({ channel: 'telegram' })).find((t) => t.userId === String(GUS.id))!;
    const agent = { channel: 'cli' as const, userId: 'carol', name: 'carol' };
    await app.services.desk.claim(ticket.id, agent);
    await app.services.desk.resolve(ticket.id, agent);
    mark = fake.mark();
    await app.drainOutbox();
    const rating = sentMessage(await fake.waitForCall('sendMessage', (params) => inGroup()(params) && params.reply_markup !== undefined, { after: mark }));

    const stolen = fake.press(MALLORY, rating, 'rate:1');
    expect((await answerTo(stolen)).params).toMatchObject({ text: say('en', 'buttonsForSomeoneElse'), show_alert: true });
    const own = fake.press(GUS, rating, 'rate:4');
    await answerTo(own);
    await until('the rating stored', async () => (await app.services.desk.view(ticket.id)).rating === 4);
  });
});
