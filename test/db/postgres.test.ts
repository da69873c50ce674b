import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { getTableName, is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { openPostgres, pgTables, type PostgresHandle } from '../../src/db/postgres.js';
import { describeWithPostgres, freshPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';

/** A password no message may show. */
const PASSWORD = 'Sup3r-secret-pa55';

/** The migrations committed in `drizzle-pg/`. */
const MIGRATIONS = (JSON.parse(readFileSync(new URL('../../drizzle-pg/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] }).entries;

const PG_TABLES = Object.values(pgTables).filter((value) => is(value, PgTable));
const TABLE_NAMES = PG_TABLES.map((table) => getTableName(table)).sort();

/** Sorts rows by table, then name, the same way whatever the database's collation. */
const byTableAndName = <T extends { table: string; name: string }>(rows: T[]) => rows.sort((a, b) => a.table.localeCompare(b.table) || a.name.localeCompare(b.name));

/** The one-line ConfigError `openPostgres(url)` stops with; fails the test when it opens or throws anything else. */
async function configErrorOf(url: string): Promise<ConfigError> {
  const error: unknown = await openPostgres(url).then(
    async (handle) => {
      await handle.close();
      return undefined;
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  const configError = error as ConfigError;
  expect(configError.message).toMatch(/^DATABASE_URL: /);
  expect(configError.message).not.toContain('\n');
  expect(configError.message).not.toContain(PASSWORD);
  return configError;
}

/** A local port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function appliedMigrations(handle: PostgresHandle): Promise<{ id: number; hash: string }[]> {
  const result = await handle.db.execute<{ id: number; hash: string }>(sql`select id, hash from drizzle.__drizzle_migrations order by id`);
  return result.rows;
}

async function publicTables(handle: PostgresHandle): Promise<string[]> {
  const result = await handle.db.execute<{ name: string }>(sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`);
  return result.rows.map((row) => row.name);
}

describe('a DATABASE_URL that cannot be used, without a server to ask', () => {
  it.each(['mysql://bot:x@127.0.0.1/bot', 'bot_test', `postgres://bot:${PASSWORD}@[::1/bot`])('%s is refused as not a postgres:// URL', async (url) => {
    const error = await configErrorOf(url);
    expect(error.message).toBe('DATABASE_URL: must be a postgres://user:password@host:port/database URL');
  });

  it('a server that is not listening stops start-up naming the address, the password hidden', async () => {
    const port = await closedPort();
    const error = await configErrorOf(`postgres://bot:${PASSWORD}@127.0.0.1:${port}/bot_test`);
    expect(error.message).toBe(`DATABASE_URL: cannot use postgres://bot:***@127.0.0.1:${port}/bot_test: connect ECONNREFUSED 127.0.0.1:${port} (ECONNREFUSED)`);
  });
});

describeWithPostgres('openPostgres on a real Postgres', () => {
  const databases: TestPostgresDatabase[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  async function freshUrl(): Promise<string> {
    const database = await freshPostgresDatabase();
    databases.push(database);
    return database.url;
  }

  describe('one instance', () => {
    let url: string;
    beforeAll(async () => {
      url = await freshUrl();
    });

    it('applies every migration of drizzle-pg/ to an empty database; a second start applies none and keeps the data', async () => {
      const first = await openPostgres(url);
      expect(await publicTables(first)).toEqual(TABLE_NAMES);
      const applied = await appliedMigrations(first);
      expect(applied).toHaveLength(MIGRATIONS.length);
      const now = new Date('2026-11-29T23:50:00.123Z');
      await first.db.insert(pgTables.users).values({ id: 'web:v1', channel: 'web', channelUserId: 'v1', lastSeenAt: now });
      await first.close();

      const second = await openPostgres(url);
      expect(await appliedMigrations(second)).toEqual(applied);
      const users = await second.db.select().from(pgTables.users);
      expect(users).toEqual([expect.objectContaining({ id: 'web:v1', lastSeenAt: now })]);
      await second.close();
    });

    it('builds exactly what pg-schema.ts declares: column types, nullability, indexes (a forgotten `npm run db:generate:pg` fails here)', async () => {
      const handle = await openPostgres(url);
      const columns = await handle.db.execute<{ table: string; name: string; type: string; notNull: boolean }>(
        sql`select table_name as "table", column_name as name, data_type as type, is_nullable = 'NO' as "notNull" from information_schema.columns where table_schema = 'public'`,
      );
      const indexes = await handle.db.execute<{ table: string; name: string; unique: boolean }>(
        sql`select tablename as "table", indexname as name, indexdef like 'CREATE UNIQUE %' as unique from pg_indexes where schemaname = 'public' and indexname not like '%_pkey'`,
      );
      await handle.close();
      const declared = PG_TABLES.map((table) => getTableConfig(table));
      expect(byTableAndName(columns.rows)).toEqual(
        byTableAndName(declared.flatMap(({ name: table, columns }) => columns.map((column) => ({ table, name: column.name, type: column.getSQLType(), notNull: column.notNull })))),
      );
      expect(byTableAndName(indexes.rows)).toEqual(byTableAndName(declared.flatMap(({ name: table, indexes }) => indexes.map(({ config }) => ({ table, name: config.name!, unique: config.unique })))));
    });

    it('a wrong password or an unknown database stops start-up in one line naming DATABASE_URL', async () => {
      const wrongPassword = new URL(url);
      wrongPassword.password = PASSWORD;
      expect((await configErrorOf(wrongPassword.toString())).message).toMatch(/: password authentication failed for user "[^"]+" \(28P01\)$/);

      const unknownDatabase = new URL(url);
      unknownDatabase.pathname = '/no_such_database';
      const error = await configErrorOf(unknownDatabase.toString());
      expect(error.message).toMatch(/: database "no_such_database" does not exist \(3D000\)$/);
    });
  });

  it('three instances starting at once on an empty database all start, and the migrations run once', async () => {
    const url = await freshUrl();
    const starts = await Promise.allSettled([openPostgres(url), openPostgres(url), openPostgres(url)]);
    const handles = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
    try {
      expect(starts.filter((start) => start.status === 'rejected')).toEqual([]);
      expect(await appliedMigrations(handles[0]!)).toHaveLength(MIGRATIONS.length);
      for (const handle of handles) expect(await publicTables(handle)).toEqual(TABLE_NAMES);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
  });
});
