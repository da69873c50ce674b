import { existsSync, readFileSync } from 'node:fs';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist as englishWords } from '@scure/bip39/wordlists/english.js';
import { wordlist as chineseWords } from '@scure/bip39/wordlists/simplified-chinese.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../src/contracts/index.js';
import { createServices, type Services } from '../../src/services.js';
import { testConfig } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { sqliteEngineOf } from '../support/sqlite.js';

/** A valid 12-word phrase made from fixed entropy (so the test is repeatable). */
function phrase(seed: number, wordlist: string[] = englishWords): string[] {
  const entropy = Uint8Array.from({ length: 16 }, (_, index) => (seed * 31 + index * 97) % 256);
  return entropyToMnemonic(entropy, wordlist).split(/\s+/u);
}

/** Every place the bytes of a secret could linger: the database file and its write-ahead log. */
function storedBytes(path: string): string {
  return [path, `${path}-wal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('utf8'))
    .join('\n');
}

/** Runs of three words of a phrase: any of them stored would leak part of it (pairs occur in ordinary answers). */
function neighbours(words: readonly string[], separator = ' '): string[] {
  return words.slice(2).map((word, index) => `${words[index]}${separator}${words[index + 1]}${separator}${word}`);
}

describe('secrets in pieces and in fields other than the text', () => {
  let services: Services;
  let dbPath: string;
  let cleanup: () => void;
  const send = (userId: string, fields: Partial<IncomingMessage>) =>
    // Well under the flood limit (a burst of 20 per user) and inside the 10-minute window.
    services.bot.process({ channel: 'web', userId, conversation: { visitorId: userId }, text: '', ...fields });

  beforeAll(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const config = testConfig(temp.dir);
    dbPath = config.databasePath;
    services = await createServices(config);
  });
  afterAll(async () => {
    await services.close();
    cleanup();
  });

  it.each([
    ['6 + 6', [6, 6]],
    ['4 x 3', [3, 3, 3, 3]],
  ])('a 12-word phrase sent as %s is recognised when it is complete, and the earlier parts are removed too', async (_how, sizes) => {
    const words = phrase(sizes.length);
    const user = `split-${sizes.length}`;
    await send(user, { text: 'I need help recovering my wallet' });
    let offset = 0;
    const warnings: number[] = [];
    for (const [index, size] of sizes.entries()) {
      const turn = await send(user, { text: words.slice(offset, offset + size).join(' ') });
      offset += size;
      if (turn.replies.some((reply) => reply.reason === 'secret')) warnings.push(index);
    }
    expect(warnings.length).toBeGreaterThan(0);
    const history = (await services.bot.history({ channel: 'web', userId: user })).filter((message) => message.from === 'user');
    expect(history.map((message) => message.text).join(' ')).not.toMatch(new RegExp(words.slice(0, 3).join(' ')));
    const bytes = storedBytes(dbPath);
    for (const pair of neighbours(words)) expect(bytes).not.toContain(pair);
  });

  it('a Chinese phrase sent in two halves is removed from the files too', async () => {
    const words = phrase(7, chineseWords);
    await send('split-zh', { text: '我的钱包助记词' });
    await send('split-zh', { text: words.slice(0, 6).join(' ') });
    const turn = await send('split-zh', { text: words.slice(6).join(' ') });
    expect(turn.replies.some((reply) => reply.reason === 'secret')).toBe(true);
    const bytes = storedBytes(dbPath);
    for (const pair of neighbours(words)) expect(bytes).not.toContain(pair);
  });

  it('a password typed at the e-mail question is not stored', async () => {
    const user = 'email-step';
    await send(user, { text: '/human' });
    for (let step = 0; step < 6; step++) {
      const prompt = (await send(user, { text: 'skip' })).replies.map((reply) => reply.text).join(' ');
      if (/e-mail/i.test(prompt)) break;
    }
    const turn = await send(user, { text: 'ann@example.com Tr0ub4dor&3x' });
    expect(turn.replies.some((reply) => reply.reason === 'secret')).toBe(true);
    expect(storedBytes(dbPath)).not.toContain('Tr0ub4dor&3x');
    expect(turn.stored).toContain('ann@example.com');
  });

  it('redacts a secret in the display name, the button payload and the conversation reference', async () => {
    const key = 'a3f1c9e7b5d2f8a4c6e0b9d7f5a3c1e9b7d5f3a1c9e7b5d3f1a9c7e5b3d1f9a7';
    const turn = await send('fields', {
      text: 'hello',
      displayName: `private key ${key}`,
      payload: undefined,
      conversation: { serviceUrl: 'http://127.0.0.1:1/', conversation: { id: 'a:1', name: `my private key is ${key}` } },
    });
    expect(turn.replies.some((reply) => reply.reason === 'secret')).toBe(true);
    // The reference still works for writing back: only the free text in it changed.
    const stored = sqliteEngineOf(services).connection.prepare("select reference from conversations where user_id = 'web:fields'").get() as { reference: string };
    expect(JSON.parse(stored.reference)).toEqual({ serviceUrl: 'http://127.0.0.1:1/', conversation: { id: 'a:1', name: 'my private key is [redacted: private key]' } });
    const pressed = await send('fields', { payload: `faq:${key} private key` });
    expect(pressed.replies.some((reply) => reply.reason === 'secret')).toBe(true);
    expect(storedBytes(dbPath)).not.toContain(key);
  });

  it('chat --jsonl echoes what was stored, not the secret that was sent', async () => {
    const words = phrase(11);
    const run = await runCli(['chat', '--jsonl'], { DATABASE_PATH: `${dbPath}-cli.sqlite` }, `${JSON.stringify({ user: 'u', text: `my seed phrase is ${words.join(' ')}` })}\n`);
    expect(run.code).toBe(0);
    const line = JSON.parse(run.stdout.trim()) as { text: string };
    expect(line.text).toContain('[redacted: seed phrase]');
    expect(run.stdout).not.toContain(neighbours(words)[0]);
  });
});
