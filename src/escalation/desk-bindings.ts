import { and, asc, eq } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
import type { ChannelName } from '../contracts/index.js';

/**
 * Where tickets are shown on the chat desks (a Telegram card, a Discord thread) and how far each
 * desk has mirrored the audit trail: what a desk needs to find its way back after a restart.
 */
export class DeskBindings {
  constructor(private readonly engine: Engine) {}

  /** Remembers where a ticket is shown on a platform (a card message, a thread); a place already known is kept. */
  async attachCard(escalationId: number, channel: ChannelName, cardRef: string, now = new Date()): Promise<void> {
    await this.engine.run((db, t) => db.insert(t.deskCards).values({ escalationId, channel, cardRef, createdAt: now }).onConflictDoNothing());
  }

  /** The id of the ticket a platform card or thread belongs to. */
  async ticketIdForCard(channel: ChannelName, cardRef: string): Promise<number | undefined> {
    const [row] = await this.engine.run((db, t) =>
      db
        .select({ escalationId: t.deskCards.escalationId })
        .from(t.deskCards)
        .where(and(eq(t.deskCards.channel, channel), eq(t.deskCards.cardRef, cardRef)))
        .limit(1),
    );
    return row?.escalationId;
  }

  /** Where a ticket is shown on a platform, oldest first. */
  async cardsOf(escalationId: number, channel: ChannelName): Promise<string[]> {
    const rows = await this.engine.run((db, t) =>
      db
        .select({ cardRef: t.deskCards.cardRef })
        .from(t.deskCards)
        .where(and(eq(t.deskCards.escalationId, escalationId), eq(t.deskCards.channel, channel)))
        .orderBy(asc(t.deskCards.id)),
    );
    return rows.map((row) => row.cardRef);
  }

  /** The last audit event a channel's desk has mirrored (undefined: never started). */
  async deskCursor(channel: ChannelName): Promise<number | undefined> {
    const [row] = await this.engine.run((db, t) => db.select({ lastEventId: t.deskCursors.lastEventId }).from(t.deskCursors).where(eq(t.deskCursors.channel, channel)).limit(1));
    return row?.lastEventId;
  }

  /** Records how far a channel's desk has mirrored. */
  async setDeskCursor(channel: ChannelName, lastEventId: number): Promise<void> {
    await this.engine.run((db, t) => db.insert(t.deskCursors).values({ channel, lastEventId }).onConflictDoUpdate({ target: t.deskCursors.channel, set: { lastEventId } }));
  }
}
