import { beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { describeEachEngine } from '../support/engines.js';

describeEachEngine('announce (command line)', (engine) => {
  let env: Record<string, string>;
  beforeAll(async () => {
    // A fresh database of this engine: DATABASE_URL selects Postgres.
    const config = await engine.config();
    env = { DATABASE_PATH: config.databasePath, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}) };
  });
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

  it('publishes a notice with both texts and its window, and prints it as JSON', { timeout: 30_000 }, async () => {
    const from = new Date(Date.now() + 60_000).toISOString();
    const until = inAnHour();
    const run = await runCli(['announce', '--kind', 'update', '--en', 'Version 2.0 is out', '--zh', '2.0 版已发布', '--from', from, '--until', until, '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'update', text: { en: 'Version 2.0 is out', zh: '2.0 版已发布' }, startsAt: from, endsAt: until, recipients: 0 });
  });

  it('refuses an unknown kind, a missing end, a time without its zone and an end before the start (exit code 2)', { timeout: 30_000 }, async () => {
    const base = ['--en', 'x', '--zh', 'x'];
    const runs = await Promise.all([
      runCli(['announce', '--kind', 'party', ...base, '--until', inAnHour()], env),
      runCli(['announce', '--kind', 'incident', ...base], env),
      runCli(['announce', '--kind', 'incident', ...base, '--until', '2030-01-01 10:00'], env),
      runCli(['announce', '--kind', 'incident', ...base, '--from', inAnHour(), '--until', new Date(Date.now() + 60_000).toISOString()], env),
    ]);
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2]);
    expect(runs[3].stderr).toMatch(/end must be after the start/);
  });
});
