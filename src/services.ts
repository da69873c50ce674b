import type { Config } from './config/index.js';
import { openDatabase, type Database, type DatabaseHandle, type OpenOptions } from './db/index.js';
import { DeskPresenter } from './core/desk-presenter.js';
import { assembleTickets, type TicketDesk } from './escalation/desk.js';
import type { DeskBindings } from './escalation/desk-bindings.js';
import type { TicketLifecycle } from './escalation/lifecycle.js';
import { Outbox } from './escalation/outbox.js';
import { PriorityQuota } from './escalation/priority-quota.js';
import type { TicketQueue } from './escalation/queue.js';
import type { Brain } from './nlu/brain.js';
import { SupportBot } from './core/support-bot.js';
import { BrainHolder } from './knowledge/brain-holder.js';
import { buildBrain } from './knowledge/live-brain.js';
import { KnowledgeStore, type KnowledgeSnapshot } from './knowledge/store.js';
import { readFaqFile } from './nlu/knowledge-base.js';
import { readIntentFiles } from './nlu/training-data.js';
import type { SlaPolicy } from './escalation/sla.js';

/** The core, assembled: what the bot process and the CLI share. */
export interface Services {
  readonly database: DatabaseHandle;
  /** The brain in use now (see {@link Services.brains}). */
  readonly brain: Brain;
  /** Holds the live brain; the running bot swaps in a retrained one after a knowledge-base edit. */
  readonly brains: BrainHolder;
  /** The live knowledge base's training phrases, FAQ and their edits. */
  readonly knowledge: KnowledgeStore;
  /** The knowledge (version, phrases, FAQ) the brain was built from at start. */
  readonly knowledgeSnapshot: KnowledgeSnapshot;
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

/** Opens the live knowledge base, seeding its phrases from `intents/` and its FAQ from `data/faq.json` the first time. */
export function openKnowledge(db: Database, now = new Date()): KnowledgeStore {
  const knowledge = new KnowledgeStore(db);
  knowledge.seedIfEmpty(readIntentFiles(), now);
  knowledge.faq.seedIfEmpty(readFaqFile(), now);
  return knowledge;
}

/**
 * Opens the database (migrating it; `options` as {@link openDatabase}), seeds the knowledge
 * base on first start ({@link openKnowledge}), trains the brain on its phrases and FAQ (unless
 * `brain` is given) and wires the pipeline.
 */
export function createServices(config: Config, brain?: Brain, options: OpenOptions = {}): Services {
  const database = openDatabase(config.databasePath, options);
  const knowledge = openKnowledge(database.db);
  const knowledgeSnapshot = knowledge.snapshot();
  const brains = new BrainHolder(brain ?? buildBrain({ policy: config.nlu, links: config.links }, knowledgeSnapshot.phrases, knowledgeSnapshot.faq));
  const sla = slaPolicy(config);
  const priorityQuota = new PriorityQuota({ perAddress: config.web.limits.priorityTicketsPerHour, windowMs: 60 * 60_000 });
  const { lifecycle, queue, bindings, desk } = assembleTickets(database.db, { sla, agents: config.agents, priorityQuota });
  const bot = new SupportBot({ db: database.db, brain: brains, tickets: lifecycle, queue, sla });
  return {
    database,
    get brain() {
      return brains.current;
    },
    brains,
    knowledge,
    knowledgeSnapshot,
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
