import { Client } from 'pg';

/** Work only one instance may do at a time. */
export type RoleName =
  /** Long-polling Telegram's getUpdates (two pollers of one token make Telegram refuse both). */
  'telegram_polling';

/** What a {@link SoleRole}'s holder hears. */
export interface RoleHandlers {
  /** This instance took the role: start the work. */
  onGained(): void | Promise<void>;
  /** This instance lost the role (its database connection broke): stop the work at once. */
  onLost(): void | Promise<void>;
}

/**
 * A role held by one instance at a time among those sharing the database. Whoever does not hold it
 * keeps trying, so another instance takes over when the holder stops or dies.
 */
export interface SoleRole {
  /** Tries to take the role now, and keeps trying until {@link release}; resolves after the first try with whether it was taken. */
  claim(handlers: RoleHandlers): Promise<boolean>;
  /** Gives the role up (if held) and stops trying. */
  release(): Promise<void>;
}

/** One instance (SQLite): the role is always this one's. */
export class OnlyInstanceRole implements SoleRole {
  async claim(handlers: RoleHandlers): Promise<boolean> {
    await handlers.onGained();
    return true;
  }

  async release(): Promise<void> {}
}

/** How often an instance without the role tries to take it. */
const RETRY_MS = 2_000;

/**
 * Several instances (Postgres): a session advisory lock on a connection of the role's own. The lock
 * lasts as long as the connection: a holder that dies (or whose connection breaks) frees the role, and
 * a standby instance's next try takes it.
 */
export class AdvisoryLockRole implements SoleRole {
  #client: Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #released = false;

  constructor(
    private readonly name: RoleName,
    private readonly connectionString: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async claim(handlers: RoleHandlers): Promise<boolean> {
    this.#released = false;
    const taken = await this.#try(handlers);
    if (!taken) this.#retryLater(handlers);
    return taken;
  }

  async release(): Promise<void> {
    this.#released = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    // Closing the session frees the lock.
    await client?.end().catch(() => undefined);
  }

  #retryLater(handlers: RoleHandlers): void {
    if (this.#released) return;
    this.#timer = setTimeout(() => {
      this.#try(handlers).then(
        (taken) => {
          if (!taken) this.#retryLater(handlers);
        },
        (error: unknown) => {
          this.onError(error);
          this.#retryLater(handlers);
        },
      );
    }, RETRY_MS);
    this.#timer.unref();
  }

  /** One try: a connection of its own, `pg_try_advisory_lock`; kept open while the role is held. */
  async #try(handlers: RoleHandlers): Promise<boolean> {
    const client = new Client({ connectionString: this.connectionString });
    client.on('error', (error) => this.onError(error));
    await client.connect();
    const result = await client.query<{ taken: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as taken', [`support-bot:${this.name}`]);
    if (!result.rows[0]?.taken || this.#released) {
      await client.end();
      return false;
    }
    this.#client = client;
    client.once('end', () => {
      if (this.#client !== client) return;
      // The connection broke: the lock is gone with it, and another instance may take the role.
      this.#client = undefined;
      void Promise.resolve(handlers.onLost()).then(() => this.#retryLater(handlers));
    });
    await handlers.onGained();
    return true;
  }
}
