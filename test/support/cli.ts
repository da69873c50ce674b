import { execFile } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli as runCommandLine } from '../../src/cli/run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The outcome of one CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `<args>` through the CLI's program in this process, with `env` as its whole environment and optional stdin. */
export async function runCli(args: readonly string[], env: Record<string, string>, stdin?: string): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const input = new PassThrough();
  input.end(stdin ?? '');
  const code = await runCommandLine(args, { env: { ...env }, stdin: input, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Runs `node --import tsx src/cli.ts <args>` (what `npm run cli` runs) as its own process, as an agent or a script would. */
export function spawnCli(args: readonly string[], env: Record<string, string>, stdin?: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOTENV_CONFIG_QUIET: 'true', ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

/** A stream that keeps what is written to it. */
class Capture extends Writable {
  readonly #chunks: Buffer[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#chunks.push(chunk);
    done();
  }

  /** Everything written so far, as UTF-8. */
  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}
