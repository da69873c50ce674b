import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { ChannelRegistry } from '../../src/core/channel.js';
import { say, type ChannelAdapter, type ChannelName, type DeskEvent } from '../../src/contracts/index.js';
import { DeskFeed } from '../../src/escalation/desk-feed.js';
import { SlaMonitor } from '../../src/escalation/sla-monitor.js';
import { createLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import { startTestApp } from '../support/app.js';
import { describeEachEngine } from '../support/engines.js';
import { FakeConnector } from '../support/fake-connector.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { FakeTelegram, type TgChat, type TgUser } from '../support/fake-telegram.js';
import { tempDir } from '../support/temp.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const AGENT_GROUP: TgChat = { id: -1001000000031, type: 'supergroup', title: 'Support desk' };
const TEAMS_AGENTS = '19:sla-alerts@thread.tacv2';
const TEAMS_ONCALL = '0c3f9a52-1111-4222-8333-0000000ca11e';
const DISCORD_ROLE = '930000000000000777';
const CAROL = { channel: 'cli', userId: 'carol', name: 'Carol' } as const;

describe('SLA alerts and auto-close (the periodic job, driven with a clock)', () => {
  let telegram: FakeTelegram;
  let discord: FakeDiscord;
  let connector: FakeConnector;
  let app: App;
  let env: Record<string, string>;
  const data = tempDir();

  beforeAll(async () => {
    telegram = await FakeTelegram.start({ chats: [AGENT_GROUP] });
    discord = await FakeDiscord.start();
    connector = await FakeConnector.start();
    env = discord.env({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_AGENT_CHAT_ID: String(AGENT_GROUP.id),
      TELEGRAM_ONCALL: '@oncall_lead',
      DISCORD_ONCALL_ROLE_ID: DISCORD_ROLE,
      TEAMS_AGENT_CONVERSATION_ID: TEAMS_AGENTS,
      TEAMS_SERVICE_URL: connector.serviceUrl,
      TEAMS_ONCALL,
      AGENT_IDS: 'cli:*',
      AUTO_CLOSE_HOURS: '48',
    });
    app = await startTestApp(env, data.dir);
  });
  afterAll(async () => {
    await app?.dispose();
    await telegram?.close();
    await discord?.stop();
    await connector?.close();
    data.cleanup();
  });

  /** A Telegram user's urgent ticket (first reply due in 5 minutes with SLA_CHAT_MINUTES=15), once the bot has answered. */
  async function urgentTicket(from: TgUser, lang: 'en' | 'zh' = 'en') {
    const mark = telegram.mark();
    telegram.sendText(from, lang === 'zh' ? '我的账号被黑了，里面的币全被盗走了' : 'someone hacked my account and stole all my BTC');
    await telegram.waitForCall('sendMessage', (params) => params.chat_id === from.id && String(params.text).includes(say(lang, 'urgentFollowUp').slice(0, 12)), { after: mark });
    const ticket = (await app.services.desk.list({ channel: 'telegram' })).find((t) => t.userId === String(from.id))!;
    await app.pollDesks();
    return ticket;
  }

  /** The alerts each desk shows for a ticket: Telegram lines under its card, Discord and Teams posts in its thread. */
  async function alertsShown(ticketId: number) {
    const overdue = /first reply is (now twice )?overdue/;
    const [discordThread] = await app.services.desk.cardsOf(ticketId, 'discord');
    const [teamsThread] = await app.services.desk.cardsOf(ticketId, 'teams');
    const telegramCard = Number((await app.services.desk.cardsOf(ticketId, 'telegram'))[0]!.split(':')[1]);
    return {
      telegram: telegram
        .callsOf('sendMessage')
        .filter(
          (call) =>
            call.params.chat_id === AGENT_GROUP.id && (call.params.reply_parameters as { message_id?: number } | undefined)?.message_id === telegramCard && overdue.test(String(call.params.text)),
        )
        .map((call) => String(call.params.text)),
      discord: discord.calls
        .filter((call) => call.method === 'POST' && call.path.endsWith(`/channels/${discordThread}/messages`) && overdue.test(String(call.body?.content)))
        .map((call) => ({ content: String(call.body.content), allowed: call.body.allowed_mentions as unknown })),
      teams: connector
        .messages(teamsThread!)
        .filter((activity) => overdue.test(activity.text ?? ''))
        .map((activity) => ({ text: activity.text, mentioned: activity.entities?.map((entity) => entity.mentioned?.id) })),
    };
  }

  it('alerts every desk once when the first reply is overdue, again at twice the time, and not again after a restart', async () => {
    const ticket = await urgentTicket({ id: 6101, is_bot: false, first_name: 'Wes', language_code: 'en' });
    const created = Date.parse(ticket.createdAt);
    const window = Date.parse(ticket.slaDueAt) - created;
    const at = (fraction: number) => new Date(created + window * fraction);

    expect((await app.checkSla(at(0.9))).alerts).toBe(0);
    expect((await app.checkSla(at(1.1))).alerts).toBe(1);
    expect((await app.checkSla(at(1.5))).alerts).toBe(0);
    await app.pollDesks();
    const first = await alertsShown(ticket.id);
    const level1 = say('en', 'desk.event.slaBreached', { time: `${ticket.slaDueAt.slice(0, 10)} ${ticket.slaDueAt.slice(11, 16)} UTC` });
    expect(first.telegram).toEqual([`@oncall_lead: ${level1}`]);
    expect(first.discord).toEqual([{ content: `<@&${DISCORD_ROLE}> ${level1}`, allowed: { roles: [DISCORD_ROLE] } }]);
    expect(first.teams).toEqual([{ text: `<at>${say('en', 'desk.oncall')}</at> ${level1}`, mentioned: [TEAMS_ONCALL] }]);

    expect((await app.checkSla(at(2.1))).alerts).toBe(1);
    await app.pollDesks();
    const second = await alertsShown(ticket.id);
    for (const desk of [second.telegram, second.discord, second.teams]) expect(desk).toHaveLength(2);
    expect(second.telegram[1]).toContain(say('en', 'desk.event.slaBreachedTwice', { time: '' }).split('(')[0]!.trim());

    // A restart on the same database: nothing is raised or shown twice.
    await app.dispose();
    app = await startTestApp(env, data.dir);
    expect((await app.checkSla(at(5))).alerts).toBe(0);
    await app.pollDesks();
    expect(await alertsShown(ticket.id)).toEqual(second);
    expect((await app.services.desk.detail(ticket.id)).events.filter((event) => event.action === 'sla breached').map((event) => event.note)).toEqual(['1', '2']);
  });

  it('raises no alert for a ticket an agent took in time', async () => {
    const ticket = await urgentTicket({ id: 6102, is_bot: false, first_name: 'Xia', language_code: 'zh' });
    await app.services.desk.claim(ticket.id, CAROL);
    expect((await app.checkSla(new Date(Date.parse(ticket.slaDueAt) * 2))).alerts).toBe(0);
  });

  it('does not close a ticket whose user answered, nor one the agent answered less than AUTO_CLOSE_HOURS ago', async () => {
    const yan: TgUser = { id: 6103, is_bot: false, first_name: 'Yan', language_code: 'zh' };
    const ticket = await urgentTicket(yan);
    await app.services.desk.reply(ticket.id, CAROL, '请确认您最后一次登录的时间。');
    const replied = Date.now();
    const hours = (n: number) => new Date(replied + n * 3_600_000);
    expect((await app.checkSla(hours(47))).closed).toBe(0);
    // The user answers: the ticket waits on the agent now, however long it takes.
    const mark = telegram.mark();
    telegram.sendText(yan, '昨天晚上十点');
    await telegram.waitForCall('sendMessage', (params) => params.chat_id === yan.id, { after: mark });
    expect((await app.checkSla(hours(100))).closed).toBe(0);
    expect((await app.services.desk.view(ticket.id)).status).toBe('claimed');
  });

  it('closes a ticket that waited on its user for AUTO_CLOSE_HOURS, telling the user in their language', async () => {
    const zed: TgUser = { id: 6104, is_bot: false, first_name: 'Zed', language_code: 'zh' };
    const ticket = await urgentTicket(zed, 'zh');
    // The agent's last words were 49 hours ago (the lifecycle takes the moment; the job then runs now, so the notice is due now).
    await app.services.tickets.reply(ticket.id, CAROL, '好的，我们已冻结提现，请修改密码后告诉我们。', { now: new Date(Date.now() - 49 * 3_600_000) });
    await app.drainOutbox();

    const mark = telegram.mark();
    expect((await app.checkSla()).closed).toBe(1);
    expect((await app.checkSla()).closed).toBe(0);
    expect((await app.services.desk.view(ticket.id)).status).toBe('closed');
    await app.drainOutbox();
    const notice = say('zh', 'autoClosed', { number: ticket.number, hours: 48 });
    expect(
      telegram
        .callsOf('sendMessage', mark)
        .filter((call) => call.params.chat_id === zed.id)
        .map((call) => call.params.text),
    ).toEqual([notice]);
    await app.pollDesks();
    const [teamsThread] = await app.services.desk.cardsOf(ticket.id, 'teams');
    expect(connector.messages(teamsThread!).map((activity) => activity.text)).toContain(say('en', 'desk.event.autoClosed'));

    // The user is back with the bot: their next words do not go to the closed ticket.
    const after = telegram.mark();
    telegram.sendText(zed, '我忘记密码了');
    await telegram.waitForCall('sendMessage', (params) => params.chat_id === zed.id, { after });
    expect((await app.services.desk.detail(ticket.id)).messages.at(-1)!.text).toBe(notice);
  });
});

/** An agent desk that records the events it was handed (and refuses the ones it is told to, once each). */
class RecordingDesk implements ChannelAdapter {
  readonly seen: number[] = [];
  readonly refuse = new Set<number>();

  constructor(
    readonly name: ChannelName,
    private readonly all: number[],
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async deliver(): Promise<void> {}
  async onDeskEvent(event: DeskEvent): Promise<void> {
    if (this.refuse.delete(event.id)) throw new Error('desk unreachable');
    this.seen.push(event.id);
    this.all.push(event.id);
  }
}

describeEachEngine('SLA alerts and desk events with two instances on one database', (engine) => {
  const logger = createLogger('silent');
  let first: Services;
  let second: Services;

  beforeAll(async () => {
    const config = await engine.config({ AGENT_IDS: 'cli:*', AUTO_CLOSE_HOURS: '48' });
    // SQLite (two connections in one process): a write that finds the other one writing fails at once and is retried.
    first = await createServices(config, undefined, { busyTimeoutMs: 0 });
    second = await createServices(config, first.brain, { busyTimeoutMs: 0 });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  const breaches = (services: Services, escalationId: number) =>
    services.engine.run((db, t) =>
      db
        .select({ note: t.escalationEvents.note })
        .from(t.escalationEvents)
        .where(and(eq(t.escalationEvents.escalationId, escalationId), eq(t.escalationEvents.action, 'sla breached'))),
    );

  it('raises each alert once when both run the SLA check at the same moment', async () => {
    const turn = await first.bot.process({ channel: 'cli', userId: 'sla-twice', conversation: { user: 'sla-twice' }, text: 'my account was hacked, funds stolen' });
    const ticket = await first.queue.view(turn.escalation!.id);
    const created = Date.parse(ticket.createdAt);
    const window = Date.parse(ticket.slaDueAt) - created;
    const monitors = [first, second, first, second].map((services) => new SlaMonitor(services.tickets, logger, { autoCloseHours: 48 }));
    const raised = async (fraction: number) => {
      let alerts = 0;
      // SQLite: a check that found the other connection writing raised nothing and is run again (as the timer would).
      for (let round = 0; round < 50 && (await breaches(first, ticket.id)).length < (fraction >= 2 ? 2 : 1); round++) {
        const checks = await Promise.all(monitors.map((monitor) => monitor.check(new Date(created + window * fraction))));
        alerts += checks.reduce((sum, check) => sum + check.alerts, 0);
      }
      return alerts;
    };
    expect(await raised(1.1)).toBe(1);
    expect(await raised(2.1)).toBe(1);
    expect(await Promise.all(monitors.map(async (monitor) => (await monitor.check(new Date(created + window * 3))).alerts))).toEqual([0, 0, 0, 0]);
    expect((await breaches(second, ticket.id)).map((row) => row.note).sort()).toEqual(['1', '2']);
  });

  it('hands each audit event to a desk once, whichever instance polls, and retries one the desk refused', async () => {
    const all: number[] = [];
    const desks = [new RecordingDesk('teams', all), new RecordingDesk('teams', all)];
    const feeds = [first, second].map((services, n) => {
      const channels = new ChannelRegistry();
      channels.register(desks[n]!);
      // No settling delay: the test waits for its own writes.
      return new DeskFeed(services.engine, services.queue, services.bindings, channels, logger, 60_000, 0);
    });
    for (const feed of feeds) await feed.start();
    try {
      const before = await first.queue.lastEventId();
      for (let n = 0; n < 6; n++) {
        const turn = await (n % 2 ? second : first).bot.process({ channel: 'cli', userId: `desk-${n}`, conversation: { user: `desk-${n}` }, text: 'my account was hacked, funds stolen' });
        await (n % 2 ? first : second).desk.claim(turn.escalation!.id, { channel: 'cli', userId: 'carol', name: 'Carol' });
        if (n === 2) {
          // The first instance's desk refuses the newest event: it is handed over again later, by either instance.
          desks[0]!.refuse.add(await first.queue.lastEventId());
          await feeds[0]!.poll();
          expect(desks[0]!.refuse.size).toBe(0);
        }
        await Promise.all([feeds[0]!.poll(), feeds[1]!.poll()]);
      }
      const events = (await first.queue.eventsSince(before, 1_000)).map((event) => event.id);
      expect(events.length).toBeGreaterThanOrEqual(12);
      for (let round = 0; round < 100 && all.length < events.length; round++) await Promise.all([feeds[0]!.poll(), feeds[1]!.poll()]);
      expect([...all].sort((a, b) => a - b)).toEqual(events);
    } finally {
      for (const feed of feeds) await feed.stop();
    }
  });

  it('mirrors an event only once it has been visible for the settling time (Postgres: ids are not committed in order)', async () => {
    const all: number[] = [];
    const desk = new RecordingDesk('discord', all);
    const channels = new ChannelRegistry();
    channels.register(desk);
    const feed = new DeskFeed(first.engine, first.queue, first.bindings, channels, logger, 60_000, 300);
    await feed.start();
    try {
      const turn = await first.bot.process({ channel: 'cli', userId: 'settle', conversation: { user: 'settle' }, text: 'my account was hacked, funds stolen' });
      const newest = await first.queue.lastEventId();
      await feed.poll();
      expect(desk.seen).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 350));
      await feed.poll();
      expect(desk.seen.at(-1)).toBe(newest);
      expect(desk.seen.length).toBeGreaterThan(0);
      expect(turn.escalation).toBeDefined();
    } finally {
      await feed.stop();
    }
  });
});
