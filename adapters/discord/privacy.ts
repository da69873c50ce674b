import type { IncomingMessage, Reply } from '../../src/core/index.js';

/**
 * Whether the core's replies to a message in a public channel belong in the user's DMs: the
 * user asked for a human, or the replies open or continue a hand-off (a ticket notice, or the
 * detail dialogue whose questions can be skipped), where account details are asked for next.
 */
export function belongsInDm(message: IncomingMessage, replies: readonly Reply[]): boolean {
  if (message.payload === 'human' || /^\/human\b/i.test(message.text.trim())) return true;
  return replies.some((reply) => reply.escalation !== undefined || reply.suggestions?.some((suggestion) => suggestion.payload === 'skip'));
}

/** Whether the replies only tell the user about their own case (an acknowledgement, a status): shown to them alone in a shared channel. */
export function isPersonal(replies: readonly Reply[]): boolean {
  return replies.length > 0 && replies.every((reply) => reply.kind === 'status' && !reply.suggestions?.length);
}

/** Whether the core found a secret (seed phrase, private key, password) in the message and redacted it. */
export function revealsSecret(replies: readonly Reply[]): boolean {
  return replies.some((reply) => reply.reason === 'secret');
}
