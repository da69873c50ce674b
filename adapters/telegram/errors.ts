import { GrammyError, HttpError } from 'grammy';

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
