import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import type { Config } from '../../src/config/index.js';
import type { Dialect, Engine } from '../../src/db/index.js';
import { openEngine } from '../../src/db/open.js';
import { testConfig } from './app.js';
import { describeWithPostgres, freshPostgresDatabase, type TestPostgresDatabase } from './postgres.js';
import { tempDir } from './temp.js';

/** One engine a store suite runs on: fresh, empty databases of it on demand (all removed after the suite). */
export interface EngineUnderTest {
  readonly dialect: Dialect;
  /** A fresh database of this engine, migrated. */
  open(): Promise<Engine>;
  /** The test configuration ({@link testConfig}) pointed at a fresh database of this engine. */
  config(env?: Record<string, string>): Promise<Config>;
}

/**
 * Runs `body` once per engine: SQLite, then Postgres (skipped, saying why, only outside CI without
 * `TEST_DATABASE_URL`; see {@link describeWithPostgres}). The one store suite both engines must pass.
 */
export function describeEachEngine(name: string, body: (engine: EngineUnderTest) => void): void {
  describe(`${name} [sqlite]`, () => body(engineUnderTest('sqlite')));
  describeWithPostgres(`${name} [postgres]`, () => body(engineUnderTest('postgres')));
}

/** Fresh databases of `dialect`, cleaned up after the enclosing suite (call it in a `describe`; Postgres: in {@link describeWithPostgres}). */
export function engineUnderTest(dialect: Dialect): EngineUnderTest {
  const temp = tempDir();
  const opened: Engine[] = [];
  const databases: TestPostgresDatabase[] = [];
  let count = 0;
  afterAll(async () => {
    await Promise.allSettled(opened.map((engine) => engine.close()));
    await Promise.allSettled(databases.map((database) => database.drop()));
    temp.cleanup();
  });
  const config = async (env: Record<string, string> = {}): Promise<Config> => {
    count += 1;
    const dir = join(temp.dir, String(count));
    if (dialect === 'sqlite') return testConfig(dir, env);
    const database = await freshPostgresDatabase();
    databases.push(database);
    return testConfig(dir, { DATABASE_URL: database.url, ...env });
  };
  return {
    dialect,
    config,
    async open() {
      const engine = await openEngine(await config(), { postgres: { maxConnections: 4 } });
      opened.push(engine);
      return engine;
    },
  };
}
