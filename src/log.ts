import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The process logger: JSON lines on stderr (stdout stays clean for the CLI's JSON output).
 * Message text is never logged as is; callers log ids, intents and redacted text only.
 * `destination` replaces stderr, so tests can capture what would have been logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Belt and braces: fields that could carry secrets are censored even if a caller slips.
      redact: { paths: ['text', '*.text', 'password', '*.password', 'token', '*.token'], censor: '[redacted]' },
    },
    // Synchronous, so the last lines before an exit ("stopped", a fatal error) are never lost.
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}
