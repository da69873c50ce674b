import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { isCsrfToken, type ConsoleBackend, type SignedInAgent } from '../../src/core/index.js';
import { readCookie, type ConsoleCookies } from './cookies.js';

/** Who is signed in, and the checks on every state-changing request. */
export class ConsoleGuard {
  constructor(
    private readonly auth: ConsoleBackend['auth'],
    private readonly cookies: ConsoleCookies,
    /** `PUBLIC_URL`: the only origin allowed to post; unset, the request's own. */
    private readonly publicUrl: string | undefined,
  ) {}

  /** The signed-in agent of a request (from the session cookie), if any. */
  async agentOf(req: Request): Promise<SignedInAgent | undefined> {
    const token = readCookie(req, this.cookies.session);
    return token ? this.auth.session(token) : undefined;
  }

  /** The session token of a request, for sign-out. */
  tokenOf(req: Request): string | undefined {
    return readCookie(req, this.cookies.session);
  }

  /**
   * Refuses (403) a state-changing request another site made: an `Origin` other than this
   * site's, or a browser's `Sec-Fetch-Site` saying it came from elsewhere. Requests without
   * either (not a browser) still need the CSRF token.
   */
  sameOrigin(): RequestHandler {
    return (req, res, next) => {
      const origin = req.get('origin');
      const site = req.get('sec-fetch-site');
      const expected = this.publicUrl ?? `${req.protocol}://${req.get('host') ?? ''}`;
      if ((origin !== undefined && origin !== expected) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
        return void res.status(403).type('text').send('cross-site request refused');
      }
      next();
    };
  }

  /** Whether a form carries the CSRF token of the agent's session (`_csrf` field or `X-CSRF-Token` header). */
  hasCsrfToken(req: Request, agent: SignedInAgent): boolean {
    return isCsrfToken(agent.session, (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.get('x-csrf-token'));
  }

  /** A new anti-forgery token for the sign-in form, also set as a cookie (double submit: there is no session yet). */
  newFormToken(): string {
    return randomBytes(24).toString('base64url');
  }

  /** Whether the sign-in form's token matches its cookie. */
  hasFormToken(req: Request): boolean {
    const cookie = readCookie(req, this.cookies.signIn);
    const field: unknown = (req.body as { _csrf?: unknown } | undefined)?._csrf;
    if (!cookie || typeof field !== 'string') return false;
    const [given, expected] = [Buffer.from(field), Buffer.from(cookie)];
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
