import type { Engine } from '../../src/db/index.js';

/** What {@link insertTicketRow} may set; the rest is a plain open ticket of normal priority. */
export interface TicketRowOptions {
  readonly priority?: 'urgent' | 'high' | 'normal';
  readonly status?: 'open' | 'claimed';
  /** When it was written (default: now); its SLA falls due `slaAfterMs` later (default: at once). */
  readonly at?: Date;
  readonly slaAfterMs?: number;
}

/**
 * A ticket of the cli user `user` (with the user and conversation), written straight to the tables in
 * one transaction: for store tests that need a ticket row without the pipeline. Returns its id.
 */
export async function insertTicketRow(engine: Engine, user: string, options: TicketRowOptions = {}): Promise<number> {
  const at = options.at ?? new Date();
  return engine.transaction(async () => {
    await engine.run((db, t) => db.insert(t.users).values({ id: `cli:${user}`, channel: 'cli', channelUserId: user, lastSeenAt: at }));
    const [conversation] = await engine.run((db, t) =>
      db
        .insert(t.conversations)
        .values({ userId: `cli:${user}`, channel: 'cli', reference: { user }, state: {}, updatedAt: at })
        .returning({ id: t.conversations.id }),
    );
    const [row] = await engine.run((db, t) =>
      db
        .insert(t.escalations)
        .values({
          number: `T-${user}`,
          status: options.status ?? 'open',
          priority: options.priority ?? 'normal',
          channel: 'cli',
          userId: `cli:${user}`,
          conversationId: conversation!.id,
          reference: { user },
          lang: 'en',
          intent: 'other',
          category: 'other',
          userText: 'help',
          summary: 'help',
          details: {},
          updatedAt: at,
          slaDueAt: new Date(at.getTime() + (options.slaAfterMs ?? 0)),
        })
        .returning({ id: t.escalations.id }),
    );
    return row!.id;
  });
}
