import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Pool } from 'pg';
import { PostgresBroadcast } from './broadcast.js';
import { LIKE_ESCAPE, type Database, type DialectSql, type Engine, type Preparable, type Prepared, type SecretName, type Tables } from './engine.js';
import * as pgSchema from './pg-schema.js';
import { SECRET_BYTES } from './secret-file.js';
import { AdvisoryLockRole, type RoleName, type SoleRole } from './sole-role.js';

/** The typed drizzle handle on Postgres (issue 18). */
export type PostgresDatabase = NodePgDatabase<typeof pgSchema>;

/** Postgres's spelling of the statements that differ between engines. */
const POSTGRES_SQL: DialectSql = {
  contains: (column, text) => sql`strpos(${column}, ${text}) > 0`,
  likeIgnoringCase: (column, pattern) => sql`${column} ilike ${pattern} escape ${LIKE_ESCAPE}`,
  jsonText: (column, key) => sql`(${column} ->> ${key})`,
  skipLocked: (query) => (query as unknown as { for(strength: 'update', config: { skipLocked: true }): typeof query }).for('update', { skipLocked: true }),
  time: (at) => at,
};

/** The transaction a caller is in. */
interface Scope {
  readonly transaction: Database;
  /** Cleared when the transaction ends: work the caller left running afterwards uses the pool again. */
  open: boolean;
}

/**
 * The Postgres engine: a pool of connections; a transaction holds one of them, and every query of the
 * caller inside it (found through the async context) runs on that one.
 */
export class PostgresEngine implements Engine {
  readonly dialect = 'postgres';
  // The same tables and columns in Postgres's dialect (test/db/postgres-parity.test.ts keeps them equal).
  readonly tables = pgSchema as unknown as Tables;
  readonly sql = POSTGRES_SQL;
  readonly #scope = new AsyncLocalStorage<Scope>();
  readonly #root: Database;
  readonly broadcast: PostgresBroadcast;

  /** `db` is drizzle's handle on `pool`; `url` where the pool connects (the broadcast's listening connection connects there too). */
  constructor(
    db: PostgresDatabase,
    readonly pool: Pool,
    private readonly url: string,
  ) {
    this.#root = db as unknown as Database;
    this.broadcast = new PostgresBroadcast(pool, url);
  }

  async run<T>(work: (db: Database, tables: Tables) => PromiseLike<T> | T): Promise<T> {
    return work(this.#current(), this.tables);
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    const host = this.#current() as unknown as PostgresDatabase;
    // Inside a transaction, drizzle's nested transaction is a savepoint.
    return host.transaction(async (transaction) => {
      const scope: Scope = { transaction: transaction as unknown as Database, open: true };
      try {
        return await this.#scope.run(scope, work);
      } finally {
        scope.open = false;
      }
    });
  }

  prepare<R>(name: string, build: (db: Database, tables: Tables) => Preparable<R>): Prepared<R> {
    // drizzle's Postgres builders take the statement's name; the server keeps it prepared per connection.
    return async (values) => (build(this.#current(), this.tables) as unknown as { prepare(name: string): ReturnType<Preparable<R>['prepare']> }).prepare(name).execute(values);
  }

  async lock(key: string): Promise<void> {
    await (this.#current() as unknown as PostgresDatabase).execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  }

  async sharedSecret(name: SecretName): Promise<Buffer> {
    const { instanceSecrets } = pgSchema;
    const db = this.#root as unknown as PostgresDatabase;
    // The first instance's key wins; every other one reads it.
    await db
      .insert(instanceSecrets)
      .values({ name, value: randomBytes(SECRET_BYTES).toString('base64url'), createdAt: new Date() })
      .onConflictDoNothing();
    const [row] = await db.select({ value: instanceSecrets.value }).from(instanceSecrets).where(eq(instanceSecrets.name, name));
    return Buffer.from(row!.value, 'base64url');
  }

  soleRole(name: RoleName): SoleRole {
    return new AdvisoryLockRole(name, this.url);
  }

  /** Old row versions are Postgres's to reclaim ((auto)vacuum); nothing to do at once. */
  async purgeOverwritten(): Promise<void> {}

  async close(): Promise<void> {
    await this.broadcast.close();
    await this.pool.end();
  }

  /** The caller's transaction, or the pool. */
  #current(): Database {
    const scope = this.#scope.getStore();
    return scope?.open ? scope.transaction : this.#root;
  }
}
