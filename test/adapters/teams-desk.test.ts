import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../src/contracts/index.js';
import { startTestApp } from '../support/app.js';
import { FakeConnector, type Account, type FakeConversation, type PostedActivity } from '../support/fake-connector.js';
import { FakeTelegram, type TgUser } from '../support/fake-telegram.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** The agents' Teams channel, as Teams names a channel conversation. */
const AGENTS = '19:support-desk@thread.tacv2';
const ALICE: Account = { id: '29:alice', name: 'Alice', aadObjectId: '6a0f3c1e-0000-4000-8000-00000000a11c' };
const MALLORY: Account = { id: '29:mallory', name: 'Mallory', aadObjectId: '6a0f3c1e-0000-4000-8000-0000000bad00' };

/** The Adaptive Card of a posted or updated activity: what an agent reads on it. */
function cardOf(activity: PostedActivity | undefined) {
  const content = activity?.attachments?.find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
  if (!content) throw new Error(`not an Adaptive Card: ${JSON.stringify(activity)}`);
  return {
    text: JSON.stringify(content.body),
    actions: (content.actions ?? []).map((action) => ({ type: action.type, title: action.title, payload: action.data?.payload })),
  };
}

describe('the Teams agent desk (TEAMS_AGENT_CONVERSATION_ID)', () => {
  let connector: FakeConnector;
  let telegram: FakeTelegram;
  let app: App;
  let alice: FakeConversation;
  let mallory: FakeConversation;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    telegram = await FakeTelegram.start();
    app = await startTestApp({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TEAMS_AGENT_CONVERSATION_ID: AGENTS,
      TEAMS_SERVICE_URL: connector.serviceUrl,
      AGENT_IDS: `teams:${ALICE.aadObjectId},cli:*`,
    });
    alice = connector.conversation({ id: AGENTS, user: ALICE, type: 'channel' });
    mallory = connector.conversation({ id: AGENTS, user: MALLORY, type: 'channel' });
  });
  afterAll(async () => {
    await app?.dispose();
    await telegram?.close();
    await connector?.close();
  });

  /** A Telegram user's urgent ticket (a hacked account is escalated at once), once the bot has answered. */
  async function telegramTicket(from: TgUser) {
    const mark = telegram.mark();
    telegram.sendText(from, 'someone hacked my account and stole all my BTC');
    await telegram.waitForCall('sendMessage', (params) => params.chat_id === from.id && String(params.text).includes(say('en', 'urgentFollowUp').slice(0, 20)), { after: mark });
    return (await app.services.desk.list({ channel: 'telegram' })).find((ticket) => ticket.userId === String(from.id))!;
  }

  /** The card posted for a ticket in the agents' channel (a new post: it starts the ticket's thread). */
  async function cardFor(number: string): Promise<PostedActivity> {
    await app.pollDesks();
    const card = connector.messages(AGENTS).find((activity) => activity.attachments && cardOf(activity).text.includes(number));
    if (!card) throw new Error(`no card for ${number}`);
    return card;
  }

  /** What the bot wrote in a card's thread since `from`. */
  const thread = (card: PostedActivity, from = 0) =>
    connector
      .messages(`${AGENTS};messageid=${card.id}`)
      .slice(from)
      .map((activity) => activity.text);

  /** Sends an activity to the bot and expects it accepted. */
  async function send(chat: FakeConversation, activity: Record<string, unknown>): Promise<Response> {
    const response = await chat.send(app.url, activity);
    expect(response.status).toBe(200);
    return response;
  }

  const toUser = (user: TgUser, after: number) =>
    telegram
      .callsOf('sendMessage', after)
      .filter((call) => call.params.chat_id === user.id)
      .map((call) => String(call.params.text));

  it('works a Telegram ticket from Teams: claim on the card, answer in its thread, the user gets it on Telegram', async () => {
    const tom: TgUser = { id: 5101, is_bot: false, first_name: 'Tom', language_code: 'en' };
    const ticket = await telegramTicket(tom);
    const card = await cardFor(ticket.number);
    expect(card.replyToId).toBeUndefined();
    expect(cardOf(card).actions).toEqual([
      { type: 'Action.Submit', title: 'Claim', payload: `desk:claim:${ticket.id}` },
      { type: 'Action.Submit', title: 'Resolve', payload: `desk:resolve:${ticket.id}` },
    ]);

    // Claim (Action.Submit): the card is updated in place, and the thread says who took it.
    await send(alice, alice.submit(card.id, { payload: `desk:claim:${ticket.id}` }));
    expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'claimed', agent: 'Alice', agentId: `teams:${ALICE.aadObjectId}` });
    await app.pollDesks();
    const claimed = connector.updates(AGENTS, card.id).at(-1);
    expect(cardOf(claimed).actions.map((action) => action.title)).toEqual(['Resolve']);
    expect(cardOf(claimed).text).toContain(say('en', 'desk.status.claimed', { agent: 'Alice' }));
    expect(thread(card)).toContain(say('en', 'desk.event.claimed', { agent: 'Alice' }));

    // The user's words are posted into the thread.
    const seen = thread(card).length;
    telegram.sendText(tom, 'I still see a login from an unknown device');
    await expect.poll(async () => (await app.pollDesks(), thread(card, seen))).toContain('💬 Tom: I still see a login from an unknown device');

    // Alice answers in the thread (a reply's conversation id is <channel>;messageid=<card id>); it reaches Tom on Telegram.
    await app.drainOutbox();
    const mark = telegram.mark();
    await send(alice, alice.threadMessage(card.id, 'We froze withdrawals on your account.'));
    await app.drainOutbox();
    expect(toUser(tom, mark)).toEqual(['<b>Alice</b>: We froze withdrawals on your account.']);
    // A note stays on the ticket and never reaches the user.
    await send(alice, alice.threadMessage(card.id, 'note: called the user, identity confirmed'));
    await app.drainOutbox();
    expect(toUser(tom, mark)).toHaveLength(1);
    expect((await app.services.desk.detail(ticket.id)).events).toContainEqual(
      expect.objectContaining({ action: 'note', note: 'called the user, identity confirmed', actor: `teams:${ALICE.aadObjectId}` }),
    );

    // Resolve (Action.Submit again): updated in place, now offering Reopen.
    await send(alice, alice.submit(card.id, { payload: `desk:resolve:${ticket.id}` }));
    await app.pollDesks();
    expect((await app.services.desk.view(ticket.id)).status).toBe('resolved');
    expect(cardOf(connector.updates(AGENTS, card.id).at(-1)).actions).toEqual([{ type: 'Action.Submit', title: 'Reopen', payload: `desk:reopen:${ticket.id}` }]);
    // The desk's own reply is not echoed back into its thread.
    expect(thread(card).filter((text) => text?.includes('We froze'))).toEqual([]);
  });

  it('takes Action.Execute (an adaptiveCard/action invoke) and answers it with the updated card', async () => {
    const ugo: TgUser = { id: 5102, is_bot: false, first_name: 'Ugo', language_code: 'en' };
    const ticket = await telegramTicket(ugo);
    const card = await cardFor(ticket.number);
    const response = await send(alice, alice.execute(card.id, 'claim', { payload: `desk:claim:${ticket.id}` }));
    const body = (await response.json()) as { statusCode: number; type: string; value: { actions: { title: string }[]; body: unknown } };
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(body.value.actions.map((action) => action.title)).toEqual(['Resolve']);
    expect(JSON.stringify(body.value.body)).toContain(ticket.number);
    expect((await app.services.desk.view(ticket.id)).status).toBe('claimed');
    await app.pollDesks();
    expect(cardOf(connector.updates(AGENTS, card.id).at(-1)).actions.map((action) => action.title)).toEqual(['Resolve']);

    // A refused action (claimed already, by Alice: resolving is fine; reopening is not) is said, not applied.
    const refused = await send(alice, alice.execute(card.id, 'reopen', { payload: `desk:reopen:${ticket.id}` }));
    expect(await refused.json()).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: say('en', 'desk.error.still_active', { number: ticket.number, status: say('en', 'status.claimed') }),
    });
    expect((await app.services.desk.view(ticket.id)).status).toBe('claimed');
  });

  it('refuses a non-agent without ticket content: their presses and replies change and relay nothing', async () => {
    const vic: TgUser = { id: 5103, is_bot: false, first_name: 'Vic', language_code: 'en' };
    const ticket = await telegramTicket(vic);
    const card = await cardFor(ticket.number);
    const before = thread(card).length;
    const mark = telegram.mark();

    await send(mallory, mallory.submit(card.id, { payload: `desk:claim:${ticket.id}` }));
    const executed = await send(mallory, mallory.execute(card.id, 'resolve', { payload: `desk:resolve:${ticket.id}` }));
    await send(mallory, mallory.threadMessage(card.id, 'I can help, send me your seed phrase'));
    await app.drainOutbox();

    expect(await executed.json()).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: say('en', 'desk.error.not_agent') });
    const answers = thread(card, before);
    expect(answers).toEqual([say('en', 'desk.error.not_agent'), say('en', 'desk.error.not_agent')]);
    for (const answer of answers) expect(answer).not.toContain(ticket.number);
    expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'open', agent: null });
    expect(toUser(vic, mark)).toEqual([]);
    expect(connector.updates(AGENTS, card.id)).toEqual([]);
  });
});
