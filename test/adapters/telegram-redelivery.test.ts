import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../src/contracts/index.js';
import { startTestApp } from '../support/app.js';
import { FakeTelegram, sentMessage, until, type ApiCall, type TgChat, type TgUser } from '../support/fake-telegram.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const AGENT_GROUP: TgChat = { id: -1001000000011, type: 'supergroup', title: 'Support desk' };
const ALICE: TgUser = { id: 9101, is_bot: false, first_name: 'Alice', language_code: 'en' };
const DAN: TgUser = { id: 1201, is_bot: false, first_name: 'Dan', language_code: 'en' };
const to = (chatId: number, text?: RegExp) => (params: ApiCall['params']) => params.chat_id === chatId && (!text || text.test(String(params.text)));

describe('Telegram agent group after a crash', () => {
  let fake: FakeTelegram;
  let app: App;

  beforeAll(async () => {
    fake = await FakeTelegram.start({ chats: [AGENT_GROUP] });
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_AGENT_CHAT_ID: String(AGENT_GROUP.id), AGENT_IDS: 'telegram:9101' });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  it('relays an agent reply that Telegram delivers twice (same update id) to the user once', async () => {
    let mark = fake.mark();
    fake.sendText(DAN, 'someone hacked my account and stole all my BTC');
    await fake.waitForCall('sendMessage', to(DAN.id, new RegExp(say('en', 'urgentFollowUp').slice(0, 20))), { after: mark });
    const ticket = (await app.services.desk.list({ channel: 'telegram' })).find((t) => t.userId === String(DAN.id))!;
    await app.pollDesks();
    const card = sentMessage(await fake.waitForCall('sendMessage', to(AGENT_GROUP.id, new RegExp(ticket.number)), { after: mark }));

    mark = fake.mark();
    const updateId = 7_000_001;
    fake.sendText(ALICE, 'We froze your account; checking now.', { chat: AGENT_GROUP, replyTo: card, updateId });
    await until('the reply stored', async () => (await app.services.desk.detail(ticket.id)).messages.some((message) => message.from === 'agent'));
    // The bot crashed before confirming the update: Telegram sends the same update again.
    fake.sendText(ALICE, 'We froze your account; checking now.', { chat: AGENT_GROUP, replyTo: card, updateId });
    // A later message, handled after the redelivered one.
    fake.sendText(ALICE, 'Done.', { chat: AGENT_GROUP, replyTo: card, updateId: updateId + 1 });
    await until('the later reply stored', async () => (await app.services.desk.detail(ticket.id)).messages.some((message) => message.text === 'Done.'));
    await app.drainOutbox();

    const agentLines = (await app.services.desk.detail(ticket.id)).messages.filter((message) => message.from === 'agent');
    expect(agentLines.map((message) => message.text)).toEqual(['We froze your account; checking now.', 'Done.']);
    const delivered = fake.callsOf('sendMessage', mark).filter((call) => to(DAN.id, /checking now/)(call.params));
    expect(delivered).toHaveLength(1);
  });
});
