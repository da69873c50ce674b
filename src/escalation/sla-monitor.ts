import type { Logger } from '../log.js';
import type { TicketLifecycle } from './lifecycle.js';
import { PeriodicTask } from './periodic-task.js';

/** What one SLA check did. */
export interface SlaCheck {
  /** SLA alerts raised (each `sla breached` event: one per ticket and level, ever). */
  readonly alerts: number;
  /** Tickets closed after waiting on their user for `AUTO_CLOSE_HOURS`. */
  readonly closed: number;
}

/** How the SLA monitor runs; every field but `autoCloseHours` has a default. */
export interface SlaMonitorOptions {
  /** `AUTO_CLOSE_HOURS`; `0` never closes. */
  readonly autoCloseHours: number;
  /** How often it checks (default 30 s). */
  readonly intervalMs?: number;
}

/**
 * The bot process's SLA job: every ~30 s raises the first-reply alerts that came due and closes
 * tickets that waited on their user too long. The ticket lifecycle writes both as audit events
 * in one transaction with the check, so a restart neither repeats nor loses one; the desk feed
 * shows them on the desks and the outbox tells the users. Several instances may run it on one
 * database: the lifecycle takes each step's lock, so the instances take turns and the second
 * sees what the first wrote (an alert is raised, a ticket closed, once).
 */
export class SlaMonitor {
  readonly #task: PeriodicTask<SlaCheck>;

  constructor(
    private readonly lifecycle: TicketLifecycle,
    private readonly logger: Logger,
    private readonly options: SlaMonitorOptions,
  ) {
    this.#task = new PeriodicTask(
      () => this.check(),
      options.intervalMs ?? 30_000,
      // check() catches the database's failures itself; this is the backstop.
      (error) => this.logger.warn({ reason: String(error) }, 'SLA check failed; will retry'),
    );
  }

  /** Starts checking on a timer. */
  start(): void {
    this.#task.start();
  }

  /** Stops the timer and waits for a check in progress. */
  stop(): Promise<void> {
    return this.#task.stop();
  }

  /** Checks as of `now` (tests pass the moment they want; the timer passes the time it is). Never rejects: a failed check is logged and counts nothing. */
  async check(now = new Date()): Promise<SlaCheck> {
    try {
      const alerts = await this.lifecycle.raiseSlaAlerts(now);
      const closed = await this.lifecycle.autoCloseWaiting(this.options.autoCloseHours, now);
      if (alerts || closed) this.logger.info({ alerts, closed }, 'SLA check: alerts raised, tickets closed');
      return { alerts, closed };
    } catch (error) {
      // The database is busy (another process writing): the next check finds the same tickets.
      this.logger.warn({ reason: String(error) }, 'SLA check failed; will retry');
      return { alerts: 0, closed: 0 };
    }
  }
}
