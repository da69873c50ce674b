import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { say } from '../../src/contracts/index.js';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { FakeConnector, type PostedActivity } from '../support/fake-connector.js';
import { FakeDiscord, type FakeMessage } from '../support/fake-discord.js';
import { FakeTelegram, sentMessage, type ApiCall, type TgChat } from '../support/fake-telegram.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const AGENT_GROUP: TgChat = { id: -1001000000021, type: 'supergroup', title: 'Support desk' };
const CAROL = { channel: 'cli', userId: 'carol', name: 'Carol' } as const;
const TEAMS_AGENTS = '19:desk-cards@thread.tacv2';

/** What an agent reads on a card: the labels of its values, and its buttons (label and payload). */
interface Seen {
  readonly labels: string[];
  readonly buttons: { label: string; payload: string }[];
}

/** A Telegram card as the agents' group shows it: `<b>Label:</b>` lines, and the inline keyboard. */
function onTelegram(call: ApiCall): Seen {
  const html = String(call.params.text);
  const markup = call.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
  return {
    labels: [...html.matchAll(/<b>([^<]+):<\/b>/g)].map((match) => match[1]!),
    buttons: markup.inline_keyboard.flat().map((button) => ({ label: button.text, payload: button.callback_data })),
  };
}

/** A Discord card as the agent channel shows it: the embed's field names, and the buttons. */
function onDiscord(message: FakeMessage): Seen {
  const embed = message.embeds[0] as { fields: { name: string }[] };
  return {
    labels: embed.fields.map((field) => field.name),
    buttons: message.components.flatMap((row) => row.components.map((button) => ({ label: button.label!, payload: button.custom_id! }))),
  };
}

/** A Teams card as the agents' channel shows it: the Adaptive Card's fact titles, and its actions. */
function onTeams(activity: PostedActivity): Seen {
  const card = activity.attachments!.find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.adaptive')!.content;
  return {
    labels: (card.body ?? []).flatMap((element) => element.facts ?? []).map((fact) => fact.title),
    buttons: (card.actions ?? []).map((action) => ({ label: action.title, payload: action.data!.payload! })),
  };
}

describe.each([
  { lang: 'en' as const, claim: 'Claim', resolve: 'Resolve', reopen: 'Reopen' },
  { lang: 'zh' as const, claim: '认领', resolve: '解决', reopen: '重新打开' },
])('one card on every desk (DESK_LANG=$lang)', ({ lang, claim, resolve, reopen }) => {
  let telegram: FakeTelegram;
  let discord: FakeDiscord;
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    telegram = await FakeTelegram.start({ chats: [AGENT_GROUP] });
    discord = await FakeDiscord.start();
    connector = await FakeConnector.start();
    app = await startTestApp(
      discord.env({
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        TELEGRAM_AGENT_CHAT_ID: String(AGENT_GROUP.id),
        TEAMS_AGENT_CONVERSATION_ID: TEAMS_AGENTS,
        TEAMS_SERVICE_URL: connector.serviceUrl,
        AGENT_IDS: 'cli:*',
        DESK_LANG: lang,
      }),
    );
  });
  afterAll(async () => {
    await app?.dispose();
    await telegram?.close();
    await discord?.stop();
    await connector?.close();
  });

  /** Mirrors the desks until both show what `check` looks for. */
  const settle = <T>(check: () => T) =>
    vi.waitFor(
      async () => {
        await app.pollDesks();
        return check();
      },
      { timeout: 5_000, interval: 10 },
    );
  const found = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`no ${what} yet`);
    return value;
  };

  it('shows the same labels and actions on Telegram, Discord and Teams, in the desk language, as the ticket changes', async () => {
    // A web user hands off with details, answering in English whatever the desk's language.
    const visitor = await newVisitor(app.url);
    await webSay(app.url, visitor, { text: '/human' });
    await webSay(app.url, visitor, { text: 'my withdrawal of 0.5 BTC has not arrived' });
    let replies = await webSay(app.url, visitor, { text: 'yesterday at 14:00' });
    for (let step = 0; step < 5 && !replies.some((reply) => reply.escalation); step++) replies = await webSay(app.url, visitor, { payload: 'skip' });
    const ticket = (await app.services.desk.list()).find((t) => t.channel === 'web')!;
    expect(ticket.details).toMatchObject({ occurredAt: 'yesterday at 14:00' });

    const telegramCard = await settle(() =>
      found(
        'Telegram card',
        telegram.callsOf('sendMessage').find((call) => call.params.chat_id === AGENT_GROUP.id && String(call.params.text).includes(ticket.number)),
      ),
    );
    const discordCard = await settle(() =>
      found(
        'Discord card',
        discord.messagesIn(discord.agentChannelId).find((message) => JSON.stringify(message.embeds).includes(ticket.number)),
      ),
    );
    const teamsCard = await settle(() =>
      found(
        'Teams card',
        connector.messages(TEAMS_AGENTS).find((activity) => JSON.stringify(activity.attachments).includes(ticket.number)),
      ),
    );
    const opened = onTelegram(telegramCard);
    expect(onDiscord(discordCard)).toEqual(opened);
    expect(onTeams(teamsCard)).toEqual(opened);
    expect(opened.buttons).toEqual([
      { label: claim, payload: `desk:claim:${ticket.id}` },
      { label: resolve, payload: `desk:resolve:${ticket.id}` },
    ]);
    // The collected details are labelled from data/messages.json in the desk's language.
    expect(opened.labels).toEqual(expect.arrayContaining([say(lang, 'desk.field.user'), say(lang, 'desk.detail.problemType'), say(lang, 'desk.detail.occurredAt'), say(lang, 'desk.field.sla')]));
    expect(String(telegramCard.params.text)).toContain(say(lang, 'desk.status.queued', { position: 1 }));

    // Claimed (from the CLI desk): both cards now offer Resolve only, and name the agent.
    await app.services.desk.claim(ticket.id, CAROL);
    const cardId = sentMessage(telegramCard).message_id;
    const lastEdit = () =>
      found(
        'edited Telegram card',
        telegram.callsOf('editMessageText').findLast((call) => call.params.message_id === cardId),
      );
    const claimedOnTelegram = await settle(lastEdit);
    const claimedOnDiscord = discord.messagesIn(discord.agentChannelId).find((message) => message.id === discordCard.id)!;
    expect(onDiscord(claimedOnDiscord)).toEqual(onTelegram(claimedOnTelegram));
    // Teams updates its card in place (PUT on the card's activity).
    const lastTeamsUpdate = () => found('updated Teams card', connector.updates(TEAMS_AGENTS, teamsCard.id).at(-1));
    expect(onTeams(await settle(lastTeamsUpdate))).toEqual(onTelegram(claimedOnTelegram));
    expect(onTelegram(claimedOnTelegram).buttons).toEqual([{ label: resolve, payload: `desk:resolve:${ticket.id}` }]);
    expect(onTelegram(claimedOnTelegram).labels).toContain(say(lang, 'desk.field.agent'));
    expect(String(claimedOnTelegram.params.text)).toContain(say(lang, 'desk.status.claimed', { agent: 'Carol' }));

    // Resolved: Reopen on both.
    await app.services.desk.resolve(ticket.id, CAROL, 'credited after 12 confirmations');
    await settle(() =>
      expect(onDiscord(discord.messagesIn(discord.agentChannelId).find((message) => message.id === discordCard.id)!).buttons).toEqual([{ label: reopen, payload: `desk:reopen:${ticket.id}` }]),
    );
    const resolvedOnTelegram = await settle(() =>
      found(
        'resolved Telegram card',
        [lastEdit()].find((call) => onTelegram(call).buttons[0]?.label === reopen),
      ),
    );
    expect(onTelegram(resolvedOnTelegram)).toEqual(onDiscord(discord.messagesIn(discord.agentChannelId).find((message) => message.id === discordCard.id)!));
    expect(onTelegram(resolvedOnTelegram).labels).toContain(say(lang, 'desk.field.resolution'));
    expect(
      onTeams(
        await settle(() =>
          found(
            'resolved Teams card',
            [lastTeamsUpdate()].find((activity) => onTeams(activity).buttons[0]?.label === reopen),
          ),
        ),
      ),
    ).toEqual(onTelegram(resolvedOnTelegram));
  });
});
