import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/contracts/index.js';
import { say } from '../../src/contracts/index.js';
import { startTestApp } from '../support/app.js';
import { FakeTelegram, buttonsOf, sentMessage, until, type ApiCall, type TgChat, type TgUser } from '../support/fake-telegram.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const AGENT_GROUP: TgChat = { id: -1001000000001, type: 'supergroup', title: 'Support desk' };
const USER_GROUP: TgChat = { id: -1001000000002, type: 'supergroup', title: 'Wallet community' };
const ALICE: TgUser = { id: 9001, is_bot: false, first_name: 'Alice', language_code: 'en' };
const MALLORY: TgUser = { id: 9666, is_bot: false, first_name: 'Mallory', language_code: 'en' };

const user = (id: number, name: string, language = 'en'): TgUser => ({ id, is_bot: false, first_name: name, language_code: language });
const to = (chatId: number, text?: RegExp) => (params: ApiCall['params']) => params.chat_id === chatId && (!text || text.test(String(params.text)));

describe('Telegram channel (long polling)', () => {
  let fake: FakeTelegram;
  let app: App;

  beforeAll(async () => {
    fake = await FakeTelegram.start({ chats: [AGENT_GROUP, USER_GROUP] });
    app = await startTestApp({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_AGENT_CHAT_ID: String(AGENT_GROUP.id),
      AGENT_IDS: 'telegram:9001,cli:*',
    });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  /** Opens a ticket the quick way (a hacked account is escalated at once) and returns it once the bot has said everything. */
  async function urgentTicket(from: TgUser) {
    const mark = fake.mark();
    fake.sendText(from, 'someone hacked my account and stole all my BTC');
    await fake.waitForCall('sendMessage', to(from.id, new RegExp(say('en', 'urgentFollowUp').slice(0, 20))), { after: mark });
    return (await app.services.desk.list({ channel: 'telegram' })).find((ticket) => ticket.userId === String(from.id))!;
  }

  it('starts polling with the command menu in English and Chinese', async () => {
    expect(fake.callsOf('getMe')).toHaveLength(1);
    expect(fake.callsOf('deleteWebhook')).toHaveLength(1);
    await fake.waitForCall('getUpdates');
    expect(fake.commands.get('')!.map((command) => command.command)).toEqual(['start', 'help', 'human', 'status', 'cancel', 'lang', 'subscribe', 'unsubscribe']);
    expect(fake.commands.get('zh')!.find((command) => command.command === 'human')!.description).toBe('转人工客服');
  });

  it('answers a question in a private chat, HTML-escaped, after a typing indicator, with feedback buttons', async () => {
    const ann = user(1001, 'Ann');
    const mark = fake.mark();
    fake.sendText(ann, 'I forgot my password');
    const expected = app.services.brain.decide('I forgot my password', 'en');
    const answer = await fake.waitForCall('sendMessage', to(ann.id, /reset/i), { after: mark });
    expect(answer.params.parse_mode).toBe('HTML');
    expect(sentMessage(answer).text).toBe(expected.reply);
    expect(fake.callsOf('sendChatAction', mark)[0]!.params).toMatchObject({ chat_id: ann.id, action: 'typing' });
    const prompt = await fake.waitForCall('sendMessage', (params) => to(ann.id)(params) && params.reply_markup, { after: mark });
    expect(buttonsOf(prompt).flat()).toEqual(expect.arrayContaining(['feedback:yes', 'feedback:no']));

    const pressed = fake.mark();
    const query = fake.press(ann, sentMessage(prompt), 'feedback:yes');
    await fake.waitForCall('answerCallbackQuery', (params) => params.callback_query_id === query, { after: pressed });
    const thanks = await fake.waitForCall('sendMessage', to(ann.id), { after: pressed });
    expect(sentMessage(thanks).text).toBe(say('en', 'feedbackYes'));
    // The answered question loses its buttons, so it cannot be answered twice.
    expect(fake.message(ann.id, sentMessage(prompt).message_id).reply_markup).toBeUndefined();
  });

  it('offers the likely questions of an unclear message as buttons and answers the one pressed', async () => {
    const cy = user(1003, 'Cy');
    // Which words are unclear is the brain's business (and it learns): take the first of these it asks about.
    const text = ['problem with my account', 'it does not work', 'help me with my thing'].find((words) => app.services.brain.decide(words, 'en').action === 'clarify');
    expect(text).toBeDefined();
    const decision = app.services.brain.decide(text!, 'en');
    const mark = fake.mark();
    fake.sendText(cy, text!);
    const question = await fake.waitForCall('sendMessage', (params) => to(cy.id)(params) && params.reply_markup, { after: mark });
    expect(buttonsOf(question).flat()).toEqual(decision.suggestions.map((suggestion) => suggestion.payload));
    const faq = decision.suggestions.find((suggestion) => suggestion.payload.startsWith('faq:'))!;

    const pressed = fake.mark();
    fake.press(cy, sentMessage(question), faq.payload);
    await fake.waitForCall('answerCallbackQuery', undefined, { after: pressed });
    const answer = await fake.waitForCall('sendMessage', to(cy.id), { after: pressed });
    expect(sentMessage(answer).text).toBe(app.services.brain.answerEntry(faq.payload.slice(4), 'en')!.reply);
  });

  it('greets /start in the language of the Telegram client', async () => {
    const mei = user(1004, '美', 'zh-hans');
    const mark = fake.mark();
    fake.sendText(mei, '/start');
    const greeting = await fake.waitForCall('sendMessage', to(mei.id), { after: mark });
    expect(sentMessage(greeting).text).toBe(say('zh', 'help'));
  });

  it('answers a sticker with "I can only read text" in the user\'s language', async () => {
    const lin = user(1005, '林', 'zh');
    const mark = fake.mark();
    fake.sendContent(lin, 'sticker');
    const answer = await fake.waitForCall('sendMessage', to(lin.id), { after: mark });
    expect(sentMessage(answer).text).toBe(say('zh', 'unsupportedContent'));
  });

  it('answers in a group only when mentioned, as a reply to that message', async () => {
    const dan = user(1006, 'Dan');
    const mark = fake.mark();
    const ignored = fake.sendText(dan, 'I forgot my password', { chat: USER_GROUP });
    const asked = fake.sendText(dan, `@${fake.me.username} I forgot my password`, { chat: USER_GROUP });
    const answer = await fake.waitForCall('sendMessage', to(USER_GROUP.id, /reset/i), { after: mark });
    expect(answer.params.reply_parameters).toMatchObject({ message_id: asked.message_id });
    await fake.waitForCall('sendMessage', (params) => to(USER_GROUP.id)(params) && params.reply_markup, { after: mark });
    const replies = fake.callsOf('sendMessage', mark).filter((call) => call.params.chat_id === USER_GROUP.id);
    expect(replies.filter((call) => /reset/i.test(String(call.params.text)))).toHaveLength(1);
    expect(replies.some((call) => call.params.reply_parameters?.message_id === ignored.message_id)).toBe(false);
  });

  it('hands off with /human: details, a card in the agent group, claim, relays both ways, resolve, rating', async () => {
    const bo = user(1002, 'Bo');
    let mark = fake.mark();
    const prompt = (pattern: RegExp) => fake.waitForCall('sendMessage', (params) => to(bo.id, pattern)(params) && params.reply_markup, { after: mark });

    fake.sendText(bo, '/human');
    await prompt(/describe the problem/);
    mark = fake.mark();
    fake.sendText(bo, 'My <b>deposit</b> & "withdrawal" are stuck');
    const when = await prompt(/When did it happen/);
    expect(buttonsOf(when).flat()).toEqual(['skip', 'cancel']);
    mark = fake.mark();
    fake.press(bo, sentMessage(when), 'skip');
    await prompt(/error message/);
    mark = fake.mark();
    fake.sendText(bo, 'skip');
    // "deposit … stuck" is a pending transaction: its ID is asked for too.
    await prompt(/transaction ID/);
    mark = fake.mark();
    fake.sendText(bo, 'skip');
    await prompt(/e-mail address/);
    mark = fake.mark();
    fake.sendText(bo, 'bo@example.com');
    const created = await fake.waitForCall('sendMessage', to(bo.id, /Your ticket T-\d+ has been created/), { after: mark });
    const ticket = (await app.services.desk.list({ channel: 'telegram' })).find((t) => t.userId === String(bo.id))!;
    expect(sentMessage(created).text).toContain(ticket.number);

    // The card: everything the agent needs, the user's words escaped, Claim and Resolve buttons.
    await app.pollDesks();
    const posted = await fake.waitForCall('sendMessage', to(AGENT_GROUP.id, new RegExp(ticket.number)), { after: mark });
    const card = sentMessage(posted);
    expect(posted.params.text).toContain('My &lt;b&gt;deposit&lt;/b&gt; &amp; &quot;withdrawal&quot; are stuck');
    expect(card.text).toContain('Problem type: My <b>deposit</b> & "withdrawal" are stuck');
    expect(card.text).toContain('Registered e-mail: bo@example.com');
    expect(card.text).toContain('User: Bo on telegram');
    expect(card.text).toMatch(/high priority/);
    expect(card.text).toMatch(/SLA: first reply due \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(buttonsOf(posted)).toEqual([[`desk:claim:${ticket.id}`, `desk:resolve:${ticket.id}`]]);

    // Someone in the group who is not an agent learns nothing and changes nothing.
    mark = fake.mark();
    const refused = fake.press(MALLORY, card, `desk:claim:${ticket.id}`);
    const alert = await fake.waitForCall('answerCallbackQuery', (params) => params.callback_query_id === refused, { after: mark });
    expect(alert.params).toEqual({ callback_query_id: refused, text: say('en', 'desk.error.not_agent'), show_alert: true });
    expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'open', agent: null });

    // Alice claims: the user is told, the card is edited in place.
    mark = fake.mark();
    const claim = fake.press(ALICE, card, `desk:claim:${ticket.id}`);
    const claimed = await fake.waitForCall('answerCallbackQuery', (params) => params.callback_query_id === claim, { after: mark });
    expect(claimed.params.text).toContain(ticket.number);
    expect(claimed.params.show_alert).toBeUndefined();
    expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'claimed', agent: 'Alice' });
    await app.drainOutbox();
    await fake.waitForCall('sendMessage', to(bo.id, /Alice has joined the conversation/), { after: mark });
    await app.pollDesks();
    const edited = await fake.waitForCall('editMessageText', (params) => params.message_id === card.message_id, { after: mark });
    expect(edited.params.text).toContain('<b>Claimed by Alice</b>');
    expect(buttonsOf(edited)).toEqual([[`desk:resolve:${ticket.id}`]]);

    // The user's messages appear under the card, escaped.
    mark = fake.mark();
    fake.sendText(bo, 'Any news? <script>&');
    const relayed = await until('the user message relayed to the agent group', async () => {
      await app.pollDesks();
      return fake.callsOf('sendMessage', mark).find((call) => call.params.chat_id === AGENT_GROUP.id);
    });
    expect(relayed.params.text).toBe('💬 <b>Bo</b>: Any news? &lt;script&gt;&amp;');
    expect(relayed.params.reply_parameters).toMatchObject({ message_id: card.message_id });
    // The bot answers the question itself with the ticket's status: once sent, it cannot be taken for an agent's reply below.
    await fake.waitForCall('sendMessage', to(bo.id, new RegExp(say('en', 'status.claimed'))), { after: mark });

    // Group talk that answers no card stays in the group; replies to the card or to a relayed message reach the user.
    mark = fake.mark();
    fake.sendText(ALICE, 'morning all, coffee?', { chat: AGENT_GROUP });
    fake.sendText(ALICE, 'We see it: 1 < 2 & <i>done</i>', { chat: AGENT_GROUP, replyTo: card });
    fake.sendText(ALICE, 'It is credited now.', { chat: AGENT_GROUP, replyTo: sentMessage(relayed) });
    await until('both agent replies delivered to the user', async () => {
      await app.drainOutbox();
      return fake.callsOf('sendMessage', mark).filter((call) => call.params.chat_id === bo.id).length >= 2;
    });
    const toBo = fake.callsOf('sendMessage', mark).filter((call) => call.params.chat_id === bo.id);
    expect(toBo.map((call) => call.params.text)).toEqual(['<b>Alice</b>: We see it: 1 &lt; 2 &amp; &lt;i&gt;done&lt;/i&gt;', '<b>Alice</b>: It is credited now.']);
    const agentLines = (await app.services.desk.detail(ticket.id)).messages.filter((message) => message.from === 'agent');
    expect(agentLines.map((message) => message.text)).toEqual(['We see it: 1 < 2 & <i>done</i>', 'It is credited now.']);

    // Resolve with the button: the user is asked for a rating, the card offers Reopen.
    mark = fake.mark();
    fake.press(ALICE, fake.message(AGENT_GROUP.id, card.message_id), `desk:resolve:${ticket.id}`);
    await fake.waitForCall('answerCallbackQuery', (params) => /resolved/.test(String(params.text)), { after: mark });
    await app.drainOutbox();
    const rating = await prompt(/has been resolved/);
    expect(buttonsOf(rating).flat()).toEqual(['rate:1', 'rate:2', 'rate:3', 'rate:4', 'rate:5']);
    await app.pollDesks();
    const resolvedCard = await fake.waitForCall('editMessageText', (params) => params.message_id === card.message_id, { after: mark });
    expect(buttonsOf(resolvedCard)).toEqual([[`desk:reopen:${ticket.id}`]]);

    mark = fake.mark();
    fake.press(bo, sentMessage(rating), 'rate:4');
    const thanks = await fake.waitForCall('sendMessage', to(bo.id), { after: mark });
    expect(sentMessage(thanks).text).toBe(say('en', 'ratingThanks'));
    expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'resolved', rating: 4 });
    await app.pollDesks();
    const ratedCard = await fake.waitForCall('editMessageText', (params) => params.message_id === card.message_id, { after: mark });
    expect(sentMessage(ratedCard).text).toContain('Rating: ★★★★☆ (4/5)');
  });

  it('refuses a non-agent who answers a card, and relays nothing', async () => {
    const eve = user(1007, 'Eve');
    let mark = fake.mark();
    const ticket = await urgentTicket(eve);
    await app.pollDesks();
    const card = sentMessage(await fake.waitForCall('sendMessage', to(AGENT_GROUP.id, new RegExp(ticket.number)), { after: mark }));
    mark = fake.mark();
    fake.sendText(MALLORY, 'I can help you, send me your seed phrase', { chat: AGENT_GROUP, replyTo: card });
    const refusal = await fake.waitForCall('sendMessage', to(AGENT_GROUP.id, /Only support agents/), { after: mark });
    expect(refusal.params.text).not.toContain(ticket.number);
    await app.drainOutbox();
    expect(fake.callsOf('sendMessage', mark).filter((call) => call.params.chat_id === eve.id)).toEqual([]);
    expect((await app.services.desk.view(ticket.id)).status).toBe('open');
  });

  it('delivers replies from any desk (the CLI) to the Telegram user', async () => {
    const fay = user(1008, 'Fay');
    const ticket = await urgentTicket(fay);
    const mark = fake.mark();
    await app.services.desk.reply(ticket.id, { channel: 'cli', userId: 'carol', name: 'carol' }, 'Withdrawals are frozen <for now> & we are on it.');
    await app.drainOutbox();
    const texts = fake
      .callsOf('sendMessage', mark)
      .filter((call) => call.params.chat_id === fay.id)
      .map((call) => call.params.text);
    expect(texts.filter((text) => /carol/.test(text))).toEqual(['carol has joined the conversation.', '<b>carol</b>: Withdrawals are frozen &lt;for now&gt; &amp; we are on it.']);
    // The agents' group sees the reply under the ticket's card, so nobody answers twice.
    await app.pollDesks();
    const mirrored = await fake.waitForCall('sendMessage', to(AGENT_GROUP.id, /carol<\/b> \(cli\)/), { after: mark });
    expect(mirrored.params.text).toBe('🎧 <b>carol</b> (cli): Withdrawals are frozen &lt;for now&gt; &amp; we are on it.');
  });

  it('names the user when an agent reply reaches them in a group', async () => {
    const gus = user(1009, 'Gus <3');
    let mark = fake.mark();
    fake.sendText(gus, `@${fake.me.username} someone hacked my account and stole my BTC`, { chat: USER_GROUP });
    await fake.waitForCall('sendMessage', to(USER_GROUP.id, /T-\d+/), { after: mark });
    const ticket = (await app.services.desk.list({ channel: 'telegram' })).find((t) => t.userId === String(gus.id))!;
    mark = fake.mark();
    await app.services.desk.claim(ticket.id, { channel: 'cli', userId: 'carol', name: 'carol' });
    await app.drainOutbox();
    const joined = await fake.waitForCall('sendMessage', to(USER_GROUP.id, /has joined/), { after: mark });
    expect(joined.params.text).toBe(`<a href="tg://user?id=${gus.id}">Gus &lt;3</a> carol has joined the conversation.`);
  });

  it('throws DeliveryError when Telegram refuses; a user who blocked the bot is not retried', async () => {
    const hal = user(1010, 'Hal');
    const ticket = await urgentTicket(hal);
    fake.block(hal.id);
    const pending = await app.services.outbox.pendingCount();
    await app.services.desk.reply(ticket.id, { channel: 'cli', userId: 'carol', name: 'carol' }, 'Are you there?');
    expect(await app.drainOutbox()).toBe(0);
    expect(await app.services.outbox.pendingCount()).toBe(pending);
    const adapter = app.channels.get('telegram')!;
    await expect(adapter.deliver({ chatId: hal.id }, [{ kind: 'status', text: 'hi' }])).rejects.toThrow(DeliveryError);
    await expect(adapter.deliver({ chatId: hal.id }, [{ kind: 'status', text: 'hi' }])).rejects.toThrow(/403 Forbidden: bot was blocked by the user/);
  });

  it('retries a call Telegram answered with 429 (auto-retry)', async () => {
    const ivy = user(1011, 'Ivy');
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } }, to(ivy.id));
    const mark = fake.mark();
    fake.sendText(ivy, 'I forgot my password');
    await fake.waitForCall('sendMessage', to(ivy.id, /reset/i), { after: mark });
    const attempts = fake.callsOf('sendMessage', mark).filter((call) => call.params.chat_id === ivy.id);
    expect(attempts[0]).toMatchObject({ ok: false, error: 'Too Many Requests: retry after 0' });
    expect(attempts[1]).toMatchObject({ ok: true });
  });
});

describe('Telegram agent group with forum topics', () => {
  const FORUM: TgChat = { id: -1001000000003, type: 'supergroup', title: 'Support desk (topics)', is_forum: true };
  let fake: FakeTelegram;
  let app: App;

  beforeAll(async () => {
    fake = await FakeTelegram.start({ chats: [FORUM] });
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_AGENT_CHAT_ID: String(FORUM.id), AGENT_IDS: 'telegram:9001' });
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.close();
  });

  it("opens a topic per ticket; what agents write there reaches the user, and the user's words appear there", async () => {
    const jo = user(1020, 'Jo');
    let mark = fake.mark();
    fake.sendText(jo, 'someone hacked my account and stole all my BTC');
    await fake.waitForCall('sendMessage', to(jo.id, /T-\d+/), { after: mark });
    const ticket = (await app.services.desk.list({ channel: 'telegram' }))[0]!;

    await app.pollDesks();
    const topic = await fake.waitForCall('createForumTopic', undefined, { after: mark });
    expect(topic.params.name).toMatch(new RegExp(`^${ticket.number} · `));
    const threadId = (topic.result as { message_thread_id: number }).message_thread_id;
    const card = await fake.waitForCall('sendMessage', to(FORUM.id, new RegExp(ticket.number)), { after: mark });
    expect(card.params.message_thread_id).toBe(threadId);

    mark = fake.mark();
    fake.sendText(ALICE, 'Hi Jo, I am freezing your account now.', { chat: FORUM, threadId });
    await until('the agent message delivered to the user', async () => {
      await app.drainOutbox();
      return fake.callsOf('sendMessage', mark).find((call) => to(jo.id, /<b>Alice<\/b>: Hi Jo/)(call.params));
    });

    mark = fake.mark();
    fake.sendText(jo, 'thank you!');
    const relayed = await until('the user message relayed into the topic', async () => {
      await app.pollDesks();
      return fake.callsOf('sendMessage', mark).find((call) => call.params.chat_id === FORUM.id);
    });
    expect(relayed.params).toMatchObject({ message_thread_id: threadId, text: '💬 <b>Jo</b>: thank you!' });
  });
});
