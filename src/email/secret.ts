import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The key that signs ticket tokens in reply addresses and unsubscribe links: kept in the file
 * `<DATABASE_PATH>-email-secret`, created once, so links in e-mails already sent keep working
 * after a restart. An in-memory database gets a key for this process only.
 */
export function loadEmailSecret(databasePath: string): Buffer {
  if (databasePath === ':memory:') return randomBytes(32);
  const file = `${databasePath}-email-secret`;
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  const secret = randomBytes(32);
  writeFileSync(file, secret.toString('base64url'), { mode: 0o600, flag: 'wx' });
  return secret;
}
