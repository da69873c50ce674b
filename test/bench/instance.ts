/**
 * One instance of the bot for the `engines` bench, run in a child process (`node --import tsx
 * test/bench/instance.ts`, its settings as JSON on standard input): the real app (`startApp`, as
 * `npm start` runs it) on an ephemeral loopback port with silent logs and the web chat's per-address
 * limits off, on the given `DATABASE_URL`. Prints one JSON line `{ "url": … }` when ready, and stops
 * when its standard input ends (the parent closes it, or exits).
 */
import { pathToFileURL } from 'node:url';
import { createLogger } from '../../src/log.js';
import { startApp } from '../../src/main.js';
import { testConfig } from '../support/app.js';
import { tempDir } from '../support/temp.js';

/** What the parent asks for: the environment the instance is configured with (`DATABASE_URL`, `INSTANCE_ID`, …). */
export interface InstanceRequest {
  readonly env: Record<string, string>;
}

/** What the instance prints once it is ready. */
export interface InstanceReady {
  readonly url: string;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lines = process.stdin[Symbol.asyncIterator]();
  let input = '';
  // The request is the first line; the rest of standard input is only waited on.
  while (!input.includes('\n')) {
    const { value, done } = await lines.next();
    if (done) break;
    input += String(value);
  }
  const request = JSON.parse(input) as InstanceRequest;
  const { dir, cleanup } = tempDir();
  const app = await startApp(testConfig(dir, request.env), createLogger('silent'));
  process.stdout.write(`${JSON.stringify({ url: app.url } satisfies InstanceReady)}\n`);
  for (;;) {
    const { done } = await lines.next();
    if (done) break;
  }
  await app.stop();
  cleanup();
}
