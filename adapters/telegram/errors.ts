import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../src/core/index.js';

/**
 * Telegram's answers that mean the bot can never write to that chat again (403: the user blocked
 * the bot or deleted their account, the bot left or was removed from the group; 400: the chat is
 * gone). Other refusals (rights in a group, a message Telegram would not parse) stay retryable.
 */
const CHAT_GONE = /bot was blocked by the user|user is deactivated|chat not found|bot was kicked|bot is not a member|bot can't initiate conversation/i;

/**
 * Whether Telegram refused a call for good (a 4xx other than 429: chat not found, bot blocked,
 * message deleted): retrying the same call would fail the same way.
 */
export function refusedForGood(error: unknown): error is GrammyError {
  return error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500 && error.error_code !== 429;
}

/** Whether an edit changed nothing (Telegram's 400 "message is not modified"): the message already shows the right thing. */
export function unchanged(error: unknown): boolean {
  return error instanceof GrammyError && /message is not modified/i.test(error.description);
}

/** A short reason for logs and DeliveryError: Telegram's code and description, or the network failure. Never message text. */
export function describeError(error: unknown): string {
  if (error instanceof GrammyError) return `${error.method}: ${error.error_code} ${error.description}`;
  if (error instanceof HttpError) return `network: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The DeliveryError for a failed send to a user: permanent when the chat is gone for good (see {@link CHAT_GONE}), else retried. */
export function deliveryError(error: unknown): DeliveryError {
  const gone = error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403) && CHAT_GONE.test(error.description);
  return new DeliveryError('telegram', describeError(error), { cause: error, permanent: gone });
}
