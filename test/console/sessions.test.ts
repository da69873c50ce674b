import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentAccounts } from '../../src/agents/accounts.js';
import { AgentSessions, isCsrfToken } from '../../src/agents/sessions.js';
import { openDatabase } from '../../src/db/index.js';
import { tempDir } from '../support/temp.js';
import { PASSWORD } from './helpers.js';

describe('console sessions', () => {
  const temp = tempDir();
  const database = openDatabase(join(temp.dir, 'bot.sqlite'));
  let now = new Date('2026-05-01T08:00:00Z');
  const clock = () => now;
  const sessions = new AgentSessions(database.db, { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 }, clock);
  const accounts = new AgentAccounts(database.db, clock);

  it('ends after the idle time, and after the absolute time however busy; stores only a hash of the token', async () => {
    const { id } = await accounts.add({ login: 'alice', name: 'Alice', role: 'agent', password: PASSWORD });
    const idle = sessions.open(id);
    expect(database.sqlite.prepare('select count(*) as n from agent_sessions where token_hash = ?').get(idle)).toEqual({ n: 0 });
    now = new Date(now.getTime() + 29 * 60_000);
    expect(sessions.find(idle)?.accountId).toBe(id);
    now = new Date(now.getTime() + 31 * 60_000);
    expect(sessions.find(idle)).toBeUndefined();

    const busy = sessions.open(id);
    // Used every 20 minutes: alive for its 8 hours, then over.
    for (let step = 0; step < 24; step++) {
      now = new Date(now.getTime() + 20 * 60_000);
      expect(sessions.find(busy)).toBeDefined();
    }
    now = new Date(now.getTime() + 20 * 60_000);
    expect(sessions.find(busy)).toBeUndefined();
  });

  it('binds the CSRF token to its session', async () => {
    const { id } = await accounts.add({ login: 'bob', name: 'Bob', role: 'agent', password: PASSWORD });
    const one = sessions.find(sessions.open(id))!;
    const two = sessions.find(sessions.open(id))!;
    expect(isCsrfToken(one, one.csrfToken)).toBe(true);
    expect(isCsrfToken(one, two.csrfToken)).toBe(false);
    expect(isCsrfToken(one, undefined)).toBe(false);
    database.close();
    temp.cleanup();
  });
});
