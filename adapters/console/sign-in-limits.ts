import type { RequestHandler } from 'express';
import { rateLimit, type RateLimitExceededEventHandler } from 'express-rate-limit';
import type { ConsoleConfig, Logger } from '../../src/core/index.js';

const WINDOW_MS = 15 * 60_000;
const unlimited: RequestHandler = (_req, _res, next) => next();

/**
 * Sign-in limits with express-rate-limit, per 15 minutes: attempts per client address (`req.ip`,
 * IPv6 grouped by /56), and failed attempts per account (the login of the form, which must be
 * parsed first). `refuse` answers once a limit is reached, before the password is checked.
 */
export function signInLimits(limits: ConsoleConfig['signInLimits'], logger: Logger, refuse: RateLimitExceededEventHandler): RequestHandler[] {
  const log = {
    error: (error: unknown, message?: string) => logger.error({ err: error }, message ?? 'console sign-in limiter'),
    warn: (error: unknown, message?: string) => logger.warn({ err: error }, message ?? 'console sign-in limiter'),
  };
  const common = { windowMs: WINDOW_MS, standardHeaders: 'draft-8', legacyHeaders: false, logger: log, handler: refuse } as const;
  return [
    limits.perAddress === 0 ? unlimited : rateLimit({ ...common, limit: limits.perAddress }),
    limits.perAccount === 0
      ? unlimited
      : rateLimit({
          ...common,
          limit: limits.perAccount,
          // Only failures count: an agent who signs in is not locked out by their own sessions.
          skipSuccessfulRequests: true,
          keyGenerator: (req) => {
            const login: unknown = (req.body as { login?: unknown } | undefined)?.login;
            return `login:${typeof login === 'string' ? login.trim().toLowerCase() : ''}`;
          },
        }),
  ];
}
