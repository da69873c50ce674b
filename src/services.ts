import type { Config } from './config/index.js';
import type { Engine, OpenOptions } from './db/index.js';
import { openEngine } from './db/open.js';
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
  /** The database (SQLite, or Postgres with `DATABASE_URL`). */
  readonly engine: Engine;
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
  close(): Promise<void>;
}

/** The SLA settings of a configuration. */
export function slaPolicy(config: Config): SlaPolicy {
  return { chatMinutes: config.sla.chatMinutes, emailHours: config.sla.emailHours, businessHours: config.businessHours };
}

/** Opens the live knowledge base, seeding its phrases from `intents/` and its FAQ from `data/faq.json` the first time. */
export async function openKnowledge(engine: Engine, now = new Date()): Promise<KnowledgeStore> {
  const knowledge = new KnowledgeStore(engine);
  await knowledge.seedIfEmpty(readIntentFiles(), now);
  await knowledge.faq.seedIfEmpty(readFaqFile(), now);
  return knowledge;
}

/**
 * Opens the database (migrating it; Postgres when `DATABASE_URL` is set, else SQLite with `options`
 * as `openDatabase`), seeds the knowledge
 * base on first start ({@link openKnowledge}), trains the brain on its phrases and FAQ (unless
 * `brain` is given) and wires the pipeline.
 */
export async function createServices(config: Config, brain?: Brain, options: OpenOptions = {}): Promise<Services> {
  const engine = await openEngine(config, { sqlite: options });
  const knowledge = await openKnowledge(engine);
  const knowledgeSnapshot = await knowledge.snapshot();
  const brains = new BrainHolder(brain ?? buildBrain({ policy: config.nlu, links: config.links }, knowledgeSnapshot.phrases, knowledgeSnapshot.faq));
  const sla = slaPolicy(config);
  const priorityQuota = new PriorityQuota({ perAddress: config.web.limits.priorityTicketsPerHour, windowMs: 60 * 60_000 });
  const { lifecycle, queue, bindings, desk } = assembleTickets(engine, { sla, agents: config.agents, priorityQuota });
  const bot = new SupportBot({ engine, brain: brains, tickets: lifecycle, queue, sla });
  return {
    engine,
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
    outbox: new Outbox(engine),
    close: () => engine.close(),
  };
}
