import type { Logger } from '../log.js';
import { describeWait } from '../escalation/sla.js';
import { DeliveryError, say, type ChannelAdapter, type DeskEvent, type EscalationView } from '../contracts/index.js';
import { composeMail, type ComposeContext, type OutgoingMail } from './compose.js';
import type { Mailer } from './mailer.js';
import type { EmailRecipients } from './recipients.js';

/** What the e-mail notifier needs. */
export interface EmailNotifierDeps {
  readonly mailer: Mailer;
  readonly recipients: EmailRecipients;
  readonly compose: ComposeContext;
  /** An agent's reply is e-mailed when the user was last seen on their channel at least this long before it. */
  readonly afterMinutes: number;
  readonly logger: Logger;
  /** How the channel runs, for the start-up line. */
  readonly detail: string;
}

/**
 * E-mail as a consumer of the desk feed: registered like a channel, it receives every ticket
 * change in order, once, across restarts (the feed's cursor), and mails the user who gave an
 * address in the hand-off questions: a confirmation with the ticket number and the expected wait
 * when the ticket opens, and an agent's reply when the user has been away from their channel for
 * `EMAIL_AFTER_MINUTES`. Nothing else of the bot knows about e-mail. A failed send throws, so the
 * feed tries the same event again on its next poll.
 */
export class EmailNotifier implements ChannelAdapter {
  readonly name = 'email' as const;
  readonly detail: string;

  constructor(private readonly deps: EmailNotifierDeps) {
    this.detail = deps.detail;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    this.deps.mailer.close();
  }

  /** Nothing is queued for e-mail in the outbox: tickets are mailed from the desk feed. */
  async deliver(): Promise<void> {
    throw new DeliveryError('email', 'e-mail has no conversations of its own (ticket e-mails come from the desk feed)', { permanent: true });
  }

  /** Mails the ticket's user what this change means for them, if anything. */
  async onDeskEvent(event: DeskEvent): Promise<void> {
    const mail = await this.#mailFor(event);
    if (!mail) return;
    await this.deps.mailer.send(mail);
    this.deps.logger.info({ channel: 'email', ticket: event.ticket.number, change: event.type }, 'e-mail sent');
  }

  async #mailFor(event: DeskEvent): Promise<OutgoingMail | undefined> {
    const { ticket } = event;
    const to = ticket.details.email;
    if (!to || (await this.deps.recipients.hasOptedOut(to))) return undefined;
    const lang = ticket.lang;
    switch (event.type) {
      case 'opened': {
        const wait = describeWait(lang, new Date(ticket.slaDueAt), new Date(event.at));
        const body = say(lang, 'email.confirmation.body', { number: ticket.number, wait });
        return composeMail(ticket, to, { subject: say(lang, 'email.confirmation.subject', { number: ticket.number }), body }, this.deps.compose);
      }
      case 'agent_reply': {
        if (!(await this.#away(ticket, new Date(event.at)))) return undefined;
        const body = say(lang, 'email.reply.body', { number: ticket.number, agent: ticket.agent ?? 'Support', text: event.text });
        return composeMail(ticket, to, { subject: say(lang, 'email.reply.subject', { number: ticket.number }), body }, this.deps.compose);
      }
      default:
        return undefined;
    }
  }

  /** Whether the ticket's user had not been seen on their channel for `afterMinutes` when the agent replied. */
  async #away(ticket: EscalationView, at: Date): Promise<boolean> {
    const seen = await this.deps.recipients.lastSeen(`${ticket.channel}:${ticket.userId}`);
    return !seen || at.getTime() - seen.getTime() >= this.deps.afterMinutes * 60_000;
  }
}
