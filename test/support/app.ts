import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { startApp, type RunningApp } from '../../src/main.js';
import { tempDir } from './temp.js';

/** The web chat's per-address limits, off: every test client shares one address. Tests of the limits set their own. */
const NO_ADDRESS_LIMITS = { WEB_LIMIT_MESSAGES_PER_MINUTE: '0', WEB_LIMIT_VISITORS_PER_HOUR: '0', WEB_LIMIT_READS_PER_MINUTE: '0', WEB_LIMIT_PRIORITY_TICKETS_PER_HOUR: '0' };

/** A configuration for tests: a database in `dir`, an ephemeral port, silent logs, no per-address limits, plus `env`. */
export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATABASE_PATH: join(dir, 'bot.sqlite'), PORT: '0', LOG_LEVEL: 'silent', ...NO_ADDRESS_LIMITS, ...env });
}

/**
 * Starts the real app on an ephemeral loopback port with a fresh database (or the one in
 * `existingDir`, which dispose then leaves in place, e.g. to restart on it).
 */
export async function startTestApp(env: Record<string, string> = {}, existingDir?: string): Promise<RunningApp & { dir: string; dispose: () => Promise<void> }> {
  const { dir, cleanup } = existingDir ? { dir: existingDir, cleanup: () => {} } : tempDir();
  const config = testConfig(dir, env);
  const app = await startApp(config, createLogger('silent'));
  return {
    ...app,
    dir,
    async dispose() {
      await app.stop();
      cleanup();
    },
  };
}

/** A visitor id issued by the web chat (`POST /api/chat/visitors`), as the page gets one. */
export async function newVisitor(url: string): Promise<string> {
  const response = await fetch(`${url}/api/chat/visitors`, { method: 'POST' });
  if (!response.ok) throw new Error(`POST /api/chat/visitors: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { visitorId: string }).visitorId;
}

/** What a web-chat message carries besides the visitor id. */
type ChatMessageBody = { text?: string; payload?: string; lang?: 'zh' | 'en' };

/** Posts a web-chat message as `visitorId` and returns the response as it is (for tests of refusals: 401, 429, 503). */
export function postChatMessage(url: string, visitorId: string, body: ChatMessageBody): Promise<Response> {
  return fetch(`${url}/api/chat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ visitorId, ...body }),
  });
}

/** Posts a web-chat message as `visitorId` (one from {@link newVisitor}) and returns the replies. */
export async function webSay(
  url: string,
  visitorId: string,
  body: ChatMessageBody,
): Promise<{ kind: string; text: string; suggestions?: { label: string; payload: string }[]; escalation?: { number: string; status: string; priority: string } }[]> {
  const response = await postChatMessage(url, visitorId, body);
  if (!response.ok) throw new Error(`POST /api/chat/messages: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { replies: never[] }).replies;
}
