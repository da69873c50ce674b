/**
 * HTTP throughput of the web chat (`POST /api/chat/messages` on the real app) beside a bare
 * express app with one JSON POST handler, in the same run. The load comes from a child process
 * (`http-load.ts`, autocannon) so the generator does not share the server's event loop; on a
 * small machine it still shares the cores, so both numbers are lower bounds.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { startApp } from '../../src/main.js';
import { createLogger } from '../../src/log.js';
import { loadDevSet } from '../support/devset.js';
import { testConfig } from '../support/app.js';
import { tempDir } from '../support/temp.js';
import type { LoadRequest, LoadResult } from './http-load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOAD_SCRIPT = fileURLToPath(new URL('./http-load.ts', import.meta.url));

/** How the `http` bench loads each server. */
export interface HttpBenchOptions {
  readonly connections: number;
  readonly durationS: number;
  /** Issued visitor ids the messages rotate over (the core allows each a burst of 20, then 1/s). */
  readonly visitors: number;
  /** A first, unmeasured run per server (JIT, caches, SQLite pages). */
  readonly warmupS: number;
}

const DEFAULTS: HttpBenchOptions = { connections: 50, durationS: 5, visitors: 2_000, warmupS: 1 };

/**
 * Runs the load generator in a child `node` process against `url`; given several requests (one
 * per server), loads them all at once and resolves with their results in the same order.
 */
export function load(request: LoadRequest): Promise<LoadResult>;
export function load(request: readonly LoadRequest[]): Promise<LoadResult[]>;
export function load(request: LoadRequest | readonly LoadRequest[]): Promise<LoadResult | LoadResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`http load generator exited with ${code}`));
      resolve(JSON.parse(output) as LoadResult | LoadResult[]);
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** Warm-up then a measured run with the same bodies. */
async function measure(url: string, bodies: readonly string[], options: HttpBenchOptions): Promise<LoadResult> {
  if (options.warmupS > 0) await load({ url, connections: options.connections, durationS: options.warmupS, bodies });
  return load({ url, connections: options.connections, durationS: options.durationS, bodies });
}

/** A bare express app with one JSON POST handler that echoes the text, on an ephemeral loopback port. */
async function startBareExpress(): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = express();
  app.post('/api/chat/messages', express.json({ limit: '16kb' }), (req, res) => {
    const body = req.body as { visitorId?: string; text?: string };
    res.json({ replies: [{ kind: 'text', text: `echo: ${body.text ?? ''}` }] });
  });
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/chat/messages`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Issues `count` visitor ids from the running app, `parallel` requests at a time. */
export async function issueVisitors(baseUrl: string, count: number, parallel = 50): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(parallel, count - ids.length) }, async () => {
        const response = await fetch(`${baseUrl}/api/chat/visitors`, { method: 'POST' });
        if (!response.ok) throw new Error(`POST /api/chat/visitors: ${response.status}`);
        return ((await response.json()) as { visitorId: string }).visitorId;
      }),
    );
    ids.push(...batch);
  }
  return ids;
}

/**
 * The `http` bench section: messages/s, p50/p90/p99 latency (ms) and non-2xx responses for the
 * web chat (real app: temp database, web limits off, silent logs; dev-set texts rotating over
 * issued visitor ids) and for a bare express JSON handler with the same bodies, one after the other.
 */
export async function benchHttp(overrides: Partial<HttpBenchOptions> = {}) {
  const options = { ...DEFAULTS, ...overrides };
  const texts = loadDevSet('devset').map((query) => query.text);

  const { dir, cleanup } = tempDir();
  const app = await startApp(testConfig(dir), createLogger('silent'));
  let webChat: LoadResult;
  let bodies: string[];
  try {
    const visitors = await issueVisitors(app.url, options.visitors);
    // Visitor and text advance together but wrap at different lengths, so pairs vary.
    bodies = visitors.map((visitorId, n) => JSON.stringify({ visitorId, text: texts[n % texts.length] }));
    webChat = await measure(`${app.url}/api/chat/messages`, bodies, options);
  } finally {
    await app.stop();
    cleanup();
  }

  const bare = await startBareExpress();
  let bareExpress: LoadResult;
  try {
    bareExpress = await measure(bare.url, bodies, options);
  } finally {
    await bare.stop();
  }

  return {
    connections: options.connections,
    durationS: options.durationS,
    visitors: options.visitors,
    webChat,
    bareExpress,
    webChatShareOfBare: Math.round((webChat.perS / bareExpress.perS) * 100) / 100,
  };
}
