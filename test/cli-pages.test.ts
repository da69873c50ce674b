import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { createServices, type Services } from '../src/services.js';
import { runCli } from './support/cli.js';
import { tempDir } from './support/temp.js';

/** Tickets of a page, by number. */
const numbers = (stdout: string) => (JSON.parse(stdout) as { number: string }[]).map((ticket) => ticket.number);
/** The `--cursor` a page names on stderr, if any. */
const nextCursor = (stderr: string) => /--cursor (\S+)/.exec(stderr)?.[1];

describe('escalations list in pages', () => {
  const temp = tempDir();
  const env = { DATABASE_PATH: `${temp.dir}/pages.sqlite`, LOG_LEVEL: 'silent' };
  let services: Services;

  /** Opens a ticket: urgent for a hacked account, normal after the hand-off questions are skipped. */
  const open = async (user: string, urgent: boolean) => {
    const say = (text: string) => services.bot.process({ channel: 'cli', userId: user, conversation: { user }, text });
    if (urgent) {
      await say('my account was hacked and someone stole all my funds');
      return;
    }
    await say('/human');
    for (let step = 0; step < 6 && !(await services.queue.list()).some((ticket) => ticket.userId === user); step++) await say('skip');
  };

  beforeAll(async () => {
    services = await createServices(loadConfig(env));
    for (let index = 0; index < 7; index++) await open(`user-${index}`, index % 3 === 0);
  });
  afterAll(async () => {
    await services.close();
    temp.cleanup();
  });

  it('walks the whole queue page by page, in the same order as one list, with the next page named on stderr', async () => {
    const whole = await runCli(['escalations', 'list', '--json'], env);
    expect(whole.stderr).toBe('');
    const expected = numbers(whole.stdout);
    expect(expected).toHaveLength(7);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await runCli(['escalations', 'list', '--json', '--limit', '3', ...(cursor ? ['--cursor', cursor] : [])], env);
      expect(page.code).toBe(0);
      seen.push(...numbers(page.stdout));
      cursor = nextCursor(page.stderr);
      pages++;
      // A ticket opened while paging lands in its place in the queue and does not shift the pages after it.
      if (pages === 1) await open('latecomer', false);
    } while (cursor && pages < 10);
    // Every ticket of the whole list once, in its order; the latecomer at most once, wherever it belongs.
    expect(seen.filter((number) => expected.includes(number))).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('refuses a cursor it did not print, and a cursor without --limit', async () => {
    expect((await runCli(['escalations', 'list', '--limit', '2', '--cursor', 'not-a-cursor'], env)).code).toBe(2);
    const first = await runCli(['escalations', 'list', '--limit', '2'], env);
    const cursor = nextCursor(first.stderr)!;
    expect(cursor).toBeDefined();
    expect((await runCli(['escalations', 'list', '--cursor', cursor], env)).code).toBe(2);
    expect((await runCli(['escalations', 'list', '--limit', '0'], env)).code).toBe(2);
  });
});
