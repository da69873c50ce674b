import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describe } from 'vitest';

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

/** A database of its own for one test file (so files run in parallel), and how to drop it. */
export interface TestPostgresDatabase {
  /** The new database's URL: the test server's, with its name. */
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates an empty database `bot_test_<random>` on the test server. */
export async function freshPostgresDatabase(): Promise<TestPostgresDatabase> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set: in CI the Postgres tests must run (.ci/run starts Postgres and sets it)');
  const name = `bot_test_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  // FORCE: a connection a failed test left open does not keep the database alive.
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Runs one statement on the test server's own database (CREATE/DROP DATABASE cannot run in the database concerned). */
async function onServer(statement: string): Promise<void> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
