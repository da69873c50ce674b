import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { escalationEvents, ticketTags } from '../db/schema.js';
import type { AgentActor } from '../contracts/index.js';
import { actorKeys } from './actors.js';
import type { TicketQueue } from './queue.js';

/** A tag: 1-32 letters (any script), digits, `-` or `_`. */
const TAG = /^[\p{L}\p{M}\p{N}_-]{1,32}$/u;
/** How many tags a ticket may carry. */
export const MAX_TAGS_PER_TICKET = 10;

/** Why a tag was refused; the message says what a tag may be. */
export class TagError extends Error {
  override readonly name = 'TagError';

  constructor(
    readonly reason: 'invalid' | 'too_many',
    message: string,
  ) {
    super(message);
  }
}

/** A tag as stored (NFC, lower-cased, trimmed). @throws TagError 'invalid' when it is not 1-32 letters, digits, `-` or `_`. */
export function normaliseTag(raw: string): string {
  const tag = raw.normalize('NFC').trim().toLowerCase();
  if (!TAG.test(tag)) throw new TagError('invalid', 'a tag is 1-32 letters, digits, - or _');
  return tag;
}

/**
 * Tickets' tags (short labels agents set on the console): added and removed with an audit event
 * (`tag` / `untag`, note: the tag) in one transaction, read per ticket for the inbox's rows, and
 * the tickets carrying a tag for the inbox's filter. Whether the actor is an agent is the desk's
 * check, before this is called.
 */
export class TicketTags {
  constructor(
    private readonly db: Database,
    private readonly queue: TicketQueue,
  ) {}

  /** Adds a tag (no change when the ticket has it). @throws TagError, DeskError not_found */
  add(ref: number | string, agent: AgentActor, raw: string, now = new Date()): string[] {
    const tag = normaliseTag(raw);
    return this.db.transaction(() => {
      const { id } = this.queue.row(ref);
      const tags = this.of([id]).get(id) ?? [];
      if (tags.includes(tag)) return tags;
      if (tags.length >= MAX_TAGS_PER_TICKET) throw new TagError('too_many', `a ticket has at most ${MAX_TAGS_PER_TICKET} tags`);
      this.db.insert(ticketTags).values({ escalationId: id, tag, createdAt: now }).run();
      this.#audit(id, agent, 'tag', tag, now);
      return [...tags, tag];
    });
  }

  /** Removes a tag (no change when the ticket does not have it). @throws DeskError not_found */
  remove(ref: number | string, agent: AgentActor, raw: string, now = new Date()): string[] {
    const tag = raw.normalize('NFC').trim().toLowerCase();
    return this.db.transaction(() => {
      const { id } = this.queue.row(ref);
      const removed = this.db
        .delete(ticketTags)
        .where(and(eq(ticketTags.escalationId, id), eq(ticketTags.tag, tag)))
        .run().changes;
      if (removed > 0) this.#audit(id, agent, 'untag', tag, now);
      return this.of([id]).get(id) ?? [];
    });
  }

  /** The tags of these tickets, in the order they were added (tickets without tags are absent). */
  of(ticketIds: readonly number[]): Map<number, string[]> {
    const tags = new Map<number, string[]>();
    if (ticketIds.length === 0) return tags;
    const rows = this.db
      .select({ escalationId: ticketTags.escalationId, tag: ticketTags.tag })
      .from(ticketTags)
      .where(inArray(ticketTags.escalationId, [...ticketIds]))
      .orderBy(asc(ticketTags.id))
      .all();
    for (const row of rows) tags.set(row.escalationId, [...(tags.get(row.escalationId) ?? []), row.tag]);
    return tags;
  }

  /** The ids of the tickets carrying a tag. */
  ticketsWith(raw: string): Set<number> {
    const tag = raw.normalize('NFC').trim().toLowerCase();
    return new Set(
      this.db
        .select({ escalationId: ticketTags.escalationId })
        .from(ticketTags)
        .where(eq(ticketTags.tag, tag))
        .all()
        .map((row) => row.escalationId),
    );
  }

  /** Every tag in use, alphabetically (for the inbox's filter). */
  inUse(): string[] {
    return this.db
      .selectDistinct({ tag: ticketTags.tag })
      .from(ticketTags)
      .orderBy(asc(ticketTags.tag))
      .all()
      .map((row) => row.tag);
  }

  #audit(escalationId: number, agent: AgentActor, action: 'tag' | 'untag', tag: string, now: Date): void {
    this.db
      .insert(escalationEvents)
      .values({ escalationId, actor: actorKeys.agent(agent), action, note: tag, createdAt: now })
      .run();
  }
}
