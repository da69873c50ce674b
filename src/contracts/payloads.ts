/**
 * Button payloads: what a pressed button sends back, for users' buttons (the core's
 * suggestions) and agents' card buttons alike. One codec writes and reads them, so a payload
 * the core offers is one it understands, and each fits Telegram's 64-byte `callback_data`.
 */
import type { Lang } from './messages.js';

/** What an agent can do with a ticket card's buttons. */
export type DeskAction = 'claim' | 'resolve' | 'reopen';

/** Every desk action, in the order cards show them. */
export const DESK_ACTIONS: readonly DeskAction[] = ['claim', 'resolve', 'reopen'];

/** A rating from 1 (poor) to 5 (excellent). */
export type Score = 1 | 2 | 3 | 4 | 5;

/** A button's meaning. */
export type Payload =
  /** "Did this help?" answered. */
  | { readonly kind: 'feedback'; readonly helped: boolean }
  /** An FAQ entry chosen (clarify buttons, menus). */
  | { readonly kind: 'faq'; readonly faqId: string }
  /** A resolved ticket rated. */
  | { readonly kind: 'rate'; readonly score: Score }
  | { readonly kind: 'human' }
  | { readonly kind: 'no_human' }
  | { readonly kind: 'reopen' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'cancel' }
  | { readonly kind: 'lang'; readonly lang: Lang }
  /** Announcements wanted, or no longer wanted (the button after a maintenance answer). */
  | { readonly kind: 'subscribe' }
  | { readonly kind: 'unsubscribe' }
  /** An agent's card button. */
  | { readonly kind: 'desk'; readonly action: DeskAction; readonly ticketId: number };

/** Telegram's limit on a button's `callback_data`, the tightest of the platforms. */
export const MAX_PAYLOAD_BYTES = 64;

/** A payload that cannot be a button: longer than {@link MAX_PAYLOAD_BYTES} once encoded. */
export class PayloadTooLongError extends Error {
  override readonly name = 'PayloadTooLongError';

  constructor(readonly encoded: string) {
    super(`button payload "${encoded.slice(0, 80)}" is longer than ${MAX_PAYLOAD_BYTES} bytes`);
  }
}

const FAQ_ID = /^[a-z0-9][a-z0-9_-]*$/i;
const BARE = new Set(['human', 'no_human', 'reopen', 'skip', 'cancel', 'subscribe', 'unsubscribe'] as const);
/** A payload that is its kind alone. */
type BareKind = typeof BARE extends Set<infer K> ? K : never;

/**
 * The wire form of a payload: `feedback:yes|no`, `faq:<id>`, `rate:<1-5>`, `human`, `no_human`,
 * `reopen`, `skip`, `cancel`, `subscribe`, `unsubscribe`, `lang:<zh|en>`, `desk:<claim|resolve|reopen>:<ticket id>`.
 * @throws PayloadTooLongError when it would not fit a Telegram button.
 */
export function encodePayload(payload: Payload): string {
  const encoded = wireOf(payload);
  if (new TextEncoder().encode(encoded).length > MAX_PAYLOAD_BYTES) throw new PayloadTooLongError(encoded);
  return encoded;
}

function wireOf(payload: Payload): string {
  switch (payload.kind) {
    case 'feedback':
      return `feedback:${payload.helped ? 'yes' : 'no'}`;
    case 'faq':
      return `faq:${payload.faqId}`;
    case 'rate':
      return `rate:${payload.score}`;
    case 'lang':
      return `lang:${payload.lang}`;
    case 'desk':
      return `desk:${payload.action}:${payload.ticketId}`;
    case 'human':
    case 'no_human':
    case 'reopen':
    case 'skip':
    case 'cancel':
    case 'subscribe':
    case 'unsubscribe':
      return payload.kind;
  }
}

/** Reads a pressed button's payload; undefined for anything the codec did not write (garbage, forged, too long). */
export function decodePayload(wire: string): Payload | undefined {
  if (new TextEncoder().encode(wire).length > MAX_PAYLOAD_BYTES) return undefined;
  if ((BARE as ReadonlySet<string>).has(wire)) return { kind: wire as BareKind };
  const colon = wire.indexOf(':');
  if (colon < 0) return undefined;
  const kind = wire.slice(0, colon);
  const value = wire.slice(colon + 1);
  switch (kind) {
    case 'feedback':
      return value === 'yes' || value === 'no' ? { kind, helped: value === 'yes' } : undefined;
    case 'faq':
      return FAQ_ID.test(value) ? { kind, faqId: value } : undefined;
    case 'rate':
      return /^[1-5]$/.test(value) ? { kind, score: Number(value) as Score } : undefined;
    case 'lang':
      return value === 'zh' || value === 'en' ? { kind, lang: value } : undefined;
    case 'desk': {
      const match = /^(claim|resolve|reopen):([1-9]\d{0,14})$/.exec(value);
      return match ? { kind, action: match[1] as DeskAction, ticketId: Number(match[2]) } : undefined;
    }
    default:
      return undefined;
  }
}
