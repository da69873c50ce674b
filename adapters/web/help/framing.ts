import type { RequestHandler } from 'express';

/** Paths of the chat page itself (the document the widget frames). */
const CHAT_PAGE = new Set(['/', '/index.html']);

/**
 * Lets other sites frame the chat page, for the widget: `Content-Security-Policy:
 * frame-ancestors` with `WIDGET_ALLOWED_ORIGINS` (`*`: any site; else this site and those
 * origins). No `X-Frame-Options`: it cannot name several origins, and browsers that know
 * `frame-ancestors` ignore it. The rest of the site (the help centre) is not frameable.
 */
export function chatPageFraming(origins: readonly string[]): RequestHandler {
  const ancestors = origins.includes('*') ? '*' : `'self' ${origins.join(' ')}`;
  return (req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && CHAT_PAGE.has(req.path)) res.set('Content-Security-Policy', `frame-ancestors ${ancestors}`);
    next();
  };
}
