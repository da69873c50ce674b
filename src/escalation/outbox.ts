import { and, asc, count, eq, gt, inArray, lt, lte, notExists, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Database } from '../db/index.js';
import { escalationEvents, outbox } from '../db/schema.js';
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

/**
 * The outbox table: messages to users written in the same transaction as the change that
 * causes them (an agent reply, a resolve), delivered by whichever process runs the channels.
 *
 * Guarantee: at least once, in order per conversation. A row is claimed with a lease, sent,
 * then marked delivered; a row whose older sibling (same channel and reference) is still
 * waiting (leased elsewhere, or backing off after a failure) is not claimed until that one is
 * done. A process killed between a send and its mark sends that row again once the lease ends.
 */
export class Outbox {
  readonly #enqueue;

  constructor(private readonly db: Database) {
    const p = sql.placeholder;
    // Prepared once: every turn that answers through a ticket queues a row.
    this.#enqueue = db
      .insert(outbox)
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
      .prepare();
  }

  /**
   * Queues replies for a conversation; call inside the transaction of the change. With a
   * `dedupeKey` (e.g. `notice:<id>:<user>`) the row is queued once however often this is called;
   * false when a row with that key already exists.
   */
  enqueue(item: { channel: ChannelName; reference: ConversationRef; replies: readonly Reply[]; escalationId?: number; dedupeKey?: string }, now: Date): boolean {
    const inserted = this.#enqueue.run({
      channel: item.channel,
      reference: { ...item.reference },
      payload: { replies: item.replies },
      escalationId: item.escalationId ?? null,
      now,
      dedupeKey: item.dedupeKey ?? null,
    });
    return inserted.changes > 0;
  }

  /**
   * Takes up to `limit` due rows for the given channels, oldest first, and leases them so that
   * another drain (another process) leaves them alone. A row waits while an older row of its
   * conversation is pending and not due (in flight elsewhere or backing off), so order holds.
   */
  claimDue(channels: readonly ChannelName[], now: Date, options: ClaimOptions): OutboxItem[] {
    if (channels.length === 0 || options.limit <= 0) return [];
    const older = alias(outbox, 'older');
    // Two processes claiming at once cannot both take a row: in WAL mode the second one's update of a snapshot
    // the first has changed fails (SQLITE_BUSY), and its caller tries again later.
    return this.db.transaction((tx) => {
      const rows = tx
        .select()
        .from(outbox)
        .where(
          and(
            eq(outbox.status, 'pending'),
            lte(outbox.nextAttemptAt, now),
            inArray(outbox.channel, [...channels]),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(older)
                .where(and(eq(older.channel, outbox.channel), eq(older.reference, outbox.reference), eq(older.status, 'pending'), gt(older.nextAttemptAt, now), lt(older.id, outbox.id))),
            ),
          ),
        )
        .orderBy(asc(outbox.id))
        .limit(options.limit)
        .all()
        .filter((row) => options.owns?.({ channel: row.channel as ChannelName, reference: row.reference }) ?? true);
      const ids = rows.map((row) => row.id);
      if (ids.length > 0)
        tx.update(outbox)
          .set({ nextAttemptAt: new Date(now.getTime() + options.leaseMs) })
          .where(inArray(outbox.id, ids))
          .run();
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
  extendLease(ids: readonly number[], until: Date): void {
    if (ids.length === 0) return;
    this.db
      .update(outbox)
      .set({ nextAttemptAt: until })
      .where(and(inArray(outbox.id, [...ids]), eq(outbox.status, 'pending')))
      .run();
  }

  /** Marks rows delivered (one statement for the batch); they are never sent again. */
  delivered(ids: readonly number[], now: Date): void {
    if (ids.length === 0) return;
    this.db
      .update(outbox)
      .set({ status: 'delivered', deliveredAt: now, lastError: null })
      .where(inArray(outbox.id, [...ids]))
      .run();
  }

  /** Gives leased rows back, due at once: the next drain (here or in the next process) sends them. */
  release(ids: readonly number[], now: Date): void {
    if (ids.length === 0) return;
    this.db
      .update(outbox)
      .set({ nextAttemptAt: now })
      .where(and(inArray(outbox.id, [...ids]), eq(outbox.status, 'pending')))
      .run();
  }

  /** Records a failed attempt and schedules the next one with exponential backoff. */
  failed(item: OutboxItem, error: string, now: Date): void {
    const attempts = item.attempts + 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (attempts - 1));
    this.db
      .update(outbox)
      .set({ attempts, lastError: error.slice(0, 500), nextAttemptAt: new Date(now.getTime() + delay) })
      .where(eq(outbox.id, item.id))
      .run();
  }

  /**
   * Sets a row aside that can never be delivered (its reason is kept, and the ticket's audit
   * trail says so, so an agent can reach the user another way). The message itself stays in
   * the ticket's transcript.
   */
  abandon(item: OutboxItem, error: string, now: Date): void {
    this.db.transaction((tx) => {
      tx.update(outbox)
        .set({ status: 'failed', attempts: item.attempts + 1, lastError: error.slice(0, 500) })
        .where(eq(outbox.id, item.id))
        .run();
      const row = tx.select({ escalationId: outbox.escalationId }).from(outbox).where(eq(outbox.id, item.id)).get();
      if (row?.escalationId) {
        tx.insert(escalationEvents)
          .values({ escalationId: row.escalationId, actor: 'system', action: 'delivery failed', note: error.slice(0, 500), createdAt: now })
          .run();
      }
    });
  }

  /** Rows not yet delivered, per channel, with when the oldest was queued (for metrics). */
  backlog(): OutboxBacklog[] {
    return this.db
      .select({ channel: outbox.channel, pending: count(), oldestAtMs: sql<number>`min(${outbox.createdAt})` })
      .from(outbox)
      .where(eq(outbox.status, 'pending'))
      .groupBy(outbox.channel)
      .all()
      .map((row) => ({ channel: row.channel as ChannelName, pending: row.pending, oldestAt: new Date(row.oldestAtMs) }));
  }

  /** Rows not yet delivered (for health checks and tests). */
  pendingCount(): number {
    return this.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'pending')).get()?.n ?? 0;
  }
}
