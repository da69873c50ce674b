import { GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeliveryError } from '../../src/contracts/index.js';
import { say } from '../../src/contracts/index.js';
import { startTestApp } from '../support/app.js';
import { tempDir } from '../support/temp.js';
import { FakeDiscord, type FakeMessage, type FakeUser, type SentInteraction } from '../support/fake-discord.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const ANN: FakeUser = { id: '800000000000000001', username: 'ann', globalName: 'Ann' };
const BO: FakeUser = { id: '800000000000000002', username: 'bo' };
const CHEN: FakeUser = { id: '800000000000000003', username: 'chen' };
const LI: FakeUser = { id: '800000000000000004', username: 'li' };
const DAN: FakeUser = { id: '800000000000000005', username: 'dan', globalName: 'Dan' };
const EVE: FakeUser = { id: '800000000000000006', username: 'eve' };
const FRANK: FakeUser = { id: '800000000000000007', username: 'frank' };
const GUS: FakeUser = { id: '800000000000000008', username: 'gus' };
const HAL: FakeUser = { id: '800000000000000009', username: 'hal' };
const IVY: FakeUser = { id: '800000000000000012', username: 'ivy' };
const JO: FakeUser = { id: '800000000000000013', username: 'jo' };
const ALICE: FakeUser = { id: '800000000000000010', username: 'alice', globalName: 'Alice' };
const MALLORY: FakeUser = { id: '800000000000000011', username: 'mallory' };

/** A valid 12-word BIP39 phrase (a public test vector). */
const SEED = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const EPHEMERAL = 64;

const buttonsOf = (message: { components?: FakeMessage['components'] }) => (message.components ?? []).flatMap((row) => row.components.map((button) => button.custom_id));

describe('Discord channel against a fake Discord (REST + gateway)', () => {
  let fake: FakeDiscord;
  let app: App;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    app = await startTestApp(fake.env({ AGENT_IDS: `discord:${ALICE.id},cli:*` }));
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.stop();
  });

  /** Waits for a condition that the app makes true asynchronously, up to a deadline. */
  const eventually = <T>(check: () => T) => vi.waitFor(check, { timeout: 5_000, interval: 10 });
  /**
   * Runs the outbox or the desk feed until `check` passes: a run the app's own timer started may
   * be in flight (calls share it) and end before the newest rows.
   */
  const settle = <T>(flush: () => Promise<unknown>, check: () => T) =>
    eventually(async () => {
      await flush();
      return check();
    });
  const found = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`no ${what} yet`);
    return value;
  };
  /** The bot's reply to a member's message: a POST in that channel referencing it. */
  const replyTo = (channelId: string, messageId: string) =>
    fake.waitForCall(`a reply to ${messageId}`, (call) => call.method === 'POST' && call.path === `/channels/${channelId}/messages` && call.body?.message_reference?.message_id === messageId);
  /** The interaction callback the bot sent for an interaction. */
  const callbackOf = (interaction: SentInteraction) =>
    fake.waitForCall(`the callback of ${interaction.id}`, (call) => call.method === 'POST' && call.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
  /** Follow-up messages (after the callback) for an interaction. */
  const followUpsOf = (interaction: SentInteraction, count: number) =>
    eventually(() => {
      const found = fake.calls.filter((call) => call.method === 'POST' && call.path === `/webhooks/${fake.applicationId}/${interaction.token}`);
      if (found.length < count) throw new Error(`${found.length} of ${count} follow-ups`);
      return found;
    });
  const ticketOf = async (userId: string) => (await app.services.desk.list()).find((ticket) => ticket.channel === 'discord' && ticket.userId === userId);

  it('identifies with the minimal intents and registers the slash commands for the guild', async () => {
    const expected = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages | GatewayIntentBits.MessageContent;
    expect(fake.identifiedIntents).toBe(expected);
    const registered = await fake.waitForCall('command registration', (call) => call.method === 'PUT' && call.path === `/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    const commands = registered.body as { name: string; description_localizations: Record<string, string>; options?: { name: string; autocomplete?: boolean }[] }[];
    expect(commands.map((command) => command.name)).toEqual(['ask', 'human', 'status', 'faq', 'subscribe', 'unsubscribe']);
    expect(commands.find((command) => command.name === 'faq')!.options).toEqual([expect.objectContaining({ name: 'question', autocomplete: true })]);
    expect(commands[0]!.description_localizations['zh-CN']).toBe('向客服助手提问');
  });

  it('answers a mention in a public channel, with feedback buttons, and ignores messages that do not mention it', async () => {
    const ignored = await fake.post(fake.generalChannelId, ANN, 'how long does support take to reply?');
    const asked = await fake.post(fake.generalChannelId, ANN, 'how long does support take to reply?', { mentionBot: true });
    const answer = await replyTo(fake.generalChannelId, asked);
    expect(answer.body.content).toMatch(/minute|24/);
    expect(buttonsOf(answer.body)).toEqual([`feedback:yes|${ANN.id}`, `feedback:no|${ANN.id}`]);
    expect(answer.body.allowed_mentions).toMatchObject({ parse: [] });
    expect(fake.calls.some((call) => call.body?.message_reference?.message_id === ignored)).toBe(false);
  });

  it('answers every message in the help channel, and in DMs', async () => {
    const inHelp = await fake.post(fake.helpChannelId, BO, 'I forgot my password');
    expect((await replyTo(fake.helpChannelId, inHelp)).body.content).toMatch(/reset/i);
    const inDm = await fake.dm(BO, 'how do I enable 2FA?');
    expect((await replyTo(fake.dmChannelOf(BO.id), inDm)).body.content).toMatch(/2FA/);
  });

  it('a suggestion button press retires the buttons and gets the next reply; in a channel only its asker may press it', async () => {
    const asked = await fake.post(fake.generalChannelId, ANN, 'how do I deposit?', { mentionBot: true });
    await replyTo(fake.generalChannelId, asked);
    const answer = fake.messagesIn(fake.generalChannelId).at(-1)!;
    const yes = `feedback:yes|${ANN.id}`;
    expect(buttonsOf(answer)).toContain(yes);
    const stolen = await fake.press(MALLORY, answer, yes);
    expect((await callbackOf(stolen)).body).toEqual({ type: 4, data: expect.objectContaining({ content: say('en', 'buttonsForSomeoneElse'), flags: EPHEMERAL }) });
    expect(await app.services.bot.history({ channel: 'discord', userId: MALLORY.id })).toEqual([]);
    const press = await fake.press(ANN, answer, yes);
    const callback = await callbackOf(press);
    expect(callback.body).toMatchObject({ type: 7, data: { components: [] } });
    const [next] = await followUpsOf(press, 1);
    expect(next!.body.content).toMatch(/glad I could help/);
  });

  it('/ask answers through the interaction callback', async () => {
    const ask = await fake.slash(CHEN, 'ask', { question: '忘记密码怎么办' }, { channelId: fake.generalChannelId, locale: 'zh-CN' });
    const callback = await callbackOf(ask);
    expect(callback.body.type).toBe(4);
    expect(callback.body.data.content).toMatch(/邮箱/);
    expect(callback.body.data.flags ?? 0).toBe(0);
  });

  it("/faq autocompletes over the FAQ in the user's language and answers the picked entry in it", async () => {
    const typing = await fake.autocomplete(LI, 'faq', 'question', '密码', { channelId: fake.generalChannelId, locale: 'zh-CN' });
    const choices = (await callbackOf(typing)).body.data.choices as { name: string; value: string }[];
    expect(choices).toContainEqual({ name: '忘记密码怎么办', value: 'forgot-password' });
    const english = await fake.autocomplete(LI, 'faq', 'question', 'password', { channelId: fake.generalChannelId });
    expect((await callbackOf(english)).body.data.choices).toContainEqual({ name: 'I forgot my password', value: 'forgot-password' });

    const picked = await fake.slash(LI, 'faq', { question: 'forgot-password' }, { channelId: fake.generalChannelId, locale: 'zh-CN' });
    const answer = await callbackOf(picked);
    expect(answer.body.data.content).toMatch(/找回密码/);
  });

  it('hands off privately: DMs for the questions, a ticket thread for agents, relayed replies both ways, resolve and rating', async () => {
    // /human in the help channel: an ephemeral note there, the questions in DMs.
    const human = await fake.slash(DAN, 'human', {}, { channelId: fake.helpChannelId });
    const dmChannel = fake.dmChannelOf(DAN.id);
    const [intro] = await fake.waitForMessages(dmChannel, 1);
    expect(intro!.content).toMatch(/connect you with a human agent/);
    expect(buttonsOf(intro!)).toEqual(['skip', 'cancel']);
    expect((await callbackOf(human)).body).toMatchObject({ type: 5, data: { flags: EPHEMERAL } });
    await eventually(() => expect(fake.answersTo(human)[0]!.content).toMatch(/sent you a DM/));
    expect(fake.answersTo(human).every((message) => message.flags === EPHEMERAL)).toBe(true);

    // The questions: the first answered in words, the rest skipped with the button.
    const described = await fake.dm(DAN, 'my withdrawal of 0.5 BTC has not arrived');
    let last: string = (await replyTo(dmChannel, described)).body.content;
    for (let step = 0; step < 6 && !/Your ticket T-\d+/.test(last); step++) {
      const press = await fake.press(DAN, fake.messagesIn(dmChannel).at(-1)!, 'skip');
      last = (await followUpsOf(press, 1))[0]!.body.content;
    }
    expect(last).toMatch(/Your ticket T-\d+ has been created/);
    const ticket = (await ticketOf(DAN.id))!;
    // A withdrawal that has not arrived is missing funds: high priority.
    expect(ticket).toMatchObject({ status: 'open', priority: 'high', displayName: 'Dan' });

    // The agent channel gets a card (priority colour, details, SLA, buttons) and a thread from it.
    const card = await settle(app.pollDesks, () =>
      found(
        'card',
        fake.messagesIn(fake.agentChannelId).find((message) => JSON.stringify(message.embeds).includes(ticket.number)),
      ),
    );
    const embed = card.embeds[0] as { color: number; title: string; fields: { name: string; value: string }[] };
    expect(embed.color).toBe(0xe67e22);
    expect(embed.fields).toEqual(expect.arrayContaining([{ name: 'Problem type', value: 'my withdrawal of 0.5 BTC has not arrived', inline: false }, expect.objectContaining({ name: 'SLA' })]));
    expect(buttonsOf(card)).toEqual([`desk:claim:${ticket.id}`, `desk:resolve:${ticket.id}`]);
    expect(fake.threadsIn(fake.agentChannelId)).toContain(card.id);
    expect(await app.services.desk.cardsOf(ticket.id, 'discord')).toEqual([card.id]);
    const thread = card.id;

    // Someone who is not an agent is refused privately and changes nothing.
    const refused = await fake.press(MALLORY, card, `desk:claim:${ticket.id}`);
    expect((await callbackOf(refused)).body).toEqual({ type: 4, data: expect.objectContaining({ content: say('en', 'desk.error.not_agent'), flags: EPHEMERAL }) });
    expect((await app.services.desk.view(ticket.id)).status).toBe('open');

    // The agent claims: the card is updated in place.
    const claim = await fake.press(ALICE, card, `desk:claim:${ticket.id}`);
    const updated = (await callbackOf(claim)).body;
    expect(updated.type).toBe(7);
    expect(updated.data.components[0].components.map((button: { custom_id: string }) => button.custom_id)).toEqual([`desk:resolve:${ticket.id}`]);
    expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'claimed', agent: 'Alice' });

    // In the thread: a stranger's words go nowhere, an internal note stays on the desk, the agent's reply reaches the user by DM.
    await fake.post(thread, MALLORY, 'this should never reach the user');
    const noted = await fake.post(thread, ALICE, '!note checked the explorer: 12 confirmations');
    const written = await fake.post(thread, ALICE, 'Hi Dan, I am checking your *withdrawal* now.');
    for (const id of [noted, written]) {
      await fake.waitForCall('the acknowledging reaction', (call) => call.method === 'PUT' && call.path.startsWith(`/channels/${thread}/messages/${id}/reactions/`));
    }
    const dms = () =>
      fake
        .messagesIn(dmChannel)
        .map((message) => message.content)
        .join('\n');
    await settle(app.drainOutbox, () => expect(dms()).toContain('**Alice:** Hi Dan, I am checking your \\*withdrawal\\* now.'));
    expect(dms()).toContain('Alice has joined the conversation.');
    expect(JSON.stringify(fake.messagesIn(dmChannel))).not.toMatch(/never reach|explorer/);
    const detail = await app.services.desk.detail(ticket.id);
    expect(detail.messages.map((message) => message.text).join('\n')).not.toContain('never reach');
    expect(detail.events).toContainEqual(expect.objectContaining({ action: 'note', actor: `discord:${ALICE.id}`, note: 'checked the explorer: 12 confirmations' }));

    // The user's next DM goes to the ticket and into the thread.
    await fake.dm(DAN, 'thank you, it was sent from my main wallet');
    await eventually(async () => expect((await app.services.desk.detail(ticket.id)).messages.map((message) => message.text)).toContain('thank you, it was sent from my main wallet'));
    const threadTexts = () => fake.messagesIn(thread).map((message) => message.content);
    await settle(app.pollDesks, () => expect(threadTexts()).toEqual(expect.arrayContaining(['Claimed by Alice.', '**Dan:** thank you, it was sent from my main wallet'])));

    // Resolve: the user is asked for a rating in DMs and can press a star.
    const resolve = await fake.press(ALICE, card, `desk:resolve:${ticket.id}`);
    expect((await callbackOf(resolve)).body.data.components[0].components.map((button: { custom_id: string }) => button.custom_id)).toEqual([`desk:reopen:${ticket.id}`]);
    const prompt = await settle(app.drainOutbox, () =>
      found(
        'rating prompt',
        fake.messagesIn(dmChannel).find((message) => /has been resolved\. How would you rate/.test(message.content)),
      ),
    );
    expect(buttonsOf(prompt)).toEqual(['rate:1', 'rate:2', 'rate:3', 'rate:4', 'rate:5']);
    const rated = await fake.press(DAN, prompt, 'rate:5');
    const [thanks] = await followUpsOf(rated, 1);
    expect(thanks!.body.content).toMatch(/Thank you for your feedback/);
    await settle(app.pollDesks, () => expect(threadTexts()).toEqual(expect.arrayContaining(['Resolved by Alice.', 'The user rated the help 5/5.'])));
    expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'resolved', rating: 5 });
  });

  it('moves an urgent hand-off started by a mention to DMs and opens a red card', async () => {
    const hacked = await fake.post(fake.generalChannelId, FRANK, 'someone hacked my account and stole all my BTC!!', { mentionBot: true });
    expect((await replyTo(fake.generalChannelId, hacked)).body.content).toBe("I've sent you a DM to keep your account details private.");
    const dm = await fake.waitForMessages(fake.dmChannelOf(FRANK.id), 1);
    expect(dm.map((message) => message.content).join('\n')).toMatch(/This is urgent/);
    expect(JSON.stringify(fake.messagesIn(fake.generalChannelId))).not.toMatch(/This is urgent|T-\d+/);
    const ticket = (await ticketOf(FRANK.id))!;
    const card = await settle(app.pollDesks, () =>
      found(
        'card',
        fake.messagesIn(fake.agentChannelId).find((message) => JSON.stringify(message.embeds).includes(ticket.number)),
      ),
    );
    expect(card.embeds[0]).toMatchObject({ color: 0xed4245 });

    // While escalated, a /ask goes to the ticket; only the user sees the acknowledgement.
    const more = await fake.slash(FRANK, 'ask', { question: 'they also changed my e-mail address' }, { channelId: fake.generalChannelId });
    expect((await callbackOf(more)).body).toEqual({ type: 4, data: expect.objectContaining({ content: 'Got it.', flags: EPHEMERAL }) });
    expect((await app.services.desk.detail(ticket.id)).messages.map((message) => message.text)).toContain('they also changed my e-mail address');

    // A reply from another desk (the CLI) shows in the ticket's thread, so agents here see it.
    await app.services.desk.reply(ticket.id, { channel: 'cli', userId: 'carol', name: 'carol' }, 'We froze withdrawals on your account.');
    await settle(app.pollDesks, () => expect(fake.messagesIn(card.id).map((message) => message.content)).toContain('🎧 **carol** (cli): We froze withdrawals on your account.'));
  });

  it('tells a user whose DMs are closed how to open them, instead of asking for details in public', async () => {
    fake.failNext('POST', new RegExp(`^/channels/${fake.dmChannelOf(HAL.id)}/messages$`), 403, 50007, 'Cannot send messages to this user');
    const asked = await fake.post(fake.helpChannelId, HAL, '/human');
    expect((await replyTo(fake.helpChannelId, asked)).body.content).toMatch(/couldn't send you a direct message\. Please allow direct messages/);
    expect(
      fake
        .messagesIn(fake.helpChannelId)
        .map((message) => message.content)
        .join('\n'),
    ).not.toMatch(/human agent/);
  });

  it('deletes a seed phrase posted in public and warns the user by DM', async () => {
    const leak = await fake.post(fake.helpChannelId, EVE, `is this safe to store? ${SEED}`);
    await fake.waitForCall('the deletion', (call) => call.method === 'DELETE' && call.path === `/channels/${fake.helpChannelId}/messages/${leak}`);
    const [warning] = await fake.waitForMessages(fake.dmChannelOf(EVE.id), 1);
    expect(warning!.content).toMatch(/shared a secret/);
    const note = await fake.waitForCall(
      'the public note',
      (call) => call.method === 'POST' && call.path === `/channels/${fake.helpChannelId}/messages` && String(call.body.content).startsWith(`<@${EVE.id}>`),
    );
    expect(note.body.content).toContain('sent you a DM');
    expect(note.body.allowed_mentions).toMatchObject({ users: [EVE.id] });
    expect(JSON.stringify(fake.calls.filter((call) => call.method !== 'GET'))).not.toContain('sausage');
  });

  it('says it reads text only when a help-channel message is just a screenshot', async () => {
    const screenshot = await fake.post(fake.helpChannelId, IVY, '', { image: true });
    expect((await replyTo(fake.helpChannelId, screenshot)).body.content).toMatch(/can only read text/);
  });

  it('deletes nothing for warnings that are not about a secret (a flood of messages)', async () => {
    const sent: string[] = [];
    for (let n = 0; n < 25; n++) sent.push(await fake.post(fake.helpChannelId, JO, `question number ${n} about deposits`));
    const replies = await eventually(() => {
      const answered = fake.calls.filter((call) => call.method === 'POST' && sent.includes(call.body?.message_reference?.message_id));
      if (!answered.some((call) => /sending messages very fast/.test(call.body.content))) throw new Error('no flood warning yet');
      return answered;
    });
    expect(replies.length).toBeGreaterThan(0);
    expect(fake.calls.some((call) => call.method === 'DELETE' && sent.some((id) => call.path.endsWith(`/${id}`)))).toBe(false);
  });

  it('still warns by DM when it may not delete the message', async () => {
    fake.failNext('DELETE', /\/messages\//, 403, 50013, 'Missing Permissions');
    const leak = await fake.post(fake.generalChannelId, GUS, `my wallet words: ${SEED}`, { mentionBot: true });
    const note = await replyTo(fake.generalChannelId, leak);
    expect(note.body.content).toContain('sent you a DM');
    expect((await fake.waitForMessages(fake.dmChannelOf(GUS.id), 1))[0]!.content).toMatch(/shared a secret/);
  });

  it("deliver sends to the user's DMs and throws DeliveryError when Discord refuses", async () => {
    const discord = app.channels.get('discord')!;
    const dmChannel = fake.dmChannelOf(BO.id);
    const before = fake.messagesIn(dmChannel).length;
    await discord.deliver({ userId: BO.id, dm: true }, [{ kind: 'agent', text: 'Your deposit is credited.', agentName: 'Alice' }]);
    expect(
      fake
        .messagesIn(dmChannel)
        .slice(before)
        .map((message) => message.content),
    ).toEqual(['**Alice:** Your deposit is credited.']);
    fake.failNext('POST', new RegExp(`^/channels/${dmChannel}/messages$`), 403, 50007, 'Cannot send messages to this user');
    await expect(discord.deliver({ userId: BO.id, dm: true }, [{ kind: 'status', text: 'hello' }])).rejects.toBeInstanceOf(DeliveryError);
  });
});

describe('Discord channel start-up', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake?.stop();
  });

  it('without a help or agent channel asks for no privileged intent and registers the commands globally', async () => {
    const { DISCORD_HELP_CHANNEL_ID, DISCORD_AGENT_CHANNEL_ID, DISCORD_GUILD_ID, ...env } = fake.env();
    const app = await startTestApp(env);
    try {
      expect(fake.identifiedIntents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages);
      expect(fake.calls).toContainEqual(expect.objectContaining({ method: 'PUT', path: `/applications/${fake.applicationId}/commands` }));
      const asked = await fake.post(fake.generalChannelId, ANN, 'hello', { mentionBot: true });
      await fake.waitForCall('the answer', (call) => call.body?.message_reference?.message_id === asked);
    } finally {
      await app.dispose();
    }
  });

  it('stops start-up with an error naming DISCORD_BOT_TOKEN when Discord refuses the token', async () => {
    const { dir, cleanup } = tempDir();
    try {
      await expect(startTestApp(fake.env({ DISCORD_BOT_TOKEN: 'not-the-token' }), dir)).rejects.toThrow(/^DISCORD_BOT_TOKEN: Discord refused the token/);
    } finally {
      cleanup();
    }
  });
});
