import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export * as tables from './schema.js';

/** The typed drizzle handle every store uses. */
export type Database = BetterSQLite3Database<typeof schema>;

/** An open database: the drizzle handle and a way to close the file. */
export interface DatabaseHandle {
  readonly db: Database;
  /** The raw better-sqlite3 connection (pragmas, checkpoints). */
  readonly sqlite: Sqlite.Database;
  readonly path: string;
  close(): void;
}

const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Opens (creating if needed) the SQLite file at `path`, switches it to WAL so the
 * running bot and the CLI desk can use it at once, and applies pending migrations.
 */
export function openDatabase(path: string): DatabaseHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Sqlite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });
  return { db, sqlite, path, close: () => sqlite.close() };
}
