import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVisitor, startTestApp, webSay } from '../support/app.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

describe('no agent around', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    // Agents work two days from now only, so right now they are away whatever the time.
    const awayDay = DAYS[(new Date().getUTCDay() + 2) % 7];
    app = await startTestApp({ BUSINESS_HOURS: `${awayDay} 09:00-17:00 UTC`, SLA_EMAIL_HOURS: '24' });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('tells the user honestly when agents are back, keeps the ticket, and lets them cancel', async () => {
    const user = await newVisitor(app.url);
    let replies = await webSay(app.url, user, { text: '/human' });
    for (let i = 0; i < 6 && !replies.some((reply) => reply.kind === 'escalation'); i++) replies = await webSay(app.url, user, { payload: 'skip' });
    const ticket = replies.find((reply) => reply.kind === 'escalation')!;
    expect(ticket.text).toMatch(/Your ticket T-\d+ has been created/);
    const away = replies.find((reply) => /agents are away right now; they are back/.test(reply.text));
    expect(away?.text).toMatch(/09:00/);
    expect(away?.text).toMatch(/Your ticket is kept/);
    const [view] = await app.services.desk.list({ status: ['open'] });
    const dueInHours = (Date.parse(view!.slaDueAt) - Date.now()) / 3_600_000;
    expect(dueInHours).toBeGreaterThan(0);
    expect(dueInHours).toBeLessThanOrEqual(24);
    const cancelled = await webSay(app.url, user, { text: '/cancel' });
    expect(cancelled[0]!.text).toMatch(/is closed at your request/);
  });

  it('redacts a secret an agent pastes, before it is stored or sent', async () => {
    const user = await newVisitor(app.url);
    await webSay(app.url, user, { text: 'my account got hacked, all funds gone' });
    const [ticket] = (await app.services.desk.list({ status: ['open'] })).filter((t) => t.userId === user);
    const key = 'e'.repeat(8) + '0123456789abcdef'.repeat(3) + 'f'.repeat(8);
    await app.services.desk.reply(ticket!.id, { channel: 'cli', userId: 'ann', name: 'Ann' }, `Never share a key like private key ${key}`);
    await app.services.desk.note(ticket!.id, { channel: 'cli', userId: 'ann', name: 'Ann' }, `user pasted private key ${key}`);
    const detail = JSON.stringify(await app.services.desk.detail(ticket!.id));
    expect(detail).not.toContain(key);
    expect(detail).toContain('[redacted: private key]');
  });
});
