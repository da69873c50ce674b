/** The verdict on one message from a user. */
export type RateVerdict = 'ok' | 'limited' | 'limited-again';

/** Token-bucket settings: a burst of `capacity` messages, refilled at `perSecond`. */
export interface RateLimitOptions {
  readonly capacity: number;
  readonly perSecond: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  warned: boolean;
}

/** At most this many users are tracked; the idlest are forgotten first (a full bucket is the default anyway). */
const MAX_TRACKED = 50_000;

/**
 * Per-user flood control: each user has a token bucket, so one user's flood is cut off
 * without slowing anyone else. `limited` is the first refusal (warn the user once),
 * `limited-again` the ones after it (drop silently).
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(private readonly options: RateLimitOptions = { capacity: 20, perSecond: 1 }) {}

  /** Takes a token for `key` at time `nowMs`. */
  take(key: string, nowMs: number): RateVerdict {
    const bucket = this.#buckets.get(key) ?? { tokens: this.options.capacity, updatedAt: nowMs, warned: false };
    bucket.tokens = Math.min(this.options.capacity, bucket.tokens + ((nowMs - bucket.updatedAt) / 1000) * this.options.perSecond);
    bucket.updatedAt = nowMs;
    // Re-inserting keeps the map ordered by last activity, so eviction drops the idlest.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > MAX_TRACKED) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.warned = false;
      return 'ok';
    }
    if (bucket.warned) return 'limited-again';
    bucket.warned = true;
    return 'limited';
  }
}
