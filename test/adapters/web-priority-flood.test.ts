import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** A visitor id issued to a client at `address` (seen through a trusted proxy). */
async function visitorAt(url: string, address: string): Promise<string> {
  const response = await fetch(`${url}/api/chat/visitors`, { method: 'POST', headers: { 'x-forwarded-for': address } });
  return ((await response.json()) as { visitorId: string }).visitorId;
}

async function sayFrom(url: string, address: string, visitorId: string, text: string): Promise<{ escalation?: { number: string; priority: string; queuePosition?: number } }[]> {
  const response = await fetch(`${url}/api/chat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ visitorId, text }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { replies: never[] }).replies;
}

describe('a flood of "hacked" tickets from one address', () => {
  let app: App;
  const FLOODER = '203.0.113.7';
  const VICTIM = '198.51.100.9';

  beforeAll(async () => {
    // Messages unlimited here, so only the priority cap is measured.
    app = await startTestApp({ TRUST_PROXY: 'loopback', WEB_LIMIT_PRIORITY_TICKETS_PER_HOUR: '3' });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('opens them all, but only the first few as urgent, so a real victim is still near the head of the queue', async () => {
    const priorities: string[] = [];
    for (let index = 0; index < 25; index++) {
      const visitor = await visitorAt(app.url, FLOODER);
      const replies = await sayFrom(app.url, FLOODER, visitor, 'my account was hacked and someone stole all my funds');
      priorities.push(replies.find((reply) => reply.escalation)?.escalation?.priority ?? 'none');
    }
    expect(priorities.filter((priority) => priority === 'urgent')).toHaveLength(3);
    expect(priorities.filter((priority) => priority === 'normal')).toHaveLength(22);

    const victim = await visitorAt(app.url, VICTIM);
    const replies = await sayFrom(app.url, VICTIM, victim, 'my account was hacked and someone stole all my funds');
    const ticket = replies.find((reply) => reply.escalation)?.escalation;
    expect(ticket).toMatchObject({ priority: 'urgent', queuePosition: 4 });
    const audit = (await app.services.desk.detail((await app.services.desk.list({ priority: 'normal' }))[0]!.id)).events[0]!;
    expect(audit.note).toMatch(/urgent refused/);
  });
});
