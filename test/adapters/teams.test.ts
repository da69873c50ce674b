import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say as botText } from '../../src/contracts/index.js';
import { startTestApp } from '../support/app.js';
import { BOT, FakeConnector, type CardButton, type FakeConversation, type PostedActivity } from '../support/fake-connector.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const AGENT = { channel: 'cli' as const, userId: 'alice', name: 'Alice' };

/** The buttons of the Hero card on a posted activity. */
function buttonsOf(activity: PostedActivity | undefined): CardButton[] {
  return activity?.attachments?.find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.hero')?.content.buttons ?? [];
}

/** The button carrying `payload` among the bot's messages to a conversation, newest card first. */
function button(chat: FakeConversation, payload: string): CardButton {
  const found = chat
    .replies()
    .reverse()
    .flatMap(buttonsOf)
    .find((candidate) => candidate.value?.payload === payload);
  if (!found) throw new Error(`no button with payload ${payload} in ${JSON.stringify(chat.replies().map((reply) => reply.text))}`);
  return found;
}

/** Sends an activity, expects the bot to accept it, and returns the messages it answered with. */
async function say(app: App, chat: FakeConversation, activity: Record<string, unknown>): Promise<PostedActivity[]> {
  const before = chat.replies().length;
  const response = await chat.send(app.url, activity);
  expect(response.status).toBe(200);
  return chat.replies().slice(before);
}

/** Waits for a condition that a background timer makes true (the outbox's retry), with a deadline. */
async function eventually(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Microsoft Teams over the Bot Framework protocol', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.dispose();
    await connector.close();
  });

  it('is on without an app id, and welcomes a user who starts a conversation once', async () => {
    expect(app.channels.get('teams')).toMatchObject({ name: 'teams', detail: expect.stringMatching(/^unauthenticated/) });
    const ann = { id: '29:ann', name: 'Ann' };
    const chat = connector.conversation({ id: 'a:personal-ann', user: ann });
    const welcome = await say(app, chat, chat.membersAdded(BOT, ann));
    expect(welcome).toHaveLength(1);
    expect(welcome[0]!.text).toMatch(/I'm the TokenIM support assistant/);
    expect(welcome[0]!.text).toContain('/human');
    // Teams may announce the same arrival again (the bot, then the user): no second greeting.
    expect(await say(app, chat, chat.membersAdded(ann))).toEqual([]);
  });

  it('greets the installing user when Teams lists only the bot as added (a personal install)', async () => {
    const chat = connector.conversation({ id: 'a:personal-ivy', user: { id: '29:ivy', name: 'Ivy' } });
    const welcome = await say(app, chat, chat.membersAdded(BOT));
    expect(welcome).toHaveLength(1);
    expect(welcome[0]!.text).toMatch(/I'm the TokenIM support assistant/);
  });

  it('answers a question in plain text, replying to the message after a typing indicator', async () => {
    const chat = connector.conversation({ id: 'a:personal-bo', user: { id: '29:bo', name: 'Bo' } });
    const question = chat.message('How long does support take to answer?');
    const start = connector.posted.length;
    const replies = await say(app, chat, question);
    expect(replies[0]!.text).toMatch(/minute|24/);
    expect(replies[0]).toMatchObject({ textFormat: 'plain', replyToId: question.id });
    const sent = connector.posted.slice(start).filter((activity) => activity.conversationId === chat.options.id);
    expect(sent[0]!.type).toBe('typing');
    expect(buttonsOf(replies.at(-1)).map((b) => b.value?.payload)).toEqual(expect.arrayContaining(['feedback:yes', 'feedback:no']));
  });

  it('renders buttons as a Hero card whose messageBack press comes back as the payload', async () => {
    const chat = connector.conversation({ id: 'a:personal-cy', user: { id: '29:cy', name: 'Cy' } });
    await say(app, chat, chat.message('How long does support take to answer?'));
    const yes = button(chat, 'feedback:yes');
    expect(yes).toMatchObject({ type: 'messageBack', title: expect.stringMatching(/^Yes/), displayText: expect.stringMatching(/^Yes/) });
    const thanks = await say(app, chat, chat.press(yes));
    expect(thanks[0]!.text).toMatch(/glad I could help/);

    // Choices offered as buttons (here the language menu) work the same way.
    const menu = await say(app, chat, chat.message('/lang'));
    expect(buttonsOf(menu.at(-1)).map((b) => b.value?.payload)).toEqual(['lang:zh', 'lang:en']);
    const chinese = await say(app, chat, chat.press(button(chat, 'lang:zh')));
    expect(chinese[0]!.text).toBe('好的，我会用中文回答。');
    expect((await say(app, chat, chat.message('/help')))[0]!.text).toMatch(/客服助手/);
  });

  it('hands off on /human, delivers the agent reply proactively, then the rating prompt after resolve', async () => {
    const dee = { id: '29:dee', name: 'Dee' };
    const chat = connector.conversation({ id: 'a:personal-dee', user: dee });
    let replies = await say(app, chat, chat.message('/human'));
    for (let step = 0; step < 6 && !replies.some((reply) => /ticket T-\d+/.test(reply.text ?? '')); step++) {
      replies = await say(app, chat, chat.press(button(chat, 'skip')));
    }
    expect(replies.map((reply) => reply.text).join('\n')).toMatch(/Your ticket T-\d+ has been created/);
    const ticket = (await app.services.desk.list({ status: ['open'] })).find((t) => t.channel === 'teams' && t.userId === dee.id)!;
    expect(ticket).toBeDefined();

    // While escalated the user's words go to the ticket; the bot only confirms it got them (the ticket was just announced).
    const ack = await say(app, chat, chat.message('it happened this morning'));
    expect(ack.map((activity) => activity.text)).toEqual([botText('en', 'received')]);

    await app.services.desk.reply(ticket.id, AGENT, 'Hi Dee, I am <checking> your *account* now.');
    expect(await app.drainOutbox()).toBe(1);
    const proactive = chat.replies().slice(-2);
    expect(proactive.map((activity) => activity.text)).toEqual(['Alice has joined the conversation.', 'Alice: Hi Dee, I am <checking> your *account* now.']);
    expect(proactive[1]!.textFormat).toBe('plain');

    await app.services.desk.resolve(ticket.id, AGENT, 'explained the review');
    await app.drainOutbox();
    const prompt = chat.replies().at(-1)!;
    expect(prompt.text).toMatch(/has been resolved\. How would you rate/);
    expect(buttonsOf(prompt).map((b) => b.value?.payload)).toEqual(['rate:1', 'rate:2', 'rate:3', 'rate:4', 'rate:5']);
    const thanks = await say(app, chat, chat.press(button(chat, 'rate:5')));
    expect(thanks[0]!.text).toMatch(/Thank you for your feedback/);
    expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'resolved', rating: 5 });
  });

  it('delivers once when the connector fails for a moment (botbuilder retries a 500 itself)', async () => {
    const eve = { id: '29:eve', name: 'Eve' };
    const chat = connector.conversation({ id: 'a:personal-eve', user: eve });
    await say(app, chat, chat.message('someone hacked my account and stole my USDT'));
    const ticket = (await app.services.desk.list({ status: ['open'] })).find((t) => t.channel === 'teams' && t.userId === eve.id)!;
    expect(ticket.priority).toBe('urgent');

    const refused = connector.refused;
    connector.failNext(1);
    await app.services.desk.reply(ticket.id, AGENT, 'We froze withdrawals on your account.');
    await app.drainOutbox();
    expect(connector.refused).toBe(refused + 1);
    expect(await app.services.outbox.pendingCount()).toBe(0);
    expect(chat.replies().filter((reply) => reply.text === 'Alice: We froze withdrawals on your account.')).toHaveLength(1);
  });

  it('leaves a refused delivery to the outbox, which retries it and delivers it exactly once', async () => {
    const flo = { id: '29:flo', name: 'Flo' };
    const chat = connector.conversation({ id: 'a:personal-flo', user: flo });
    await say(app, chat, chat.message('someone hacked my account and stole my BTC'));
    const ticket = (await app.services.desk.list({ status: ['open'] })).find((t) => t.channel === 'teams' && t.userId === flo.id)!;

    connector.failNext(1, 429);
    await app.services.desk.reply(ticket.id, AGENT, 'Your withdrawals are frozen.');
    expect(await app.drainOutbox()).toBe(0);
    expect(await app.services.outbox.pendingCount()).toBe(1);
    const delivered = () => chat.replies().filter((reply) => reply.text === 'Alice: Your withdrawals are frozen.');
    expect(delivered()).toHaveLength(0);
    // The outbox's own timer retries after its backoff.
    await eventually(async () => (await app.services.outbox.pendingCount()) === 0, 'the retried delivery');
    await app.drainOutbox();
    expect(delivered()).toHaveLength(1);
    expect(chat.replies().filter((reply) => reply.text === 'Alice has joined the conversation.')).toHaveLength(1);
  });

  it('answers in a channel only when mentioned, without the mention in what it reads', async () => {
    const chat = connector.conversation({ id: '19:general@thread.tacv2;messageid=1700000000000', user: { id: '29:fay', name: 'Fay' }, type: 'channel' });
    expect(await say(app, chat, chat.message('How long does support take to answer?'))).toEqual([]);
    const answered = await say(app, chat, chat.mention('How long does support take to answer?'));
    expect(answered[0]!.text).toMatch(/minute|24/);
    // Card buttons carry no mention, and still work.
    const thanks = await say(app, chat, chat.press(button(chat, 'feedback:yes')));
    expect(thanks[0]!.text).toMatch(/glad I could help/);

    // Added to a team, the bot introduces itself once; newcomers are not greeted in public.
    const team = connector.conversation({ id: '19:support@thread.tacv2', user: { id: '29:gil', name: 'Gil' }, type: 'channel' });
    expect(await say(app, team, team.membersAdded(BOT))).toHaveLength(1);
    expect(await say(app, team, team.membersAdded({ id: '29:newcomer', name: 'New' }))).toEqual([]);

    const group = connector.conversation({ id: '19:group-chat@thread.v2', user: { id: '29:gus', name: 'Gus' }, type: 'groupChat' });
    expect(await say(app, group, group.message('/help'))).toEqual([]);
    expect((await say(app, group, group.mention('help')))[0]!.text).toMatch(/I'm the TokenIM support assistant/);
  });

  it('asks for words when the user sends only an image or a file', async () => {
    const chat = connector.conversation({ id: 'a:personal-pia', user: { id: '29:pia', name: 'Pia' } });
    const image = await say(app, chat, chat.attachment('image/png', 'screenshot.png'));
    expect(image[0]!.text).toMatch(/I can only read text messages/);
    const file = await say(app, chat, chat.attachment('application/vnd.microsoft.teams.file.download.info', 'statement.pdf'));
    expect(file[0]!.text).toMatch(/I can only read text messages/);
  });

  it('works with the Bot Framework Emulator (channel "emulator", no Teams fields)', async () => {
    const you = { id: '5d1c7a2e-emulator-user', name: 'User' };
    const chat = connector.conversation({ id: 'emulator-conversation-1|livechat', user: you, channelId: 'emulator' });
    const welcome = await say(app, chat, chat.membersAdded(you, BOT));
    expect(welcome[0]!.text).toMatch(/I'm the TokenIM support assistant/);
    const answer = await say(app, chat, chat.message('How long does support take to answer?'));
    expect(answer[0]!.text).toMatch(/minute|24/);
  });

  it('answers a missing, malformed or non-activity body with 400 and keeps serving', async () => {
    const endpoint = `${app.url}/api/messages`;
    expect((await fetch(endpoint, { method: 'POST' })).status).toBe(400);
    expect((await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message", ' })).status).toBe(400);
    const notActivity = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi' }) });
    expect(notActivity.status).toBe(400);
    expect((await notActivity.json()).error).toMatch(/type/);
    const array = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(array.status).toBe(400);

    const chat = connector.conversation({ id: 'a:personal-hal', user: { id: '29:hal', name: 'Hal' } });
    expect((await say(app, chat, chat.message('How long does support take to answer?')))[0]!.text).toMatch(/minute|24/);
  });

  it('without an app id, refuses activities whose serviceUrl is not on this machine', async () => {
    const chat = connector.conversation({ id: 'a:personal-ida', user: { id: '29:ida', name: 'Ida' }, serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    const response = await chat.send(app.url, chat.message('hello'));
    expect(response.status).toBe(403);
    expect(await app.services.bot.history({ channel: 'teams', userId: '29:ida' })).toEqual([]);
  });
});
