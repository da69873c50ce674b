import { and, count, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { escalationEvents, escalations } from '../db/schema.js';
import type { AuditAction, Priority, SlaLevel } from '../contracts/index.js';

/** The priorities, most pressing first: every one is reported, at zero when no ticket has it. */
export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal'];

/** The SLA alert levels: every one is reported, at zero when none was raised. */
export const SLA_LEVELS: readonly SlaLevel[] = [1, 2];

const SLA_BREACHED: AuditAction = 'sla breached';

/**
 * The ticket figures metrics read at each scrape: the queue's depth by priority, and the SLA
 * breaches recorded so far. Both come from the database, so every instance on it reports the same.
 */
export class TicketFigures {
  /** The audit events read so far: each scrape counts only the breaches recorded after it. */
  #cursor = 0;
  readonly #breaches = new Map<SlaLevel, number>(SLA_LEVELS.map((level) => [level, 0]));

  constructor(private readonly db: Database) {}

  /** Tickets waiting for an agent (status open), by priority. */
  openByPriority(): ReadonlyMap<Priority, number> {
    const rows = this.db.select({ priority: escalations.priority, n: count() }).from(escalations).where(eq(escalations.status, 'open')).groupBy(escalations.priority).all();
    const counts = new Map<Priority, number>(PRIORITIES.map((priority) => [priority, 0]));
    for (const row of rows) counts.set(row.priority, row.n);
    return counts;
  }

  /**
   * SLA breach events (`sla breached` in the audit trail) ever recorded, by level. The first call
   * reads the whole trail, later ones only the events after the last it read (the audit trail is
   * append-only and SQLite commits its ids in order).
   */
  slaBreaches(): ReadonlyMap<SlaLevel, number> {
    // Up to the newest event now: one recorded while this reads is counted at the next scrape, not skipped.
    const newest = this.db
      .select({ id: sql<number>`coalesce(max(${escalationEvents.id}), 0)` })
      .from(escalationEvents)
      .get()!.id;
    if (newest <= this.#cursor) return this.#breaches;
    const rows = this.db
      .select({ note: escalationEvents.note, n: count() })
      .from(escalationEvents)
      .where(and(gt(escalationEvents.id, this.#cursor), lte(escalationEvents.id, newest), eq(escalationEvents.action, SLA_BREACHED)))
      .groupBy(escalationEvents.note)
      .all();
    for (const row of rows) {
      const level = Number(row.note) as SlaLevel;
      const counted = this.#breaches.get(level);
      if (counted !== undefined) this.#breaches.set(level, counted + row.n);
    }
    this.#cursor = newest;
    return this.#breaches;
  }
}
