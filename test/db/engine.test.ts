import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Engine } from '../../src/db/index.js';
import { describeEachEngine } from '../support/engines.js';

/** A user row, the smallest thing to write. */
async function addUser(engine: Engine, id: string, name = id): Promise<void> {
  const now = new Date();
  await engine.run((db, { users }) => db.insert(users).values({ id, channel: 'cli', channelUserId: id, displayName: name, lastSeenAt: now, createdAt: now }));
}

async function namesOf(engine: Engine): Promise<string[]> {
  const rows = await engine.run((db, { users }) => db.select({ id: users.id }).from(users).orderBy(users.id));
  return rows.map((row) => row.id);
}

describeEachEngine('database engine', (engines) => {
  it('commits a transaction that resolves and rolls back one that rejects, whole', async () => {
    const engine = await engines.open();
    await engine.transaction(async () => {
      await addUser(engine, 'a');
      await addUser(engine, 'b');
    });
    await expect(
      engine.transaction(async () => {
        await addUser(engine, 'c');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await namesOf(engine)).toEqual(['a', 'b']);
  });

  it('rolls back a nested transaction alone when the outer one goes on', async () => {
    const engine = await engines.open();
    await engine.transaction(async () => {
      await addUser(engine, 'outer');
      await engine.transaction(async () => addUser(engine, 'kept'));
      await expect(
        engine.transaction(async () => {
          await addUser(engine, 'dropped');
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
    });
    expect(await namesOf(engine)).toEqual(['kept', 'outer']);
  });

  it('keeps statements of other callers out of an open transaction', async () => {
    const engine = await engines.open();
    let release!: () => void;
    const waiting = new Promise<void>((resolve) => (release = resolve));
    const inside = engine.transaction(async () => {
      await addUser(engine, 'inside');
      await waiting;
      throw new Error('rolled back');
    });
    // Another caller writes while the transaction is open: its row must survive the rollback.
    const outside = addUser(engine, 'outside');
    setTimeout(release, 20);
    await expect(inside).rejects.toThrow('rolled back');
    await outside;
    expect(await namesOf(engine)).toEqual(['outside']);
  });

  it('runs a prepared statement with its placeholders, inside and outside transactions', async () => {
    const engine = await engines.open();
    const byId = engine.prepare('engine_test_user_by_id', (db, { users }) =>
      db
        .select({ name: users.displayName })
        .from(users)
        .where(eq(users.id, sql.placeholder('id'))),
    );
    await addUser(engine, 'x', 'Xavier');
    expect(await byId({ id: 'x' })).toEqual([{ name: 'Xavier' }]);
    await expect(
      engine.transaction(async () => {
        await addUser(engine, 'y', 'Yolanda');
        expect(await byId({ id: 'y' })).toEqual([{ name: 'Yolanda' }]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await byId({ id: 'y' })).toEqual([]);
  });

  it('spells the differing SQL for its dialect: contains, case-blind LIKE, JSON fields, times', async () => {
    const engine = await engines.open();
    await addUser(engine, 'Mixed_Case', 'Ünïcode name');
    const now = new Date();
    const reference = { visitorId: 'v-1' };
    await engine.run((db, { conversations }) => db.insert(conversations).values({ userId: 'Mixed_Case', channel: 'cli', reference, state: {}, createdAt: now, updatedAt: now }));
    const { users, conversations } = engine.tables;
    const found = await engine.run((db) =>
      db
        .select({ id: users.id })
        .from(users)
        .where(sql`${engine.sql.contains(users.displayName, 'ïcode')} and ${engine.sql.likeIgnoringCase(users.id, 'mixed\\_%')}`),
    );
    expect(found).toEqual([{ id: 'Mixed_Case' }]);
    const visitor = await engine.run((db) => db.select({ visitor: engine.sql.jsonText(conversations.reference, 'visitorId') }).from(conversations));
    expect(visitor).toEqual([{ visitor: 'v-1' }]);
    const later = await engine.run((db) =>
      db
        .select({ id: conversations.id })
        .from(conversations)
        .where(sql`${conversations.createdAt} > ${engine.sql.time(new Date(now.getTime() - 1000))}`),
    );
    expect(later).toHaveLength(1);
  });

  it('lets transactions about one key take turns (the lock lasts until the transaction ends)', async () => {
    const engine = await engines.open();
    await addUser(engine, 'counter', '0');
    const increment = () =>
      engine.transaction(async () => {
        await engine.lock('counter');
        const [row] = await engine.run((db, { users }) => db.select({ name: users.displayName }).from(users).where(eq(users.id, 'counter')));
        await new Promise((resolve) => setTimeout(resolve, 5));
        await engine.run((db, { users }) =>
          db
            .update(users)
            .set({ displayName: String(Number(row!.name) + 1) })
            .where(eq(users.id, 'counter')),
        );
      });
    await Promise.all(Array.from({ length: 8 }, increment));
    const [row] = await engine.run((db, { users }) => db.select({ name: users.displayName }).from(users).where(eq(users.id, 'counter')));
    expect(row!.name).toBe('8');
  });

  it('stores text and JSON holding U+0000 (hostile input): Postgres, which refuses the character, gets it dropped', async () => {
    const engine = await engines.open();
    const now = new Date();
    await addUser(engine, 'nul', 'before\u0000after');
    await engine.run((db, { conversations }) =>
      db.insert(conversations).values({ userId: 'nul', channel: 'cli', reference: { name: 'a\u0000b', path: 'c:\\u0000' }, state: {}, createdAt: now, updatedAt: now }),
    );
    const [user] = await engine.run((db, { users }) => db.select({ name: users.displayName }).from(users).where(eq(users.id, 'nul')));
    const [conversation] = await engine.run((db, { conversations }) => db.select({ reference: conversations.reference }).from(conversations));
    const kept = engines.dialect === 'sqlite';
    expect(user!.name).toBe(kept ? 'before\u0000after' : 'beforeafter');
    // An escaped backslash before "u0000" is text, not the character: it stays.
    expect(conversation!.reference).toEqual({ name: kept ? 'a\u0000b' : 'ab', path: 'c:\\u0000' });
  });
});
