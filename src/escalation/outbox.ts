import { and, asc, count, eq, gt, inArray, lt, lte, notExists, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Engine, Prepared } from '../db/index.js';
import type { ChannelName, ConversationRef, Reply } from '../contracts/index.js';

/** A row of the outbox, ready to hand to an adapter. */
export interface OutboxItem {
  readonly id: number;
  readonly channel: ChannelName;
  readonly reference: ConversationRef;
  readonly replies: readonly Reply[];
  readonly attempts: number;
  /** The conversation the row goes to (channel + stored reference): rows of one lane are delivered in order. */
  readonly lane: string;
}

/** What {@link Outbox.claimDue} takes. */
export interface ClaimOptions {
  /** How long the claimed rows are left alone by other drains (renew with {@link Outbox.extendLease}). */
  readonly leaseMs: number;
  /** At most this many rows. */
  readonly limit: number;
  /** Whether this process can reach the row's conversation; rows it cannot are left for another. */
  readonly owns?: (item: Pick<OutboxItem, 'channel' | 'reference'>) => boolean;
}

/** A channel's undelivered rows: how many, and when the oldest was queued. */
export interface OutboxBacklog {
  readonly channel: ChannelName;
  readonly pending: number;
  readonly oldestAt: Date;
}

/** Retry backoff: 1 s, 2 s, 4 s … capped at 5 minutes, forever (a message is never dropped). */
const MAX_BACKOFF_MS = 5 * 60_000;

/** The lock claims take in turn (across instances on Postgres; SQLite's write transactions take turns already). */
const CLAIM_LOCK = 'outbox:claim';

/**
 * The outbox table: messages to users written in the same transaction as the change that
 * causes them (an agent reply, a resolve), delivered by whichever process runs the channels.
 *
 * Guarantee: at least once, in order per conversation. A row is claimed with a lease, sent,
 * then marked delivered; a row whose older sibling (same channel and reference) is still
 * waiting (leased elsewhere, or backing off after a failure) is not claimed until that one is
 * done. A process killed between a send and its mark sends that row again once the lease ends.
 * Several instances may drain one database (Postgres): claims take turns, so no row is taken twice.
 */
export class Outbox {
  readonly #enqueue: Prepared<{ id: number }[]>;

  constructor(private readonly engine: Engine) {
    const p = sql.placeholder;
    // Prepared once: every turn that answers through a ticket queues a row.
    this.#enqueue = engine.prepare('outbox_enqueue', (db, t) =>
      db
        .insert(t.outbox)
        .values({
          channel: p('channel'),
          reference: p('reference'),
          payload: p('payload'),
          escalationId: p('escalationId'),
          status: 'pending',
          nextAttemptAt: p('now'),
          createdAt: p('now'),
          dedupeKey: p('dedupeKey'),
        })
        .onConflictDoNothing()
        .returning({ id: t.outbox.id }),
    );
  }

  /**
   * Queues replies for a conversation; call inside the transaction of the change. With a
   * `dedupeKey` (e.g. `notice:<id>:<user>`) the row is queued once however often this is called;
   * resolves false when a row with that key already exists.
   */
  async enqueue(item: { channel: ChannelName; reference: ConversationRef; replies: readonly Reply[]; escalationId?: number; dedupeKey?: string }, now: Date): Promise<boolean> {
    const inserted = await this.#enqueue({
      channel: item.channel,
      reference: { ...item.reference },
      payload: { replies: item.replies },
      escalationId: item.escalationId ?? null,
      now,
      dedupeKey: item.dedupeKey ?? null,
    });
    return inserted.length > 0;
  }

  /**
   * Takes up to `limit` due rows for the given channels, oldest first, and leases them so that
   * another drain (another process) leaves them alone. A row waits while an older row of its
   * conversation is pending and not due (in flight elsewhere or backing off), so order holds.
   * Runs in a transaction of its own (or a savepoint of the caller's).
   */
  async claimDue(channels: readonly ChannelName[], now: Date, options: ClaimOptions): Promise<OutboxItem[]> {
    if (channels.length === 0 || options.limit <= 0) return [];
    return this.engine.transaction(async () => {
      // Claims take turns: a second instance's claim starts once the first has committed its leases, so it sees
      // them, and a row whose older sibling is being claimed right now cannot be taken ahead of it.
      await this.engine.lock(CLAIM_LOCK);
      const selected = await this.engine.run((db, t) => {
        const older = alias(t.outbox, 'older');
        // Rows another transaction holds (a mark being written) are left for the next claim.
        return this.engine.sql.skipLocked(
          db
            .select()
            .from(t.outbox)
            .where(
              and(
                eq(t.outbox.status, 'pending'),
                lte(t.outbox.nextAttemptAt, now),
                inArray(t.outbox.channel, [...channels]),
                notExists(
                  db
                    .select({ one: sql`1` })
                    .from(older)
                    .where(and(eq(older.channel, t.outbox.channel), eq(older.reference, t.outbox.reference), eq(older.status, 'pending'), gt(older.nextAttemptAt, now), lt(older.id, t.outbox.id))),
                ),
              ),
            )
            .orderBy(asc(t.outbox.id))
            .limit(options.limit),
        );
      });
      const rows = selected.filter((row) => options.owns?.({ channel: row.channel as ChannelName, reference: row.reference }) ?? true);
      const ids = rows.map((row) => row.id);
      if (ids.length > 0)
        await this.engine.run((db, t) =>
          db
            .update(t.outbox)
            .set({ nextAttemptAt: new Date(now.getTime() + options.leaseMs) })
            .where(inArray(t.outbox.id, ids)),
        );
      return rows.map((row) => ({
        id: row.id,
        channel: row.channel as ChannelName,
        reference: row.reference,
        replies: (row.payload as { replies: Reply[] }).replies,
        attempts: row.attempts,
        lane: `${row.channel}:${JSON.stringify(row.reference)}`,
      }));
    });
  }

  /** Keeps rows this process still holds leased until `until` (a delivery in progress, or queued behind one). */
  async extendLease(ids: readonly number[], until: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.engine.run((db, t) =>
      db
        .update(t.outbox)
        .set({ nextAttemptAt: until })
        .where(and(inArray(t.outbox.id, [...ids]), eq(t.outbox.status, 'pending'))),
    );
  }

  /** Marks rows delivered (one statement for the batch); they are never sent again. */
  async delivered(ids: readonly number[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.engine.run((db, t) =>
      db
        .update(t.outbox)
        .set({ status: 'delivered', deliveredAt: now, lastError: null })
        .where(inArray(t.outbox.id, [...ids])),
    );
  }

  /** Gives leased rows back, due at once: the next drain (here or in the next process) sends them. */
  async release(ids: readonly number[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.engine.run((db, t) =>
      db
        .update(t.outbox)
        .set({ nextAttemptAt: now })
        .where(and(inArray(t.outbox.id, [...ids]), eq(t.outbox.status, 'pending'))),
    );
  }

  /** Records a failed attempt and schedules the next one with exponential backoff. */
  async failed(item: OutboxItem, error: string, now: Date): Promise<void> {
    const attempts = item.attempts + 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempts - 1));
    await this.engine.run((db, t) =>
      db
        .update(t.outbox)
        .set({ attempts, lastError: error.slice(0, 500), nextAttemptAt: new Date(now.getTime() + delay) })
        .where(eq(t.outbox.id, item.id)),
    );
  }

  /**
   * Sets a row aside that can never be delivered (its reason is kept, and the ticket's audit
   * trail says so, so an agent can reach the user another way), in one transaction. The message
   * itself stays in the ticket's transcript.
   */
  async abandon(item: OutboxItem, error: string, now: Date): Promise<void> {
    await this.engine.transaction(async () => {
      const [row] = await this.engine.run((db, t) =>
        db
          .update(t.outbox)
          .set({ status: 'failed', attempts: item.attempts + 1, lastError: error.slice(0, 500) })
          .where(eq(t.outbox.id, item.id))
          .returning({ escalationId: t.outbox.escalationId }),
      );
      const escalationId = row?.escalationId;
      if (escalationId) {
        await this.engine.run((db, t) => db.insert(t.escalationEvents).values({ escalationId, actor: 'system', action: 'delivery failed', note: error.slice(0, 500), createdAt: now }));
      }
    });
  }

  /** Rows not yet delivered, per channel, with when the oldest was queued (for metrics). */
  async backlog(): Promise<OutboxBacklog[]> {
    const rows = await this.engine.run((db, t) =>
      db
        .select({ channel: t.outbox.channel, pending: count(), oldestAt: sql<Date>`min(${t.outbox.createdAt})`.mapWith(t.outbox.createdAt) })
        .from(t.outbox)
        .where(eq(t.outbox.status, 'pending'))
        .groupBy(t.outbox.channel)
        .orderBy(asc(t.outbox.channel)),
    );
    return rows.map((row) => ({ channel: row.channel as ChannelName, pending: row.pending, oldestAt: row.oldestAt }));
  }

  /** Rows not yet delivered (for health checks and tests). */
  async pendingCount(): Promise<number> {
    const [row] = await this.engine.run((db, t) => db.select({ n: count() }).from(t.outbox).where(eq(t.outbox.status, 'pending')));
    return row?.n ?? 0;
  }
}
