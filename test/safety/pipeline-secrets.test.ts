import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../src/contracts/index.js';
import { say } from '../../src/contracts/index.js';
import { createLogger } from '../../src/log.js';
import { startApp, type RunningApp } from '../../src/main.js';
import type { SecretKind } from '../../src/safety/redact.js';
import { newVisitor, testConfig } from '../support/app.js';
import { tempDir } from '../support/temp.js';
import { sqliteEngineOf } from '../support/sqlite.js';

/** A corpus message carrying a secret (see test/fixtures/secrets.json). */
interface SecretCase {
  readonly text: string;
  readonly secret: string;
  readonly kind: SecretKind;
  readonly fragments?: readonly string[];
  readonly lang?: Lang;
}

/** A corpus look-alike that must be stored as sent. */
interface InnocentCase {
  readonly text: string;
  readonly mustSurvive?: string;
}

/** A reply as the web chat returns it. */
interface WebReply {
  readonly kind: string;
  readonly reason?: string;
  readonly text: string;
  readonly escalation?: { readonly number: string };
}

const corpus = JSON.parse(readFileSync(new URL('../fixtures/secrets.json', import.meta.url), 'utf8')) as {
  secret: SecretCase[];
  innocent: InnocentCase[];
};

// Transaction hashes given in the hand-off dialogues: support needs them, so they must be stored.
const HASH_EN = 'ebb6c8fef4bab24202ac6d33714fe6bdeb71946d6d83fbcb70f187ce6fedbd5d';
const HASH_ZH = 'ef5f63b7af4acafefa9bea91bc848646a4ca08540b9f6f7ce4232cbfdb4c0497';
const HASH_ASKED = 'b5fb84f91e89f1b14e3f07abc18e383488a897203f575fe09f28c0dc05fde00a';

/**
 * End to end through the real app (web chat, pipeline, SQLite file, logger at trace level):
 * every secret of the corpus, also as answers in the hand-off dialogue and as messages to an
 * open ticket, is redacted before it is stored, logged or shown to an agent.
 */
describe('secrets through the whole pipeline', () => {
  let app: RunningApp;
  let dbPath: string;
  let cleanup: () => void;
  const logLines: string[] = [];
  /** Every secret sent, with the pieces of it that would leak it on their own. */
  const sent: { secret: string; parts: readonly string[] }[] = corpus.secret.map((item) => ({ secret: item.secret, parts: partsOf(item) }));
  const mustSurvive: string[] = corpus.innocent.flatMap((item) => (item.mustSurvive ? [item.mustSurvive] : []));

  beforeAll(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const config = testConfig(temp.dir, { LOG_LEVEL: 'trace' });
    dbPath = config.databasePath;
    app = await startApp(config, createLogger('trace', { write: (line: string) => void logLines.push(line) }));
  });
  afterAll(async () => {
    await app.stop();
    cleanup();
  });

  /** Each visitor name used below stands for one visitor id issued by the server. */
  const issued = new Map<string, Promise<string>>();
  const visitorIdOf = (visitor: string) => issued.get(visitor) ?? issued.set(visitor, newVisitor(app.url)).get(visitor)!;
  const post = async (visitor: string, text: string): Promise<WebReply[]> => {
    const response = await fetch(`${app.url}/api/chat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ visitorId: await visitorIdOf(visitor), text }),
    });
    expect(response.status, text).toBe(200);
    return ((await response.json()) as { replies: WebReply[] }).replies;
  };
  const warned = (replies: readonly WebReply[]) => replies.find((reply) => reply.kind === 'warning' && reply.reason === 'secret');

  /** Sends `text` as a secret-bearing message: the user is warned, and no reply repeats the secret. */
  const sendSecret = async (visitorId: string, text: string, secret: string, lang?: Lang): Promise<WebReply[]> => {
    const replies = await post(visitorId, text);
    const warning = warned(replies);
    expect(warning, text).toBeDefined();
    if (lang) expect(warning!.text, text).toBe(say(lang, 'secretWarning'));
    for (const reply of replies) expect(reply.text).not.toContain(secret);
    sent.push({ secret, parts: [secret] });
    return replies;
  };

  it('warns about every secret of the corpus in the user language', async () => {
    for (const [i, item] of corpus.secret.entries()) {
      // One visitor per message: the core allows a burst of 20 messages per user.
      const replies = await post(`secret-visitor-${i}`, item.text);
      const warning = warned(replies);
      expect(warning, item.text).toBeDefined();
      if (item.lang) expect(warning!.text, item.text).toBe(say(item.lang, 'secretWarning'));
      for (const reply of replies) expect(reply.text, item.text).not.toContain(item.secret);
    }
  });

  it('stores every innocent look-alike exactly as sent, without a warning', async () => {
    for (const [i, item] of corpus.innocent.entries()) {
      const visitorId = `innocent-visitor-${i}`;
      expect(warned(await post(visitorId, item.text)), item.text).toBeUndefined();
      const history = (await (await fetch(`${app.url}/api/chat/history?visitorId=${await visitorIdOf(visitorId)}`)).json()) as { messages: { from: string; text: string }[] };
      expect(history.messages.find((message) => message.from === 'user')?.text).toBe(item.text.trim());
    }
  });

  it('redacts secrets given as answers in the English hand-off dialogue and keeps the transaction ID', async () => {
    const visitor = 'handoff-en-visitor';
    await post(visitor, 'my withdrawal has not arrived yet');
    expect((await post(visitor, '/human')).at(-1)?.text).toContain('withdrawal');
    await post(visitor, 'yes');
    // When did it happen / the error message / the transaction ID / the e-mail (first refused, then given).
    expect((await sendSecret(visitor, 'yesterday at 3pm, my password is Fl0wer#77', 'Fl0wer#77', 'en')).at(-1)?.text).toBe(say('en', 'askError'));
    expect((await sendSecret(visitor, 'it says wrong password, my pw is Xyz!2345', 'Xyz!2345', 'en')).at(-1)?.text).toBe(say('en', 'askTransactionIdStep'));
    const afterHash = await post(visitor, HASH_EN);
    expect(warned(afterHash)).toBeUndefined();
    expect(afterHash.at(-1)?.text).toBe(say('en', 'askEmail'));
    expect((await sendSecret(visitor, 'my password is Hunter3!', 'Hunter3!', 'en')).at(-1)?.text).toBe(say('en', 'invalidEmail'));
    const ticket = (await post(visitor, 'alice@example.com')).find((reply) => reply.escalation)?.escalation;
    expect(ticket).toBeDefined();

    // Messages to the open ticket are forwarded to the agent: redacted.
    const phrase = 'staff reveal swamp clump like pull tell jungle recall movie moment weapon';
    await sendSecret(visitor, `the agent can restore it: ${phrase}`, phrase, 'en');
    await sendSecret(visitor, 'pk: 0x48b7b3a630364164f1833205666569fd3e31b46522b4069fb40841bbf2910aea', '48b7b3a630364164f1833205666569fd3e31b46522b4069fb40841bbf2910aea', 'en');
    await sendSecret(visitor, 'my login is alice@example.com:Summer2024!', 'Summer2024!');

    const detail = JSON.stringify(await app.services.desk.detail(ticket!.number));
    for (const secret of ['Fl0wer#77', 'Xyz!2345', 'Hunter3!', phrase, '48b7b3a630364164f1833205666569fd3e31b46522b4069fb40841bbf2910aea', 'Summer2024!']) expect(detail).not.toContain(secret);
    expect(detail).toContain(HASH_EN);
    expect(detail).toContain('[redacted: seed phrase]');
    expect(detail).toContain('[redacted: private key]');
    mustSurvive.push(HASH_EN);
  });

  it('redacts secrets given as answers in the Chinese hand-off dialogue and keeps the transaction ID', async () => {
    const visitor = 'handoff-zh-visitor';
    await post(visitor, '我的提现还没到账');
    await post(visitor, '转人工');
    await post(visitor, '是');
    expect((await sendSecret(visitor, '昨天下午，我的密码是Abc12345x', 'Abc12345x', 'zh')).at(-1)?.text).toBe(say('zh', 'askError'));
    expect((await sendSecret(visitor, '显示密码错误 密码:Passw0rd!zh', 'Passw0rd!zh', 'zh')).at(-1)?.text).toBe(say('zh', 'askTransactionIdStep'));
    const afterHash = await post(visitor, `交易哈希 ${HASH_ZH}`);
    expect(warned(afterHash)).toBeUndefined();
    expect(afterHash.at(-1)?.text).toBe(say('zh', 'askEmail'));
    const ticket = (await post(visitor, 'zhang.wei@example.com')).find((reply) => reply.escalation)?.escalation;
    expect(ticket).toBeDefined();

    const phrase = '命销改稍朱越饱避铅鉴待颜蛋业袖';
    await sendSecret(visitor, `助记词：${phrase}`, phrase, 'zh');
    await sendSecret(visitor, '私钥是 5KFXTH4J9NSX7aiio5FrJKWaQASHwgF4i4d3vCEYvfJrcaPQKks，请帮我转出', '5KFXTH4J9NSX7aiio5FrJKWaQASHwgF4i4d3vCEYvfJrcaPQKks', 'zh');

    const detail = JSON.stringify(await app.services.desk.detail(ticket!.number));
    for (const secret of ['Abc12345x', 'Passw0rd!zh', phrase, '5KFXTH4J9NSX7aiio5FrJKWaQASHwgF4i4d3vCEYvfJrcaPQKks']) expect(detail).not.toContain(secret);
    expect(detail).toContain(HASH_ZH);
    mustSurvive.push(HASH_ZH);
  });

  it('keeps a bare hash sent in answer to "send me the transaction ID"', async () => {
    const visitor = 'asked-for-txid-visitor';
    expect((await post(visitor, 'my deposit is pending')).at(-1)?.text).toContain(say('en', 'askTransactionId'));
    expect(warned(await post(visitor, HASH_ASKED))).toBeUndefined();
    mustSurvive.push(HASH_ASKED);
  });

  it('lets no secret reach the database file or the log, and keeps what support needs', () => {
    sqliteEngineOf(app.services).connection.pragma('wal_checkpoint(TRUNCATE)');
    const files = [dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path));
    const logs = logLines.join('');
    expect(logs).toContain('ready');
    const leaks: string[] = [];
    for (const { secret, parts } of sent) {
      for (const part of new Set([secret, ...parts])) {
        const needle = Buffer.from(part, 'utf8');
        if (files.some((bytes) => bytes.includes(needle))) leaks.push(`database: ${part}`);
        if (logs.includes(part)) leaks.push(`log: ${part}`);
      }
    }
    expect(leaks).toEqual([]);
    const database = Buffer.concat(files);
    expect(mustSurvive.filter((part) => !database.includes(Buffer.from(part, 'utf8')))).toEqual([]);
    expect(database.includes(Buffer.from('[redacted: seed phrase]'))).toBe(true);
  });
});

/** The secret, its fragments, and for a hex key its digits without "0x". */
function partsOf(item: SecretCase): string[] {
  return [item.secret, ...(item.fragments ?? []), item.secret.replace(/^0x/, '')];
}
