import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CHANNEL_NAMES, type Priority, type SlaLevel } from '../contracts/index.js';
import type { TurnMeasurement } from '../core/measured-handler.js';
import type { DeliveryObserver } from '../escalation/dispatcher.js';
import type { OutboxBacklog } from '../escalation/outbox.js';
import type { Logger } from '../log.js';

type MaybePromise<T> = T | Promise<T>;

/** Where the figures read at each scrape come from (synchronous or not, as the stores are). */
export interface MetricsSources {
  /** Undelivered outbox rows per channel. */
  readonly outbox: { backlog(): MaybePromise<OutboxBacklog[]> };
  /** The queue's depth and the SLA breaches (see `TicketFigures`). */
  readonly tickets: { openByPriority(): MaybePromise<ReadonlyMap<Priority, number>>; slaBreaches(): MaybePromise<ReadonlyMap<SlaLevel, number>> };
  readonly clock?: () => Date;
}

/** Turn durations: a turn takes a few milliseconds; a slow disk or a busy database shows in the upper buckets. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const CONFIDENCE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];

/**
 * The bot's Prometheus metrics, in a registry of its own (several apps may run in one process):
 * every series carries the `instance` label; labels are bounded sets (channel, action, outcome,
 * priority, level), never a user's words or ids. Turns and deliveries are counted as they
 * happen; the outbox, the queue and the SLA breaches are read from the database at each scrape.
 * Node's default process metrics are included.
 */
export class BotMetrics {
  readonly #registry = new Registry();
  readonly #messages: Counter<'channel' | 'action'>;
  readonly #duration: Histogram<'channel'>;
  readonly #confidence: Histogram<'action'>;
  readonly #deliveries: Counter<'channel'>;
  readonly #failures: Counter<'channel' | 'outcome'>;

  constructor(
    instance: string,
    sources: MetricsSources,
    private readonly logger: Logger,
  ) {
    const registers = [this.#registry];
    this.#registry.setDefaultLabels({ instance });
    this.#messages = new Counter({ name: 'support_bot_messages_total', help: 'Messages handled, by channel and what the turn came to (action).', labelNames: ['channel', 'action'], registers });
    this.#duration = new Histogram({
      name: 'support_bot_turn_duration_seconds',
      help: 'Time to handle one message (database writes included), by channel.',
      labelNames: ['channel'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#confidence = new Histogram({
      name: 'support_bot_brain_confidence',
      help: "The brain's confidence in the turns it decided, by action.",
      labelNames: ['action'],
      buckets: CONFIDENCE_BUCKETS,
      registers,
    });
    this.#deliveries = new Counter({ name: 'support_bot_outbox_deliveries_total', help: 'Outbox rows delivered by this instance, by channel.', labelNames: ['channel'], registers });
    this.#failures = new Counter({
      name: 'support_bot_delivery_failures_total',
      help: 'Failed outbox deliveries by this instance, by channel; outcome "retry" (tried again later) or "abandoned" (set aside for good).',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    // Read at each scrape. Every channel has its outbox series (0 when nothing waits), so a dashboard shows a line, not a gap.
    const backlog = async (fill: (row: OutboxBacklog, now: number) => void) => {
      const now = (sources.clock?.() ?? new Date()).getTime();
      const rows = new Map(CHANNEL_NAMES.map((channel) => [channel, { channel, pending: 0, oldestAt: new Date(now) }]));
      for (const row of await sources.outbox.backlog()) rows.set(row.channel, row);
      for (const row of rows.values()) fill(row, now);
    };
    const pending: Gauge<'channel'> = new Gauge({
      name: 'support_bot_outbox_pending',
      help: 'Outbox rows not yet delivered, by channel (read from the database at scrape).',
      labelNames: ['channel'],
      registers,
      collect: () => this.#read('outbox', pending, () => backlog((row) => pending.set({ channel: row.channel }, row.pending))),
    });
    const oldestAge: Gauge<'channel'> = new Gauge({
      name: 'support_bot_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered outbox row, by channel (read from the database at scrape).',
      labelNames: ['channel'],
      registers,
      collect: () => this.#read('outbox', oldestAge, () => backlog((row, now) => oldestAge.set({ channel: row.channel }, Math.max(0, (now - row.oldestAt.getTime()) / 1000)))),
    });
    const openTickets: Gauge<'priority'> = new Gauge({
      name: 'support_bot_open_tickets',
      help: 'Tickets waiting for an agent (status open), by priority (read from the database at scrape).',
      labelNames: ['priority'],
      registers,
      collect: () =>
        this.#read('tickets', openTickets, async () => {
          for (const [priority, n] of await sources.tickets.openByPriority()) openTickets.set({ priority }, n);
        }),
    });
    const breaches: Counter<'level'> = new Counter({
      name: 'support_bot_sla_breaches_total',
      help: 'SLA breach events recorded (level 1: first reply overdue; 2: twice overdue), read from the database at scrape.',
      labelNames: ['level'],
      registers,
      collect: () =>
        this.#read('sla', breaches, async () => {
          for (const [level, n] of await sources.tickets.slaBreaches()) breaches.inc({ level: String(level) }, n);
        }),
    });
    collectDefaultMetrics({ register: this.#registry });
  }

  /** Counts a handled message (give it to the `MeasuredHandler`). */
  readonly observeTurn = (turn: TurnMeasurement): void => {
    this.#messages.inc({ channel: turn.channel, action: turn.outcome });
    this.#duration.observe({ channel: turn.channel }, turn.seconds);
    if (turn.confidence !== undefined) this.#confidence.observe({ action: turn.outcome }, turn.confidence);
  };

  /** Counts a delivery attempt (give it to the outbox dispatcher). */
  readonly observeDelivery: DeliveryObserver = (channel, outcome) => {
    if (outcome === 'delivered') this.#deliveries.inc({ channel });
    else this.#failures.inc({ channel, outcome });
  };

  /** The media type of {@link render}'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Every metric in Prometheus text format, the database figures read now. */
  render(): Promise<string> {
    return this.#registry.metrics();
  }

  /** Refills a metric read from the database; when it cannot be read, the metric is left empty (not stale) and a warning logged. */
  async #read(what: string, metric: { reset(): void }, fill: () => Promise<void>): Promise<void> {
    metric.reset();
    try {
      await fill();
    } catch (error) {
      metric.reset();
      this.logger.warn({ metrics: what, reason: String(error) }, 'metrics: could not read the database');
    }
  }
}
