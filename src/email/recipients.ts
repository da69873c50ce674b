import { eq } from 'drizzle-orm';
import type { Engine } from '../db/index.js';

/**
 * Who may be e-mailed, and whether they are around: addresses that asked for no more e-mail, and
 * when a chat user was last seen on their channel.
 */
export class EmailRecipients {
  constructor(private readonly engine: Engine) {}

  /** Records that `address` wants no more e-mail (idempotent). */
  async optOut(address: string, now = new Date()): Promise<void> {
    await this.engine.run((db, t) => db.insert(t.emailOptOuts).values({ address: address.trim().toLowerCase(), createdAt: now }).onConflictDoNothing());
  }

  /** Whether `address` asked for no more e-mail (addresses are stored lower-cased, so the comparison is plain equality on every engine). */
  async hasOptedOut(address: string): Promise<boolean> {
    const rows = await this.engine.run((db, t) => db.select({ address: t.emailOptOuts.address }).from(t.emailOptOuts).where(eq(t.emailOptOuts.address, address.trim().toLowerCase())).limit(1));
    return rows.length > 0;
  }

  /** When a channel user (`telegram:123`) last wrote to the bot; undefined for someone never seen. */
  async lastSeen(userKey: string): Promise<Date | undefined> {
    const [row] = await this.engine.run((db, t) => db.select({ lastSeenAt: t.users.lastSeenAt }).from(t.users).where(eq(t.users.id, userKey)).limit(1));
    return row?.lastSeenAt;
  }
}
