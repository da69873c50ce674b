import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { ConfigError } from '../config/errors.js';
import type { Database } from './engine.js';
import { SqliteEngine } from './sqlite-engine.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import * as schema from './schema.js';

export * as tables from './schema.js';
export type { Database, Engine, Dialect, Tables, Prepared, SecretName } from './engine.js';

/** How {@link openDatabase} opens the file. */
export interface OpenOptions {
  /** How long a statement waits for another process's write lock (default 5 s). */
  readonly busyTimeoutMs?: number;
  /** Checkpoint from a worker thread (the server); `onError` hears if the worker fails. */
  readonly checkpointInBackground?: { readonly onError: (error: Error) => void };
}

/** An open SQLite database: the engine the stores use, drizzle's handle and a way to close the file. */
export interface DatabaseHandle {
  readonly engine: SqliteEngine;
  readonly db: Database;
  /** The raw better-sqlite3 connection (pragmas, checkpoints). */
  readonly sqlite: Sqlite.Database;
  readonly path: string;
  close(): void;
}

const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));

/**
 * Opens (creating if needed) the SQLite file at `path`, switches it to WAL so the
 * running bot and the CLI desk can use it at once, and applies pending migrations. `busyTimeoutMs`:
 * how long a statement waits for another process's write lock (default 5 s). `checkpointInBackground`:
 * the long-running server's setting: the write-ahead log is folded back into the file by a worker
 * thread ({@link WalCheckpointer}) instead of inside whichever commit crosses SQLite's threshold.
 * @throws ConfigError naming `DATABASE_PATH` when the file cannot be used (not a database,
 * a directory, not writable), so start-up says so in one line instead of a stack trace.
 */
export function openDatabase(path: string, options: OpenOptions = {}): DatabaseHandle {
  let sqlite: Sqlite.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new Sqlite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // better-sqlite3 waits for a lock synchronously: the server keeps the wait short, so one busy
    // moment cannot stall every request; the CLI desk can afford to wait longer.
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5000))}`);
    sqlite.pragma('synchronous = NORMAL');
    // A secret redacted after the fact (a seed phrase split over messages) must not linger in free pages.
    sqlite.pragma('secure_delete = ON');
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: MIGRATIONS });
    const opened = sqlite;
    const background = options.checkpointInBackground;
    const checkpointer = background && path !== ':memory:' ? new WalCheckpointer(path, background.onError) : undefined;
    if (checkpointer) opened.pragma('wal_autocheckpoint = 0');
    const close = () => {
      void checkpointer?.stop();
      // The last connection to close checkpoints what is left (SQLite does it when automatic checkpoints are off too).
      if (opened.open) opened.close();
    };
    return { engine: new SqliteEngine(db, opened, path, close), db, sqlite: opened, path, close };
  } catch (error) {
    sqlite?.close();
    const reason = unusableFileReason(error);
    if (reason) throw new ConfigError('DATABASE_PATH', `cannot open ${path}: ${reason}`);
    throw error;
  }
}

/** SQLite's result codes that mean the file itself is the problem, not the statement. */
const FILE_PROBLEMS = /^SQLITE_(NOTADB|CANTOPEN|READONLY|CORRUPT|IOERR|PERM|FULL)/;

/** A plain reason when `error` says the file or its directory cannot be used; undefined for anything else. */
function unusableFileReason(error: unknown): string | undefined {
  // drizzle's migrator wraps the driver's error; the file problem is its cause.
  const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (root as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (FILE_PROBLEMS.test(code)) return `${(root as Error).message} (${code})`;
  // Node's file-system errors: ENOTDIR, EEXIST, EACCES, EISDIR, EROFS...
  if (/^E[A-Z]+$/.test(code)) return `${code === 'EEXIST' || code === 'ENOTDIR' ? 'a parent is not a directory' : (root as Error).message.split(',')[0]} (${code})`;
  return undefined;
}
