import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage, Reply } from '../../src/contracts/index.js';
import { SupportBot, type TurnResult } from '../../src/core/support-bot.js';
import { createServices, slaPolicy, type Services } from '../../src/services.js';
import { testConfig } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const MINUTE = 60_000;

// A day of conversations played through the real pipeline and desk at chosen times; every figure
// the report prints is counted by hand below from what each conversation was made to do.
describe('report --since 7d', { timeout: 60_000 }, () => {
  const temp = tempDir();
  const env = { DATABASE_PATH: `${temp.dir}/bot.sqlite`, AGENT_IDS: 'cli:*', SLA_CHAT_MINUTES: '15', LOG_LEVEL: 'silent' };
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
    const config = testConfig(temp.dir, env);
    services = createServices(config);
    bot = new SupportBot({ db: services.database.db, brain: services.brain, tickets: services.tickets, queue: services.queue, sla: slaPolicy(config), clock: () => clock });

    // A (web): answered, "Yes, it helped"; two hours later a second conversation, answered.
    faqIds.password = (await send('web', 'a', 0, { text: 'I forgot my password' })).decision!.faqId!;
    await send('web', 'a', 1, { payload: 'feedback:yes' });
    expect((await send('web', 'a', 120, { text: 'how long does support take to reply' })).decision?.action).toBe('answer');

    // B (web): answered, "No", then yes to a human: a rejected answer; Ann replies 10 min later; rated 5.
    faqIds.twoFactor = (await send('web', 'b', 0, { text: 'how do I enable 2FA' })).decision!.faqId!;
    await send('web', 'b', 1, { payload: 'feedback:no' });
    const b = await skipToTicket('web', 'b', 2, (await send('web', 'b', 2, { text: 'yes' })).replies);
    services.tickets.reply(b.id, agent('Ann'), 'Let me help you with 2FA.', { now: at(b.minute + 10) });
    services.tickets.resolve(b.id, agent('Ann'), undefined, at(b.minute + 11));
    await send('web', 'b', b.minute + 12, { text: '5' });

    // C (telegram, Chinese): a hacked account goes to a human at once (urgent: SLA 5 min); Bob replies after 20 min; rated 2.
    const c = await send('telegram', 'c', 0, { text: '我的账户被黑了，资产被盗' });
    expect(c.escalation?.priority).toBe('urgent');
    services.tickets.reply(c.escalation!.id, agent('Bob'), '我们马上处理', { now: at(20) });
    services.tickets.resolve(c.escalation!.id, agent('Bob'), undefined, at(21));
    await send('telegram', 'c', 22, { text: '2' });

    // D (web): two misses, the human offered, taken; nobody replies (past its SLA by now).
    expect((await send('web', 'd', 0, { text: 'what is the weather tomorrow' })).decision?.action).toBe('fallback');
    expect((await send('web', 'd', 1, { text: 'tell me a joke about cats' })).decision?.action).toBe('fallback');
    await skipToTicket('web', 'd', 2, (await send('web', 'd', 2, { text: 'yes' })).replies);

    // E (web): asks for a human; Ann replies 2 min after the ticket; no rating.
    const e = await send('web', 'e', 0, { text: 'I want to talk to a human agent' });
    expect(e.decision?.action).toBe('escalate');
    const eTicket = await skipToTicket('web', 'e', 0, e.replies);
    services.tickets.reply(eTicket.id, agent('Ann'), 'Hello, how can I help?', { now: at(eTicket.minute + 2) });
  });
  afterAll(() => {
    services.close();
    temp.cleanup();
  });

  it('counts conversations, resolution, hand-offs and their reasons, fallbacks, helpfulness, CSAT and first replies', async () => {
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

  it('prints CSV and a readable summary, and refuses a bad period', async () => {
    const csv = await runCli(['report', '--since', '7d', '--csv'], env);
    expect(csv.stdout.split('\n')).toEqual(expect.arrayContaining(['metric,value', 'conversations.total,6', 'handoff.reasons.failed_twice,1']));
    const text = await runCli(['report', '--since', '30d'], env);
    expect(text.stdout).toMatch(/conversations: 6/);
    const bad = await runCli(['report', '--since', 'last tuesday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since/);
  });
});
