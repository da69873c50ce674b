import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { say } from '../contracts/index.js';
import type { Logger } from '../log.js';
import type { InboundMailbox } from './inbound.js';
import type { EmailRecipients } from './recipients.js';
import type { EmailTokens } from './tokens.js';

/** What the e-mail routes need. */
export interface EmailRouteDeps {
  readonly inbox: InboundMailbox;
  readonly recipients: EmailRecipients;
  readonly tokens: EmailTokens;
  /** `EMAIL_INBOUND_SECRET`; unset: `POST /api/email/inbound` is not mounted. */
  readonly inboundSecret?: string;
  readonly logger: Logger;
}

const BODY_LIMIT = '512kb';

/** One field of a provider's post, whichever of its names the provider uses (Mailgun, SendGrid). */
function field(body: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) if (typeof body[name] === 'string') return body[name];
  return undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A small page in both languages (the person unsubscribing is not signed in, and their language is unknown). */
function page(res: Response, status: number, lines: readonly string[], form?: string): void {
  const body = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('');
  res
    .status(status)
    .type('html')
    .send(`<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>E-mail</title></head><body>${body}${form ?? ''}</body></html>`);
}

/**
 * The e-mail routes on the shared HTTP server:
 * - `POST /api/email/inbound`: the inbound-mail webhook. The provider posts each e-mail to the
 *   bot's domain as parsed fields (form-encoded or JSON; Mailgun's `recipient`, `stripped-text` /
 *   `body-plain`, `Message-Id`, or SendGrid's `to`, `text`), with the shared secret in the
 *   `X-Inbound-Secret` header or the `key` query parameter. 401 without it; 406 (Mailgun: do not
 *   retry) for mail to an address without a valid token.
 * - `GET /email/unsubscribe?a=<address>&s=<signature>`: a page with a button; `POST` to the same
 *   URL (the button, or a mail client's one-click List-Unsubscribe) stops e-mail to that address.
 */
export function mountEmailRoutes(http: Express, deps: EmailRouteDeps): void {
  const { inboundSecret } = deps;
  if (inboundSecret) {
    http.post('/api/email/inbound', express.urlencoded({ extended: false, limit: BODY_LIMIT }), express.json({ limit: BODY_LIMIT }), async (req, res) => {
      const key = req.get('x-inbound-secret') ?? (typeof req.query.key === 'string' ? req.query.key : undefined);
      if (!sameSecret(key, inboundSecret)) return void res.status(401).json({ error: 'wrong or missing inbound secret' });
      const body = (req.body ?? {}) as Record<string, unknown>;
      const recipient = field(body, 'recipient', 'to');
      const text = field(body, 'stripped-text', 'body-plain', 'text');
      if (!recipient || text === undefined) return void res.status(400).json({ error: 'expected recipient (or to) and stripped-text, body-plain or text' });
      const result = await deps.inbox.receive({ recipient, text, messageId: field(body, 'Message-Id', 'message-id', 'Message-ID') });
      deps.logger.info({ channel: 'email', result: result.kind }, 'inbound e-mail');
      res.status(result.kind === 'ignored' ? 406 : 200).json(result);
    });
  }
  const signed = (req: Request): string | undefined => {
    const address = typeof req.query.a === 'string' ? req.query.a : '';
    const signature = typeof req.query.s === 'string' ? req.query.s : '';
    return address && deps.tokens.verifyUnsubscribe(address, signature) ? address : undefined;
  };
  const refused = (res: Response) => page(res, 400, ['This unsubscribe link is not valid.', '此退订链接无效。']);
  http.get('/email/unsubscribe', (req, res) => {
    const address = signed(req);
    if (!address) return refused(res);
    const form = `<form method="post"><button type="submit">${escapeHtml(say('en', 'email.unsubscribe.button'))} / ${escapeHtml(say('zh', 'email.unsubscribe.button'))}</button></form>`;
    page(res, 200, [say('en', 'email.unsubscribe.page', { address }), say('zh', 'email.unsubscribe.page', { address })], form);
  });
  http.post('/email/unsubscribe', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const address = signed(req);
    if (!address) return refused(res);
    await deps.recipients.optOut(address);
    page(res, 200, [say('en', 'email.unsubscribed.page', { address }), say('zh', 'email.unsubscribed.page', { address })]);
  });
}
