import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A bot process started by {@link startBotProcess}: the process, and where it serves. */
export interface BotProcess {
  readonly child: ChildProcess;
  readonly url: string;
}

/**
 * Starts the bot as its own process (`npm start`'s command, with only `env` and PATH/HOME) in `cwd`
 * (default: this project) and resolves once it logs that it is ready.
 */
export function startBotProcess(env: Record<string, string>, cwd = ROOT): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const ready = /"url":"([^"]+)"[^\n]*"ready: web chat/.exec(log);
      if (ready) resolve({ child, url: ready[1]! });
    });
    child.once('exit', (code) => reject(new Error(`the bot exited (${code}) before it was ready:\n${log}`)));
  });
}
