/**
 * The load generator of the `http` and `engines` benches, run in a child process (`node --import tsx
 * test/bench/http-load.ts`, the request as JSON on standard input) so it does not share the server's event loop. Posts JSON
 * bodies to one URL with autocannon, rotating over the given bodies, and prints one JSON line:
 * requests/s, latency percentiles (ms), non-2xx and error counts. Given an array of requests (one per
 * server), it loads them all at once and prints an array of results in the same order.
 */
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

/** What the parent asks for: target, load shape and the bodies to rotate over. */
export interface LoadRequest {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  readonly bodies: readonly string[];
}

/** What the child prints. */
export interface LoadResult {
  readonly requests: number;
  readonly perS: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/** Runs autocannon against `request.url`, each request taking the next body in turn. */
export async function generateLoad(request: LoadRequest): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: request.url,
    connections: request.connections,
    duration: request.durationS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: request.bodies[next++ % request.bodies.length] }),
      },
    ],
  });
  const total = result['2xx'] + result.non2xx;
  return {
    requests: total,
    perS: Math.round(total / result.duration),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const request = JSON.parse(input) as LoadRequest | LoadRequest[];
  const result = Array.isArray(request) ? await Promise.all(request.map((one) => generateLoad(one))) : await generateLoad(request);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
