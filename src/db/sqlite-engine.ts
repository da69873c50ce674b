import { AsyncLocalStorage } from 'node:async_hooks';
import type Sqlite from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { LocalBroadcast } from './broadcast.js';
import { fileSecret } from './secret-file.js';
import { OnlyInstanceRole, type SoleRole } from './sole-role.js';
import { LIKE_ESCAPE, type Database, type DialectSql, type Engine, type Preparable, type Prepared, type SecretName, type Tables } from './engine.js';
import * as schema from './schema.js';

/** SQLite's spelling of the statements that differ between engines. */
const SQLITE_SQL: DialectSql = {
  contains: (column, text) => sql`instr(${column}, ${text}) > 0`,
  // SQLite's LIKE ignores ASCII case already.
  likeIgnoringCase: (column, pattern) => sql`${column} like ${pattern} escape ${LIKE_ESCAPE}`,
  jsonText: (column, key) => sql`json_extract(${column}, ${`$.${key}`})`,
  skipLocked: (query) => query,
  time: (at) => at.getTime(),
};

/** A caller's exclusive use of the connection, and how many transactions it has open in it. */
interface Scope {
  depth: number;
  /** Cleared when the use ends: work the caller left running afterwards must queue again. */
  open: boolean;
}

/**
 * The SQLite engine: one better-sqlite3 connection shared by every caller. better-sqlite3 runs each
 * statement synchronously, but a transaction now spans awaits, so the connection is used by one caller
 * at a time (a queue): a transaction's statements are never mixed with another caller's, and a caller
 * outside it never writes into it. Transactions begin IMMEDIATE, taking the file's write lock at once
 * (another process, the CLI desk, waits for it up to the busy timeout).
 */
export class SqliteEngine implements Engine {
  readonly dialect = 'sqlite';
  readonly tables: Tables = schema;
  readonly sql = SQLITE_SQL;
  /** One instance per file: messages stay in this process. */
  readonly broadcast = new LocalBroadcast();
  readonly #scope = new AsyncLocalStorage<Scope>();
  #busy = false;
  readonly #waiting: (() => void)[] = [];

  /**
   * `db` is drizzle's handle on `connection` (both public for SQLite's own needs: pragmas, checkpoints,
   * tests), the file at `path`; `closeConnection` closes it.
   */
  constructor(
    readonly db: Database,
    readonly connection: Sqlite.Database,
    readonly path: string,
    private readonly closeConnection: () => void,
  ) {}

  run<T>(work: (db: Database, tables: Tables) => PromiseLike<T> | T): Promise<T> {
    return this.#exclusive(async () => work(this.db, this.tables));
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#exclusive(async (scope) => {
      const savepoint = scope.depth > 0 ? `nested_${scope.depth}` : undefined;
      this.connection.exec(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN IMMEDIATE');
      scope.depth += 1;
      try {
        const result = await work();
        this.connection.exec(savepoint ? `RELEASE ${savepoint}` : 'COMMIT');
        return result;
      } catch (error) {
        if (savepoint) this.connection.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
        else if (this.connection.inTransaction) this.connection.exec('ROLLBACK');
        throw error;
      } finally {
        scope.depth -= 1;
      }
    });
  }

  prepare<R>(_name: string, build: (db: Database, tables: Tables) => Preparable<R>): Prepared<R> {
    let statement: ReturnType<Preparable<R>['prepare']> | undefined;
    return (values) => this.#exclusive(async () => (statement ??= build(this.db, this.tables).prepare()).execute(values));
  }

  /** Write transactions on SQLite take turns already (one connection, one writer per file). */
  async lock(): Promise<void> {}

  purgeOverwritten(): Promise<void> {
    return this.#exclusive(async () => {
      this.connection.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  async sharedSecret(name: SecretName): Promise<Buffer> {
    return fileSecret(this.path === ':memory:' ? undefined : `${this.path}-${name}-secret`);
  }

  soleRole(): SoleRole {
    return new OnlyInstanceRole();
  }

  async close(): Promise<void> {
    this.closeConnection();
  }

  /** Runs `work` with the connection to itself: at once inside the caller's own use, else when the queue reaches it. */
  async #exclusive<T>(work: (scope: Scope) => Promise<T>): Promise<T> {
    const current = this.#scope.getStore();
    if (current?.open) return work(current);
    if (this.#busy) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#busy = true;
    const scope: Scope = { depth: 0, open: true };
    try {
      return await this.#scope.run(scope, () => work(scope));
    } finally {
      scope.open = false;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#busy = false;
    }
  }
}
