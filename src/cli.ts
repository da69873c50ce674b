/**
 * The command line's entry point: `npm run cli -- <command>` or `npx tsx src/cli.ts <command>`
 * (the commands: `src/cli/`). Loads `.env`, runs the command on the process's streams and exits
 * with its code.
 */
import { runCli } from './cli/run.js';

process.env.DOTENV_CONFIG_QUIET ??= 'true';
// `escalations list | head`: the reader has gone, which is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { config: loadDotenv } = await import('dotenv');
loadDotenv({ quiet: true });
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  // Opened only by a command that reads it.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
});
// A failure exits at once (a command that threw may leave a timer or a handle open); success ends when nothing is left to do.
if (code !== 0) process.exit(code);
