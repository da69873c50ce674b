import type { Engine } from '../db/index.js';
import type { AgentIdentity } from '../config/index.js';
import { DeskError, type AgentActor, type ChannelName, type DeskAction, type EscalationDetail, type EscalationView, type QueueFilter } from '../contracts/index.js';
import { ConversationStore } from '../dialogue/store.js';
import { TicketNotices } from '../dialogue/ticket-notices.js';
import { actorKeys } from './actors.js';
import { DeskBindings } from './desk-bindings.js';
import { TicketLifecycle } from './lifecycle.js';
import type { PriorityQuota } from './priority-quota.js';
import { TicketQueue, type QueueCursor } from './queue.js';
import type { SlaPolicy } from './sla.js';
import { TicketTags } from './tags.js';

/** How an agent marks a message in a ticket's thread as an internal note: `note: …`, `note：…` or `!note …`. */
const NOTE_PREFIX = /^\s*(?:note\s*[:：]|!note\s)\s*/i;

/**
 * The agents' desk: what every desk (the CLI, a Telegram group, a Discord channel) works tickets
 * through. Reads come from the queue, actions go to the ticket lifecycle (which checks
 * `AGENT_IDS` on every one: `DeskError` 'forbidden'), card places to the desk bindings. Every
 * method but `isAgent` (configuration only) is asynchronous, as the stores behind it are.
 */
export class TicketDesk {
  constructor(private readonly parts: { readonly lifecycle: TicketLifecycle; readonly queue: TicketQueue; readonly bindings: DeskBindings; readonly tags: TicketTags }) {}

  /** Whether this identity may act as an agent (`AGENT_IDS`). */
  isAgent(channel: ChannelName, userId: string): boolean {
    return this.parts.lifecycle.isAgent(channel, userId);
  }

  /** The queue: open first by priority (urgent, high, normal), then oldest first. */
  async list(filter?: QueueFilter): Promise<EscalationView[]> {
    return this.parts.queue.list(filter);
  }

  /** One page of the queue, and where the next one starts (see {@link TicketQueue.page}). */
  async page(filter: QueueFilter, limit: number, after?: QueueCursor): Promise<{ readonly tickets: EscalationView[]; readonly next?: QueueCursor }> {
    return this.parts.queue.page(filter, limit, after);
  }

  /** One ticket by id or number. @throws DeskError not_found */
  async view(ref: number | string): Promise<EscalationView> {
    return this.parts.queue.view(ref);
  }

  /** A ticket with its transcript and audit trail. @throws DeskError not_found */
  async detail(ref: number | string): Promise<EscalationDetail> {
    return this.parts.queue.detail(ref);
  }

  /** Takes a ticket; the user hears that a human has joined. */
  async claim(ref: number | string, agent: AgentActor): Promise<EscalationView> {
    return this.parts.lifecycle.claim(ref, agent);
  }

  /** Gives a ticket to the console agent `web:<login>` (see {@link TicketLifecycle.assign}). */
  async assign(ref: number | string, agent: AgentActor, login: string): Promise<EscalationView> {
    return this.parts.lifecycle.assign(ref, agent, login);
  }

  /** Adds a tag to a ticket; returns its tags. @throws DeskError forbidden (not an agent), TagError */
  async tag(ref: number | string, agent: AgentActor, tag: string): Promise<string[]> {
    this.#requireAgent(agent);
    return this.parts.tags.add(ref, agent, tag);
  }

  /** Removes a tag from a ticket; returns its tags. @throws DeskError forbidden (not an agent) */
  async untag(ref: number | string, agent: AgentActor, tag: string): Promise<string[]> {
    this.#requireAgent(agent);
    return this.parts.tags.remove(ref, agent, tag);
  }

  /** Answers the user (claiming the ticket first if nobody has); `messageId` relays a redelivered message once. */
  async reply(ref: number | string, agent: AgentActor, text: string, options?: { messageId?: string }): Promise<EscalationView> {
    return this.parts.lifecycle.reply(ref, agent, text, options);
  }

  /** Adds an internal note, never sent to the user. */
  async note(ref: number | string, agent: AgentActor, text: string): Promise<EscalationView> {
    return this.parts.lifecycle.note(ref, agent, text);
  }

  /** Resolves a ticket; the user is asked for a rating. */
  async resolve(ref: number | string, agent: AgentActor, resolutionNote?: string): Promise<EscalationView> {
    return this.parts.lifecycle.resolve(ref, agent, resolutionNote);
  }

  /** Opens a resolved or closed ticket again. */
  async reopen(ref: number | string, agent: AgentActor): Promise<EscalationView> {
    return this.parts.lifecycle.reopen(ref, agent);
  }

  /** What a card's button does: claim, resolve or reopen the ticket. */
  async act(action: DeskAction, ref: number | string, agent: AgentActor): Promise<EscalationView> {
    switch (action) {
      case 'claim':
        return this.claim(ref, agent);
      case 'resolve':
        return this.resolve(ref, agent);
      case 'reopen':
        return this.reopen(ref, agent);
    }
  }

  /**
   * An agent's message in a ticket's thread on a chat desk: `note: …` (or `!note …`) is an
   * internal note; anything else answers the user (`messageId` relays a redelivered message once).
   */
  async answer(ref: number | string, agent: AgentActor, text: string, options?: { messageId?: string }): Promise<EscalationView> {
    const note = NOTE_PREFIX.exec(text);
    return note ? this.note(ref, agent, text.slice(note[0].length)) : this.reply(ref, agent, text, options);
  }

  /** Remembers where a ticket is shown on a platform (card message id, thread id). */
  async attachCard(escalationId: number, channel: ChannelName, cardRef: string): Promise<void> {
    await this.parts.bindings.attachCard(escalationId, channel, cardRef);
  }

  /** The ticket a card or thread belongs to. */
  async ticketForCard(channel: ChannelName, cardRef: string): Promise<EscalationView | undefined> {
    const id = await this.parts.bindings.ticketIdForCard(channel, cardRef);
    return id === undefined ? undefined : this.parts.queue.view(id);
  }

  /** Where a ticket is shown on a platform, oldest first. */
  async cardsOf(escalationId: number, channel: ChannelName): Promise<string[]> {
    return this.parts.bindings.cardsOf(escalationId, channel);
  }

  #requireAgent(agent: AgentActor): void {
    if (!this.isAgent(agent.channel, agent.userId)) throw new DeskError({ code: 'forbidden', reason: 'not_agent', who: actorKeys.agent(agent) });
  }
}

/** What {@link assembleTickets} needs from configuration. */
export interface TicketOptions {
  readonly sla: SlaPolicy;
  readonly agents: readonly AgentIdentity[];
  readonly priorityQuota?: PriorityQuota;
}

/** The ticket parts over one database, wired together. */
export interface Tickets {
  readonly lifecycle: TicketLifecycle;
  readonly queue: TicketQueue;
  readonly bindings: DeskBindings;
  readonly tags: TicketTags;
  readonly desk: TicketDesk;
}

/** Wires the ticket lifecycle (with the dialogue's notices to users), the queue, the desk bindings, the tags and the desk over one database. */
export function assembleTickets(engine: Engine, options: TicketOptions): Tickets {
  const conversations = new ConversationStore(engine);
  const queue = new TicketQueue(engine);
  const bindings = new DeskBindings(engine);
  const lifecycle = new TicketLifecycle({ engine, conversations, queue, notices: new TicketNotices(conversations), ...options });
  const tags = new TicketTags(engine, queue);
  return { lifecycle, queue, bindings, tags, desk: new TicketDesk({ lifecycle, queue, bindings, tags }) };
}
