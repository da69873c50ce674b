import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database of its own for one test file or benchmark run, and how to drop it. */
export interface TestPostgresDatabase {
  /** The new database's URL: the server's, with its name. */
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates an empty database `<prefix>_<random>` on the server of `serverUrl` (a role with CREATEDB). */
export async function createPostgresDatabase(serverUrl: string, prefix: string): Promise<TestPostgresDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // FORCE: a connection a failed run left open does not keep the database alive.
  return { url: url.toString(), drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Runs one statement on the server's own database (CREATE/DROP DATABASE cannot run in the database concerned). */
async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
