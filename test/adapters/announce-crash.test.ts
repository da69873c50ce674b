import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { say } from '../../src/contracts/index.js';
import { openDatabase } from '../../src/db/index.js';
import { Outbox } from '../../src/escalation/outbox.js';
import { startTestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { FakeTelegram, type TgUser } from '../support/fake-telegram.js';
import { tempDir } from '../support/temp.js';
import { startBotProcess } from '../support/bot-process.js';

const SUBSCRIBERS = 12;
/** Notices the platform answers before it stalls and the bot is killed. */
const ANSWERED_BEFORE_KILL = 5;
const NOTICE = 'The exchange is down for maintenance until 06:00 UTC.';

describe('an announcement survives the bot being killed half-way', { timeout: 90_000 }, () => {
  const temp = tempDir();
  let telegram: FakeTelegram | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await telegram?.close();
    temp.cleanup();
  });

  it('reaches every subscriber exactly once after a SIGKILL mid-fan-out and a restart on the same database', async () => {
    telegram = await FakeTelegram.start();
    const databasePath = join(temp.dir, 'bot.sqlite');
    // A short lease: the restarted bot retries the rows the killed one held after a second, not 15.
    const env = { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, OUTBOX_LEASE_SECONDS: '1' };
    child = (await startBotProcess({ ...env, DATABASE_PATH: databasePath, PORT: '0', LOG_LEVEL: 'info' })).child;
    const users: TgUser[] = Array.from({ length: SUBSCRIBERS }, (_, n) => ({ id: 4000 + n, is_bot: false, first_name: `User ${n}`, language_code: 'en' }));
    for (const user of users) {
      const mark = telegram.mark();
      telegram.sendText(user, '/subscribe');
      await telegram.waitForCall('sendMessage', (params) => params.chat_id === user.id && params.text === say('en', 'subscribed'), { after: mark, timeoutMs: 10_000 });
    }

    const isNotice = (text: unknown) => String(text).includes(NOTICE);
    telegram.holdAfter(ANSWERED_BEFORE_KILL, (params) => isNotice(params.text));
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const published = await runCli(['announce', '--kind', 'incident', '--en', NOTICE, '--zh', '交易所维护中，06:00(UTC)恢复。', '--until', until], { DATABASE_PATH: databasePath });
    expect(published.stdout).toMatch(new RegExp(`for ${SUBSCRIBERS} subscribers`));

    // Kill once the bot has marked what the platform answered and is waiting on the rest.
    const database = openDatabase(databasePath);
    try {
      const outbox = new Outbox(database.engine);
      await vi.waitFor(async () => expect([telegram!.held, await outbox.pendingCount()]).toEqual([SUBSCRIBERS - ANSWERED_BEFORE_KILL, SUBSCRIBERS - ANSWERED_BEFORE_KILL]), {
        timeout: 20_000,
        interval: 20,
      });
    } finally {
      database.close();
    }
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    child = undefined;

    telegram.holdAfter(Number.POSITIVE_INFINITY, () => true);
    const restarted = await startTestApp(env, temp.dir);
    try {
      await vi.waitFor(
        async () => {
          await restarted.drainOutbox();
          expect(await restarted.services.outbox.pendingCount()).toBe(0);
        },
        { timeout: 20_000, interval: 100 },
      );
      const copies = users.map((user) => telegram!.callsOf('sendMessage').filter((call) => call.params.chat_id === user.id && isNotice(call.params.text)).length);
      expect(copies).toEqual(users.map(() => 1));
    } finally {
      await restarted.dispose();
    }
  });
});
