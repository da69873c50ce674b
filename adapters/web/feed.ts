import type { MessageHandler } from '../../src/core/index.js';

/** One stored message of a web conversation, with an id the page can resume after. */
export interface FeedEntry {
  /** `<epoch ms>-<n>`: n counts the earlier messages with the same timestamp. */
  readonly id: string;
  readonly from: string;
  readonly text: string;
  readonly agent: string | null;
  readonly at: string;
  /**
   * True for what support sent on its own (agent replies, "joined", "resolved": what the outbox
   * delivers); false for a user's message and the bot's replies to it, which the page already
   * got in the response to its POST.
   */
  readonly fromSupport: boolean;
}

/** How far back the feed looks; a page away for longer reloads the history instead. */
const WINDOW = 200;
/** A feed id: epoch milliseconds, a dash, the position among messages of that millisecond. */
const CURSOR = /^(\d{1,15})-\d{1,6}$/;

/**
 * The web conversations as a feed with stable ids, read through the core's public `history`.
 * Ids come from the stored timestamp and the order of messages within it (history exposes no
 * row ids), so the same message gets the same id in every read, across restarts.
 */
export class ConversationFeed {
  constructor(private readonly bot: Pick<MessageHandler, 'history'>) {}

  /** The visitor's last `limit` messages, oldest first. */
  async recent(visitorId: string, limit: number): Promise<FeedEntry[]> {
    return (await this.#read(visitorId)).slice(-limit);
  }

  /**
   * Where a reconnecting page resumes: after the message id it names (`Last-Event-ID`, or the last
   * one it loaded), or after the newest message when it names none or something unreadable.
   */
  async resumePoint(visitorId: string, requested: string | undefined): Promise<string | null> {
    if (requested !== undefined && CURSOR.test(requested)) return requested;
    return (await this.#read(visitorId)).at(-1)?.id ?? null;
  }

  /**
   * What support sent after message `cursor` (`null`: from the start). A cursor that left the
   * window (or was never in it) resumes by time.
   */
  async supportAfter(visitorId: string, cursor: string | null): Promise<FeedEntry[]> {
    const entries = await this.#read(visitorId);
    return entriesAfter(entries, cursor).filter((entry) => entry.fromSupport);
  }

  async #read(visitorId: string): Promise<FeedEntry[]> {
    const history = await this.bot.history({ channel: 'web', userId: visitorId }, WINDOW);
    // A full window may start in the middle of a run of same-timestamp messages, whose numbering
    // would then differ from a longer read: leave that run out.
    let start = 0;
    if (history.length === WINDOW) while (start < history.length && history[start]!.at === history[0]!.at) start++;
    const seen = new Map<string, number>();
    let turnAt: string | undefined;
    const entries: FeedEntry[] = [];
    for (const message of history.slice(start)) {
      const n = seen.get(message.at) ?? 0;
      seen.set(message.at, n + 1);
      // A user's turn: their message and the bot's replies, all stored with the turn's timestamp.
      const inTurn = message.from === 'user' || (message.from === 'bot' && message.at === turnAt);
      turnAt = inTurn ? message.at : undefined;
      entries.push({ id: `${Date.parse(message.at)}-${n}`, ...message, fromSupport: !inTurn });
    }
    return entries;
  }
}

/** The entries after message `cursor` (`null`: all); a cursor not among them resumes by time. */
export function entriesAfter(entries: readonly FeedEntry[], cursor: string | null): readonly FeedEntry[] {
  if (cursor === null) return entries;
  const index = entries.findIndex((entry) => entry.id === cursor);
  if (index >= 0) return entries.slice(index + 1);
  const time = Number(CURSOR.exec(cursor)?.[1] ?? Number.POSITIVE_INFINITY);
  return entries.filter((entry) => Date.parse(entry.at) > time);
}
