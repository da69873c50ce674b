import type { Config } from './config/index.js';
import { openDatabase, type DatabaseHandle } from './db/index.js';
import { ConversationStore } from './dialogue/store.js';
import { EscalationService } from './escalation/service.js';
import { Outbox } from './escalation/outbox.js';
import { PriorityQuota } from './escalation/priority-quota.js';
import { Brain } from './nlu/brain.js';
import { SupportBot } from './core/support-bot.js';
import type { SlaPolicy } from './escalation/sla.js';

/** The core, assembled: what the bot process and the CLI share. */
export interface Services {
  readonly database: DatabaseHandle;
  readonly brain: Brain;
  readonly bot: SupportBot;
  readonly escalations: EscalationService;
  readonly outbox: Outbox;
  /** Closes the database. */
  close(): void;
}

/** Opens the database (migrating it; `busyTimeoutMs` as {@link openDatabase}), trains the brain and wires the pipeline. */
export function createServices(config: Config, brain: Brain = Brain.load(config.nlu, config.links), options: { busyTimeoutMs?: number } = {}): Services {
  const database = openDatabase(config.databasePath, options);
  const sla: SlaPolicy = { chatMinutes: config.sla.chatMinutes, emailHours: config.sla.emailHours, businessHours: config.businessHours };
  const priorityQuota = new PriorityQuota({ perAddress: config.web.limits.priorityTicketsPerHour, windowMs: 60 * 60_000 });
  const escalations = new EscalationService(database.db, new ConversationStore(database.db), { sla, agents: config.agents, priorityQuota });
  const bot = new SupportBot({ db: database.db, brain, escalations, sla });
  return { database, brain, bot, escalations, outbox: new Outbox(database.db), close: () => database.close() };
}
