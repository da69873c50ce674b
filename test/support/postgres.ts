import { describe } from 'vitest';
import { createPostgresDatabase, type TestPostgresDatabase } from './postgres-databases.js';

export type { TestPostgresDatabase } from './postgres-databases.js';

/** The Postgres server tests create their databases on (`.ci/run` starts one and sets it); its role needs CREATEDB. */
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/**
 * Why the Postgres tests cannot run here, or undefined when they run. In CI (`CI=true`) they always run, so
 * a Postgres that `.ci/run` failed to start fails them rather than letting them pass skipped.
 */
const skipReason =
  TEST_DATABASE_URL || process.env.CI === 'true' ? undefined : 'TEST_DATABASE_URL is not set (e.g. postgres://bot:bot@127.0.0.1:5432/bot_test, a role with CREATEDB; .ci/run sets one up)';

/** A `describe` of tests that need Postgres: skipped, saying why, on a machine without it. */
export function describeWithPostgres(name: string, body: () => void): void {
  if (skipReason) console.warn(`skipped "${name}": ${skipReason}`);
  describe.skipIf(skipReason !== undefined)(skipReason ? `${name} (skipped: ${skipReason})` : name, body);
}

/** Creates an empty database `bot_test_<random>` on the test server. */
export async function freshPostgresDatabase(): Promise<TestPostgresDatabase> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set: in CI the Postgres tests must run (.ci/run starts Postgres and sets it)');
  return createPostgresDatabase(TEST_DATABASE_URL, 'bot_test');
}
