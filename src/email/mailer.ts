import { createTransport } from 'nodemailer';
import type { OutgoingMail } from './compose.js';

/** Sends e-mails; the SMTP transport in production, anything that records them in a test. */
export interface Mailer {
  /** Sends one e-mail; rejects when the server refused it or could not be reached. */
  send(mail: OutgoingMail): Promise<void>;
  /** Closes pooled connections. */
  close(): void;
}

/** A mailer over SMTP with nodemailer: `smtpUrl` as nodemailer reads it (`smtp://user:pass@host:587`, `smtps://…`). */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, replyTo: mail.replyTo, subject: mail.subject, text: mail.text, headers: { ...mail.headers } });
    },
    close: () => transport.close(),
  };
}
