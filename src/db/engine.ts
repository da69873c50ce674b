import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Broadcast } from './broadcast.js';
import type { RoleName, SoleRole } from './sole-role.js';
import type * as schema from './schema.js';

/** Which database engine a store runs on: SQLite (the default, one file) or Postgres (several instances). */
export type Dialect = 'sqlite' | 'postgres';

/** The tables, as the stores name them (the Postgres engine hands its own, which the parity test keeps equal). */
export type Tables = typeof schema;

/**
 * The query builder the stores write with. Both engines hand one (Postgres's typed as SQLite's: the
 * stores only `await` builders, never the dialect's own `.run()`/`.all()`/`.get()`, and the store
 * suite runs on both engines to hold them to that).
 */
export type Database = BetterSQLite3Database<typeof schema>;

/** A statement built once with `sql.placeholder`s, run with their values. */
export type Prepared<R> = (values?: Record<string, unknown>) => Promise<R>;

/** What a prepared statement's builder must offer (every drizzle select/insert/update/delete builder does). */
export interface Preparable<R> {
  prepare(): { execute(values?: Record<string, unknown>): PromiseLike<R> };
}

/** The keys every instance sharing a database must agree on. */
export type SecretName =
  /** Signs web visitor ids (unless `WEB_VISITOR_SECRET` is set). */
  | 'visitor'
  /** Signs ticket tokens in e-mail reply addresses and unsubscribe links. */
  | 'email'
  /** Telegram's webhook secret token (unless `TELEGRAM_WEBHOOK_SECRET` is set): every instance checks the same one. */
  | 'telegram_webhook';

/** The SQL that differs between the engines, for the few statements that need it. */
export interface DialectSql {
  /** `text` occurs in `column` (case-sensitive). */
  contains(column: SQLWrapper, text: string): SQL;
  /** `column` matches a LIKE `pattern` (escape character `\`), ignoring ASCII case as SQLite does. */
  likeIgnoringCase(column: SQLWrapper, pattern: string): SQL;
  /** A JSON column's text field `key`. */
  jsonText(column: SQLWrapper, key: string): SQL;
  /**
   * `query` (a select) claiming its rows for the caller's transaction, skipping rows another
   * transaction claimed (Postgres's `FOR UPDATE SKIP LOCKED`; SQLite's write transactions take turns).
   */
  skipLocked<Q extends object>(query: Q): Q;
  /** A time as bound to a placeholder outside an insert's values (drizzle maps those only): ms on SQLite, a `Date` on Postgres. */
  time(at: Date): number | Date;
}

/**
 * One database, whichever the engine: queries on the connection of the transaction the caller is in
 * (found through the async context, so stores need not pass it along), transactions, and statements
 * prepared once. Every store reads and writes through one.
 */
export interface Engine {
  readonly dialect: Dialect;
  readonly tables: Tables;
  readonly sql: DialectSql;
  /** Messages to every instance sharing this database (this one included). */
  readonly broadcast: Broadcast;
  /**
   * Runs `work`'s queries: inside the caller's transaction when there is one, else on their own
   * (on SQLite, while no other transaction is open on the connection).
   */
  run<T>(work: (db: Database, tables: Tables) => PromiseLike<T> | T): Promise<T>;
  /** Runs `work` in one transaction (a savepoint inside another one): committed when it resolves, rolled back when it rejects. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** A statement built once by `build` (`name` identifies it on the server), run inside the caller's transaction when there is one. */
  prepare<R>(name: string, build: (db: Database, tables: Tables) => Preparable<R>): Prepared<R>;
  /**
   * Holds `key` until the caller's transaction ends, so transactions about one thing (a user's
   * conversation) take turns across instances. SQLite's write transactions take turns already.
   */
  lock(key: string): Promise<void>;
  /**
   * Makes text overwritten by a committed transaction (a secret recognised only later) unrecoverable
   * from the files as far as the engine allows: SQLite zeroes freed pages (`secure_delete`) and this
   * moves the write-ahead log's copies into the file and truncates it; on Postgres the old row versions
   * stay until (auto)vacuum reclaims them.
   */
  purgeOverwritten(): Promise<void>;
  /**
   * A random key (32 bytes) made at first use and the same for every instance of this database ever
   * after: on SQLite the file `<DATABASE_PATH>-<name>-secret` beside it (an in-memory database: one for
   * this process), on Postgres a row of `instance_secrets`.
   * @throws Error when the SQLite file cannot be read or written.
   */
  sharedSecret(name: SecretName): Promise<Buffer>;
  /** Work only one instance sharing this database may do at a time (always this one's on SQLite). */
  soleRole(name: RoleName): SoleRole;
  close(): Promise<void>;
}

/** A likeIgnoringCase pattern's escape character, as SQL. */
export const LIKE_ESCAPE = sql.raw(`'\\'`);
