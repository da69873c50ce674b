import type { Engine } from '../db/index.js';
import type { DeskEvent, EscalationView, Lang } from '../contracts/index.js';
import { decodeQueueCursor, encodeQueueCursor, type InboxFilter, type TicketQueue, type TranscriptLine } from '../escalation/queue.js';
import { TicketTags } from '../escalation/tags.js';
import type { Brain } from '../nlu/brain.js';
import { AgentAccounts, type AgentAccount } from './accounts.js';
import { CannedReplies } from './canned-replies.js';
import { ConsoleAuth } from './console-auth.js';
import { replyDraft, type ReplyDraft } from './reply-draft.js';
import { AgentSessions, type SessionPolicy } from './sessions.js';

/** The inbox's filters: the queue's, and one tag. */
export interface ConsoleInboxFilter extends InboxFilter {
  /** Only the tickets carrying this tag. */
  readonly tag?: string;
}

/**
 * What the agents' web console needs from the core besides the desk it acts through: sign-in,
 * the inbox with its filters, transcripts with the bot's decisions, tags, canned replies, the
 * brain's draft answers, and the desk events it streams to the browsers (from any id, so a page
 * that reconnects gets what it missed).
 */
export interface ConsoleBackend {
  readonly auth: ConsoleAuth;
  /** The canned replies (admins manage them; the console checks the role). */
  readonly canned: CannedReplies;
  /**
   * One page of the inbox: open first by priority, then oldest; filtered and searched. `after` is
   * the `next` of the previous page (opaque text; an unreadable one starts from the top). A page
   * filtered by tag may hold up to twice `limit` tickets.
   */
  inbox(filter: ConsoleInboxFilter, page: { readonly limit: number; readonly after?: string }): Promise<{ tickets: EscalationView[]; next?: string }>;
  /** The tags of these tickets (tickets without tags are absent). */
  tagsOf(ticketIds: readonly number[]): Promise<Map<number, string[]>>;
  /** Every tag in use, alphabetically. */
  tagsInUse(): Promise<string[]>;
  /** A ticket's transcript with the bot's decisions. */
  transcript(ticketId: number): Promise<TranscriptLine[]>;
  /** The brain's best FAQ answer to the user's last message, in `lang`, if one matches. */
  draft(transcript: readonly TranscriptLine[], lang: Lang): ReplyDraft | undefined;
  /** The enabled console accounts, by login (whom a ticket may be assigned to, `AGENT_IDS` permitting). */
  accounts(): Promise<AgentAccount[]>;
  /** Sets an agent's console language. */
  setLang(accountId: number, lang: Lang): Promise<void>;
  /** Desk events after audit event `afterId`, oldest first (at most 100). */
  eventsSince(afterId: number): Promise<DeskEvent[]>;
  /** The newest audit event's id. */
  lastEventId(): Promise<number>;
}

/** The console's backend over the bot's database, ticket queue and brain (`brains.current`: the brain in use now). */
export function createConsoleBackend(engine: Engine, queue: TicketQueue, sessions: SessionPolicy, brains: { readonly current: Brain }): ConsoleBackend {
  const accounts = new AgentAccounts(engine);
  const tags = new TicketTags(engine, queue);
  return {
    auth: new ConsoleAuth(accounts, new AgentSessions(engine, sessions)),
    canned: new CannedReplies(engine),
    inbox: async (filter, { limit, after }) => {
      const tagged = filter.tag === undefined ? undefined : await tags.ticketsWith(filter.tag);
      if (tagged?.size === 0) return { tickets: [] };
      const tickets: EscalationView[] = [];
      // The queue pages in SQL; a tag filter keeps the tagged tickets of each page until the page is full.
      for (let cursor = after === undefined ? undefined : decodeQueueCursor(after); ;) {
        const page = await queue.page(filter, limit, cursor);
        tickets.push(...(tagged ? page.tickets.filter((ticket) => tagged.has(ticket.id)) : page.tickets));
        if (!page.next || tickets.length >= limit) return { tickets, next: page.next && encodeQueueCursor(page.next) };
        cursor = page.next;
      }
    },
    tagsOf: async (ticketIds) => tags.of(ticketIds),
    tagsInUse: async () => tags.inUse(),
    transcript: async (ticketId) => queue.transcript(ticketId),
    draft: (transcript, lang) => replyDraft(brains.current, transcript, lang),
    accounts: async () => (await accounts.list()).filter((account) => !account.disabled),
    setLang: async (accountId, lang) => accounts.setLang(accountId, lang),
    eventsSince: async (afterId) => queue.eventsSince(afterId),
    lastEventId: async () => queue.lastEventId(),
  };
}
