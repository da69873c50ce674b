import type { Engine } from './engine.js';
import { openDatabase, type OpenOptions } from './index.js';
import { openPostgres, type PostgresOptions } from './postgres.js';

/** Where the data lives: Postgres when `databaseUrl` is set (`DATABASE_URL`), else the SQLite file at `databasePath`. */
export interface StorageSettings {
  readonly databasePath: string;
  readonly databaseUrl?: string;
}

/**
 * Opens the configured database, applying its pending migrations: Postgres for `DATABASE_URL`
 * (several instances may share it), else SQLite (`options.sqlite` as {@link openDatabase}).
 * @throws ConfigError naming the setting when the database cannot be used.
 */
export async function openEngine(settings: StorageSettings, options: { sqlite?: OpenOptions; postgres?: PostgresOptions } = {}): Promise<Engine> {
  if (settings.databaseUrl) return (await openPostgres(settings.databaseUrl, options.postgres)).engine;
  return openDatabase(settings.databasePath, options.sqlite).engine;
}
