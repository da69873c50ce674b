/**
 * The agents' console under load, on the real app: the inbox page (`GET /desk`) served with
 * 10,000 open tickets, and one desk event fanned out over the live feed (`/desk/events`) to 100
 * connected agents. The clients run in this process, so they share the server's event loop: the
 * numbers are upper bounds of the server's own time.
 */
import Sqlite from 'better-sqlite3';
import { AgentAccounts } from '../../src/agents/accounts.js';
import { AgentSessions } from '../../src/agents/sessions.js';
import { startTestApp } from '../support/app.js';

/** How the `console` bench loads the app. */
export interface ConsoleBenchOptions {
  readonly openTickets: number;
  /** Measured inbox requests (after 3 unmeasured ones). */
  readonly inboxRequests: number;
  readonly agents: number;
  /** Measured fan-outs, one event each. */
  readonly fanOuts: number;
}

const DEFAULTS: ConsoleBenchOptions = { openTickets: 10_000, inboxRequests: 20, agents: 100, fanOuts: 10 };
const SESSION_POLICY = { idleMs: 3_600_000, absoluteMs: 3_600_000 };

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function summary(timings: number[]): { p50Ms: number; p95Ms: number; maxMs: number } {
  timings.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { p50Ms: round(percentile(timings, 50)), p95Ms: round(percentile(timings, 95)), maxMs: round(timings.at(-1) ?? 0) };
}

/** Inserts `count` open tickets of one web user, a quarter of each priority but half normal. */
function insertOpenTickets(path: string, count: number): void {
  const sqlite = new Sqlite(path);
  const now = Date.now();
  const priorities = ['urgent', 'high', 'normal', 'normal'];
  sqlite.transaction(() => {
    sqlite.prepare("insert into users (id, channel, channel_user_id, last_seen_at, created_at) values ('web:bench', 'web', 'bench', ?, ?)").run(now, now);
    const conversation = sqlite
      .prepare("insert into conversations (user_id, channel, reference, state, created_at, updated_at) values ('web:bench', 'web', '{}', '{}', ?, ?)")
      .run(now, now).lastInsertRowid;
    const insert = sqlite.prepare(
      "insert into escalations (number, status, priority, channel, user_id, conversation_id, reference, lang, intent, category, user_text, summary, details, created_at, updated_at, sla_due_at) values (?, 'open', ?, 'web', 'web:bench', ?, '{\"visitorId\":\"bench\"}', 'en', 'account.locked', 'account', 'my account is locked', 'Account locked: my account is locked', '{}', ?, ?, ?)",
    );
    for (let n = 0; n < count; n++) insert.run(`T-${1000 + n}`, priorities[n % 4], conversation, now - count + n, now - count + n, now + 3_600_000);
  })();
  sqlite.close();
}

/** A console event stream that notes when a frame with a given event id arrives. */
function follow(url: string, cookie: string): Promise<{ waitFor: (eventId: number) => Promise<void>; close: () => void }> {
  const controller = new AbortController();
  return fetch(`${url}/desk/events`, { headers: { cookie }, signal: controller.signal }).then((response) => {
    if (response.status !== 200) throw new Error(`GET /desk/events: ${response.status}`);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const waiting = new Map<number, () => void>();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received += decoder.decode(value, { stream: true });
        for (const [id, resolve] of waiting) {
          if (!received.includes(`id: ${id}\n`)) continue;
          waiting.delete(id);
          resolve();
        }
      }
    })().catch(() => undefined);
    return {
      waitFor: (eventId) => (received.includes(`id: ${eventId}\n`) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(eventId, resolve))),
      close: () => controller.abort(),
    };
  });
}

/** The inbox with `openTickets` open tickets (ms per page served), and one event reaching `agents` live feeds (ms until the last has it). */
export async function benchConsole(options: Partial<ConsoleBenchOptions> = {}) {
  const { openTickets, inboxRequests, agents, fanOuts } = { ...DEFAULTS, ...options };
  const app = await startTestApp({ AGENT_IDS: 'web:bench,cli:bench' });
  try {
    const { engine } = app.services;
    insertOpenTickets(`${app.dir}/bot.sqlite`, openTickets);
    const account = await new AgentAccounts(engine).add({ login: 'bench', name: 'Bench', role: 'agent', password: 'bench password long enough' });
    const sessions = new AgentSessions(engine, SESSION_POLICY);
    const cookies: string[] = [];
    for (let n = 0; n < agents; n++) cookies.push(`desk_session=${await sessions.open(account.id)}`);

    const inbox: number[] = [];
    let bytes = 0;
    for (let n = 0; n < inboxRequests + 3; n++) {
      const started = performance.now();
      const response = await fetch(`${app.url}/desk`, { headers: { cookie: cookies[0]! } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`GET /desk: ${response.status}`);
      if (n >= 3) inbox.push(performance.now() - started);
      bytes = body.length;
    }

    const streams = await Promise.all(cookies.map((cookie) => follow(app.url, cookie)));
    const fanOut: number[] = [];
    for (let n = 0; n < fanOuts; n++) {
      const started = performance.now();
      await app.services.desk.note('T-1000', { channel: 'cli', userId: 'bench', name: 'Bench' }, `bench note ${n}`);
      const eventId = await app.services.queue.lastEventId();
      await app.pollDesks();
      await Promise.all(streams.map((stream) => stream.waitFor(eventId)));
      fanOut.push(performance.now() - started);
    }
    for (const stream of streams) stream.close();
    return { inbox: { openTickets, requests: inbox.length, pageKb: Math.round(bytes / 1024), ...summary(inbox) }, liveFanOut: { agents, events: fanOut.length, ...summary(fanOut) } };
  } finally {
    await app.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchConsole(), null, 2));
