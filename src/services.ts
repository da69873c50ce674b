import type { Config } from './config/index.js';
import { openDatabase, type DatabaseHandle } from './db/index.js';
import { DeskPresenter } from './core/desk-presenter.js';
import { assembleTickets, type TicketDesk } from './escalation/desk.js';
import type { DeskBindings } from './escalation/desk-bindings.js';
import type { TicketLifecycle } from './escalation/lifecycle.js';
import { Outbox } from './escalation/outbox.js';
import { PriorityQuota } from './escalation/priority-quota.js';
import type { TicketQueue } from './escalation/queue.js';
import { Brain } from './nlu/brain.js';
import { SupportBot } from './core/support-bot.js';
import type { SlaPolicy } from './escalation/sla.js';

/** The core, assembled: what the bot process and the CLI share. */
export interface Services {
  readonly database: DatabaseHandle;
  readonly brain: Brain;
  readonly bot: SupportBot;
  /** Ticket changes (the pipeline's and the agents'). */
  readonly tickets: TicketLifecycle;
  /** Ticket reads: the queue, one ticket, the changes since a desk last looked. */
  readonly queue: TicketQueue;
  /** Where tickets show on the chat desks, and how far each desk has mirrored. */
  readonly bindings: DeskBindings;
  /** The agents' desk every desk works through (`AGENT_IDS` checked on every action). */
  readonly desk: TicketDesk;
  /** Cards and desk texts in `DESK_LANG`. */
  readonly presenter: DeskPresenter;
  readonly outbox: Outbox;
  /** Closes the database. */
  close(): void;
}

/** The SLA settings of a configuration. */
export function slaPolicy(config: Config): SlaPolicy {
  return { chatMinutes: config.sla.chatMinutes, emailHours: config.sla.emailHours, businessHours: config.businessHours };
}

/** Opens the database (migrating it; `busyTimeoutMs` as {@link openDatabase}), trains the brain and wires the pipeline. */
export function createServices(config: Config, brain: Brain = Brain.load(config.nlu, config.links), options: { busyTimeoutMs?: number } = {}): Services {
  const database = openDatabase(config.databasePath, options);
  const sla = slaPolicy(config);
  const priorityQuota = new PriorityQuota({ perAddress: config.web.limits.priorityTicketsPerHour, windowMs: 60 * 60_000 });
  const { lifecycle, queue, bindings, desk } = assembleTickets(database.db, { sla, agents: config.agents, priorityQuota });
  const bot = new SupportBot({ db: database.db, brain, tickets: lifecycle, queue, sla });
  return {
    database,
    brain,
    bot,
    tickets: lifecycle,
    queue,
    bindings,
    desk,
    presenter: new DeskPresenter(config.deskLang),
    outbox: new Outbox(database.db),
    close: () => database.close(),
  };
}
