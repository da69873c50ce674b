import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, webSay } from '../support/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** Reads server-sent events from the web chat until `count` reply batches arrived. */
async function collectEvents(url: string, visitorId: string, count: number, act: () => Promise<void>): Promise<{ kind: string; text: string; agentName?: string }[][]> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/chat/events?visitorId=${visitorId}`, { signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const batches: { kind: string; text: string; agentName?: string }[][] = [];
  let buffer = '';
  await act();
  const deadline = Date.now() + 10_000;
  while (batches.length < count && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').find((line) => line.startsWith('data: '));
      if (event.includes('event: replies') && data) batches.push(JSON.parse(data.slice(6)).replies);
    }
  }
  controller.abort();
  return batches;
}

describe('web live chat over HTTP', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('answers GET /healthz with a JSON status', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    const health = await response.json();
    expect(health).toMatchObject({ status: 'ok', pendingOutbox: 0 });
    expect(health.channels).toContain('web');
  });

  it('serves the chat page', async () => {
    const response = await fetch(`${app.url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<form class="chat__form"');
  });

  it('replies to a posted message', async () => {
    const replies = await webSay(app.url, 'visitor-http-1', { text: 'how long does support take to reply?' });
    expect(replies[0]!.kind).toBe('answer');
    expect(replies[0]!.text).toMatch(/minute|24/);
  });

  it('rejects bad input with 400 and a clear message', async () => {
    const bad = await fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"visitorId": "x"}' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/visitorId/);
    const broken = await fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(broken.status).toBe(400);
    const empty = await fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ visitorId: 'visitor-http-2', text: '   ' }) });
    expect(empty.status).toBe(400);
  });

  it('pushes an agent reply to the open page over server-sent events', async () => {
    const visitor = 'visitor-http-3';
    await webSay(app.url, visitor, { text: 'my account was hacked and my USDT is gone' });
    const [ticket] = app.services.escalations.list({ status: ['open'] }).filter((t) => t.userId === visitor);
    expect(ticket).toMatchObject({ priority: 'urgent', channel: 'web' });
    const batches = await collectEvents(app.url, visitor, 1, async () => {
      app.services.escalations.reply(ticket!.id, { channel: 'cli', userId: 'alice', name: 'Alice' }, 'Hi, I am looking at your account now.');
      await app.drainOutbox();
    });
    const texts = batches.flat().map((reply) => reply.text);
    expect(texts).toContain('Alice has joined the conversation.');
    expect(texts).toContain('Hi, I am looking at your account now.');
    const history = await (await fetch(`${app.url}/api/chat/history?visitorId=${visitor}`)).json();
    expect(history.messages.at(-1)).toMatchObject({ from: 'agent', agent: 'Alice', text: 'Hi, I am looking at your account now.' });
  });
});
