import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt's cost for new hashes: OWASP's minimum for scrypt (N = 2^17, r = 8, p = 1), 128 MiB of
 * memory and about 0.4 s of one core per hash, so a stolen table is slow to guess at. Stored in
 * each hash, so raising it later still verifies the old ones.
 */
const COST = { logN: 17, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function derive(password: string, salt: Buffer, cost: { logN: number; r: number; p: number }, length: number): Promise<Buffer> {
  const N = 2 ** cost.logN;
  // scrypt needs 128 * N * r bytes; Node refuses more than `maxmem` (32 MiB by default).
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/**
 * A password's hash with a fresh random salt, in the PHC-like form
 * `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64). Computed off the event loop.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST, KEY_BYTES);
  return `$scrypt$ln=${COST.logN},r=${COST.r},p=${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` matches `stored` (from {@link hashPassword}), compared in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = FORMAT.exec(stored);
  if (!parts) return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await derive(password, Buffer.from(parts[4]!, 'base64'), { logN: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) }, expected.length);
  return timingSafeEqual(key, expected);
}

/**
 * A hash of no one's password, to verify against when a sign-in names no account: the answer
 * then takes as long as for a real one, so timing does not tell which logins exist.
 */
export const DECOY_HASH = `$scrypt$ln=${COST.logN},r=${COST.r},p=${COST.p}$${Buffer.alloc(SALT_BYTES).toString('base64')}$${Buffer.alloc(KEY_BYTES).toString('base64')}`;
