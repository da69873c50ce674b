import { afterAll, beforeAll, expect, it } from 'vitest';
import { say, type IncomingMessage, type Reply } from '../../src/contracts/index.js';
import { SupportBot, type TurnResult } from '../../src/core/support-bot.js';
import type { Engine } from '../../src/db/index.js';
import { knowledgeBaseOf, readFaqFile } from '../../src/nlu/knowledge-base.js';
import { reportFor, type Report } from '../../src/reports/index.js';
import { createServices, slaPolicy, type Services } from '../../src/services.js';
import { runCli } from '../support/cli.js';
import { describeEachEngine } from '../support/engines.js';

const MINUTE = 60_000;

// A day of conversations played through the real pipeline and desk at chosen times; every figure
// the report prints is counted by hand below from what each conversation was made to do. The same
// figures on either engine (the CLI on Postgres with DATABASE_URL).
describeEachEngine('report --since 7d', (engine) => {
  const settings = { AGENT_IDS: 'cli:*', SLA_CHAT_MINUTES: '15', LOG_LEVEL: 'silent' };
  let env: Record<string, string>;
  let services: Services;
  let bot: SupportBot;
  let clock = new Date();
  const faqIds: Record<string, string> = {};
  const userMessagesAt: number[] = [];
  // Yesterday 03:00 UTC: inside the last 7 days whenever the test runs.
  const day = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 1, 3));
  const at = (minutes: number) => new Date(day.getTime() + minutes * MINUTE);

  const send = async (channel: 'web' | 'telegram', user: string, minutes: number, input: { text?: string; payload?: string }): Promise<TurnResult> => {
    clock = at(minutes);
    userMessagesAt.push(clock.getUTCHours());
    const message: IncomingMessage = { channel, userId: user, conversation: { user }, text: input.text ?? '', payload: input.payload };
    return bot.process(message);
  };
  /** Skips the hand-off questions, a minute apart, until the ticket is created; returns its id and the minute. */
  const skipToTicket = async (channel: 'web' | 'telegram', user: string, from: number, first: Reply[]): Promise<{ id: number; minute: number }> => {
    let replies = first;
    let minute = from;
    while (!replies.some((reply) => reply.kind === 'escalation')) {
      minute += 1;
      const result = await send(channel, user, minute, { payload: 'skip' });
      replies = result.replies;
      if (result.escalation) return { id: result.escalation.id, minute };
    }
    return { id: -1, minute };
  };
  const agent = (name: string) => ({ channel: 'cli' as const, userId: name, name });

  beforeAll(async () => {
    const config = await engine.config(settings);
    env = { ...settings, DATABASE_PATH: config.databasePath, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}) };
    services = await createServices(config);
    bot = new SupportBot({ engine: services.engine, brain: services.brain, tickets: services.tickets, queue: services.queue, sla: slaPolicy(config), clock: () => clock });

    // A (web): answered, "Yes, it helped"; two hours later a second conversation, answered.
    faqIds.password = (await send('web', 'a', 0, { text: 'I forgot my password' })).decision!.faqId!;
    await send('web', 'a', 1, { payload: 'feedback:yes' });
    expect((await send('web', 'a', 120, { text: 'how long does support take to reply' })).decision?.action).toBe('answer');

    // B (web): answered, "No", then yes to a human: a rejected answer; Ann replies 10 min later; rated 5.
    faqIds.twoFactor = (await send('web', 'b', 0, { text: 'how do I enable 2FA' })).decision!.faqId!;
    await send('web', 'b', 1, { payload: 'feedback:no' });
    const b = await skipToTicket('web', 'b', 2, (await send('web', 'b', 2, { text: 'yes' })).replies);
    await services.tickets.reply(b.id, agent('Ann'), 'Let me help you with 2FA.', { now: at(b.minute + 10) });
    await services.tickets.resolve(b.id, agent('Ann'), undefined, at(b.minute + 11));
    await send('web', 'b', b.minute + 12, { text: '5' });

    // C (telegram, Chinese): a hacked account goes to a human at once (urgent: SLA 5 min); Bob replies after 20 min; rated 2.
    const c = await send('telegram', 'c', 0, { text: '我的账户被黑了，资产被盗' });
    expect(c.escalation?.priority).toBe('urgent');
    await services.tickets.reply(c.escalation!.id, agent('Bob'), '我们马上处理', { now: at(20) });
    await services.tickets.resolve(c.escalation!.id, agent('Bob'), undefined, at(21));
    await send('telegram', 'c', 22, { text: '2' });

    // D (web): two misses, the human offered, taken; nobody replies (past its SLA by now).
    expect((await send('web', 'd', 0, { text: 'what is the weather tomorrow' })).decision?.action).toBe('fallback');
    expect((await send('web', 'd', 1, { text: 'tell me a joke about cats' })).decision?.action).toBe('fallback');
    await skipToTicket('web', 'd', 2, (await send('web', 'd', 2, { text: 'yes' })).replies);

    // E (web): asks for a human; Ann replies 2 min after the ticket; no rating.
    const e = await send('web', 'e', 0, { text: 'I want to talk to a human agent' });
    expect(e.decision?.action).toBe('escalate');
    const eTicket = await skipToTicket('web', 'e', 0, e.replies);
    await services.tickets.reply(eTicket.id, agent('Ann'), 'Hello, how can I help?', { now: at(eTicket.minute + 2) });
  }, 60_000);
  afterAll(async () => {
    await services?.close();
  });

  it('counts conversations, resolution, hand-offs and their reasons, fallbacks, helpfulness, CSAT and first replies', { timeout: 60_000 }, async () => {
    const run = await runCli(['report', '--since', '7d', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    // A twice, B, C, D, E.
    expect(report.conversations).toEqual({ total: 6, byChannel: { telegram: 1, web: 5 } });
    // Only A's two conversations: answered, no "No", no hand-off.
    expect(report.automatedResolution).toEqual({ resolved: 2, rate: 0.333 });
    expect(report.handoff).toEqual({ conversations: 4, rate: 0.667, tickets: 4, reasons: { asked: 1, failed_twice: 1, rejected_answer: 1, urgent_intent: 1 } });
    // Decisions: A 1+1, B 1, C 1, D 2, E 1 (the buttons, "yes" and the hand-off questions decide nothing).
    expect(report.fallback).toEqual({ decisions: 7, fallback: 2, fallbackRate: 0.286, clarify: 0, clarifyRate: 0 });
    expect(report.helpful).toEqual({ [faqIds.password!]: { yes: 1, no: 0 }, [faqIds.twoFactor!]: { yes: 0, no: 1 } });
    expect(report.csat).toMatchObject({
      responses: 2,
      average: 3.5,
      csat: 0.5,
      byLanguage: { en: { responses: 1, average: 5, csat: 1 }, zh: { responses: 1, average: 2, csat: 0 } },
      byChannel: { web: { responses: 1, average: 5, csat: 1 }, telegram: { responses: 1, average: 2, csat: 0 } },
      byAgent: { Ann: { responses: 1, average: 5, csat: 1 }, Bob: { responses: 1, average: 2, csat: 0 } },
    });
    expect(report.csat.byIntent['security.account_compromised']).toEqual({ responses: 1, average: 2, csat: 0 });
    // Replies after 2, 10 and 20 minutes; C (urgent, 5 min) and D (never answered) breach.
    expect(report.firstReply).toEqual({ tickets: 4, replied: 3, p50Minutes: 10, p90Minutes: 20, withinSla: 2, breaches: 2, breachRate: 0.5 });
    const expectedHours = Array.from({ length: 24 }, (_, hour) => userMessagesAt.filter((h) => h === hour).length);
    expect(report.volumeByHour).toEqual(expectedHours);
  });

  it('prints CSV and a readable summary, and refuses a bad period', { timeout: 60_000 }, async () => {
    const csv = await runCli(['report', '--since', '7d', '--csv'], env);
    expect(csv.stdout.split('\n')).toEqual(expect.arrayContaining(['metric,value', 'conversations.total,6', 'handoff.reasons.failed_twice,1']));
    const text = await runCli(['report', '--since', '30d'], env);
    expect(text.stdout).toMatch(/conversations: 6/);
    const bad = await runCli(['report', '--since', 'last tuesday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since/);
  });
});

/** The day the stored rows below are written on, and a time of it (`hh:mm`; `+1 00:30` the next day, `-1 23:59` the day before). */
const DAY = Date.UTC(2026, 10, 10);
const t = (time: string): Date => {
  const [, day, hours, minutes] = /^(?:([+-]1) )?(\d\d):(\d\d)$/.exec(time)!;
  return new Date(DAY + Number(day ?? 0) * 86_400_000 + (Number(hours) * 60 + Number(minutes)) * 60_000);
};

/** One user's conversation as stored: its turns (the user's text, the bot's replies with the turn's decision) and agents' replies. */
interface StoredConversation {
  readonly channel: 'web' | 'telegram';
  readonly turns: readonly { at: string; user: string; bot: readonly string[]; intent?: string; action?: string }[];
  readonly ticket?: { at: string; intent: string; lang: string; priority: 'urgent' | 'normal'; slaDue: string; agent?: string; rating?: number; reply?: string };
}

/** Writes the conversations (users, messages, tickets, agents' replies) as the stores write them. */
async function store(engine: Engine, stored: readonly StoredConversation[]): Promise<void> {
  for (const [n, conversation] of stored.entries()) {
    const userId = `${conversation.channel}:${n}`;
    await engine.transaction(() =>
      engine.run(async (db, { conversations, escalations, messages, users }) => {
        const first = t(conversation.turns[0]!.at);
        await db.insert(users).values({ id: userId, channel: conversation.channel, channelUserId: String(n), createdAt: first, lastSeenAt: first });
        const [{ id }] = (await db
          .insert(conversations)
          .values({ userId, channel: conversation.channel, reference: { user: n }, state: {}, createdAt: first, updatedAt: first })
          .returning({ id: conversations.id })) as [{ id: number }];
        for (const turn of conversation.turns) {
          const at = t(turn.at);
          await db
            .insert(messages)
            .values([
              { conversationId: id, sender: 'user' as const, text: turn.user, createdAt: at },
              ...turn.bot.map((text, k) => ({ conversationId: id, sender: 'bot' as const, text, intent: k === 0 ? turn.intent : undefined, action: k === 0 ? turn.action : undefined, createdAt: at })),
            ]);
        }
        const ticket = conversation.ticket;
        if (!ticket) return;
        const [{ id: ticketId }] = (await db
          .insert(escalations)
          .values({
            number: `T-${n}`,
            status: 'open',
            priority: ticket.priority,
            channel: conversation.channel,
            userId,
            conversationId: id,
            reference: { user: n },
            lang: ticket.lang,
            intent: ticket.intent,
            category: 'other',
            userText: conversation.turns[0]!.user,
            summary: conversation.turns[0]!.user,
            details: {},
            agent: ticket.agent,
            rating: ticket.rating,
            createdAt: t(ticket.at),
            updatedAt: t(ticket.at),
            slaDueAt: t(ticket.slaDue),
          })
          .returning({ id: escalations.id })) as [{ id: number }];
        if (ticket.reply) {
          const [time, text] = ticket.reply.split(' ', 2) as [string, string];
          await db.insert(messages).values({ conversationId: id, escalationId: ticketId, sender: 'agent', agent: ticket.agent, text, createdAt: t(time) });
        }
      }),
    );
  }
}

// The same stored rows on either engine give the same report: every figure counted by hand.
describeEachEngine('reportFor over stored rows', (engine) => {
  const knowledgeBase = knowledgeBaseOf(readFaqFile(), {});
  const answer = (id: string, lang: 'en' | 'zh') => knowledgeBase.answer(knowledgeBase.byId(id)!, lang);

  it('counts every figure the same from the same rows', async () => {
    const db = await engine.open();
    await store(db, [
      // Before the period: left out.
      { channel: 'web', turns: [{ at: '-1 23:59', user: 'old', bot: ['old answer'], intent: 'usage.how_to', action: 'answer' }] },
      // Answered, "Yes"; two hours later another conversation, answered: both resolved.
      {
        channel: 'web',
        turns: [
          { at: '09:00', user: 'I forgot my password', bot: [answer('forgot-password', 'en')], intent: 'account.forgot_password', action: 'answer' },
          { at: '09:01', user: 'Yes', bot: [say('en', 'feedbackYes')] },
          { at: '11:00', user: 'how long does support take', bot: ['Usually within an hour.'], intent: 'support.response_time', action: 'answer' },
        ],
      },
      // Two misses, a human offered and taken; Bob replies after 17 minutes (due after 15); rated 2.
      {
        channel: 'telegram',
        turns: [
          { at: '10:00', user: '天气怎么样', bot: ['抱歉，我没听懂。'], intent: 'none', action: 'fallback' },
          { at: '10:01', user: '讲个笑话', bot: ['抱歉，我没听懂。', say('zh', 'offerHumanAfterMisses')], intent: 'none', action: 'fallback' },
          { at: '10:03', user: '是', bot: ['已为您创建工单。'] },
        ],
        ticket: { at: '10:03', intent: 'transaction.pending', lang: 'zh', priority: 'normal', slaDue: '10:18', agent: 'Bob', rating: 2, reply: '10:20 我们马上处理' },
      },
      // Asks for a human; Ann replies 2 minutes after the ticket; rated 5.
      {
        channel: 'web',
        turns: [{ at: '12:00', user: 'I want a human', bot: ['Connecting you.'], intent: 'agent.request', action: 'escalate' }],
        ticket: { at: '12:01', intent: 'agent.request', lang: 'en', priority: 'normal', slaDue: '12:16', agent: 'Ann', rating: 5, reply: '12:03 Hello' },
      },
      // Answered, "No", then a human: nobody replies.
      {
        channel: 'web',
        turns: [
          { at: '13:00', user: 'my password is rejected', bot: [answer('wrong-password', 'en')], intent: 'account.forgot_password', action: 'answer' },
          { at: '13:01', user: 'No', bot: [say('en', 'feedbackNo')] },
          { at: '13:02', user: 'yes', bot: ['A ticket is open.'] },
        ],
        ticket: { at: '13:02', intent: 'account.forgot_password', lang: 'en', priority: 'normal', slaDue: '13:17' },
      },
      // A hacked account: urgent, at once; nobody replies.
      {
        channel: 'telegram',
        turns: [{ at: '14:00', user: '我的账户被黑了', bot: ['正在为您转接人工客服。'], intent: 'security.account_compromised', action: 'escalate' }],
        ticket: { at: '14:00', intent: 'security.account_compromised', lang: 'zh', priority: 'urgent', slaDue: '14:05' },
      },
      // A clarification, then an answer; a ticket the next day (after the period, within 24 h): not resolved.
      {
        channel: 'web',
        turns: [
          { at: '23:00', user: 'hmm', bot: ['Did you mean your password?'], intent: 'none', action: 'clarify' },
          { at: '23:05', user: 'password', bot: [answer('forgot-password', 'en')], intent: 'account.forgot_password', action: 'answer' },
        ],
        ticket: { at: '+1 00:30', intent: 'account.forgot_password', lang: 'en', priority: 'normal', slaDue: '+1 00:45' },
      },
    ]);
    const report = await reportFor(db, { since: t('00:00'), until: t('+1 00:00') }, knowledgeBase);
    const ratings = (rating: number) => ({ responses: 1, average: rating, csat: rating >= 4 ? 1 : 0 });
    const volumeByHour = Array.from({ length: 24 }, () => 0);
    for (const [hour, n] of [
      [9, 2],
      [10, 3],
      [11, 1],
      [12, 1],
      [13, 3],
      [14, 1],
      [23, 2],
    ] as const)
      volumeByHour[hour] = n;
    expect(report).toEqual({
      period: { since: '2026-11-10T00:00:00.000Z', until: '2026-11-11T00:00:00.000Z' },
      conversations: { total: 7, byChannel: { telegram: 2, web: 5 } },
      automatedResolution: { resolved: 2, rate: 0.286 },
      handoff: { conversations: 4, rate: 0.571, tickets: 4, reasons: { asked: 1, failed_twice: 1, rejected_answer: 1, urgent_intent: 1 } },
      fallback: { decisions: 9, fallback: 2, fallbackRate: 0.222, clarify: 1, clarifyRate: 0.111 },
      helpful: { 'forgot-password': { yes: 1, no: 0 }, 'wrong-password': { yes: 0, no: 1 } },
      csat: {
        responses: 2,
        average: 3.5,
        csat: 0.5,
        byIntent: { 'agent.request': ratings(5), 'transaction.pending': ratings(2) },
        byLanguage: { en: ratings(5), zh: ratings(2) },
        byChannel: { telegram: ratings(2), web: ratings(5) },
        byAgent: { Ann: ratings(5), Bob: ratings(2) },
      },
      firstReply: { tickets: 4, replied: 2, p50Minutes: 2, p90Minutes: 17, withinSla: 1, breaches: 3, breachRate: 0.75 },
      volumeByHour,
    } satisfies Report);
  });
});
