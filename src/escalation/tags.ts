import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
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
 * (`tag` / `untag`, note: the tag) in one transaction, holding the ticket against other changes
 * (another instance's too), read per ticket for the inbox's rows, and the tickets carrying a tag
 * for the inbox's filter. Whether the actor is an agent is the desk's check, before this is called.
 */
export class TicketTags {
  constructor(
    private readonly engine: Engine,
    private readonly queue: TicketQueue,
  ) {}

  /** Adds a tag (no change when the ticket has it). @throws TagError, DeskError not_found */
  async add(ref: number | string, agent: AgentActor, raw: string, now = new Date()): Promise<string[]> {
    const tag = normaliseTag(raw);
    return this.engine.transaction(async () => {
      const { id } = await this.queue.rowForChange(ref);
      const tags = (await this.of([id])).get(id) ?? [];
      if (tags.includes(tag)) return tags;
      if (tags.length >= MAX_TAGS_PER_TICKET) throw new TagError('too_many', `a ticket has at most ${MAX_TAGS_PER_TICKET} tags`);
      await this.engine.run((db, t) => db.insert(t.ticketTags).values({ escalationId: id, tag, createdAt: now }));
      await this.#audit(id, agent, 'tag', tag, now);
      return [...tags, tag];
    });
  }

  /** Removes a tag (no change when the ticket does not have it). @throws DeskError not_found */
  async remove(ref: number | string, agent: AgentActor, raw: string, now = new Date()): Promise<string[]> {
    const tag = raw.normalize('NFC').trim().toLowerCase();
    return this.engine.transaction(async () => {
      const { id } = await this.queue.rowForChange(ref);
      const removed = await this.engine.run((db, t) =>
        db
          .delete(t.ticketTags)
          .where(and(eq(t.ticketTags.escalationId, id), eq(t.ticketTags.tag, tag)))
          .returning({ id: t.ticketTags.id }),
      );
      if (removed.length > 0) await this.#audit(id, agent, 'untag', tag, now);
      return (await this.of([id])).get(id) ?? [];
    });
  }

  /** The tags of these tickets, in the order they were added (tickets without tags are absent). */
  async of(ticketIds: readonly number[]): Promise<Map<number, string[]>> {
    const tags = new Map<number, string[]>();
    if (ticketIds.length === 0) return tags;
    const rows = await this.engine.run((db, t) =>
      db
        .select({ escalationId: t.ticketTags.escalationId, tag: t.ticketTags.tag })
        .from(t.ticketTags)
        .where(inArray(t.ticketTags.escalationId, [...ticketIds]))
        .orderBy(asc(t.ticketTags.id)),
    );
    for (const row of rows) tags.set(row.escalationId, [...(tags.get(row.escalationId) ?? []), row.tag]);
    return tags;
  }

  /** The ids of the tickets carrying a tag. */
  async ticketsWith(raw: string): Promise<Set<number>> {
    const tag = raw.normalize('NFC').trim().toLowerCase();
    const rows = await this.engine.run((db, t) => db.select({ escalationId: t.ticketTags.escalationId }).from(t.ticketTags).where(eq(t.ticketTags.tag, tag)));
    return new Set(rows.map((row) => row.escalationId));
  }

  /** Every tag in use, alphabetically by code point on every engine (for the inbox's filter). */
  async inUse(): Promise<string[]> {
    const rows = await this.engine.run((db, t) => db.selectDistinct({ tag: t.ticketTags.tag }).from(t.ticketTags));
    // Sorted here: Postgres would order text by its locale's collation, SQLite by code point.
    return rows.map((row) => row.tag).sort(byCodePoint);
  }

  async #audit(escalationId: number, agent: AgentActor, action: 'tag' | 'untag', tag: string, now: Date): Promise<void> {
    await this.engine.run((db, t) => db.insert(t.escalationEvents).values({ escalationId, actor: actorKeys.agent(agent), action, note: tag, createdAt: now }));
  }
}

/** Orders strings by Unicode code point, as SQLite's BINARY collation orders UTF-8 text. */
function byCodePoint(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}
