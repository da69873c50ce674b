import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { PASSWORD } from './helpers.js';

describe('agents: the console accounts on the command line', () => {
  const temps: { cleanup: () => void }[] = [];
  afterEach(() => temps.splice(0).forEach((temp) => temp.cleanup()));
  const env = () => {
    const temp = tempDir();
    temps.push(temp);
    return { DATABASE_PATH: join(temp.dir, 'bot.sqlite') };
  };

  it('adds an account from a password on stdin, lists it, and keeps only a scrypt hash of the password', async () => {
    const e = env();
    const args = ['agents', 'add', 'alice', '--name', 'Alice Wang', '--role', 'admin', '--password-stdin'];
    const added = await runCli(args, e, `${PASSWORD}\n`);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('web:alice');
    expect(args.join(' ')).not.toContain(PASSWORD);
    expect(added.stdout + added.stderr).not.toContain(PASSWORD);

    const list = await runCli(['agents', 'list', '--json'], e);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ login: 'alice', name: 'Alice Wang', role: 'admin', disabled: false })]);
    expect(list.stdout).not.toMatch(/scrypt|hash/i);

    const db = new Sqlite(e.DATABASE_PATH, { readonly: true });
    const row = db.prepare('select password_hash from agent_accounts where login = ?').get('alice') as { password_hash: string };
    db.close();
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
    // Nowhere in the file either (nor its write-ahead log).
    for (const file of [e.DATABASE_PATH, `${e.DATABASE_PATH}-wal`]) {
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
    const e = env();
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
    const e = env();
    await runCli(['agents', 'add', 'carol', '--name', 'Carol', '--password-stdin'], e, `${PASSWORD}\n`);
    expect((await runCli(['agents', 'passwd', 'carol', '--password-stdin'], e, 'another long password\n')).code).toBe(0);
    expect((await runCli(['agents', 'disable', 'carol'], e)).code).toBe(0);
    expect(JSON.parse((await runCli(['agents', 'list', '--json'], e)).stdout)).toEqual([expect.objectContaining({ login: 'carol', disabled: true })]);
    expect((await runCli(['agents', 'disable', 'nobody'], e)).stderr).toContain('no account "nobody"');
    expect((await runCli(['agents', 'list'], e)).stdout).toMatch(/^carol\tagent\tdisabled/);
  });
});
