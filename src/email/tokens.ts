import { createHmac, timingSafeEqual } from 'node:crypto';

/** Characters of a signature kept in an address: 64 bits, short enough for a mailbox name. */
const SIGNATURE_LENGTH = 16;

/** What an address names: a ticket (`support+t12-<sig>@…`) or an unsubscribe request (`support+u-<address>-<sig>@…`). */
export type AddressToken = { readonly kind: 'ticket'; readonly ticketId: number } | { readonly kind: 'unsubscribe'; readonly address: string };

/**
 * Signed tokens in e-mail addresses and links: the reply address that threads a user's answer
 * into their ticket, and the unsubscribe link that works without signing in. Only this bot can
 * make them (HMAC-SHA256 with the e-mail secret), so nobody can write into someone else's ticket
 * or unsubscribe someone else by guessing.
 */
export class EmailTokens {
  readonly #local: string;
  readonly #domain: string;

  constructor(
    private readonly secret: Buffer,
    /** The sender's address (`support@example.com`): reply addresses are its plus-addresses. */
    from: string,
  ) {
    const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
    const at = address.lastIndexOf('@');
    this.#local = address.slice(0, at).trim();
    this.#domain = address.slice(at + 1).trim();
  }

  /** The address replies about a ticket go to: `support+t12-<sig>@example.com`. */
  replyAddress(ticketId: number): string {
    return `${this.#local}+t${ticketId}-${this.#sign(`ticket:${ticketId}`)}@${this.#domain}`;
  }

  /** The address that unsubscribes `address` when written to (List-Unsubscribe's mailto). */
  unsubscribeAddress(address: string): string {
    const encoded = Buffer.from(address.toLowerCase()).toString('base64url');
    return `${this.#local}+u-${encoded}-${this.#sign(`unsubscribe:${address.toLowerCase()}`)}@${this.#domain}`;
  }

  /** The signature of an unsubscribe link's address (`?a=<address>&s=<signature>`). */
  unsubscribeSignature(address: string): string {
    return this.#sign(`unsubscribe:${address.toLowerCase()}`);
  }

  /** Whether `signature` unsubscribes `address`. */
  verifyUnsubscribe(address: string, signature: string): boolean {
    return this.#equal(signature, this.unsubscribeSignature(address));
  }

  /** What a recipient address names, if it carries a token this bot signed. */
  read(recipient: string): AddressToken | undefined {
    const tag = /\+([^@\s>]+)@/.exec(recipient)?.[1];
    const ticket = tag && /^t(\d{1,15})-([\w-]+)$/.exec(tag);
    if (ticket) return this.#equal(ticket[2]!, this.#sign(`ticket:${ticket[1]}`)) ? { kind: 'ticket', ticketId: Number(ticket[1]) } : undefined;
    const unsubscribe = tag && /^u-([\w-]+)-([\w-]{16})$/.exec(tag);
    if (!unsubscribe) return undefined;
    const address = Buffer.from(unsubscribe[1]!, 'base64url').toString('utf8');
    return this.verifyUnsubscribe(address, unsubscribe[2]!) ? { kind: 'unsubscribe', address } : undefined;
  }

  #sign(value: string): string {
    return createHmac('sha256', this.secret).update(value).digest('base64url').slice(0, SIGNATURE_LENGTH);
  }

  #equal(given: string, expected: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
