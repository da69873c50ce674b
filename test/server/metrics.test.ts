import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/index.js';
import { TicketFigures } from '../../src/metrics/ticket-figures.js';
import { describeEachEngine, engineUnderTest } from '../support/engines.js';
import type { ChannelName, ConversationRef } from '../../src/contracts/index.js';
import { newVisitor, postChatMessage, startTestApp, webSay } from '../support/app.js';
import { FakeTelegram, until } from '../support/fake-telegram.js';
import { scrape } from './prometheus.js';
import { insertTicketRow } from '../support/ticket-rows.js';
import { describeWithPostgres } from '../support/postgres.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const AGENT = { channel: 'cli' as const, userId: 'carol', name: 'carol' };
const HACKED = 'someone hacked my account and stole all my BTC';

/** Opens an urgent ticket for a user of `channel` through the core (as its adapter would) and returns its id. */
async function ticketFor(app: App, channel: ChannelName, userId: string, conversation: ConversationRef): Promise<number> {
  await app.services.bot.handle({ channel, userId, conversation, text: HACKED });
  return (await app.services.desk.list({ channel })).find((ticket) => ticket.userId === userId)!.id;
}

describe('GET /metrics', () => {
  let telegram: FakeTelegram;
  let app: App;
  beforeAll(async () => {
    telegram = await FakeTelegram.start();
    app = await startTestApp({ INSTANCE_ID: 'bot-a', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, AGENT_IDS: 'cli:*' });
  });
  afterAll(async () => {
    await app?.dispose();
    await telegram?.close();
  });

  it('serves the Prometheus text format, every series labelled with the instance, Node process metrics included', async () => {
    const metrics = await scrape(app.url);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.samples.length).toBeGreaterThan(0);
    expect(metrics.samples.filter((sample) => sample.labels.instance !== 'bot-a')).toEqual([]);
    expect(metrics.has('process_cpu_user_seconds_total')).toBe(true);
    expect(metrics.has('nodejs_heap_size_used_bytes')).toBe(true);
    expect(metrics.text).toContain('# TYPE support_bot_turn_duration_seconds histogram');
  });

  it('counts web chat messages by what they came to, with their handling time and the brain confidence, and no user text', async () => {
    const before = await scrape(app.url);
    const visitor = await newVisitor(app.url);
    const web = (action: string) => ({ channel: 'web', action });
    await webSay(app.url, visitor, { text: 'my withdrawal was rejected, why?' });
    await webSay(app.url, visitor, { text: 'what will the price of ETH be next week' });
    await webSay(app.url, visitor, { text: '/help' });
    await webSay(app.url, visitor, { text: 'x'.repeat(2001) });
    await webSay(app.url, await newVisitor(app.url), { text: HACKED });
    const after = await scrape(app.url);
    const moved = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);

    expect(moved('support_bot_messages_total', web('answer'))).toBe(1);
    expect(moved('support_bot_messages_total', web('fallback')) + moved('support_bot_messages_total', web('clarify'))).toBe(1);
    expect(moved('support_bot_messages_total', web('dialogue'))).toBe(1);
    expect(moved('support_bot_messages_total', web('refused'))).toBe(1);
    expect(moved('support_bot_messages_total', web('escalate'))).toBe(1);
    expect(moved('support_bot_messages_total', { channel: 'web' })).toBe(5);

    expect(moved('support_bot_turn_duration_seconds_count', { channel: 'web' })).toBe(5);
    expect(moved('support_bot_turn_duration_seconds_sum', { channel: 'web' })).toBeGreaterThan(0);
    expect(moved('support_bot_turn_duration_seconds_bucket', { channel: 'web', le: '+Inf' })).toBe(5);
    // The brain decided three of the five turns (the command and the refusal were not its to decide).
    expect(moved('support_bot_brain_confidence_count')).toBe(3);
    expect(moved('support_bot_brain_confidence_count', { action: 'answer' })).toBe(1);
    const confidenceSum = moved('support_bot_brain_confidence_sum');
    expect(confidenceSum).toBeGreaterThan(0);
    expect(confidenceSum).toBeLessThanOrEqual(3);

    // Labels are bounded sets: nothing the users wrote, nor who they are.
    for (const words of ['withdrawal', 'ETH', 'hacked', 'xxxxxxxx', visitor]) expect(after.text).not.toContain(words);
    const labelNames = new Set(after.samples.filter((sample) => sample.name.startsWith('support_bot_')).flatMap((sample) => Object.keys(sample.labels)));
    expect([...labelNames].sort()).toEqual(expect.arrayContaining(['action', 'channel', 'instance']));
    for (const name of labelNames) expect(['action', 'channel', 'instance', 'le', 'level', 'outcome', 'priority']).toContain(name);
  });

  it('counts a Telegram message delivered twice (same update) once as handled and once as ignored', async () => {
    const user = { id: 7401, is_bot: false, first_name: 'Eve', language_code: 'en' };
    const telegramTurns = async (action: string) => (await scrape(app.url)).value('support_bot_messages_total', { channel: 'telegram', action });
    const [handled, ignored] = [await telegramTurns('answer'), await telegramTurns('ignored')];
    const mark = telegram.mark();
    telegram.sendText(user, 'my withdrawal was rejected, why?', { updateId: 9_000_001 });
    await telegram.waitForCall('sendMessage', (params) => params.chat_id === user.id, { after: mark });
    // The bot did not confirm the update in time: Telegram sends it again.
    telegram.sendText(user, 'my withdrawal was rejected, why?', { updateId: 9_000_001 });
    await until('the redelivery counted', async () => (await telegramTurns('ignored')) === ignored + 1);
    expect(await telegramTurns('answer')).toBe(handled + 1);
  });

  it('counts a turn that failed because another process held the database', async () => {
    const visitor = await newVisitor(app.url);
    const before = await scrape(app.url);
    // The app runs on SQLite here (startTestApp's database file): another connection takes its write lock.
    const other = new Sqlite(join(app.dir, 'bot.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const response = await postChatMessage(app.url, visitor, { text: 'how do I deposit?' });
      expect(response.status).toBe(503);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const after = await scrape(app.url);
    expect(after.value('support_bot_messages_total', { channel: 'web', action: 'failed' }) - before.value('support_bot_messages_total', { channel: 'web', action: 'failed' })).toBe(1);
    expect(after.value('support_bot_messages_total', { channel: 'web' }) - before.value('support_bot_messages_total', { channel: 'web' })).toBe(1);
  });

  it('shows an agent reply waiting in the outbox (pending, and how old the oldest is) until it is delivered', async () => {
    // Discord is off in this process: its rows wait, as they do for an instance that does not run the channel.
    const ticket = await ticketFor(app, 'discord', '810000000000000101', { userId: '810000000000000101', dm: true });
    const queuedAfter = Date.now();
    await app.services.desk.reply(ticket, AGENT, 'We are looking into it.');
    const queuedBy = Date.now();
    // The row has waited at least this long when the scrape reads its age.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const scrapedFrom = Date.now();
    const metrics = await scrape(app.url);
    const scrapedBy = Date.now();
    expect(metrics.value('support_bot_outbox_pending', { channel: 'discord' })).toBe(1);
    const age = metrics.value('support_bot_outbox_oldest_pending_age_seconds', { channel: 'discord' });
    expect(age).toBeGreaterThanOrEqual((scrapedFrom - queuedBy) / 1000 - 0.001);
    expect(age).toBeLessThanOrEqual((scrapedBy - queuedAfter) / 1000 + 0.001);
    expect(metrics.value('support_bot_outbox_pending', { channel: 'web' })).toBe(0);
    expect(metrics.value('support_bot_outbox_oldest_pending_age_seconds', { channel: 'web' })).toBe(0);
  });

  it('counts deliveries, and failed ones by channel and outcome (retried, or set aside for good)', async () => {
    const before = await scrape(app.url);
    for (const chatId of [7101, 7102, 7103]) telegram.addChat({ id: chatId, type: 'private', first_name: 'User' });
    const delivered = await ticketFor(app, 'telegram', '7101', { chatId: 7101 });
    const blocked = await ticketFor(app, 'telegram', '7102', { chatId: 7102 });
    const muted = await ticketFor(app, 'telegram', '7103', { chatId: 7103 });
    await app.drainOutbox();
    telegram.block(7102);
    telegram.failNext('sendMessage', { error_code: 403, description: 'Forbidden: not enough rights to send text messages to the chat' }, (params) => params.chat_id === 7103);
    for (const ticket of [delivered, blocked, muted]) await app.services.desk.reply(ticket, AGENT, 'Are you still there?');
    await app.drainOutbox();
    const after = await scrape(app.url);
    const moved = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(moved('support_bot_delivery_failures_total', { channel: 'telegram', outcome: 'abandoned' })).toBe(1);
    expect(moved('support_bot_delivery_failures_total', { channel: 'telegram', outcome: 'retry' })).toBe(1);
    expect(moved('support_bot_outbox_deliveries_total', { channel: 'telegram' })).toBe(1);
    expect(after.value('support_bot_outbox_pending', { channel: 'telegram' })).toBe(1);
  });

  it('shows the queue depth by priority: an urgent ticket while it waits, gone once claimed', async () => {
    const before = await scrape(app.url);
    for (const priority of ['urgent', 'high', 'normal']) expect(before.has('support_bot_open_tickets', { priority })).toBe(true);
    await webSay(app.url, await newVisitor(app.url), { text: HACKED });
    const [ticket] = (await app.services.desk.list({ status: ['open'], priority: 'urgent' })).slice(-1);
    const waiting = await scrape(app.url);
    expect(waiting.value('support_bot_open_tickets', { priority: 'urgent' }) - before.value('support_bot_open_tickets', { priority: 'urgent' })).toBe(1);
    expect(waiting.value('support_bot_open_tickets', { priority: 'normal' })).toBe(before.value('support_bot_open_tickets', { priority: 'normal' }));
    await app.services.desk.claim(ticket!.id, AGENT);
    const claimed = await scrape(app.url);
    expect(claimed.value('support_bot_open_tickets', { priority: 'urgent' })).toBe(before.value('support_bot_open_tickets', { priority: 'urgent' }));
  });

  it('counts SLA breach events by level', async () => {
    const before = await scrape(app.url);
    const check = await app.checkSla(new Date(Date.now() + 3 * 24 * 3_600_000));
    expect(check.alerts).toBeGreaterThan(0);
    const after = await scrape(app.url);
    expect(after.value('support_bot_sla_breaches_total') - before.value('support_bot_sla_breaches_total')).toBe(check.alerts);
    expect(after.value('support_bot_sla_breaches_total', { level: '1' })).toBeGreaterThan(0);
    // Counted once: a later scrape with no new breach shows the same totals.
    const again = await scrape(app.url);
    expect(again.value('support_bot_sla_breaches_total')).toBe(after.value('support_bot_sla_breaches_total'));
  });
});

/** An SLA breach event of `level` on a ticket, as the SLA monitor records it. */
function recordBreach(engine: Engine, escalationId: number, level: 1 | 2) {
  return engine.run((db, t) => db.insert(t.escalationEvents).values({ escalationId, actor: 'system', action: 'sla breached', note: String(level), createdAt: new Date() }));
}

describeEachEngine('ticket figures (read at each scrape)', (engine) => {
  let e: Engine;
  let figures: TicketFigures;
  const breach = (escalationId: number, level: 1 | 2) => recordBreach(e, escalationId, level);

  beforeAll(async () => {
    e = await engine.open();
    figures = new TicketFigures(e);
  });

  it('counts open tickets by priority, as numbers, every priority present', async () => {
    expect([...(await figures.openByPriority())]).toEqual([
      ['urgent', 0],
      ['high', 0],
      ['normal', 0],
    ]);
    await insertTicketRow(e, 'u1', { priority: 'urgent' });
    await insertTicketRow(e, 'u2', { priority: 'urgent' });
    await insertTicketRow(e, 'u3', { priority: 'normal' });
    await insertTicketRow(e, 'u4', { priority: 'high', status: 'claimed' });
    expect([...(await figures.openByPriority())]).toEqual([
      ['urgent', 2],
      ['high', 0],
      ['normal', 1],
    ]);
  });

  it('counts SLA breach events by level across scrapes, each once', async () => {
    const ticket = await insertTicketRow(e, 'u5', { priority: 'urgent' });
    expect([...(await figures.slaBreaches())]).toEqual([
      [1, 0],
      [2, 0],
    ]);
    await breach(ticket, 1);
    await e.run((db, t) => db.insert(t.escalationEvents).values({ escalationId: ticket, actor: 'system', action: 'note', note: '1', createdAt: new Date() }));
    expect([...(await figures.slaBreaches())]).toEqual([
      [1, 1],
      [2, 0],
    ]);
    await breach(ticket, 2);
    await breach(ticket, 1);
    for (let scrape = 0; scrape < 3; scrape++)
      expect([...(await figures.slaBreaches())]).toEqual([
        [1, 2],
        [2, 1],
      ]);
    // Another instance's figures (a fresh reader) agree.
    expect([...(await new TicketFigures(e).slaBreaches())]).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });
});

// Postgres only: on SQLite one writer at a time commits the ids in order, so no event can commit late.
describeWithPostgres('ticket figures on Postgres, where ids are not committed in order', () => {
  const engine = engineUnderTest('postgres');
  let e: Engine;
  let figures: TicketFigures;
  const breach = (escalationId: number, level: 1 | 2) => recordBreach(e, escalationId, level);

  beforeAll(async () => {
    e = await engine.open();
    figures = new TicketFigures(e);
  });

  it('counts a breach whose transaction committed after a later one was scraped', async () => {
    const ticket = await insertTicketRow(e, 'u6', { priority: 'urgent' });
    const before = (await figures.slaBreaches()).get(1)!;
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let inserted!: () => void;
    const insertedEarly = new Promise<void>((resolve) => (inserted = resolve));
    // Takes the lower id, commits last.
    const slow = e.transaction(async () => {
      await breach(ticket, 1);
      inserted();
      await held;
    });
    await insertedEarly;
    await breach(ticket, 1);
    expect((await figures.slaBreaches()).get(1)).toBe(before + 1);
    commit();
    await slow;
    expect((await figures.slaBreaches()).get(1)).toBe(before + 2);
    expect((await figures.slaBreaches()).get(1)).toBe(before + 2);
  });
});
