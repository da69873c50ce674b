import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../../src/core/index.js';

const PREFIX = 'v1';
const NONCE_BYTES = 16;
const MAC_BYTES = 16;
/** `v1` + 22 base64url characters of nonce + 22 of signature (16 bytes each). */
const ISSUED_ID = /^v1([A-Za-z0-9_-]{22})([A-Za-z0-9_-]{22})$/;
/** Verified ids remembered (about 1 MB at most). */
const VERIFIED_LIMIT = 10_000;

/**
 * Issues web visitor ids and recognises the ones this server issued. An id is a random nonce
 * (128 bits: unguessable) signed with HMAC-SHA256 under a server secret (unforgeable), so no
 * table of issued ids is needed and ids stay valid across restarts as long as the secret does.
 */
export class VisitorIds {
  /** Ids already verified, the oldest dropped past the cap: a visitor sends many messages, each checked. Only issued ids get in. */
  readonly #verified = new Set<string>();

  constructor(private readonly secret: Buffer) {}

  /** A new visitor id, e.g. `v1Xq3…`: 46 characters of A-Z, a-z, 0-9, `_` and `-`. */
  issue(): string {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    return `${PREFIX}${nonce}${this.#sign(nonce).toString('base64url')}`;
  }

  /** Whether `id` is one this server issued (compared in constant time). */
  isIssued(id: unknown): id is string {
    if (typeof id !== 'string') return false;
    if (this.#verified.has(id)) return true;
    const match = ISSUED_ID.exec(id);
    if (!match) return false;
    // Compared as text: decoding would accept other spellings of the same bytes (the last
    // base64url character carries unused bits), i.e. aliases of an issued id.
    const given = Buffer.from(match[2]!, 'latin1');
    const expected = Buffer.from(this.#sign(match[1]!).toString('base64url'), 'latin1');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    if (this.#verified.size >= VERIFIED_LIMIT) this.#verified.delete(this.#verified.values().next().value!);
    this.#verified.add(id);
    return true;
  }

  #sign(nonce: string): Buffer {
    return createHmac('sha256', this.secret).update(`web-visitor:${nonce}`).digest().subarray(0, MAC_BYTES);
  }
}

/**
 * The secret that signs visitor ids: `WEB_VISITOR_SECRET` when set; otherwise the database's shared
 * `visitor` secret (made on first start and kept with the data: every instance and restart issues and
 * accepts the same ids; see `Engine.sharedSecret`).
 * @throws ConfigError naming `WEB_VISITOR_SECRET` when the shared secret cannot be read or made.
 */
export async function loadVisitorSecret(configured: string | undefined, shared: (name: 'visitor') => Promise<Buffer>): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  try {
    return await shared('visitor');
  } catch (error) {
    throw new ConfigError('WEB_VISITOR_SECRET', `is not set and the shared one cannot be used (${(error as Error).message})`);
  }
}
