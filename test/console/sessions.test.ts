import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { AgentAccounts } from '../../src/agents/accounts.js';
import { AgentSessions, isCsrfToken } from '../../src/agents/sessions.js';
import type { Engine } from '../../src/db/index.js';
import { describeEachEngine } from '../support/engines.js';
import { PASSWORD } from './helpers.js';

describeEachEngine('console sessions', (engineUnderTest) => {
  let engine: Engine;
  let sessions: AgentSessions;
  let accounts: AgentAccounts;
  let now = new Date('2026-05-01T08:00:00Z');
  const clock = () => now;
  beforeAll(async () => {
    engine = await engineUnderTest.open();
    sessions = new AgentSessions(engine, { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 }, clock);
    accounts = new AgentAccounts(engine, clock);
  });
  const rowsWithHash = (hash: string) => engine.run((db, t) => db.select().from(t.agentSessions).where(eq(t.agentSessions.tokenHash, hash)));

  it('ends after the idle time, and after the absolute time however busy; stores only a hash of the token', async () => {
    const { id } = await accounts.add({ login: 'alice', name: 'Alice', role: 'agent', password: PASSWORD });
    const idle = await sessions.open(id);
    expect(await rowsWithHash(idle)).toEqual([]);
    expect(await rowsWithHash(createHash('sha256').update(idle).digest('hex'))).toHaveLength(1);
    now = new Date(now.getTime() + 29 * 60_000);
    expect((await sessions.find(idle))?.accountId).toBe(id);
    now = new Date(now.getTime() + 31 * 60_000);
    expect(await sessions.find(idle)).toBeUndefined();

    const busy = await sessions.open(id);
    // Used every 20 minutes: alive for its 8 hours, then over.
    for (let step = 0; step < 24; step++) {
      now = new Date(now.getTime() + 20 * 60_000);
      expect(await sessions.find(busy)).toBeDefined();
    }
    now = new Date(now.getTime() + 20 * 60_000);
    expect(await sessions.find(busy)).toBeUndefined();
  });

  it('binds the CSRF token to its session', async () => {
    const { id } = await accounts.add({ login: 'bob', name: 'Bob', role: 'agent', password: PASSWORD });
    const one = (await sessions.find(await sessions.open(id)))!;
    const two = (await sessions.find(await sessions.open(id)))!;
    expect(isCsrfToken(one, one.csrfToken)).toBe(true);
    expect(isCsrfToken(one, two.csrfToken)).toBe(false);
    expect(isCsrfToken(one, undefined)).toBe(false);
  });
});
