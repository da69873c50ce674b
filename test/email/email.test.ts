import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EscalationView } from '../../src/contracts/index.js';
import { POSTGRES_SETTLE_MS } from '../../src/escalation/desk-feed.js';
import { createLogger } from '../../src/log.js';
import { startApp, type RunningApp } from '../../src/main.js';
import { newVisitor, testConfig, webSay } from '../support/app.js';
import { describeEachEngine } from '../support/engines.js';
import { tempDir } from '../support/temp.js';
import { startSmtp, type LocalSmtp, type ReceivedMail } from '../support/smtp.js';

const INBOUND_SECRET = 'inbound-secret-for-tests-0123456789';
const PUBLIC_URL = 'https://support.example.com';
/** A valid 12-word BIP39 phrase (a public test vector): it must never leave in an e-mail. */
const SEED = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const AGENT = { channel: 'cli' as const, userId: 'alice', name: 'Alice' };
const MINUTE = 60_000;

describeEachEngine('e-mail through a local SMTP server', (engine) => {
  let smtp: LocalSmtp;
  let app: RunningApp;

  beforeAll(async () => {
    smtp = await startSmtp();
    const config = await engine.config({ SMTP_URL: smtp.url, EMAIL_FROM: 'Wallet Support <support@example.com>', EMAIL_INBOUND_SECRET: INBOUND_SECRET, PUBLIC_URL, AGENT_IDS: 'cli:alice' });
    app = await startApp(config, createLogger('silent'));
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  /** Hands off in the web chat, skipping every question but the e-mail address; returns the ticket. */
  async function ticketWithEmail(address: string): Promise<EscalationView> {
    const visitor = await newVisitor(app.url);
    let replies = await webSay(app.url, visitor, { text: '/human' });
    while (!replies.some((reply) => reply.kind === 'escalation')) {
      const asked = replies.at(-1)!;
      replies = await webSay(app.url, visitor, /e-mail/i.test(asked.text) ? { text: address } : { payload: 'skip' });
    }
    return (await app.services.desk.list()).find((ticket) => ticket.details.email === address)!;
  }

  /**
   * Mirrors new ticket changes (the e-mail notifier is one of the desk feed's consumers) and returns the e-mails sent meanwhile.
   * On Postgres the feed mirrors an event once it has been visible for its settling time: polled again after it.
   */
  async function mailsAfter(change: () => unknown): Promise<ReceivedMail[]> {
    const before = smtp.received.length;
    await app.pollDesks();
    await change();
    await app.pollDesks();
    if (engine.dialect === 'postgres') {
      await sleep(POSTGRES_SETTLE_MS + 100);
      await app.pollDesks();
    }
    return smtp.received.slice(before);
  }

  const postInbound = (body: Record<string, string>, secret = INBOUND_SECRET) =>
    fetch(`${app.url}/api/email/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-inbound-secret': secret }, body: new URLSearchParams(body) });

  it('confirms a new ticket to the address given in the hand-off, mails a reply to a user who is away, and threads the answer into the ticket', { timeout: 60_000 }, async () => {
    let ticket: EscalationView | undefined;
    const [confirmation] = await mailsAfter(async () => (ticket = await ticketWithEmail('ann@example.org')));
    expect(confirmation).toBeDefined();
    expect(confirmation!.to).toEqual(['ann@example.org']);
    expect(confirmation!.headers.get('subject')).toContain(ticket!.number);
    expect(confirmation!.text).toMatch(/An agent will answer within/);
    expect(confirmation!.headers.get('list-unsubscribe')).toMatch(/^<https:\/\/support\.example\.com\/email\/unsubscribe\?a=.+>, <mailto:support\+u-/);
    const replyTo = confirmation!.headers.get('reply-to')!;
    expect(replyTo).toMatch(new RegExp(`^support\\+t${ticket!.id}-[\\w-]+@example\\.com$`));

    // The user has just written in the chat: the agent's reply reaches them there, not by e-mail.
    expect(await mailsAfter(() => app.services.tickets.reply(ticket!.id, AGENT, 'Looking into it now.'))).toEqual([]);
    // Eleven minutes later they are away (EMAIL_AFTER_MINUTES is 10): the reply goes by e-mail too, without the secret the agent pasted.
    const later = new Date(Date.now() + 11 * MINUTE);
    const [reply] = await mailsAfter(() => app.services.tickets.reply(ticket!.id, AGENT, `Found it. Never share words like: ${SEED}`, { now: later }));
    expect(reply!.headers.get('subject')).toContain(ticket!.number);
    expect(reply!.text).toContain('Found it.');
    expect(reply!.text).toContain('Alice');

    // The user answers from their mail client; the provider (here: the test) posts it to the inbound webhook.
    await createTransport(smtp.url).sendMail({
      from: 'ann@example.org',
      to: replyTo,
      subject: `Re: ${reply!.headers.get('subject')}`,
      text: `Thanks, it arrived. My key was ${SEED}\n\nOn Mon, Alice wrote:\n> Found it.`,
    });
    const answer = smtp.received.at(-1)!;
    expect(answer.to).toEqual([replyTo]);
    const inbound = { recipient: answer.to[0]!, sender: answer.from, subject: answer.headers.get('subject')!, 'body-plain': answer.text, 'Message-Id': answer.headers.get('message-id')! };
    expect((await postInbound(inbound, 'wrong-secret-wrong-secret')).status).toBe(401);
    const posted = await postInbound(inbound);
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ kind: 'ticket', number: ticket!.number });
    // A provider that posts the same e-mail again: recorded once.
    expect((await postInbound(inbound)).status).toBe(200);
    const userMessages = (await app.services.desk.detail(ticket!.id)).messages.filter((message) => message.from === 'user' && message.text.startsWith('Thanks, it arrived.'));
    expect(userMessages).toHaveLength(1);
    expect(userMessages[0]!.text).not.toContain('sausage');
    expect(userMessages[0]!.text).not.toContain('Found it.');
    // Forged: a ticket token this bot did not sign.
    expect((await postInbound({ ...inbound, recipient: `support+t${ticket!.id}-AAAAAAAAAAAAAAAA@example.com`, 'Message-Id': '<other@x>' })).status).toBe(406);

    const sentByTheBot = smtp.received.filter((mail) => mail.from === 'support@example.com');
    expect(sentByTheBot.length).toBeGreaterThanOrEqual(2);
    for (const mail of sentByTheBot) expect(mail.raw).not.toMatch(/sausage|legal winner/);
  });

  it('stops e-mailing an address unsubscribed from the e-mail itself, by its link or by List-Unsubscribe mailto', { timeout: 60_000 }, async () => {
    let ticket: EscalationView | undefined;
    const [confirmation] = await mailsAfter(async () => (ticket = await ticketWithEmail('bo@example.org')));
    const link = new URL(/<(https:[^>]+)>/.exec(confirmation!.headers.get('list-unsubscribe')!)![1]!);
    const page = await fetch(`${app.url}${link.pathname}${link.search}`);
    expect(await page.text()).toContain('bo@example.org');
    expect((await fetch(`${app.url}${link.pathname}?a=bo%40example.org&s=forged`, { method: 'POST' })).status).toBe(400);
    // One-click, as a mail client posts it (RFC 8058).
    const unsubscribed = await fetch(`${app.url}${link.pathname}${link.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    const later = new Date(Date.now() + 30 * MINUTE);
    expect(await mailsAfter(() => app.services.tickets.reply(ticket!.id, AGENT, 'Any news?', { now: later }))).toEqual([]);

    const [other] = await mailsAfter(async () => (ticket = await ticketWithEmail('cy@example.org')));
    const mailto = /<mailto:([^?>]+)/.exec(other!.headers.get('list-unsubscribe')!)![1]!;
    const posted = await postInbound({ recipient: mailto, 'body-plain': 'unsubscribe' });
    expect(await posted.json()).toEqual({ kind: 'unsubscribed' });
    expect(await mailsAfter(() => app.services.tickets.reply(ticket!.id, AGENT, 'Any news?', { now: later }))).toEqual([]);
  });
});

describe('e-mail settings', () => {
  it('is off, with one start-up line, without SMTP_URL and EMAIL_FROM', async () => {
    const temp = tempDir();
    const lines: string[] = [];
    const app = await startApp(testConfig(temp.dir), createLogger('info', { write: (line: string) => void lines.push(line) }));
    try {
      expect(app.channels.get('email')).toBeUndefined();
      expect(lines.filter((line) => line.includes('"email: off (SMTP_URL and EMAIL_FROM not set)"'))).toHaveLength(1);
    } finally {
      await app.stop();
      temp.cleanup();
    }
  });

  it('refuses one of SMTP_URL and EMAIL_FROM without the other, naming the missing one', () => {
    expect(() => testConfig('/tmp', { SMTP_URL: 'smtp://127.0.0.1:2525' })).toThrow(/EMAIL_FROM/);
    expect(() => testConfig('/tmp', { EMAIL_FROM: 'support@example.com' })).toThrow(/SMTP_URL/);
  });
});
