import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { newVisitor, startTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** The documented defaults (what `npm start` uses with no variables set). */
const DEFAULTS = loadConfig({}).web.limits;
/** Empty values select the defaults (the test harness turns the limits off otherwise). */
const DEFAULT_LIMITS = { WEB_LIMIT_MESSAGES_PER_MINUTE: '', WEB_LIMIT_VISITORS_PER_HOUR: '', WEB_LIMIT_READS_PER_MINUTE: '' };

function post(app: App, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Counts the statuses of the responses. */
function tally(responses: readonly Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

describe('per-address limits of the web chat', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });

  it('with the defaults, one address flooding with rotating visitor ids gets only its share accepted', async () => {
    app = await startTestApp(DEFAULT_LIMITS);
    // New visitor ids: the flooder asks for more than it may have.
    const issued: Response[] = [];
    for (let i = 0; i < DEFAULTS.visitorsPerHour + 10; i++) issued.push(await post(app, '/api/chat/visitors', {}));
    expect(tally(issued)).toEqual({ 200: DEFAULTS.visitorsPerHour, 429: 10 });
    const refused = issued.at(-1)!;
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/too many new visitors from your address; try again in \d+ s/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const visitors = await Promise.all(issued.filter((response) => response.ok).map(async (response) => (await response.json()).visitorId as string));

    // Messages, rotating over those ids (each one stays under the core's per-user limit), and a
    // forged X-Forwarded-For that must not buy a fresh budget while TRUST_PROXY is off.
    const sent: Response[] = [];
    for (let i = 0; i < DEFAULTS.messagesPerMinute + 40; i++) {
      sent.push(await post(app, '/api/chat/messages', { visitorId: visitors[i % visitors.length], text: `where is my withdrawal ${i}` }, { 'x-forwarded-for': `198.51.100.${i % 250}` }));
    }
    expect(tally(sent)).toEqual({ 200: DEFAULTS.messagesPerMinute, 429: 40 });
    expect((await sent.at(-1)!.json()).error).toMatch(/too many messages/);
    const histories = await Promise.all(visitors.map((visitorId) => app!.services.bot.history({ channel: 'web', userId: visitorId }, 1000)));
    const stored = histories.flat().filter((message) => message.from === 'user');
    expect(stored).toHaveLength(DEFAULTS.messagesPerMinute);

    // Reads (where guesses at other visitors' ids would go).
    const reads: Response[] = [];
    for (let i = 0; i < DEFAULTS.readsPerMinute + 5; i++) reads.push(await fetch(`${app.url}/api/chat/history?visitorId=${visitors[i % visitors.length]}`));
    expect(tally(reads)).toEqual({ 200: DEFAULTS.readsPerMinute, 429: 5 });
    expect((await fetch(`${app.url}/api/chat/events?visitorId=${visitors[0]}`)).status).toBe(429);
  });

  it('0 turns a limit off', async () => {
    app = await startTestApp({ WEB_LIMIT_MESSAGES_PER_MINUTE: '0', WEB_LIMIT_VISITORS_PER_HOUR: '0', WEB_LIMIT_READS_PER_MINUTE: '2' });
    const visitors = await Promise.all(Array.from({ length: 50 }, () => newVisitor(app!.url)));
    const sent: Response[] = [];
    for (let i = 0; i < 150; i++) sent.push(await post(app, '/api/chat/messages', { visitorId: visitors[i % visitors.length], text: `hello ${i}` }));
    expect(tally(sent)).toEqual({ 200: 150 });
    // The one left on still applies.
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push(await fetch(`${app.url}/api/chat/history?visitorId=${visitors[0]}`));
    expect(tally(reads)).toEqual({ 200: 2, 429: 1 });
  });

  it('keys on the address a trusted proxy reports only when TRUST_PROXY is set, and passes it on as the origin', async () => {
    app = await startTestApp({ WEB_LIMIT_MESSAGES_PER_MINUTE: '2', TRUST_PROXY: 'loopback' });
    const visitorId = await newVisitor(app.url);
    const handle = vi.spyOn(app.services.bot, 'process');
    const from = (address: string) => post(app!, '/api/chat/messages', { visitorId, text: 'hi' }, { 'x-forwarded-for': address });
    const first = [await from('203.0.113.7'), await from('203.0.113.7'), await from('203.0.113.7')];
    expect(tally(first)).toEqual({ 200: 2, 429: 1 });
    expect((await from('203.0.113.8')).status).toBe(200);
    expect(handle).toHaveBeenLastCalledWith(expect.objectContaining({ origin: '203.0.113.8' }));
  });
});
