import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { startApp } from '../../src/main.js';
import { testConfig } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

describe('a DATABASE_PATH that cannot be used', { timeout: 60_000 }, () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  const cases: [string, () => string][] = [
    [
      'a corrupt file',
      () => {
        const path = join(temp.dir, 'corrupt.sqlite');
        writeFileSync(path, Buffer.alloc(8192, 0x5a));
        return path;
      },
    ],
    [
      'a directory',
      () => {
        const path = join(temp.dir, 'a-directory');
        mkdirSync(path);
        return path;
      },
    ],
    [
      'a path under a regular file',
      () => {
        const file = join(temp.dir, 'plain-file');
        writeFileSync(file, 'x');
        return join(file, 'bot.sqlite');
      },
    ],
  ];
  if (process.getuid?.() !== 0) {
    cases.push([
      'a read-only directory',
      () => {
        const dir = join(temp.dir, 'read-only');
        mkdirSync(dir);
        chmodSync(dir, 0o500);
        return join(dir, 'bot.sqlite');
      },
    ]);
  }

  it.each(cases)('%s stops start-up with one message naming the variable', async (_what, makePath) => {
    const path = makePath();
    const starting = startApp(testConfig(temp.dir, { DATABASE_PATH: path }), createLogger('silent'));
    await expect(starting).rejects.toBeInstanceOf(ConfigError);
    await expect(starting).rejects.toThrow(/^DATABASE_PATH: cannot open /);
    const cli = await runCli(['escalations', 'list'], { DATABASE_PATH: path });
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toMatch(/^error: DATABASE_PATH: cannot open .+: /);
  });
});
