import type { SlaLevel } from '../contracts/index.js';

/** What the SLA alerts of one ticket depend on. */
export interface OverdueTicket {
  readonly id: number;
  readonly createdAt: Date;
  /** When the first reply was due. */
  readonly slaDueAt: Date;
  /** The alert levels already raised for it (each is raised once, ever). */
  readonly raised: readonly SlaLevel[];
}

/**
 * The alerts due for a ticket nobody has taken yet, lowest level first, leaving out those already
 * raised: level 1 once its first-reply time has passed, level 2 at twice that time (counted from
 * the ticket's creation). Both come at once after an outage long enough to miss the first.
 */
export function alertsDue(ticket: OverdueTicket, now: Date): SlaLevel[] {
  const due = ticket.slaDueAt.getTime();
  const window = Math.max(0, due - ticket.createdAt.getTime());
  const levels: SlaLevel[] = [];
  if (now.getTime() >= due) levels.push(1);
  if (now.getTime() >= due + window) levels.push(2);
  return levels.filter((level) => !ticket.raised.includes(level));
}

/** The latest moment an agent's last message may have been written for its ticket to be closed now (`hours` waiting on the user). */
export function autoCloseCutoff(now: Date, hours: number): Date {
  return new Date(now.getTime() - hours * 3_600_000);
}
