import { createInterface } from 'node:readline';

/**
 * What a command reads and writes: the process's own environment and streams when run from a
 * shell (`src/cli.ts`), or a test's, so that commands run in-process.
 */
export interface CliIo {
  /** The environment the configuration is read from (`process.env` once `.env` is loaded). */
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Writes `text` and a newline to `stream`. */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}

/** A JSON field as text: a string as it is, a missing or null field as `fallback`, anything else as JSON. */
export function textField(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? fallback : JSON.stringify(value);
}

/** Reads JSON lines from stdin and writes one JSON line per input; a bad line gets `{"error"}` and the rest go on. */
export async function eachJsonLine(io: CliIo, handle: (line: Record<string, unknown>) => unknown): Promise<void> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const raw of lines) {
    if (!raw.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      writeLine(io.stdout, JSON.stringify({ error: 'not valid JSON', line: raw.slice(0, 200) }));
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      writeLine(io.stdout, JSON.stringify({ error: 'expected a JSON object' }));
      continue;
    }
    writeLine(io.stdout, JSON.stringify(await handle(parsed as Record<string, unknown>)));
  }
}
