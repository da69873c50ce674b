import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServices } from '../../src/services.js';
import { newVisitor, startTestApp, testConfig, webSay } from '../support/app.js';
import { tempDir } from '../support/temp.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
type WebReply = { kind: string; text: string; agentName?: string; suggestions?: { label: string; payload: string }[] };
type HistoryMessage = { id: string; from: string; text: string; agent: string | null };

/** One `replies` event of the web chat's event stream. */
interface RepliesEvent {
  readonly id: string;
  readonly replies: WebReply[];
}

/** A page's server-sent-event stream, read event by event. */
interface EventStream {
  next(): Promise<RepliesEvent>;
  close(): void;
}

/** Opens `GET /api/chat/events` as a page would; `resume` is sent as `Last-Event-ID` or `?after=`. */
async function openEvents(url: string, visitorId: string, resume: { lastEventId?: string; after?: string } = {}): Promise<EventStream> {
  const controller = new AbortController();
  const after = resume.after ? `&after=${encodeURIComponent(resume.after)}` : '';
  const response = await fetch(`${url}/api/chat/events?visitorId=${visitorId}${after}`, {
    signal: controller.signal,
    headers: resume.lastEventId ? { 'Last-Event-ID': resume.lastEventId } : {},
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
          if (field('event') === 'replies') return { id: field('id')!, replies: JSON.parse(field('data')!).replies };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}

async function history(url: string, visitorId: string): Promise<HistoryMessage[]> {
  const response = await fetch(`${url}/api/chat/history?visitorId=${visitorId}`);
  expect(response.status).toBe(200);
  return (await response.json()).messages;
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const alice = { channel: 'cli' as const, userId: 'alice', name: 'Alice' };

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

  it('issues a different unguessable visitor id on every POST /api/chat/visitors', async () => {
    const response = await fetch(`${app.url}/api/chat/visitors`, { method: 'POST' });
    expect(response.status).toBe(200);
    const { visitorId } = await response.json();
    expect(visitorId).toMatch(/^[A-Za-z0-9_-]{40,64}$/);
    const others = await Promise.all(Array.from({ length: 20 }, () => newVisitor(app.url)));
    expect(new Set([visitorId, ...others]).size).toBe(21);
  });

  it('replies to a posted message', async () => {
    const replies = await webSay(app.url, await newVisitor(app.url), { text: 'how long does support take to reply?' });
    expect(replies[0]!.kind).toBe('answer');
    expect(replies[0]!.text).toMatch(/minute|24/);
  });

  it('refuses ids the server did not issue with 401, on every route', async () => {
    const issued = await newVisitor(app.url);
    const last = issued.at(-1) === 'A' ? 'B' : 'A';
    // The last base64url character carries unused bits: other letters spell the same signature bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const signature = issued.slice(-22);
    const alias = [...alphabet]
      .map((char) => `${issued.slice(0, -1)}${char}`)
      .find((id) => id !== issued && Buffer.from(`${signature.slice(0, -1)}${id.at(-1)}`, 'base64url').equals(Buffer.from(signature, 'base64url')));
    expect(alias).toBeDefined();
    const forged = [
      'visitor-http-1', // any 8-64 characters used to be accepted
      `v-${'ab'.repeat(12)}`, // what the page used to make up itself
      `${issued.slice(0, -1)}${last}`, // an issued id, signature altered
      alias!, // the same signature bytes spelled otherwise
      `v1${'A'.repeat(44)}`,
    ];
    for (const visitorId of forged) {
      const message = await post(app.url, { visitorId, text: 'hello' });
      expect(message.status, visitorId).toBe(401);
      expect((await message.json()).error).toMatch(/visitorId/);
      for (const route of ['history', 'events']) {
        const response = await fetch(`${app.url}/api/chat/${route}?visitorId=${visitorId}`);
        expect(response.status, `${route} ${visitorId}`).toBe(401);
        expect((await response.json()).error).toMatch(/POST \/api\/chat\/visitors/);
      }
    }
    expect(await app.services.bot.history({ channel: 'web', userId: 'visitor-http-1' })).toEqual([]);
  });

  it('rejects bad input with 400 and a clear message', async () => {
    const visitorId = await newVisitor(app.url);
    const missing = await post(app.url, { text: 'hi' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/visitorId/);
    expect((await fetch(`${app.url}/api/chat/history`)).status).toBe(400);
    const broken = await fetch(`${app.url}/api/chat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(broken.status).toBe(400);
    const empty = await post(app.url, { visitorId, text: '   ' });
    expect(empty.status).toBe(400);
  });

  it('refuses text with a lone surrogate instead of storing a replacement character', async () => {
    const visitorId = await newVisitor(app.url);
    // JSON.stringify writes a lone surrogate as the escape \udXXX, which JSON.parse turns back into one.
    for (const body of [{ text: 'my withdrawal \ud800 is stuck' }, { text: 'ok \udfff' }, { payload: 'faq:\ud83d' }, { text: 'hi', name: 'Ann \udc00' }]) {
      const response = await post(app.url, { visitorId, ...body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await response.json()).error).toMatch(/lone surrogate/);
    }
    // A real pair (an emoji) is fine.
    expect((await post(app.url, { visitorId, text: 'thanks 😀' })).status).toBe(200);
    expect((await history(app.url, visitorId)).map((message) => message.text)).not.toContainEqual(expect.stringContaining('\ufffd'));
  });

  it('refuses a display name with control characters or over 80 characters, and stores a clean one', async () => {
    const visitorId = await newVisitor(app.url);
    for (const name of ['Ann\u001b[2J', 'Ann\r\nresolved by alice', 'Ann\u0007', 'evil\u202Eftp', 'x'.repeat(81)]) {
      const response = await post(app.url, { visitorId, text: 'hello', name });
      expect(response.status, JSON.stringify(name)).toBe(400);
      expect((await response.json()).error).toMatch(/name/);
    }
    expect((await post(app.url, { visitorId, text: 'my account was hacked, all my coins are gone', name: '  王小明 Ann  ' })).status).toBe(200);
    const [ticket] = (await app.services.desk.list({ status: ['open'] })).filter((t) => t.userId === visitorId);
    expect(await app.services.desk.detail(ticket!.id)).toMatchObject({ displayName: '王小明 Ann' });
  });

  it('passes the client address to the core as the message origin', async () => {
    const visitorId = await newVisitor(app.url);
    const handle = vi.spyOn(app.services.bot, 'process');
    try {
      await webSay(app.url, visitorId, { text: 'hello' });
      expect(handle).toHaveBeenCalledWith(expect.objectContaining({ userId: visitorId, origin: '127.0.0.1' }));
    } finally {
      handle.mockRestore();
    }
  });

  it('pushes an agent reply to the open page over server-sent events, with the id of its last message', async () => {
    const visitor = await newVisitor(app.url);
    await webSay(app.url, visitor, { text: 'my account was hacked and my USDT is gone' });
    const [ticket] = (await app.services.desk.list({ status: ['open'] })).filter((t) => t.userId === visitor);
    expect(ticket).toMatchObject({ priority: 'urgent', channel: 'web' });
    const events = await openEvents(app.url, visitor);
    try {
      await app.services.desk.reply(ticket!.id, alice, 'Hi, I am looking at your account now.');
      await app.drainOutbox();
      const event = await events.next();
      expect(event.replies.map((reply) => reply.text)).toEqual(['Alice has joined the conversation.', 'Hi, I am looking at your account now.']);
      expect(event.replies[1]).toMatchObject({ kind: 'agent', agentName: 'Alice' });
      const messages = await history(app.url, visitor);
      expect(messages.at(-1)).toMatchObject({ from: 'agent', agent: 'Alice', text: 'Hi, I am looking at your account now.', id: event.id });
    } finally {
      events.close();
    }
  });

  it('keeps what support sent while the page was away and sends it, once, when the page reconnects with Last-Event-ID', async () => {
    const visitor = await newVisitor(app.url);
    await webSay(app.url, visitor, { text: 'someone hacked my account and stole my BTC' });
    const [ticket] = (await app.services.desk.list({ status: ['open'] })).filter((t) => t.userId === visitor);
    const first = await openEvents(app.url, visitor);
    await app.services.desk.reply(ticket!.id, alice, 'First: we froze withdrawals.');
    await app.drainOutbox();
    const seen = await first.next();
    first.close();

    // The page is gone: the outbox delivers to nobody, and the row counts as delivered.
    await app.services.desk.reply(ticket!.id, alice, 'Second: please change your password.');
    expect(await app.drainOutbox()).toBe(1);
    // The visitor keeps chatting in another tab: those turns were answered in their POST responses.
    await webSay(app.url, visitor, { text: 'ok, thank you' });
    await app.services.desk.resolve(ticket!.id, alice, 'password changed');
    await app.drainOutbox();

    const again = await openEvents(app.url, visitor, { lastEventId: seen.id });
    try {
      const missed = await again.next();
      expect(missed.replies.map((reply) => reply.text)).toEqual(['Second: please change your password.', expect.stringMatching(/resolved/)]);
      // The delivered reply keeps its rating buttons, which the history alone would not have.
      expect(missed.replies[1]!.suggestions?.length).toBeGreaterThan(0);
      // Nothing is sent twice: the next event is the next reply.
      await app.services.desk.reopen(ticket!.id, alice);
      await app.drainOutbox();
      expect((await again.next()).replies.map((reply) => reply.text)).toEqual([expect.stringMatching(/reopened/)]);
    } finally {
      again.close();
    }
  });

  it('resumes after the last message the page loaded (?after=), so nothing between the history and the stream is lost', async () => {
    const visitor = await newVisitor(app.url);
    await webSay(app.url, visitor, { text: 'my account was hacked' });
    const [ticket] = (await app.services.desk.list({ status: ['open'] })).filter((t) => t.userId === visitor);
    const loaded = await history(app.url, visitor);
    await app.services.desk.reply(ticket!.id, alice, 'Between the history and the stream.');
    await app.drainOutbox();
    const events = await openEvents(app.url, visitor, { after: loaded.at(-1)!.id });
    try {
      expect((await events.next()).replies.map((reply) => reply.text)).toEqual(['Alice has joined the conversation.', 'Between the history and the stream.']);
    } finally {
      events.close();
    }
  });
});

describe('web live chat across a restart of the bot', () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it('recognises the ids it issued before, and sends a reconnecting page the agent replies queued while it was down', async () => {
    const first = await startTestApp({}, temp.dir);
    const visitor = await newVisitor(first.url);
    await webSay(first.url, visitor, { text: 'my account was hacked, my USDT is gone' });
    const lastSeen = (await history(first.url, visitor)).at(-1)!.id;
    await first.dispose();

    // While the bot is down, an agent answers from another process on the same database.
    const desk = await createServices(testConfig(temp.dir));
    const [ticket] = (await desk.desk.list({ status: ['open'] })).filter((t) => t.userId === visitor);
    await desk.desk.reply(ticket!.id, alice, 'Sent while the bot was down.');
    await desk.close();

    const second = await startTestApp({}, temp.dir);
    try {
      // Delivered at start-up, before any page could connect: kept for the page all the same.
      await second.drainOutbox();
      expect(await second.services.outbox.pendingCount()).toBe(0);
      const events = await openEvents(second.url, visitor, { lastEventId: lastSeen });
      try {
        const missed = await events.next();
        expect(missed.replies).toEqual([
          expect.objectContaining({ text: 'Alice has joined the conversation.' }),
          expect.objectContaining({ kind: 'agent', agentName: 'Alice', text: 'Sent while the bot was down.' }),
        ]);
      } finally {
        events.close();
      }
      expect((await post(second.url, { visitorId: visitor, text: 'thanks' })).status).toBe(200);
    } finally {
      await second.dispose();
    }
  });
});
