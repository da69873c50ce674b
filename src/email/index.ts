/**
 * E-mail to and from users about their tickets: on with `SMTP_URL` and `EMAIL_FROM`. The runtime
 * registers the notifier like a channel (so the desk feed hands it every ticket change) and
 * mounts the inbound webhook and the unsubscribe page.
 */
import type { Express } from 'express';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Services } from '../services.js';
import { InboundMailbox } from './inbound.js';
import { smtpMailer } from './mailer.js';
import { EmailNotifier } from './notifier.js';
import { EmailRecipients } from './recipients.js';
import { mountEmailRoutes } from './routes.js';
import { EmailTokens } from './tokens.js';

/**
 * The e-mail channel, or why it is off. With it on, mounts `POST /api/email/inbound` (when
 * `EMAIL_INBOUND_SECRET` is set) and `/email/unsubscribe` on `http`. Reply addresses and
 * unsubscribe links are signed with the database's shared `email` key, so any instance sharing
 * the database accepts what another one sent.
 */
export async function createEmailChannel(config: Config, services: Pick<Services, 'engine' | 'tickets' | 'queue'>, http: Express, logger: Logger): Promise<EmailNotifier | { readonly off: string }> {
  const email = config.email;
  if (!email) return { off: 'SMTP_URL and EMAIL_FROM not set' };
  const { engine } = services;
  const tokens = new EmailTokens(await engine.sharedSecret('email'), email.from);
  const recipients = new EmailRecipients(engine);
  const inbox = new InboundMailbox(engine, { tokens, recipients, tickets: services.tickets, queue: services.queue });
  mountEmailRoutes(http, { inbox, recipients, tokens, inboundSecret: email.inboundSecret, logger });
  const publicUrl = config.helpCentre.publicUrl;
  const host = email.smtpUrl.replace(/^smtps?:\/\/([^@/]*@)?/i, '').replace(/[/?].*$/, '');
  return new EmailNotifier({
    mailer: smtpMailer(email.smtpUrl, email.from),
    recipients,
    compose: { tokens, unsubscribeUrl: publicUrl ? `${publicUrl}/email/unsubscribe` : undefined },
    afterMinutes: email.afterMinutes,
    logger,
    detail: `SMTP via ${host}; replies e-mailed after ${email.afterMinutes} min away; inbound ${email.inboundSecret ? 'POST /api/email/inbound' : 'off (EMAIL_INBOUND_SECRET not set)'}`,
  });
}
