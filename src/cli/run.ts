import { EXIT_CODES, failureOf, type ExitCode } from './errors.js';
import { writeLine, type CliIo } from './io.js';
import { buildProgram } from './program.js';

/**
 * Runs one command line (`args` without `node` and the script, e.g. `['escalations', 'list']`)
 * against `io` and resolves with its exit code, without exiting: 0 done, 2 usage, configuration or
 * refused, 3 not an agent, 4 no such ticket, 1 anything else (its message on stderr).
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<ExitCode> {
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });
    return EXIT_CODES.done;
  } catch (error) {
    const failure = failureOf(error);
    if (failure.message !== undefined) writeLine(io.stderr, `error: ${failure.message}`);
    return failure.code;
  }
}
