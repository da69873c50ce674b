import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startApp } from '../../src/main.js';
import { startTestApp, testConfig } from '../support/app.js';
import { BOT, FakeConnector } from '../support/fake-connector.js';
import { tempDir } from '../support/temp.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const APP_ID = '5f0b3c55-8a34-4c2e-9d0e-2a8c6f1e7b10';

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(lines: string[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return createLogger('info', sink);
}

/** Posts a raw activity to the bot's messaging endpoint. */
function post(url: string, activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
}

function activity(serviceUrl: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: `act-${Math.random().toString(36).slice(2)}`,
    channelId: 'msteams',
    serviceUrl,
    locale: 'en-US',
    from: { id: '29:eve', name: 'Eve' },
    recipient: BOT,
    conversation: { id: 'a:personal-eve', conversationType: 'personal', tenantId: 'tenant-1' },
    type: 'message',
    text: 'hello',
    ...fields,
  };
}

describe('the Teams endpoint without a Microsoft app id', () => {
  let connector: FakeConnector;
  let app: App;

  beforeAll(async () => {
    connector = await FakeConnector.start();
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.dispose();
    await connector.close();
  });

  it.each([
    ['a path on the connector', (base: string) => `${base}evil/path/`],
    ['a query string', (base: string) => `${base}?x=1`],
    ['credentials in the URL', (base: string) => base.replace('http://', 'http://user:pw@')],
    ['another host', () => 'http://example.com/'],
  ])('refuses a serviceUrl with %s and posts nothing there', async (_what, serviceUrl) => {
    const before = connector.posted.length;
    const response = await post(app.url, activity(serviceUrl(connector.serviceUrl), {}));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining('serviceUrl') });
    expect(connector.posted.length).toBe(before);
  });

  it('greets at most a capped number of members from one conversationUpdate', async () => {
    const members = Array.from({ length: 3000 }, (_, index) => ({ id: `29:member-${index}`, name: `Member ${index}` }));
    const response = await post(
      app.url,
      activity(connector.serviceUrl, { type: 'conversationUpdate', text: undefined, conversation: { id: 'a:personal-crowd', conversationType: 'personal' }, membersAdded: [BOT, ...members] }),
    );
    expect(response.status).toBe(200);
    const greeted = connector.messages('a:personal-crowd');
    expect(greeted.length).toBeGreaterThan(0);
    expect(greeted.length).toBeLessThanOrEqual(20);
    const histories = await Promise.all(members.map((member) => app.services.bot.history({ channel: 'teams', userId: member.id })));
    const stored = histories.filter((history) => history.length > 0);
    expect(stored.length).toBe(greeted.length);
  });
});

describe('the Teams endpoint when not listening on loopback', () => {
  it('turns Teams off without a Microsoft app id, with one line saying why', async () => {
    const { dir, cleanup } = tempDir();
    const lines: string[] = [];
    const app = await startApp(testConfig(dir, { HOST: '0.0.0.0' }), capturingLogger(lines));
    try {
      expect(app.channels.get('teams')).toBeUndefined();
      const off = lines.map((line) => JSON.parse(line) as { msg: string }).filter((line) => line.msg.startsWith('teams: off'));
      expect(off).toHaveLength(1);
      expect(off[0]!.msg).toMatch(/MicrosoftAppId.*HOST/);
      const response = await post(app.url.replace('0.0.0.0', '127.0.0.1'), activity('http://127.0.0.1:9/', {}));
      expect(response.status).toBe(404);
    } finally {
      await app.stop();
      cleanup();
    }
  });
});

describe('the Teams endpoint with a Microsoft app id', () => {
  let connector: FakeConnector;
  let app: Awaited<ReturnType<typeof startApp>>;
  let cleanup: () => void;
  const lines: string[] = [];

  beforeAll(async () => {
    connector = await FakeConnector.start();
    const temp = tempDir();
    cleanup = temp.cleanup;
    app = await startApp(testConfig(temp.dir, { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-secret' }), capturingLogger(lines));
  });
  afterAll(async () => {
    await app.stop();
    await connector.close();
    cleanup();
  });

  it('answers a forged token with a 401 in JSON and one log line, no stack trace', async () => {
    const before = lines.length;
    const forged = `${Buffer.from('{"alg":"RS256","kid":"x"}').toString('base64url')}.${Buffer.from('{"iss":"https://api.botframework.com"}').toString('base64url')}.c2ln`;
    const response = await post(app.url, activity('https://smba.trafficmanager.net/emea/', {}), { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'invalid Bot Framework token' });
    expect(connector.posted).toEqual([]);
    const logged = lines.slice(before);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(JSON.stringify(entry)).not.toMatch(/\\n\s+at /);
    }
    expect(await app.services.bot.history({ channel: 'teams', userId: '29:eve' })).toEqual([]);
  });

  it('refuses a serviceUrl outside the Bot Framework hosts before checking the token', async () => {
    const response = await post(app.url, activity('https://attacker.example/', {}), { authorization: 'Bearer x.y.z' });
    expect(response.status).toBe(403);
    expect(connector.posted).toEqual([]);
  });
});
