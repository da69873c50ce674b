import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { runCli } from '../support/cli.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const TX = '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060';

// Each step runs the CLI as its own process (as an agent would), so these tests take seconds each.
describe('human handoff through the web chat and the CLI desk', { timeout: 120_000 }, () => {
  let app: App;
  let env: Record<string, string>;
  let visitors: string[];

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'cli:alice,cli:bob' });
    env = { DATABASE_PATH: `${app.dir}/bot.sqlite`, AGENT_IDS: 'cli:alice,cli:bob' };
    visitors = await Promise.all([1, 2, 3].map(() => newVisitor(app.url)));
  });
  afterAll(async () => {
    await app.dispose();
  });

  const desk = async (...args: string[]) => {
    const run = await runCli(['escalations', ...args], env);
    if (run.code !== 0) throw new Error(`escalations ${args.join(' ')} failed (${run.code}): ${run.stderr}`);
    return run.stdout;
  };

  it('collects the details with skips and re-asks on bad input, then opens a high-priority ticket', async () => {
    const user = visitors[0]!;
    const answer = await webSay(app.url, user, { text: 'my USDT deposit still has not arrived after 3 hours' });
    expect(answer[0]!.kind).toBe('answer');
    let replies = await webSay(app.url, user, { text: '/human' });
    expect(replies.at(-1)!.text).toMatch(/Is this about: transaction pending/);
    replies = await webSay(app.url, user, { text: 'yes' });
    expect(replies.at(-1)!.text).toMatch(/When did it happen/);
    replies = await webSay(app.url, user, { text: 'today around 14:30' });
    expect(replies.at(-1)!.text).toMatch(/error message/);
    replies = await webSay(app.url, user, { payload: 'skip' });
    expect(replies.at(-1)!.text).toMatch(/transaction ID/);
    replies = await webSay(app.url, user, { text: 'no idea lol' });
    expect(replies.at(-1)!.text).toMatch(/doesn't look like a transaction ID/);
    replies = await webSay(app.url, user, { text: TX });
    expect(replies.at(-1)!.text).toMatch(/e-mail address registered/);
    replies = await webSay(app.url, user, { text: 'ann at example' });
    expect(replies.at(-1)!.text).toMatch(/doesn't look like an e-mail/);
    replies = await webSay(app.url, user, { text: 'ann@example.com' });
    const created = replies.find((reply) => reply.kind === 'escalation')!;
    expect(created.text).toMatch(/Your ticket T-\d+ has been created \(high priority\)\. You are number 1 in the queue/);

    const [ticket] = JSON.parse(await desk('list', '--json')) as { id: number; priority: string; details: Record<string, string>; userId: string; status: string }[];
    expect(ticket).toMatchObject({ priority: 'high', status: 'open', userId: user });
    expect(ticket!.details).toEqual({ problemType: 'transaction pending / deposit not credited', occurredAt: 'today around 14:30', transactionId: TX, email: 'ann@example.com' });
  });

  it('puts a hacked account at the head of the queue as urgent, without the dialogue', async () => {
    const replies = await webSay(app.url, visitors[1]!, { text: 'someone hacked my account and stole all my BTC!!' });
    expect(replies.some((reply) => reply.kind === 'escalation' && reply.escalation?.priority === 'urgent')).toBe(true);
    const queue = JSON.parse(await desk('list', '--json')) as { priority: string; userId: string; queuePosition: number }[];
    expect(queue[0]).toMatchObject({ priority: 'urgent', userId: visitors[1], queuePosition: 1 });
    expect(queue[1]).toMatchObject({ priority: 'high', queuePosition: 2 });
  });

  it('relays the agent and the user both ways, then resolves, asks for a rating and lets the bot answer again', async () => {
    const user = visitors[1]!;
    const [ticket] = (JSON.parse(await desk('list', '--json', '--status', 'open')) as { id: number; userId: string }[]).filter((t) => t.userId === user);
    await desk('claim', String(ticket!.id), '--agent', 'alice');
    await desk('reply', String(ticket!.id), '--agent', 'alice', 'Hello, I have frozen withdrawals on your account while we investigate.');
    await desk('note', String(ticket!.id), '--agent', 'alice', 'checked login IPs: two from an unknown country');
    await app.drainOutbox();
    const history = (await (await fetch(`${app.url}/api/chat/history?visitorId=${user}`)).json()).messages as { from: string; text: string }[];
    expect(history.map((m) => m.text)).toEqual(expect.arrayContaining(['alice has joined the conversation.', 'Hello, I have frozen withdrawals on your account while we investigate.']));
    expect(history.map((m) => m.text).join('\n')).not.toContain('unknown country');

    // Every message to the ticket is acknowledged, briefly: the ticket's details at most once a minute.
    const acknowledged = await webSay(app.url, user, { text: 'thank you, it happened around 3am, email is bo@example.com' });
    expect(acknowledged).toHaveLength(1);
    expect(acknowledged[0]!.kind).toBe('status');
    const status = await webSay(app.url, user, { text: '/status' });
    expect(status[0]!.text).toMatch(/alice is handling it/);

    const detail = JSON.parse(await desk('show', String(ticket!.id), '--json'));
    expect(detail).toMatchObject({ status: 'claimed', agent: 'alice', priority: 'urgent', channel: 'web', userId: user });
    const froms = detail.messages.map((m: { from: string }) => m.from);
    expect(froms[0]).toBe('user');
    expect(detail.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'agent', text: 'Hello, I have frozen withdrawals on your account while we investigate.' }),
        expect.objectContaining({ from: 'user', text: 'thank you, it happened around 3am, email is bo@example.com' }),
      ]),
    );
    expect(detail.events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['created', 'claim', 'reply', 'note', 'user message']));

    await desk('resolve', String(ticket!.id), '--agent', 'alice', '--note', 'password reset, 2FA enabled');
    await app.drainOutbox();
    const after = (await (await fetch(`${app.url}/api/chat/history?visitorId=${user}`)).json()).messages as { text: string }[];
    expect(after.at(-1)!.text).toMatch(/has been resolved\. How would you rate/);
    const thanks = await webSay(app.url, user, { payload: 'rate:5' });
    expect(thanks[0]!.text).toMatch(/Thank you for your feedback/);
    expect(JSON.parse(await desk('show', String(ticket!.id), '--json'))).toMatchObject({ status: 'resolved', rating: 5, resolutionNote: 'password reset, 2FA enabled' });
    const back = await webSay(app.url, user, { text: 'how do I enable 2FA?' });
    expect(back[0]!.kind).toBe('answer');
  });

  it('refuses an agent who is not in AGENT_IDS, and a claim on a ticket someone else holds', async () => {
    const [open] = JSON.parse(await desk('list', '--json', '--status', 'open')) as { id: number }[];
    const stranger = await runCli(['escalations', 'claim', String(open!.id), '--agent', 'mallory'], env);
    expect(stranger.code).not.toBe(0);
    expect(stranger.stderr).toMatch(/cli:mallory is not an agent \(AGENT_IDS\)/);
    await desk('claim', String(open!.id), '--agent', 'bob');
    const taken = await runCli(['escalations', 'claim', String(open!.id), '--agent', 'alice'], env);
    expect(taken.code).not.toBe(0);
    expect(taken.stderr).toMatch(/already claimed by bob/);
    const missing = await runCli(['escalations', 'show', '99999'], env);
    expect(missing.stderr).toMatch(/no escalation "99999"/);
  });

  it('lets the user cancel their ticket', async () => {
    const user = visitors[2]!;
    await webSay(app.url, user, { text: 'I want to talk to a real person' });
    let replies = await webSay(app.url, user, { text: 'my app shows error 502 when I open it' });
    for (let i = 0; i < 5 && !replies.some((r) => r.kind === 'escalation'); i++) replies = await webSay(app.url, user, { payload: 'skip' });
    const created = replies.find((r) => r.kind === 'escalation')!;
    const cancelled = await webSay(app.url, user, { text: '/cancel' });
    expect(cancelled[0]!.text).toContain(`${created.escalation!.number} is closed at your request`);
    const detail = JSON.parse(await desk('show', created.escalation!.number, '--json'));
    expect(detail.status).toBe('closed');
  });
});
