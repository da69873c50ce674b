import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startApp, type RunningApp } from '../../src/main.js';
import { newVisitor, postChatMessage, testConfig, webSay } from '../support/app.js';
import { tempDir } from '../support/temp.js';

describe('another process holding the database write lock', () => {
  let app: RunningApp;
  let dbPath: string;
  let cleanup: () => void;
  const logLines: string[] = [];

  beforeAll(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const config = testConfig(temp.dir);
    dbPath = config.databasePath;
    app = await startApp(config, createLogger('info', { write: (line: string) => void logLines.push(line) }));
  });
  afterAll(async () => {
    await app.stop();
    cleanup();
  });

  it('answers 503 with Retry-After and a log line, and works again once the lock is released', async () => {
    const visitor = await newVisitor(app.url);
    const other = new Sqlite(dbPath);
    other.exec('BEGIN IMMEDIATE');
    try {
      const response = await postChatMessage(app.url, visitor, { text: 'how do I deposit?' });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toEqual({ error: 'the database is busy; try again in a moment' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const logged = logLines.map((line) => JSON.parse(line) as { msg: string; code?: string; path?: string });
    expect(logged.some((line) => line.msg === 'database busy' && line.code === 'SQLITE_BUSY' && line.path === '/api/chat/messages')).toBe(true);
    const replies = await webSay(app.url, visitor, { text: 'how do I deposit?' });
    expect(replies.length).toBeGreaterThan(0);
  });

  it("keeps the agent desks' feed running: a poll during the lock logs and retries, and the next one catches up", async () => {
    const visitor = await newVisitor(app.url);
    await webSay(app.url, visitor, { text: 'my account was hacked, someone stole my coins' });
    const [ticket] = await app.services.queue.list();
    expect(ticket).toBeDefined();
    await app.pollDesks();
    const cursor = () => app.services.bindings.deskCursor('teams');
    expect(await cursor()).toBe(await app.services.queue.lastEventId());
    const other = new Sqlite(dbPath);
    try {
      // No timer can run between these two: the note's event is new, and the Teams desk's cursor cannot be written.
      await app.services.desk.note(ticket!.id, { channel: 'cli', userId: 'alice', name: 'alice' }, 'checking the login history');
      other.exec('BEGIN EXCLUSIVE');
      // Before the fix the rejected poll escaped as an unhandled rejection (which ends a Node process).
      await expect(app.pollDesks()).resolves.toBeUndefined();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const logged = logLines.map((line) => JSON.parse(line) as { msg: string; channel?: string });
    expect(logged.some((line) => line.msg.startsWith('agent desk feed: could not read or record events') && line.channel === 'teams')).toBe(true);
    expect(await cursor()).toBeLessThan(await app.services.queue.lastEventId());
    await app.pollDesks();
    expect(await cursor()).toBe(await app.services.queue.lastEventId());
  });
});
