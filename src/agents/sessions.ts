import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Engine } from '../db/index.js';

/** How long a console session lasts. */
export interface SessionPolicy {
  /** Ends after this long without a request. */
  readonly idleMs: number;
  /** Ends this long after sign-in, however busy. */
  readonly absoluteMs: number;
}

/** A live session: which account, and the CSRF token its forms must carry. */
export interface OpenSession {
  readonly accountId: number;
  /** The synchronizer token for this session's state-changing requests. */
  readonly csrfToken: string;
}

/** The last-seen time is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 30_000;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Console sessions. The browser holds a random 256-bit token; the database only its SHA-256, so
 * a copy of the database opens no session. A session ends after `idleMs` without use, `absoluteMs`
 * after sign-in, on sign-out, or when its account's password changes or it is disabled (the
 * account store deletes the rows). Its CSRF token is an HMAC of the session token: bound to the
 * session, nothing more to store.
 */
export class AgentSessions {
  constructor(
    private readonly engine: Engine,
    private readonly policy: SessionPolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Opens a session for an account; returns the token for the cookie (never stored as such). */
  async open(accountId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    await this.engine.run((db, t) => db.insert(t.agentSessions).values({ tokenHash: sha256(token), accountId, createdAt: now, lastSeenAt: now }));
    return token;
  }

  /** The session a token opens, if it has not ended; an expired one is deleted. Marks it used. */
  async find(token: string): Promise<OpenSession | undefined> {
    const [row] = await this.engine.run((db, t) =>
      db
        .select()
        .from(t.agentSessions)
        .where(eq(t.agentSessions.tokenHash, sha256(token)))
        .limit(1),
    );
    if (!row) return undefined;
    // The times come back as Dates on both engines: compared here, not in SQL.
    const now = this.clock().getTime();
    if (now - row.lastSeenAt.getTime() > this.policy.idleMs || now - row.createdAt.getTime() > this.policy.absoluteMs) {
      await this.engine.run((db, t) => db.delete(t.agentSessions).where(eq(t.agentSessions.id, row.id)));
      return undefined;
    }
    if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS)
      await this.engine.run((db, t) =>
        db
          .update(t.agentSessions)
          .set({ lastSeenAt: new Date(now) })
          .where(eq(t.agentSessions.id, row.id)),
      );
    return { accountId: row.accountId, csrfToken: csrfTokenOf(token) };
  }

  /** Ends the session of a token (sign-out). */
  async close(token: string): Promise<void> {
    await this.engine.run((db, t) => db.delete(t.agentSessions).where(eq(t.agentSessions.tokenHash, sha256(token))));
  }
}

function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('desk-csrf').digest('base64url');
}

/** Whether `candidate` is the CSRF token of `session`, compared in constant time. */
export function isCsrfToken(session: OpenSession, candidate: unknown): boolean {
  if (typeof candidate !== 'string') return false;
  const expected = Buffer.from(session.csrfToken);
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
