import type { Database, Engine } from '../../src/db/index.js';
import { SqliteEngine } from '../../src/db/sqlite-engine.js';

/** The SQLite engine under services (tests about SQLite's own files and locks); throws on another engine. */
export function sqliteEngineOf(services: { readonly engine: Engine }): SqliteEngine {
  if (!(services.engine instanceof SqliteEngine)) throw new Error(`this test reads SQLite directly; the engine is ${services.engine.dialect}`);
  return services.engine;
}

/** The SQLite drizzle handle under services (tests that read SQLite's rows directly); throws on another engine. */
export function sqliteOf(services: { readonly engine: Engine }): Database {
  return sqliteEngineOf(services).db;
}
