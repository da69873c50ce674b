/** Why an agent's action on a ticket was refused. */
export type DeskErrorCode = 'not_found' | 'forbidden' | 'conflict' | 'invalid';

/** An agent action the desk refuses; the message says why, without leaking ticket content to a non-agent. */
export class DeskError extends Error {
  override readonly name = 'DeskError';

  constructor(
    readonly code: DeskErrorCode,
    message: string,
  ) {
    super(message);
  }
}
