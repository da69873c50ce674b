import type { RequestHandler } from 'express';
import { rateLimit, type RateLimitExceededEventHandler } from 'express-rate-limit';
import type { Logger, WebLimits } from '../../src/core/index.js';

/** The web chat's per-address limits, as Express middleware (pass-through when a limit is 0). */
export interface AddressLimits {
  /** `POST /api/chat/messages`. */
  readonly messages: RequestHandler;
  /** `POST /api/chat/visitors`. */
  readonly visitors: RequestHandler;
  /** `GET /api/chat/history` and `/api/chat/events` (where id guesses would go). */
  readonly reads: RequestHandler;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const unlimited: RequestHandler = (_req, _res, next) => next();

/**
 * Builds the limiters with express-rate-limit: one counter per client address (`req.ip`:
 * the socket address unless `TRUST_PROXY` is set; IPv6 grouped by /56) and per window,
 * answered `429 {"error"}` with `Retry-After` and `RateLimit` headers when exceeded. The
 * library's own warnings (e.g. an `X-Forwarded-For` header while `TRUST_PROXY` is off) go to `logger`.
 */
export function addressLimits(limits: WebLimits, logger: Logger): AddressLimits {
  const log = {
    error: (error: unknown, message?: string) => logger.error({ err: error }, message ?? 'web chat rate limiter'),
    warn: (error: unknown, message?: string) => logger.warn({ err: error }, message ?? 'web chat rate limiter'),
  };
  const limiter = (limit: number, windowMs: number, what: string): RequestHandler =>
    limit === 0 ? unlimited : rateLimit({ windowMs, limit, standardHeaders: 'draft-8', legacyHeaders: false, logger: log, handler: refuse(what) });
  return {
    messages: limiter(limits.messagesPerMinute, MINUTE, 'messages'),
    visitors: limiter(limits.visitorsPerHour, HOUR, 'new visitors'),
    reads: limiter(limits.readsPerMinute, MINUTE, 'requests'),
  };
}

function refuse(what: string): RateLimitExceededEventHandler {
  return (_req, res, _next, options) => {
    const seconds = Math.ceil(Number(res.getHeader('Retry-After') ?? options.windowMs / 1000));
    res.status(options.statusCode).json({ error: `too many ${what} from your address; try again in ${seconds} s` });
  };
}
