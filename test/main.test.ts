import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/temp.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs `npm start` with only the given environment (no tokens at all). */
function npmStart(env: Record<string, string>) {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the test can signal npm, tsx and the bot together, as a process manager does.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (!pattern.test(output) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!pattern.test(output)) throw new Error(`did not see ${pattern} in:\n${output}`);
  };
  return { child, exited, waitFor, output: () => output };
}

describe('npm start', () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it('starts with an empty environment, serves /healthz and /metrics, says which channels are off, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const app = npmStart({ PORT: String(port), DATABASE_PATH: `${temp.dir}/bot.sqlite`, INSTANCE_ID: 'bot-main' });
    try {
      await app.waitFor(/ready: web chat at/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^support_bot_outbox_pending\{[^}]*instance="bot-main"[^}]*\} 0$/m);
      expect(app.output()).toMatch(/telegram: off \(TELEGRAM_BOT_TOKEN is not set\)/);
      expect(app.output()).toMatch(/discord: off \(DISCORD_BOT_TOKEN is not set\)/);
      process.kill(-app.child.pid!, 'SIGTERM');
      await app.waitFor(/"msg":"stopped"/, 10_000);
      await app.exited;
    } finally {
      if (app.child.exitCode === null && app.child.signalCode === null) process.kill(-app.child.pid!, 'SIGKILL');
    }
  });

  it('refuses a bad value with one message naming the variable', async () => {
    const app = npmStart({ PORT: 'abc', DATABASE_PATH: `${temp.dir}/bad.sqlite` });
    expect(await app.exited).toBe(2);
    expect(app.output()).toContain('Configuration error: PORT: must be a whole number');
  });
});
