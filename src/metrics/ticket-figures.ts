import { and, count, eq, gt, lte, sql } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
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
  /** The audit events counted for good: every breach up to this id is in {@link #settled}. */
  #settledTo = 0;
  readonly #settled = new Map<SlaLevel, number>(SLA_LEVELS.map((level) => [level, 0]));
  /** The newest event id at the previous scrape: settled at this one. */
  #seenTo = 0;

  constructor(private readonly engine: Engine) {}

  /** Tickets waiting for an agent (status open), by priority. */
  async openByPriority(): Promise<ReadonlyMap<Priority, number>> {
    const rows = await this.engine.run((db, t) =>
      db.select({ priority: t.escalations.priority, n: count() }).from(t.escalations).where(eq(t.escalations.status, 'open')).groupBy(t.escalations.priority),
    );
    const counts = new Map<Priority, number>(PRIORITIES.map((priority) => [priority, 0]));
    for (const row of rows) counts.set(row.priority, row.n);
    return counts;
  }

  /**
   * SLA breach events (`sla breached` in the audit trail) ever recorded, by level. The first call
   * reads the whole trail, later ones only the events after those counted for good. An event is
   * counted for good one scrape after it was first possible to see it: on Postgres ids are drawn
   * at insert, not commit, so an event with a lower id may appear after a higher one (it must
   * commit within a scrape interval); the events since are recounted at each scrape.
   */
  async slaBreaches(): Promise<ReadonlyMap<SlaLevel, number>> {
    // Up to the newest event now: one recorded while this reads is counted at the next scrape, not skipped.
    const [newestRow] = await this.engine.run((db, t) => db.select({ id: sql<number>`coalesce(max(${t.escalationEvents.id}), 0)`.mapWith(Number) }).from(t.escalationEvents));
    const newest = newestRow?.id ?? 0;
    const horizon = Math.min(this.#seenTo, newest);
    if (horizon > this.#settledTo) {
      add(this.#settled, await this.#breaches(this.#settledTo, horizon));
      this.#settledTo = horizon;
    }
    this.#seenTo = newest;
    const total = new Map(this.#settled);
    if (newest > this.#settledTo) add(total, await this.#breaches(this.#settledTo, newest));
    return total;
  }

  /** Breach events with ids in (`after`, `upTo`], by level. */
  async #breaches(after: number, upTo: number): Promise<ReadonlyMap<SlaLevel, number>> {
    const rows = await this.engine.run((db, t) =>
      db
        .select({ note: t.escalationEvents.note, n: count() })
        .from(t.escalationEvents)
        .where(and(gt(t.escalationEvents.id, after), lte(t.escalationEvents.id, upTo), eq(t.escalationEvents.action, SLA_BREACHED)))
        .groupBy(t.escalationEvents.note),
    );
    const counts = new Map<SlaLevel, number>();
    for (const row of rows) {
      const level = Number(row.note) as SlaLevel;
      if (SLA_LEVELS.includes(level)) counts.set(level, (counts.get(level) ?? 0) + row.n);
    }
    return counts;
  }
}

/** Adds `more`'s counts into `into`. */
function add(into: Map<SlaLevel, number>, more: ReadonlyMap<SlaLevel, number>): void {
  for (const [level, n] of more) into.set(level, (into.get(level) ?? 0) + n);
}
