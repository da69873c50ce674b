import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Pool } from 'pg';
import { ConfigError } from '../config/errors.js';
import { PostgresEngine, type PostgresDatabase } from './postgres-engine.js';
import { dropNulFromParameters } from './postgres-text.js';
import * as schema from './pg-schema.js';

export * as pgTables from './pg-schema.js';

export type { PostgresDatabase } from './postgres-engine.js';

/** An open Postgres database: the drizzle handle, its connection pool and a way to close both. */
export interface PostgresHandle {
  /** The engine the stores use. */
  readonly engine: PostgresEngine;
  readonly db: PostgresDatabase;
  /** The node-postgres pool behind `db` (LISTEN/NOTIFY and advisory locks take a client of their own). */
  readonly pool: Pool;
  close(): Promise<void>;
}

/** How the pool connects. */
export interface PostgresOptions {
  /** Connections the pool may hold at once (default 10, node-postgres's). */
  maxConnections?: number;
  /** How long a new connection may take before it counts as unreachable (default 5 s). */
  connectTimeoutMs?: number;
}

const MIGRATIONS = fileURLToPath(new URL('../../drizzle-pg', import.meta.url));

/**
 * One lock for every instance's migrations. drizzle's migrator reads which migrations ran outside its
 * transaction, so two instances starting at once would both apply the first one and one would fail.
 */
const MIGRATION_LOCK = sql`hashtext('crypto-support-bot:migrations')`;

/**
 * Connects to the Postgres database at `url` (`postgres://user:password@host:port/database`) and applies
 * the pending migrations of `drizzle-pg/`, one instance at a time (an advisory lock), so several instances
 * may start together.
 * @throws ConfigError naming `DATABASE_URL` when the URL is malformed, the server is unreachable, the
 * credentials are refused or the database does not exist: one line, the password never shown.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PostgresHandle> {
  if (!/^postgres(ql)?:\/\//.test(url) || !URL.canParse(url)) throw new ConfigError('DATABASE_URL', 'must be a postgres://user:password@host:port/database URL');
  const pool = new Pool({ connectionString: url, max: options.maxConnections, connectionTimeoutMillis: options.connectTimeoutMs ?? 5000 });
  // A pooled connection the server closes while idle (a restart) is dropped by the pool and the next query
  // connects again; without a listener, node-postgres would throw the error out of the process.
  pool.on('error', () => {});
  pool.on('connect', dropNulFromParameters);
  try {
    await migrateOnce(pool);
  } catch (error) {
    await pool.end();
    const reason = connectionProblem(error);
    if (reason) throw new ConfigError('DATABASE_URL', `cannot use ${withoutPassword(url)}: ${reason}`);
    throw error;
  }
  const db = drizzle(pool, { schema });
  const engine = new PostgresEngine(db, pool, url);
  return { engine, db, pool, close: () => engine.close() };
}

/** Applies the pending migrations on one connection holding the migration lock (a session lock). */
async function migrateOnce(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    const db = drizzle(client, { schema });
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    await migrate(db, { migrationsFolder: MIGRATIONS });
    await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    client.release();
  } catch (error) {
    // The connection is closed rather than pooled, which releases the lock too.
    client.release(true);
    throw error;
  }
}

/**
 * Postgres's error classes that mean the database cannot be used at all: refused credentials (28),
 * an unknown database (3D000), a server starting up or shutting down (57P03) or out of connections (53300).
 */
const DATABASE_PROBLEMS = /^(28|3D000$|57P03$|53300$)/;
/** Node's network errors: the server is not there. */
const NETWORK_PROBLEMS = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNRESET)$/;

/** A plain reason when `error` says the server or database cannot be reached or entered; undefined for anything else. */
function connectionProblem(error: unknown): string | undefined {
  // drizzle wraps the driver's error of a failed query; the connection problem is its cause.
  const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(root instanceof Error)) return undefined;
  const code = (root as { code?: unknown }).code;
  if (typeof code === 'string' && (DATABASE_PROBLEMS.test(code) || NETWORK_PROBLEMS.test(code))) return root.message ? `${root.message} (${code})` : code;
  // node-postgres's own words: a connection timeout, or a password the server asked for and the URL lacks.
  if (/^Connection terminated|^SASL: /.test(root.message)) return root.message;
  return undefined;
}

/** `url` as it may be shown: the password replaced by `***`. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
