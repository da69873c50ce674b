import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { newVisitor, startTestApp } from '../support/app.js';
import { tempDir } from '../support/temp.js';

const temps = [tempDir(), tempDir(), tempDir()];
afterAll(() => {
  for (const temp of temps) temp.cleanup();
});

async function historyStatus(url: string, visitorId: string): Promise<number> {
  return (await fetch(`${url}/api/chat/history?visitorId=${visitorId}`)).status;
}

describe('the secret that signs web visitor ids', () => {
  it('is created once beside the database, readable by its owner only', async () => {
    const app = await startTestApp({}, temps[0]!.dir);
    try {
      const file = statSync(join(temps[0]!.dir, 'bot.sqlite-visitor-secret'));
      expect(file.mode & 0o777).toBe(0o600);
    } finally {
      await app.dispose();
    }
  });

  it("may be given as WEB_VISITOR_SECRET, so instances on different disks recognise each other's ids", async () => {
    const secret = 'a-shared-secret-of-at-least-32-characters';
    const one = await startTestApp({ WEB_VISITOR_SECRET: secret }, temps[1]!.dir);
    const other = await startTestApp({ WEB_VISITOR_SECRET: secret });
    const stranger = await startTestApp({ WEB_VISITOR_SECRET: `${secret}, but another one` });
    try {
      const visitorId = await newVisitor(one.url);
      expect(await historyStatus(other.url, visitorId)).toBe(200);
      expect(await historyStatus(stranger.url, visitorId)).toBe(401);
    } finally {
      await Promise.all([one.dispose(), other.dispose(), stranger.dispose()]);
    }
  });

  it('stops start-up naming WEB_VISITOR_SECRET when its file is unusable', async () => {
    writeFileSync(join(temps[2]!.dir, 'bot.sqlite-visitor-secret'), 'too short\n');
    const failed = await startTestApp({}, temps[2]!.dir).then(
      async (app) => {
        await app.dispose();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(ConfigError);
    expect((failed as ConfigError).message).toMatch(/^WEB_VISITOR_SECRET: .*bot\.sqlite-visitor-secret/);
  });
});
