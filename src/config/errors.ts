/**
 * A configuration value that stops start-up. The message names the variable
 * and says what is wrong with it, so an operator can fix `.env` at once.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The environment variable at fault, e.g. `PORT`. */
    readonly variable: string,
    /** What is wrong with it, in plain words. */
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}
