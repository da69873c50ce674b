import { CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { DeskError } from '../contracts/index.js';

/** A command used wrongly (e.g. `classify` without a text): printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command line's exit codes (a contract: scripts act on them). */
export const EXIT_CODES = {
  done: 0,
  /** Anything unexpected (an unreadable file, a bug). */
  failed: 1,
  /** A usage error, a bad configuration or an action the desk refuses. */
  refused: 2,
  /** `--agent` is not an agent (AGENT_IDS). */
  notAnAgent: 3,
  /** No such ticket. */
  noSuchTicket: 4,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** How a run that threw ends: its exit code, and the line for stderr (none when commander has printed its own). */
export function failureOf(error: unknown): { readonly code: ExitCode; readonly message?: string } {
  // Commander's own usage errors (a missing --agent) and `--help`: it has printed them already.
  if (error instanceof CommanderError) return { code: error.exitCode === 0 ? EXIT_CODES.done : EXIT_CODES.refused };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof DeskError && error.code === 'forbidden') return { code: EXIT_CODES.notAnAgent, message };
  if (error instanceof DeskError && error.code === 'not_found') return { code: EXIT_CODES.noSuchTicket, message };
  if (error instanceof DeskError || error instanceof ConfigError || error instanceof UsageError) return { code: EXIT_CODES.refused, message };
  return { code: EXIT_CODES.failed, message };
}
