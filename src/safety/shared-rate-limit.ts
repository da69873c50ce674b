import { sql } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
import { RateLimiter, type RateLimitOptions, type RateVerdict } from './rate-limit.js';

/** Per-user flood control as the core asks for it: the verdict on one more message from `key` (in memory: at once). */
export interface FloodLimiter {
  take(key: string, nowMs: number): RateVerdict | Promise<RateVerdict>;
}

/** Buckets idle this long are deleted (a full bucket is the default anyway). */
const IDLE_MS = 60 * 60_000;
/** About one take in this many also deletes idle buckets. */
const SWEEP_EVERY = 500;

/**
 * The flood limit shared by every instance on one Postgres database: the same token bucket as
 * {@link RateLimiter}, kept in `rate_buckets` and taken in one statement, so a user writing to two
 * instances at once gets no more than the limit.
 */
export class SharedRateLimiter implements FloodLimiter {
  constructor(
    private readonly engine: Engine,
    private readonly options: RateLimitOptions = { capacity: 20, perSecond: 1 },
  ) {}

  async take(key: string, nowMs: number): Promise<RateVerdict> {
    const { capacity, perSecond } = this.options;
    const rows = await this.engine.run(async (db, { rateBuckets: b }) => {
      if (Math.random() * SWEEP_EVERY < 1) await db.delete(b).where(sql`${b.updatedAt} < ${nowMs - IDLE_MS}`);
      // The bucket refilled for the time since its last message, as the old row had it.
      const refilled = sql`least(${capacity}::double precision, ${b.tokens} + greatest(0, ${nowMs}::bigint - ${b.updatedAt}) / 1000.0 * ${perSecond})`;
      return db
        .insert(b)
        .values({ key, tokens: capacity - 1, updatedAt: nowMs, verdict: 'ok' })
        .onConflictDoUpdate({
          target: b.key,
          set: {
            tokens: sql`case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end`,
            verdict: sql`case when ${refilled} >= 1 then 'ok' when ${b.verdict} = 'ok' then 'limited' else 'limited-again' end`,
            updatedAt: sql`greatest(${b.updatedAt}, ${nowMs}::bigint)`,
          },
        })
        .returning({ verdict: b.verdict });
    });
    return rows[0]!.verdict;
  }
}

/** One instance keeps the buckets in memory ({@link RateLimiter}); instances sharing Postgres share them ({@link SharedRateLimiter}). */
export function floodLimiterFor(engine: Engine, options?: RateLimitOptions): FloodLimiter {
  return engine.dialect === 'postgres' ? new SharedRateLimiter(engine, options) : new RateLimiter(options);
}
