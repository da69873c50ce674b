import { and, asc, count, eq, inArray, lte } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { escalationEvents, outbox } from '../db/schema.js';
import type { ChannelName, ConversationRef, Reply } from '../core/types.js';

/** A row of the outbox, ready to hand to an adapter. */
export interface OutboxItem {
  readonly id: number;
  readonly channel: ChannelName;
  readonly reference: ConversationRef;
  readonly replies: readonly Reply[];
  readonly attempts: number;
}

/** How long a claimed row is left alone before another drain may try it (a crash mid-delivery). */
const LEASE_MS = 60_000;
/** Retry backoff: 1 s, 2 s, 4 s … capped at 5 minutes, forever (a message is never dropped). */
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * The outbox table: messages to users written in the same transaction as the change that
 * causes them (an agent reply, a resolve), delivered by whichever process runs the channels.
 */
export class Outbox {
  constructor(private readonly db: Database) {}

  /** Queues replies for a conversation; call inside the transaction of the change. */
  enqueue(item: { channel: ChannelName; reference: ConversationRef; replies: readonly Reply[]; escalationId?: number }, now: Date): void {
    this.db
      .insert(outbox)
      .values({
        channel: item.channel,
        reference: { ...item.reference },
        payload: { replies: item.replies },
        escalationId: item.escalationId,
        status: 'pending',
        nextAttemptAt: now,
        createdAt: now,
      })
      .run();
  }

  /**
   * Takes up to `limit` due rows for the given channels, leasing them so that a second
   * drain (another process, or an overlapping tick) does not deliver them again.
   */
  claimDue(channels: readonly ChannelName[], now: Date, owns: (item: Pick<OutboxItem, 'channel' | 'reference'>) => boolean = () => true, limit = 50): OutboxItem[] {
    if (channels.length === 0) return [];
    return this.db.transaction((tx) => {
      const rows = tx
        .select()
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now), inArray(outbox.channel, [...channels])))
        .orderBy(asc(outbox.id))
        .limit(limit)
        .all()
        .filter((row) => owns({ channel: row.channel as ChannelName, reference: row.reference }));
      for (const row of rows) {
        tx.update(outbox).set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) }).where(eq(outbox.id, row.id)).run();
      }
      return rows.map((row) => ({
        id: row.id,
        channel: row.channel as ChannelName,
        reference: row.reference,
        replies: (row.payload as { replies: Reply[] }).replies,
        attempts: row.attempts,
      }));
    });
  }

  /** Marks a row delivered; it is never sent again. */
  delivered(id: number, now: Date): void {
    this.db.update(outbox).set({ status: 'delivered', deliveredAt: now, lastError: null }).where(eq(outbox.id, id)).run();
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
      tx.update(outbox).set({ status: 'failed', attempts: item.attempts + 1, lastError: error.slice(0, 500) }).where(eq(outbox.id, item.id)).run();
      const row = tx.select({ escalationId: outbox.escalationId }).from(outbox).where(eq(outbox.id, item.id)).get();
      if (row?.escalationId) {
        tx.insert(escalationEvents).values({ escalationId: row.escalationId, actor: 'system', action: 'delivery failed', note: error.slice(0, 500), createdAt: now }).run();
      }
    });
  }

  /** Rows not yet delivered (for health checks and tests). */
  pendingCount(): number {
    return this.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'pending')).get()?.n ?? 0;
  }
}
