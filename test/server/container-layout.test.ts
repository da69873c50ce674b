import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { startBotProcess } from '../support/bot-process.js';
import { describeWithPostgres, freshPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { tempDir } from '../support/temp.js';
import type { ChildProcess } from 'node:child_process';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The runtime stage of the Dockerfile: what it copies from the project (`COPY <from…> <to>`, not `--from=build`) and its `ENV`. */
function runtimeStage(): { copies: string[]; env: Record<string, string> } {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const stage = text.slice(text.lastIndexOf('\nFROM '));
  const copies = [...stage.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/).slice(0, -1));
  const env = Object.fromEntries([...stage.matchAll(/^ENV (.+)$/gm)].flatMap((match) => [...match[1]!.matchAll(/(\w+)=(\S+)/g)].map((pair) => [pair[1]!, pair[2]!])));
  return { copies, env };
}

describeWithPostgres("the container image's files", () => {
  const temp = tempDir();
  let database: TestPostgresDatabase | undefined;
  let bot: ChildProcess | undefined;
  afterAll(async () => {
    bot?.kill('SIGKILL');
    await database?.drop();
    temp.cleanup();
  });

  it('are enough to run the bot on Postgres (as compose.yaml runs it): migrations applied, healthy', { timeout: 60_000 }, async () => {
    const { copies, env } = runtimeStage();
    expect(copies).toEqual(expect.arrayContaining(['src', 'adapters', 'drizzle', 'drizzle-pg', 'data']));
    // The image's layout: only what the Dockerfile copies, and the dependencies the build stage installed.
    for (const path of copies) cpSync(join(ROOT, path), join(temp.dir, path), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(temp.dir, 'node_modules'));
    database = await freshPostgresDatabase();
    const started = await startBotProcess({ ...env, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: database.url, LOG_LEVEL: 'info' }, temp.dir);
    bot = started.child;
    const health = await fetch(`${started.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
  });
});
