import { CHANNEL_NAMES, type ChannelName, type ConsoleInboxFilter, type Lang, type Priority, type TicketStatus } from '../../src/core/index.js';

/** The inbox's filter form as the agent set it (the query string of `/desk`). */
export interface InboxQuery {
  /** `active` (open and claimed, the default), `all`, or one status. */
  readonly status: 'active' | 'all' | TicketStatus;
  readonly priority?: Priority;
  readonly channel?: ChannelName;
  readonly lang?: Lang;
  readonly mine: boolean;
  readonly unassigned: boolean;
  readonly q: string;
  /** Only tickets with this tag (lower-cased); empty: any. */
  readonly tag: string;
  /** Where the page starts (the previous page's `next`); empty: the top. */
  readonly after: string;
}

/** The statuses the filter offers. */
export const STATUSES: readonly TicketStatus[] = ['open', 'claimed', 'resolved', 'closed'];
/** The priorities the filter offers. */
export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal'];
/** The languages the filter offers. */
export const LANGS: readonly Lang[] = ['en', 'zh'];

function one(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

function pick<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  const text = one(value);
  return (allowed as readonly string[]).includes(text) ? (text as T) : undefined;
}

/** Reads the filter form from a query; anything unknown is ignored. */
export function readInboxQuery(query: Record<string, unknown>): InboxQuery {
  return {
    status: pick(query.status, ['active', 'all', ...STATUSES]) ?? 'active',
    priority: pick(query.priority, PRIORITIES),
    channel: pick(query.channel, CHANNEL_NAMES),
    lang: pick(query.lang, LANGS),
    mine: one(query.mine) === '1',
    unassigned: one(query.unassigned) === '1',
    q: one(query.q).slice(0, 200).trim(),
    tag: one(query.tag).slice(0, 32).trim().toLowerCase(),
    after: /^[A-Za-z0-9_-]{1,200}$/.test(one(query.after)) ? one(query.after) : '',
  };
}

/** The queue filter for a query, as the agent `web:<login>` sees it. */
export function inboxFilter(query: InboxQuery, login: string): ConsoleInboxFilter {
  return {
    status: query.status === 'active' ? ['open', 'claimed'] : query.status === 'all' ? undefined : [query.status],
    priority: query.priority,
    channel: query.channel,
    lang: query.lang,
    agentId: query.mine ? `web:${login}` : undefined,
    unassigned: query.unassigned || undefined,
    search: query.q || undefined,
    tag: query.tag || undefined,
  };
}

/** The inbox's address for a query, starting at `after` (a page's `next`) or at the top. */
export function inboxHref(query: InboxQuery, after?: string): string {
  const params = new URLSearchParams();
  if (query.status !== 'active') params.set('status', query.status);
  for (const key of ['priority', 'channel', 'lang', 'q', 'tag'] as const) if (query[key]) params.set(key, query[key]);
  if (query.mine) params.set('mine', '1');
  if (query.unassigned) params.set('unassigned', '1');
  if (after) params.set('after', after);
  const search = params.toString();
  return search ? `/desk?${search}` : '/desk';
}
