import { Client, type Pool } from 'pg';

/** What the instances sharing a database tell each other. */
export type BroadcastTopic =
  /** The outbox handed replies to the web chat: every instance pushes them to the visitor's pages it holds. */
  'web_delivery';

/** Postgres's limit on a notification's payload (bytes); {@link Broadcast.publish} refuses more. */
export const MAX_BROADCAST_BYTES = 7_900;

/** Hears one topic's messages. */
export type BroadcastListener = (payload: string) => void;

/**
 * Messages to every instance sharing the database, this one included: in-process on SQLite (one
 * instance), Postgres `LISTEN/NOTIFY` on Postgres. At most once: an instance whose connection is down
 * when a message is sent misses it.
 */
export interface Broadcast {
  /** Sends `payload` (at most {@link MAX_BROADCAST_BYTES} bytes) to every instance's listeners of `topic`. */
  publish(topic: BroadcastTopic, payload: string): Promise<void>;
  /** Listens to `topic` on this instance; returns how to stop. */
  subscribe(topic: BroadcastTopic, listener: BroadcastListener): () => void;
  close(): Promise<void>;
}

/** The listeners of each topic on this instance. */
class Listeners {
  readonly #byTopic = new Map<BroadcastTopic, Set<BroadcastListener>>();

  add(topic: BroadcastTopic, listener: BroadcastListener): () => void {
    const set = this.#byTopic.get(topic) ?? new Set();
    this.#byTopic.set(topic, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Calls each listener of `topic`; one that throws does not stop the others. */
  emit(topic: BroadcastTopic, payload: string, onError: (error: unknown) => void): void {
    for (const listener of this.#byTopic.get(topic) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        onError(error);
      }
    }
  }

  get topics(): BroadcastTopic[] {
    return [...this.#byTopic.keys()];
  }
}

/** Refuses a payload Postgres would refuse, on every engine alike. */
function checkSize(payload: string): void {
  const bytes = Buffer.byteLength(payload);
  if (bytes > MAX_BROADCAST_BYTES) throw new RangeError(`broadcast payload of ${bytes} bytes (at most ${MAX_BROADCAST_BYTES})`);
}

/** One instance (SQLite): messages go straight to this process's listeners, after the caller's turn. */
export class LocalBroadcast implements Broadcast {
  readonly #listeners = new Listeners();

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  async publish(topic: BroadcastTopic, payload: string): Promise<void> {
    checkSize(payload);
    setImmediate(() => this.#listeners.emit(topic, payload, this.onError));
  }

  subscribe(topic: BroadcastTopic, listener: BroadcastListener): () => void {
    return this.#listeners.add(topic, listener);
  }

  async close(): Promise<void> {}
}

/** The channel name of a topic on the server. */
const channelOf = (topic: BroadcastTopic) => `support_bot_${topic}`;
/** How long to wait before listening again after the listening connection broke. */
const RECONNECT_MS = 1_000;

/**
 * Several instances (Postgres): `NOTIFY` through the pool, `LISTEN` on a connection of its own
 * (opened at the first subscription, opened again after it breaks).
 */
export class PostgresBroadcast implements Broadcast {
  readonly #listeners = new Listeners();
  #client: Promise<Client> | undefined;
  #closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly connectionString: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async publish(topic: BroadcastTopic, payload: string): Promise<void> {
    checkSize(payload);
    await this.pool.query('select pg_notify($1, $2)', [channelOf(topic), payload]);
  }

  subscribe(topic: BroadcastTopic, listener: BroadcastListener): () => void {
    const first = !this.#listeners.topics.includes(topic);
    const stop = this.#listeners.add(topic, listener);
    if (first) void this.#listen(topic);
    return stop;
  }

  /** The listening connection listens to `topic` too. */
  async #listen(topic: BroadcastTopic): Promise<void> {
    try {
      const client = await this.#connection();
      await client.query(`LISTEN ${channelOf(topic)}`);
    } catch (error) {
      this.onError(error);
    }
  }

  /** The listening connection, opened (and listening to every topic with listeners) when needed. */
  #connection(): Promise<Client> {
    this.#client ??= (async () => {
      const client = new Client({ connectionString: this.connectionString });
      client.on('notification', (message) => {
        const topic = this.#listeners.topics.find((name) => channelOf(name) === message.channel);
        if (topic) this.#listeners.emit(topic, message.payload ?? '', this.onError);
      });
      client.on('error', (error) => {
        this.onError(error);
        this.#client = undefined;
        void client.end().catch(() => undefined);
        if (!this.#closed) setTimeout(() => void this.#relisten(), RECONNECT_MS).unref();
      });
      await client.connect();
      for (const topic of this.#listeners.topics) await client.query(`LISTEN ${channelOf(topic)}`);
      return client;
    })();
    const opening = this.#client;
    // A failed connection is forgotten, so the next subscription or reconnect tries again.
    opening.catch(() => {
      if (this.#client === opening) this.#client = undefined;
    });
    return opening;
  }

  /** Listens again after the connection broke. */
  async #relisten(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#connection();
    } catch (error) {
      this.onError(error);
      setTimeout(() => void this.#relisten(), RECONNECT_MS).unref();
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    if (client) await (await client.catch(() => undefined))?.end();
  }
}
