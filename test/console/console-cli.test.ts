import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { openEngine } from '../../src/db/open.js';
import { runCli } from '../support/cli.js';
import { describeEachEngine } from '../support/engines.js';
import { PASSWORD } from './helpers.js';

describeEachEngine('agents: the console accounts on the command line', (engine) => {
  const configs = new Map<string, Config>();
  /** The environment of a fresh database of this engine (`DATABASE_URL` selects Postgres). */
  const env = async () => {
    const config = await engine.config();
    const vars: Record<string, string> = { DATABASE_PATH: config.databasePath, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}) };
    configs.set(vars.DATABASE_PATH!, config);
    return vars;
  };
  /** The stored password hash of `login`, read as the CLI left it. */
  const storedHash = async (vars: Record<string, string>, login: string) => {
    const db = await openEngine(configs.get(vars.DATABASE_PATH!)!);
    try {
      const [row] = await db.run((q, t) => q.select({ hash: t.agentAccounts.passwordHash }).from(t.agentAccounts).where(eq(t.agentAccounts.login, login)));
      return row!.hash;
    } finally {
      await db.close();
    }
  };

  it('adds an account from a password on stdin, lists it, and keeps only a scrypt hash of the password', async () => {
    const e = await env();
    const args = ['agents', 'add', 'alice', '--name', 'Alice Wang', '--role', 'admin', '--password-stdin'];
    const added = await runCli(args, e, `${PASSWORD}\n`);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('web:alice');
    expect(args.join(' ')).not.toContain(PASSWORD);
    expect(added.stdout + added.stderr).not.toContain(PASSWORD);

    const list = await runCli(['agents', 'list', '--json'], e);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ login: 'alice', name: 'Alice Wang', role: 'admin', disabled: false })]);
    expect(list.stdout).not.toMatch(/scrypt|hash/i);

    const hash = await storedHash(e, 'alice');
    expect(hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect(hash).not.toContain(PASSWORD);
    // Nowhere in SQLite's file either (nor its write-ahead log).
    if (engine.dialect !== 'sqlite') return;
    for (const file of [e.DATABASE_PATH!, `${e.DATABASE_PATH!}-wal`]) {
      const bytes = (() => {
        try {
          return readFileSync(file);
        } catch {
          return Buffer.alloc(0);
        }
      })();
      expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
    }
  });

  it('refuses a password on the command line, a short password, a bad login and a second account of the same login', async () => {
    const e = await env();
    expect((await runCli(['agents', 'add', 'bob', '--name', 'Bob'], e, `${PASSWORD}\n`)).stderr).toContain('--password-stdin');
    const short = await runCli(['agents', 'add', 'bob', '--name', 'Bob', '--password-stdin'], e, 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('12');
    expect((await runCli(['agents', 'add', 'v-visitor', '--name', 'X', '--password-stdin'], e, `${PASSWORD}\n`)).code).toBe(2);
    expect((await runCli(['agents', 'add', 'bob', '--name', 'Bob', '--password-stdin'], e, `${PASSWORD}\n`)).code).toBe(0);
    const again = await runCli(['agents', 'add', 'bob', '--name', 'Bob', '--password-stdin'], e, `${PASSWORD}\n`);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
  });

  it('disables an account and changes a password', async () => {
    const e = await env();
    await runCli(['agents', 'add', 'carol', '--name', 'Carol', '--password-stdin'], e, `${PASSWORD}\n`);
    expect((await runCli(['agents', 'passwd', 'carol', '--password-stdin'], e, 'another long password\n')).code).toBe(0);
    expect((await runCli(['agents', 'disable', 'carol'], e)).code).toBe(0);
    expect(JSON.parse((await runCli(['agents', 'list', '--json'], e)).stdout)).toEqual([expect.objectContaining({ login: 'carol', disabled: true })]);
    expect((await runCli(['agents', 'disable', 'nobody'], e)).stderr).toContain('no account "nobody"');
    expect((await runCli(['agents', 'list'], e)).stdout).toMatch(/^carol\tagent\tdisabled/);
  });
});
