import { request, type IncomingMessage } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { newVisitor, startTestApp } from '../support/app.js';

/** A response read to the end. */
interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function read(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    response.on('error', reject);
  });
}

/** One request on a connection of its own (no kept-alive socket from before). */
function send(url: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${url}${path}`,
      { method, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (response) => void read(response).then(resolve, reject),
    );
    outgoing.on('error', reject);
    outgoing.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * Starts a chat message and stops half-way through its body: resolves once the server has taken
 * the request in (it answered `100 Continue`), with a way to send the rest and read the answer.
 */
function startMessage(url: string, body: unknown): Promise<{ finish(): Promise<Answer> }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}/api/chat/messages`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), expect: '100-continue' },
    });
    const answered = new Promise<Answer>((done, failed) => {
      outgoing.on('response', (response) => void read(response).then(done, failed));
      outgoing.on('error', failed);
    });
    outgoing.on('error', reject);
    outgoing.on('continue', () => {
      outgoing.write(text.slice(0, 10));
      resolve({
        finish() {
          outgoing.end(text.slice(10));
          return answered;
        },
      });
    });
    outgoing.flushHeaders();
  });
}

describe('graceful shutdown', () => {
  const apps: Awaited<ReturnType<typeof startTestApp>>[] = [];
  afterAll(async () => {
    for (const app of apps) await app.dispose();
  });

  it('stops taking messages first (503 with Retry-After), lets the one in progress finish, then closes', async () => {
    const app = await startTestApp();
    apps.push(app);
    const visitor = await newVisitor(app.url);
    const inProgress = await startMessage(app.url, { visitorId: visitor, text: 'how do I deposit?' });

    let stopped = false;
    const stopping = app.stop().then(() => (stopped = true));

    const refused = await send(app.url, 'POST', '/api/chat/messages', { visitorId: visitor, text: 'hello?' });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body)).toEqual({ error: expect.stringMatching(/restarting/) });
    const health = await send(app.url, 'GET', '/healthz');
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'stopping' });
    expect((await send(app.url, 'GET', '/metrics')).status).toBe(200);
    expect(stopped).toBe(false);

    const answer = await inProgress.finish();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).replies.length).toBeGreaterThan(0);
    await stopping;
    await expect(send(app.url, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });
});
