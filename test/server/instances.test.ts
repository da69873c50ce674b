import type { ChildProcess } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { Client } from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ConversationStore } from '../../src/dialogue/store.js';
import { openPostgres, type PostgresHandle } from '../../src/db/postgres.js';
import { assembleTickets } from '../../src/escalation/desk.js';
import { loadConfig } from '../../src/config/index.js';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { collectEvents } from '../support/event-stream.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { describeWithPostgres, freshPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { startBotProcess } from '../support/bot-process.js';

const AGENT = { channel: 'cli', userId: 'alice', name: 'Alice' } as const;

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describeWithPostgres('two instances on one Postgres', () => {
  let database: TestPostgresDatabase;
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    database = await freshPostgresDatabase();
    const env = { DATABASE_URL: database.url, AGENT_IDS: 'cli:alice', OUTBOX_LEASE_SECONDS: '1' };
    // Started together: the migrations and the knowledge base's seeding happen once.
    [first, second] = await Promise.all([startTestApp({ ...env, INSTANCE_ID: 'one' }), startTestApp({ ...env, INSTANCE_ID: 'two' })]);
  });
  afterAll(async () => {
    await Promise.allSettled([first?.dispose(), second?.dispose()]);
    await database?.drop();
  });

  it('serves one visitor on either instance: an id issued by one is accepted by the other, with one history', async () => {
    const visitor = await newVisitor(first.url);
    await webSay(second.url, visitor, { text: 'how do I deposit USDT?', lang: 'en' });
    const history = (await (await fetch(`${first.url}/api/chat/history?visitorId=${visitor}`)).json()) as { messages: { from: string; text: string }[] };
    expect(history.messages[0]).toMatchObject({ from: 'user', text: 'how do I deposit USDT?' });
    expect(history.messages.length).toBeGreaterThan(1);
  });

  it('pushes every agent reply exactly once to a page open on one instance, whichever instance delivers it', async () => {
    const visitor = await newVisitor(first.url);
    const stream = await collectEvents(second.url, visitor);
    try {
      const replies = await webSay(first.url, visitor, { text: 'my account was hacked and my USDT is gone', lang: 'en' });
      const ticket = replies.find((reply) => reply.escalation)!.escalation!.number;
      await first.services.desk.claim(ticket, AGENT);
      const texts = Array.from({ length: 20 }, (_, n) => `Step ${n + 1} of securing your account.`);
      for (const text of texts) await first.services.desk.reply(ticket, AGENT, text);
      // Both instances drain at once: each row goes out through one of them.
      await Promise.all([first.drainOutbox(), second.drainOutbox()]);
      const pushed = () => stream.events.flatMap((event) => event.replies.map((reply) => reply.text)).filter((text) => text.startsWith('Step '));
      await vi.waitFor(() => expect(pushed()).toHaveLength(texts.length), { timeout: 10_000, interval: 50 });
      // A while longer: nothing arrives twice.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pushed()).toEqual(texts);
      expect(await first.services.outbox.pendingCount()).toBe(0);
    } finally {
      stream.close();
    }
  });

  it("makes an agent's action on a ticket wait while a turn of its user is in progress on another instance", async () => {
    const visitor = await newVisitor(first.url);
    const replies = await webSay(first.url, visitor, { text: 'my account was hacked and my USDT is gone', lang: 'en' });
    const ticket = replies.find((reply) => reply.escalation)!.escalation!.number;
    await second.services.desk.claim(ticket, AGENT);
    // Another instance's turn of this user holds the conversation (as SupportBot does for a turn).
    const turn = new Client({ connectionString: database.url });
    await turn.connect();
    try {
      await turn.query('select pg_advisory_lock(hashtextextended($1, 0))', [`conversation:web:${visitor}`]);
      let settled = false;
      const resolving = second.services.desk.resolve(ticket, AGENT).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      await turn.query('select pg_advisory_unlock_all()');
      expect((await resolving).status).toBe('resolved');
    } finally {
      await turn.end();
    }
  });

  it('keeps one conversation with every message when one user writes to both instances at once', async () => {
    const visitor = await newVisitor(first.url);
    const texts = ['I want to talk to a human', 'skip', 'skip', 'skip', 'skip', 'skip', 'skip', 'skip'];
    await Promise.all(texts.map((text, n) => webSay(n % 2 === 0 ? first.url : second.url, visitor, { text, lang: 'en' })));
    const { users, conversations, messages } = first.services.engine.tables;
    const rows = await first.services.engine.run((db) =>
      db
        .select({ id: conversations.id, state: conversations.state })
        .from(conversations)
        .where(eq(conversations.userId, `web:${visitor}`)),
    );
    expect(rows).toHaveLength(1);
    const stored = await first.services.engine.run((db) => db.select({ sender: messages.sender, text: messages.text }).from(messages).where(eq(messages.conversationId, rows[0]!.id)));
    expect(stored.filter((message) => message.sender === 'user').map((message) => message.text)).toHaveLength(texts.length);
    const [user] = await first.services.engine.run((db) =>
      db
        .select()
        .from(users)
        .where(eq(users.id, `web:${visitor}`)),
    );
    expect(user).toBeDefined();
    // Turns took turns: the hand-off questions went one by one, so the user ends with one ticket.
    const tickets = (await first.services.desk.list({})).filter((ticket) => ticket.userId === visitor);
    expect(tickets).toHaveLength(1);
    expect(rows[0]!.state).toMatchObject({ mode: 'escalated', escalationId: tickets[0]!.id });
  });
});

const USERS = 40;
const REPLIES_PER_USER = 25;
/** Replies the killed process's platform answers before it stalls (the process is then killed). */
const ANSWERED_BEFORE_KILL = 400;

describeWithPostgres('1,000 agent replies through two bot processes, one killed half-way', () => {
  let database: TestPostgresDatabase;
  let handle: PostgresHandle | undefined;
  const children: ChildProcess[] = [];
  const fakes: FakeTelegram[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await handle?.close();
    await Promise.allSettled(fakes.map((fake) => fake.close()));
    await database?.drop();
  });

  it('delivers each reply exactly once, in order per user, after a SIGKILL of the process that was sending', { timeout: 120_000 }, async () => {
    database = await freshPostgresDatabase();
    // Each process talks to a Telegram of its own (one token), so the test sees which one delivered what.
    const chats = Array.from({ length: USERS }, (_, user) => ({ id: 7000 + user, type: 'private' as const, first_name: `User ${user}` }));
    const [platformOfKilled, platformOfSurvivor] = await Promise.all([FakeTelegram.start({ chats }), FakeTelegram.start({ chats })]);
    fakes.push(platformOfKilled, platformOfSurvivor);
    // A lease of 3 s: the survivor sends the killed process's rows 3 s after the kill (a lease shorter than a busy
    // machine's pauses would let it take a row whose holder is still marking it delivered: at least once, not once).
    const common = { DATABASE_URL: database.url, TELEGRAM_BOT_TOKEN: platformOfKilled.token, AGENT_IDS: 'cli:alice', OUTBOX_LEASE_SECONDS: '3', PORT: '0', LOG_LEVEL: 'info' };
    // The first process sends alone until its platform stalls; the second then starts beside it (so how far the
    // first gets does not depend on how fast each process happens to be).
    const { child: killed } = await startBotProcess({ ...common, TELEGRAM_API_ROOT: platformOfKilled.apiRoot, INSTANCE_ID: 'killed' });
    children.push(killed);
    const isReply = (text: unknown) => /reply \d+-\d+$/.test(String(text));
    // The killed process's platform stalls after a while: what it has not answered, it has not got.
    platformOfKilled.holdAfter(ANSWERED_BEFORE_KILL, (params) => isReply(params.text));

    // The agent's desk in this process (as `escalations reply` would be): 40 Telegram users, 25 replies each.
    handle = await openPostgres(database.url);
    const config = loadConfig({ DATABASE_URL: database.url, AGENT_IDS: 'cli:alice' });
    const { lifecycle, desk } = assembleTickets(handle.engine, { sla: { chatMinutes: config.sla.chatMinutes, emailHours: config.sla.emailHours }, agents: config.agents });
    const conversations = new ConversationStore(handle.engine);
    const expected = new Map<number, string[]>();
    const tickets: number[] = [];
    for (let user = 0; user < USERS; user++) {
      const chatId = 7000 + user;
      const conversation = await conversations.open('telegram', String(chatId), { chatId }, `User ${user}`, new Date());
      const ticket = await lifecycle.create({ conversation, intent: 'agent.request', userText: 'please help', details: {}, lang: 'en' }, new Date());
      await desk.claim(ticket.id, AGENT);
      expected.set(chatId, []);
      tickets.push(ticket.id);
    }
    for (let n = 0; n < REPLIES_PER_USER; n++) {
      for (let user = 0; user < USERS; user++) {
        const text = `reply ${user}-${n}`;
        expected.get(7000 + user)!.push(text);
        await desk.reply(tickets[user]!, AGENT, text);
      }
    }

    // Killed half-way: once its platform stalled on it (holding leases on the rows it was sending), while the other process is sending.
    const sent = (fake: FakeTelegram) => fake.calls.filter((call) => call.method === 'sendMessage' && call.ok && isReply(call.params.text));
    await vi.waitFor(() => expect(platformOfKilled.held).toBeGreaterThan(0), { timeout: 60_000, interval: 20 });
    children.push((await startBotProcess({ ...common, TELEGRAM_API_ROOT: platformOfSurvivor.apiRoot, INSTANCE_ID: 'survivor' })).child);
    await vi.waitFor(() => expect(sent(platformOfSurvivor).length).toBeGreaterThan(0), { timeout: 30_000, interval: 20 });
    const total = USERS * REPLIES_PER_USER;
    expect(sent(platformOfKilled).length + sent(platformOfSurvivor).length).toBeLessThan(total);
    killed.kill('SIGKILL');

    await vi.waitFor(() => expect(sent(platformOfKilled).length + sent(platformOfSurvivor).length).toBeGreaterThanOrEqual(total), { timeout: 60_000, interval: 100 });
    // A while longer: a late duplicate would show.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const delivered = [...sent(platformOfKilled), ...sent(platformOfSurvivor)];
    const texts = delivered.map((call) => String(call.params.text).replace(/^.*?(reply \d+-\d+)$/s, '$1'));
    expect(new Set(texts).size).toBe(total);
    expect(texts).toHaveLength(total);
    expect(sent(platformOfKilled).length).toBe(ANSWERED_BEFORE_KILL);
    // In order per user on each platform, and the survivor took over from where the killed one stopped.
    for (const fake of [platformOfKilled, platformOfSurvivor]) {
      for (const [chatId, all] of expected) {
        const got = sent(fake)
          .filter((call) => call.params.chat_id === chatId)
          .map((call) => String(call.params.text).replace(/^.*?(reply \d+-\d+)$/s, '$1'));
        expect(got).toEqual(all.filter((text) => got.includes(text)));
      }
    }
  });
});
