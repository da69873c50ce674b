import type { Express } from 'express';
import type { Config } from '../config/index.js';
import type { Broadcast } from '../db/broadcast.js';
import type { Engine } from '../db/engine.js';
import type { Logger } from '../log.js';
import type { AgentActor, ChannelAdapter, ChannelDirectory, ChannelName, DeskAction, EscalationDetail, EscalationView, IncomingMessage, Lang, QueueFilter, Reply } from '../contracts/index.js';
import type { DeskPresenter } from './desk-presenter.js';

/** The adapters running in this process, by channel. */
export class ChannelRegistry implements ChannelDirectory {
  readonly #adapters = new Map<ChannelName, ChannelAdapter>();

  /** Adds a started adapter so replies for its channel can be delivered. */
  register(adapter: ChannelAdapter): void {
    this.#adapters.set(adapter.name, adapter);
  }

  /** The adapter for `channel`, if that channel is on in this process. */
  get(channel: ChannelName): ChannelAdapter | undefined {
    return this.#adapters.get(channel);
  }

  /** Every registered adapter, in registration order. */
  all(): ChannelAdapter[] {
    return [...this.#adapters.values()];
  }
}

/** A FAQ entry in one language, as menus, autocomplete and the help centre show it. */
export interface FaqArticle {
  readonly id: string;
  /** The entry's first question: its title. */
  readonly question: string;
  /** The other ways the question is asked. */
  readonly alternatives: readonly string[];
  readonly intent: string;
  /** The intent's name for people (e.g. "withdrawal rejected or not received"), to group entries by. */
  readonly topic: string;
  /** The answer, with configured links (or this bot's own help page) filled in. */
  readonly answer: string;
}

/** The part of the core an adapter talks to: hand it a message, get the replies. */
export interface MessageHandler {
  handle(message: IncomingMessage): Promise<Reply[]>;
  /** The FAQ's entries in a language (for menus, autocomplete, the help centre); answer one with payload `faq:<id>`. */
  faq(lang: Lang): FaqArticle[];
  /** Help-centre search by the same brain as the chat: the matching entries, best first (none for an out-of-scope query). */
  searchHelp(text: string, lang: Lang): FaqArticle[];
  /** Recent messages of a user's conversation, oldest first. */
  history(user: Pick<IncomingMessage, 'channel' | 'userId'>, limit?: number): Promise<{ from: string; text: string; agent: string | null; at: string }[]>;
}

/**
 * The agent's desk as channels see it: agents in a Telegram group or a Discord thread work
 * tickets through it. Every action checks `AGENT_IDS` (throws `DeskError` 'forbidden').
 */
export interface AgentDesk {
  isAgent(channel: ChannelName, userId: string): boolean;
  list(filter?: QueueFilter): Promise<EscalationView[]>;
  view(ref: number | string): Promise<EscalationView>;
  detail(ref: number | string): Promise<EscalationDetail>;
  claim(ref: number | string, agent: AgentActor): Promise<EscalationView>;
  /** Gives a ticket to the console agent `web:<login>` (an enabled account in `AGENT_IDS`): by the agent holding it, an admin, or anyone while it is open. */
  assign(ref: number | string, agent: AgentActor, login: string): Promise<EscalationView>;
  /** Adds a tag (1-32 letters, digits, `-`, `_`; at most 10 a ticket); returns the ticket's tags. Throws `TagError` for a bad tag. */
  tag(ref: number | string, agent: AgentActor, tag: string): Promise<string[]>;
  /** Removes a tag; returns the ticket's tags. */
  untag(ref: number | string, agent: AgentActor, tag: string): Promise<string[]>;
  /** `messageId`: the platform's id of the agent's message, so a redelivered one is relayed once. */
  reply(ref: number | string, agent: AgentActor, text: string, options?: { messageId?: string }): Promise<EscalationView>;
  note(ref: number | string, agent: AgentActor, text: string): Promise<EscalationView>;
  resolve(ref: number | string, agent: AgentActor, resolutionNote?: string): Promise<EscalationView>;
  reopen(ref: number | string, agent: AgentActor): Promise<EscalationView>;
  /** What a card's button does: claim, resolve or reopen. */
  act(action: DeskAction, ref: number | string, agent: AgentActor): Promise<EscalationView>;
  /** An agent's message in a ticket's thread: `note: …` (or `!note …`) is an internal note, anything else a reply to the user. */
  answer(ref: number | string, agent: AgentActor, text: string, options?: { messageId?: string }): Promise<EscalationView>;
  /** Remembers where a ticket is shown on this platform (card message id, thread id). */
  attachCard(escalationId: number, channel: ChannelName, cardRef: string): Promise<void>;
  /** The ticket a card or thread belongs to. */
  ticketForCard(channel: ChannelName, cardRef: string): Promise<EscalationView | undefined>;
  /** Where a ticket is shown on this platform. */
  cardsOf(escalationId: number, channel: ChannelName): Promise<string[]>;
}

/** What the runtime hands every adapter it creates. */
export interface ChannelContext {
  readonly bot: MessageHandler;
  readonly desk: AgentDesk;
  /** Turns tickets and their changes into what the chat desks show, in `DESK_LANG`. */
  readonly presenter: DeskPresenter;
  /** The shared HTTP server's app, for webhooks and the web chat. */
  readonly http: Express;
  readonly logger: Logger;
  /** Messages to every instance sharing the database (the web chat's deliveries reach pages open on another instance). */
  readonly broadcast: Broadcast;
  /** A key every instance sharing the database agrees on ({@link Engine.sharedSecret}). */
  readonly sharedSecret: Engine['sharedSecret'];
  /** Work only one instance sharing the database may do at a time, e.g. polling Telegram ({@link Engine.soleRole}). */
  readonly soleRole: Engine['soleRole'];
}

/** How the runtime makes a channel's adapter: each adapter folder exports one. */
export interface ChannelFactory {
  readonly name: ChannelName;
  /**
   * The adapter, or the reason the channel stays off (e.g. its token is not set). Platform SDKs
   * are imported here, on demand, so a channel that is off costs no start-up time.
   */
  create(config: Config, context: ChannelContext): Promise<ChannelAdapter | { readonly off: string }>;
}
