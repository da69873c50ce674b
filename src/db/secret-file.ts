import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/** Bytes of a shared secret. */
export const SECRET_BYTES = 32;

/**
 * The secret kept in `file` (base64url), created with a random one (mode 600) when missing: if another
 * process created it first, theirs is used. An in-memory database (`file` undefined) gets one for this
 * process only.
 * @throws Error when the file cannot be read or written, or holds no secret.
 */
export function fileSecret(file: string | undefined): Buffer {
  if (file === undefined) return randomBytes(SECRET_BYTES);
  return readSecret(file) ?? createSecret(file);
}

function readSecret(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = Buffer.from(text, 'base64url');
  if (secret.length < SECRET_BYTES) throw new Error(`${file} holds no ${SECRET_BYTES}-byte secret; delete it to make a new one`);
  return secret;
}

function createSecret(file: string): Buffer {
  const secret = randomBytes(SECRET_BYTES);
  try {
    // 'wx': if another process created it first, use theirs.
    writeFileSync(file, `${secret.toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readSecret(file)!;
    throw error;
  }
}
