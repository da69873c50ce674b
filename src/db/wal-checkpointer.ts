import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the background connection folds the write-ahead log back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 200;

/**
 * The worker's code: its own connection to the same file, checkpointing (PASSIVE: it never waits
 * for, or blocks, a reader or writer) every `intervalMs`. A checkpoint that finds the file busy is
 * simply tried again at the next tick.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.path);
db.pragma('busy_timeout = 0');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {}
}, workerData.intervalMs);
`;

/**
 * Checkpoints a WAL database from a worker thread, so the serving connection (whose automatic
 * checkpoints are turned off) never pays for copying pages and syncing the file inside a turn:
 * SQLite's automatic checkpoint runs in whichever commit crosses 1,000 pages of log, a few
 * milliseconds every ~90 turns, on the one thread that answers every message.
 */
export class WalCheckpointer {
  readonly #worker: Worker;

  /** `onError`: the worker failed (it stops; the log then grows until the serving connection closes and checkpoints). */
  constructor(path: string, onError: (error: Error) => void, intervalMs = CHECKPOINT_INTERVAL_MS) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
    // It must not keep the process alive, and its failure must not end it.
    this.#worker.unref();
    this.#worker.on('error', onError);
  }

  /** Stops the worker (its connection closes with it). */
  stop(): Promise<number> {
    return this.#worker.terminate();
  }
}
