import { redactSecrets } from '../safety/redact.js';
import { say, type EscalationView, type Lang } from '../contracts/index.js';
import type { EmailTokens } from './tokens.js';

/** An e-mail ready for the transport. */
export interface OutgoingMail {
  readonly to: string;
  readonly replyTo: string;
  readonly subject: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What composing needs besides the ticket. */
export interface ComposeContext {
  readonly tokens: EmailTokens;
  /** Where the unsubscribe link points (`<PUBLIC_URL>/email/unsubscribe`); unset: only List-Unsubscribe's mailto. */
  readonly unsubscribeUrl?: string;
}

/**
 * An e-mail about a ticket: subject and body in the ticket's language, replies threaded by the
 * ticket's signed reply address, and unsubscribing from the e-mail itself (a footer link and
 * `List-Unsubscribe` with one-click `List-Unsubscribe-Post`, RFC 8058). Every text is redacted
 * once more, so no secret can leave by e-mail whatever its source.
 */
export function composeMail(ticket: EscalationView, to: string, content: { subject: string; body: string }, context: ComposeContext): OutgoingMail {
  const lang: Lang = ticket.lang;
  const mailto = `mailto:${context.tokens.unsubscribeAddress(to)}?subject=unsubscribe`;
  const link = context.unsubscribeUrl ? `${context.unsubscribeUrl}?a=${encodeURIComponent(to.toLowerCase())}&s=${context.tokens.unsubscribeSignature(to)}` : undefined;
  const footer = say(lang, 'email.footer', { link: link ?? mailto.slice('mailto:'.length) });
  return {
    to,
    replyTo: context.tokens.replyAddress(ticket.id),
    subject: redactSecrets(content.subject).text,
    text: `${redactSecrets(content.body).text}\n\n-- \n${footer}\n`,
    headers: {
      'List-Unsubscribe': link ? `<${link}>, <${mailto}>` : `<${mailto}>`,
      ...(link ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
      // Mail servers should not answer these with out-of-office replies.
      'Auto-Submitted': 'auto-generated',
    },
  };
}
