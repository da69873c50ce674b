import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { deskCards, deskCursors } from '../db/schema.js';
import type { ChannelName } from '../contracts/index.js';

/**
 * Where tickets are shown on the chat desks (a Telegram card, a Discord thread) and how far each
 * desk has mirrored the audit trail: what a desk needs to find its way back after a restart.
 */
export class DeskBindings {
  constructor(private readonly db: Database) {}

  /** Remembers where a ticket is shown on a platform (a card message, a thread). */
  attachCard(escalationId: number, channel: ChannelName, cardRef: string, now = new Date()): void {
    this.db.insert(deskCards).values({ escalationId, channel, cardRef, createdAt: now }).onConflictDoNothing().run();
  }

  /** The id of the ticket a platform card or thread belongs to. */
  ticketIdForCard(channel: ChannelName, cardRef: string): number | undefined {
    return this.db
      .select()
      .from(deskCards)
      .where(and(eq(deskCards.channel, channel), eq(deskCards.cardRef, cardRef)))
      .get()?.escalationId;
  }

  /** Where a ticket is shown on a platform, oldest first. */
  cardsOf(escalationId: number, channel: ChannelName): string[] {
    return this.db
      .select({ cardRef: deskCards.cardRef })
      .from(deskCards)
      .where(and(eq(deskCards.escalationId, escalationId), eq(deskCards.channel, channel)))
      .orderBy(asc(deskCards.id))
      .all()
      .map((row) => row.cardRef);
  }

  /** The last audit event a channel's desk has mirrored (undefined: never started). */
  deskCursor(channel: ChannelName): number | undefined {
    return this.db.select().from(deskCursors).where(eq(deskCursors.channel, channel)).get()?.lastEventId;
  }

  /** Records how far a channel's desk has mirrored. */
  setDeskCursor(channel: ChannelName, lastEventId: number): void {
    this.db.insert(deskCursors).values({ channel, lastEventId }).onConflictDoUpdate({ target: deskCursors.channel, set: { lastEventId } }).run();
  }
}
