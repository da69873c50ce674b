import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tables } from '../../src/db/index.js';
import { createServices } from '../../src/services.js';
import { newVisitor, startTestApp, testConfig, webSay } from '../support/app.js';
import { FakeConnector } from '../support/fake-connector.js';
import { tempDir } from '../support/temp.js';
import { sqliteOf } from '../support/sqlite.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AGENT = { channel: 'cli' as const, userId: 'alice', name: 'alice' };
const HACKED = 'someone hacked my account and stole my BTC';

const eventually = <T>(check: () => T) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

/** The visitor's live page: the server-sent events stream, read as it arrives. */
async function openPage(url: string, visitorId: string) {
  const closed = new AbortController();
  const response = await fetch(`${url}/api/chat/events?visitorId=${encodeURIComponent(visitorId)}`, { signal: closed.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = '';
  return {
    /** Resolves when the stream has carried `text` (fails after 10 s). */
    async shows(text: string): Promise<void> {
      const deadline = setTimeout(() => closed.abort(), 10_000);
      try {
        while (!received.includes(text)) {
          const chunk = await reader.read();
          if (chunk.done) throw new Error(`stream ended without "${text}"`);
          received += decoder.decode(chunk.value, { stream: true });
        }
      } finally {
        clearTimeout(deadline);
      }
    },
    close: () => closed.abort(),
  };
}

describe('a Teams connector that accepts the connection and never answers', () => {
  let connector: FakeConnector;
  beforeAll(async () => {
    connector = await FakeConnector.start();
  });
  afterAll(async () => {
    await connector.close();
  });

  it('delays no web reply, and shutdown still ends in time and keeps the Teams reply for the next start', async () => {
    const temp = tempDir();
    const app = await startTestApp({ AGENT_IDS: 'cli:alice' }, temp.dir);
    const chat = connector.conversation({ id: 'a:personal-hang', user: { id: '29:hana', name: 'Hana' } });
    expect((await chat.send(app.url, chat.message(HACKED))).status).toBe(200);
    const teamsTicket = (await app.services.desk.list({ channel: 'teams' }))[0]!;
    const visitorId = await newVisitor(app.url);
    await webSay(app.url, visitorId, { text: HACKED });
    const webTicket = (await app.services.desk.list({ channel: 'web' }))[0]!;
    const page = await openPage(app.url, visitorId);

    connector.hang();
    await app.services.desk.reply(teamsTicket.id, AGENT, 'Teams, are you there?');
    await eventually(() => expect(connector.hung).toBeGreaterThan(0));
    const sent = performance.now();
    await app.services.desk.reply(webTicket.id, AGENT, 'We froze your account.');
    await page.shows('We froze your account.');
    const webLatencyMs = performance.now() - sent;
    page.close();

    const stopping = performance.now();
    await app.dispose();
    const shutdownMs = performance.now() - stopping;
    console.log(`web reply latency while Teams hangs: ${webLatencyMs.toFixed(0)} ms; in-process shutdown with the Teams call hanging: ${shutdownMs.toFixed(0)} ms`);

    // The Teams reply was not lost: it waits, due at once, for the next start.
    const services = await createServices(testConfig(temp.dir));
    try {
      const rows = sqliteOf(services).select().from(tables.outbox).all();
      expect(rows.filter((row) => row.channel === 'teams').at(-1)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(rows.filter((row) => row.channel === 'web').every((row) => row.status === 'delivered')).toBe(true);
    } finally {
      await services.close();
      connector.hang(false);
      temp.cleanup();
    }
  });

  it('exits on SIGTERM while a delivery hangs, and the next start delivers that reply once', async () => {
    const temp = tempDir();
    const chat = connector.conversation({ id: 'a:personal-sigterm', user: { id: '29:sig', name: 'Sig' } });
    const first = await startTestApp({ AGENT_IDS: 'cli:alice' }, temp.dir);
    expect((await chat.send(first.url, chat.message(HACKED))).status).toBe(200);
    const ticket = (await first.services.desk.list({ channel: 'teams' }))[0]!;
    await first.dispose();
    const desk = await createServices(testConfig(temp.dir));
    await desk.desk.reply(ticket.id, AGENT, 'Sent while Teams hangs.');
    await desk.close();

    connector.hang();
    const hungBefore = connector.hung;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'warn', DATABASE_PATH: `${temp.dir}/bot.sqlite`, AGENT_IDS: 'cli:alice' },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
    try {
      await eventually(() => expect(connector.hung).toBeGreaterThan(hungBefore));
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    const signalled = performance.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    console.log(`SIGTERM to exit with a Teams delivery hanging: ${(performance.now() - signalled).toFixed(0)} ms`);
    expect(code).toBe(0);

    connector.hang(false);
    const before = chat.replies().length;
    const second = await startTestApp({ AGENT_IDS: 'cli:alice' }, temp.dir);
    try {
      await second.drainOutbox();
      expect(
        chat
          .replies()
          .slice(before)
          .map((reply) => reply.text),
      ).toEqual(['alice has joined the conversation.', 'alice: Sent while Teams hangs.']);
      expect(await second.services.outbox.pendingCount()).toBe(0);
    } finally {
      await second.dispose();
      temp.cleanup();
    }
  });
});
