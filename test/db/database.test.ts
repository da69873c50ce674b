import { statSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, tables } from '../../src/db/index.js';
import { ConversationStore } from '../../src/dialogue/store.js';
import { tempDir } from '../support/temp.js';

describe('database', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));

  function freshPath(): string {
    const { dir, cleanup } = tempDir();
    dirs.push(cleanup);
    return join(dir, 'nested', 'bot.sqlite');
  }

  it('creates the directory, applies the migrations to an empty file and uses WAL', () => {
    const handle = openDatabase(freshPath());
    const sqlite = handle.sqlite;
    const names = sqlite.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[];
    expect(names.map((row) => row.name)).toEqual(
      expect.arrayContaining(['users', 'conversations', 'messages', 'escalations', 'escalation_events', 'outbox', 'unanswered_questions', '__drizzle_migrations']),
    );
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    handle.close();
  });

  it('checkpoints from a worker when asked (the server): commits never checkpoint, yet the log reaches the file', async () => {
    const path = freshPath();
    const errors: Error[] = [];
    const handle = openDatabase(path, { checkpointInBackground: { onError: (error) => errors.push(error) } });
    expect(handle.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path).size;
    const store = new ConversationStore(handle.engine);
    const conversation = await store.open('web', 'writer', { visitorId: 'writer' }, undefined, new Date());
    // ~2 MB in 500 commits: without a checkpoint every page of it would stay in the -wal file.
    for (let n = 0; n < 500; n++) await store.append(conversation.id, { sender: 'user', text: `${n} ${'x'.repeat(4000)}` }, new Date());
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(before + 1_000_000), { timeout: 10_000, interval: 50 });
    expect(errors).toEqual([]);
    handle.close();
    const reopened = openDatabase(path);
    expect(reopened.sqlite.prepare('select count(*) as n from messages').get()).toEqual({ n: 500 });
    reopened.close();
  });

  it('leaves checkpoints to SQLite when not asked (the CLI): the log reaches the file only at its threshold', () => {
    const handle = openDatabase(freshPath());
    expect(handle.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    handle.close();
  });

  it('round-trips a message, and it survives closing and reopening the file', async () => {
    const path = freshPath();
    const first = openDatabase(path);
    const store = new ConversationStore(first.engine);
    const now = new Date('2026-11-25T10:00:00Z');
    const conversation = await store.open('web', 'visitor-1', { visitorId: 'visitor-1' }, 'Ann', now);
    await store.append(conversation.id, { sender: 'user', text: '我的提现还没到账', platformMessageId: 'm1' }, now);
    first.close();

    const second = openDatabase(path);
    const rows = second.db.select().from(tables.messages).where(eq(tables.messages.conversationId, conversation.id)).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sender: 'user', text: '我的提现还没到账', platformMessageId: 'm1' });
    expect(rows[0]!.createdAt.toISOString()).toBe(now.toISOString());
    const again = new ConversationStore(second.engine);
    expect(await again.seen(conversation.id, 'm1')).toBe(true);
    expect((await again.find('web', 'visitor-1'))?.reference).toEqual({ visitorId: 'visitor-1' });
    second.close();
  });
});
