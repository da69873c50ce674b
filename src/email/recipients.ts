import { eq } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { emailOptOuts, users } from '../db/schema.js';

/**
 * Who may be e-mailed, and whether they are around: addresses that asked for no more e-mail, and
 * when a chat user was last seen on their channel.
 */
export class EmailRecipients {
  constructor(private readonly db: Database) {}

  /** Records that `address` wants no more e-mail (idempotent). */
  optOut(address: string, now = new Date()): void {
    this.db.insert(emailOptOuts).values({ address: address.trim().toLowerCase(), createdAt: now }).onConflictDoNothing().run();
  }

  /** Whether `address` asked for no more e-mail. */
  hasOptedOut(address: string): boolean {
    return this.db.select().from(emailOptOuts).where(eq(emailOptOuts.address, address.trim().toLowerCase())).get() !== undefined;
  }

  /** When a channel user (`telegram:123`) last wrote to the bot; undefined for someone never seen. */
  lastSeen(userKey: string): Date | undefined {
    return this.db.select({ lastSeenAt: users.lastSeenAt }).from(users).where(eq(users.id, userKey)).get()?.lastSeenAt;
  }
}
