import type { Engine } from '../db/index.js';
import { ConversationStore, conversationLock } from '../dialogue/store.js';
import type { TicketLifecycle } from '../escalation/lifecycle.js';
import type { TicketQueue } from '../escalation/queue.js';
import { redactSecrets } from '../safety/redact.js';
import type { EmailRecipients } from './recipients.js';
import type { EmailTokens } from './tokens.js';

/** An e-mail as the inbound-mail provider parsed it. */
export interface InboundMail {
  /** The address it was sent to (the ticket's reply address, or an unsubscribe address). */
  readonly recipient: string;
  /** The text without the quoted earlier messages, when the provider strips them; else the whole plain text. */
  readonly text: string;
  /** The e-mail's Message-Id: a provider that posts the same e-mail again is recorded once. */
  readonly messageId?: string;
}

/** What became of an inbound e-mail. */
export type InboundResult = { readonly kind: 'ticket'; readonly number: string } | { readonly kind: 'unsubscribed' } | { readonly kind: 'ignored'; readonly reason: string };

/** Where a reply's own words end: the quoted message below ("On … wrote:", "-----Original Message-----", "在 … 写道："). */
const QUOTE_HEADER = /^(On .{3,200} wrote:|-{2,} ?Original Message ?-{2,}|在.{3,200}写道[:：])\s*$/im;

/** The user's own words of an e-mail reply: the text above the quoted message, without `>` lines. */
export function ownWords(text: string): string {
  const header = QUOTE_HEADER.exec(text);
  const above = header ? text.slice(0, header.index) : text;
  return above
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('>'))
    .join('\n')
    .trim();
}

/**
 * E-mail from users: an answer to a ticket e-mail lands in that ticket (found by the signed token
 * in the reply address), redacted like a chat message and shown to the agent desks; a message to
 * an unsubscribe address stops e-mail to its address.
 */
export class InboundMailbox {
  readonly #store: ConversationStore;

  constructor(
    private readonly engine: Engine,
    private readonly parts: { readonly tokens: EmailTokens; readonly recipients: EmailRecipients; readonly tickets: TicketLifecycle; readonly queue: TicketQueue },
  ) {
    this.#store = new ConversationStore(engine);
  }

  /** Takes one inbound e-mail (a ticket's answer in one transaction, recorded once per Message-Id). */
  async receive(mail: InboundMail, now = new Date()): Promise<InboundResult> {
    const token = this.parts.tokens.read(mail.recipient);
    if (!token) return { kind: 'ignored', reason: 'the recipient carries no token of ours' };
    if (token.kind === 'unsubscribe') {
      await this.parts.recipients.optOut(token.address, now);
      return { kind: 'unsubscribed' };
    }
    const text = redactSecrets(ownWords(mail.text)).text.trim();
    if (!text) return { kind: 'ignored', reason: 'the e-mail has no text of its own' };
    return this.engine.transaction(async (): Promise<InboundResult> => {
      const ticket = await this.parts.queue.view(token.ticketId);
      const conversation = await this.#store.find(ticket.channel, ticket.userId);
      if (!conversation) return { kind: 'ignored', reason: 'the ticket has no conversation' };
      const messageId = mail.messageId ? `email:${mail.messageId}` : undefined;
      // The same e-mail posted twice at once (to two instances): the second waits, then finds it seen.
      await this.engine.lock(conversationLock(conversation.userKey));
      if (messageId && (await this.#store.seen(conversation.id, messageId))) return { kind: 'ticket', number: ticket.number };
      await this.#store.append(conversation.id, { sender: 'user', text, escalationId: ticket.id, platformMessageId: messageId }, now);
      await this.parts.tickets.userWrote(ticket.id, conversation, text, now);
      return { kind: 'ticket', number: ticket.number };
    });
  }
}
