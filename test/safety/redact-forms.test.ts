import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/safety/redact.js';

// Forms users really paste (issue 12). The corpus (test/fixtures/secrets.json) has one message of
// each; these pin down the boundaries: what stays a transaction ID, an address, a code or prose.

const KEY = '4cda5485ab5e41907fa1507bf7f31090bbd194ab926d66f9ac97e81ccd334977';
const groups = (text: string, size: number) => text.match(new RegExp(`.{1,${size}}`, 'g'))!;
const BASE64_KEY = Buffer.from(KEY, 'hex').toString('base64');
const PHRASE = 'random sentence pilot round crisp lift clay derive skirt science brown room'.split(' ');
const TOTP = 'JBSWY3DPEHPK3PXP';

describe('a hex key in pieces', () => {
  it.each([
    ['wrapped over two lines', `${KEY.slice(0, 40)}\n${KEY.slice(40)}`],
    ['wrapped over three lines', groups(KEY, 24).join('\n')],
    ['groups of 8, spaces', groups(KEY, 8).join(' ')],
    ['groups of 8, dashes', groups(KEY, 8).join(' - ')],
    ['groups of 4', groups(KEY, 4).join(' ')],
    ['64 bytes in groups of 16', groups(KEY + KEY.split('').reverse().join(''), 16).join(' ')],
  ])('is one key when %s', (_, pieces) => {
    const labelled = redactSecrets(`my private key:\n${pieces}\nthanks`);
    expect(labelled).toEqual({ text: 'my private key:\n[redacted: private key]\nthanks', found: ['private key'], unexplainedHex: false });
    expect(redactSecrets(pieces)).toEqual({ text: '[redacted: private key]', found: ['private key'], unexplainedHex: true });
  });

  it('stays a transaction ID when labelled as one or asked for', () => {
    const wrapped = `${KEY.slice(0, 32)}\n${KEY.slice(32)}`;
    for (const text of [`tx hash:\n${wrapped}`, `交易哈希 ${groups(KEY, 8).join(' ')}`]) expect(redactSecrets(text).text).toBe(text);
    expect(redactSecrets(wrapped, { expectingTransactionId: true }).text).toBe(wrapped);
  });

  it('keeps unequal groups on one line (two UUIDs) and numbers that are not 64 hex digits', () => {
    for (const text of [
      '550e8400-e29b-41d4-a716-446655440000 6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      groups(KEY.slice(0, 56), 8).join(' '),
      `${groups(KEY, 8).join(' ')}ab`,
      '2024 0315 1234 5678 2024 0315 1234 5678 2024 0315 1234 5678 2024 0315 1234 5678',
    ]) {
      expect(redactSecrets(text).found).toEqual([]);
    }
  });

  it('accepts an upper-case 0X prefix', () => {
    expect(redactSecrets(`private key 0X${KEY.toUpperCase()}`).text).toBe('private key [redacted: private key]');
  });

  it('keeps every hash of a labelled list', () => {
    const text = `tx hashes:\n1. ${KEY}\n2. ${KEY.split('').reverse().join('')}`;
    expect(redactSecrets(text).text).toBe(text);
  });
});

describe('a key in base64', () => {
  it('is redacted when labelled, and asked about when unexplained', () => {
    expect(redactSecrets(`private key (base64): ${BASE64_KEY}`).text).toBe('private key (base64): [redacted: private key]');
    expect(redactSecrets(BASE64_KEY)).toEqual({ text: '[redacted: private key]', found: ['private key'], unexplainedHex: true });
    const seed = Buffer.from(KEY + KEY, 'hex').toString('base64');
    expect(redactSecrets(`seed: ${seed}`).found).toEqual(['private key']);
  });

  it('stays when labelled as a transaction, a public key or an address', () => {
    for (const text of [`TON tx hash ${BASE64_KEY}`, `PublicKey = ${BASE64_KEY}`, `公钥 ${BASE64_KEY}`, `my address is 0x${KEY}`]) {
      expect(redactSecrets(text).text).toBe(text);
    }
  });

  it('needs a label without padding (a Solana address has that shape), and ignores longer runs and JWTs', () => {
    const unpadded = Buffer.from(KEY, 'hex').toString('base64url');
    expect(redactSecrets(`see ${unpadded}`).found).toEqual([]);
    expect(redactSecrets(`private key: ${unpadded}`).found).toEqual(['private key']);
    const longer = Buffer.from(KEY + KEY.slice(0, 8), 'hex').toString('base64');
    expect(redactSecrets(longer).found).toEqual([]);
    expect(redactSecrets(`jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.${unpadded}`).found).toEqual([]);
  });

  it('skips the last line of a wrapped base64 block', () => {
    const block = `${'QUJD'.repeat(19)}\n${BASE64_KEY}`;
    expect(redactSecrets(block).found).toEqual([]);
  });
});

describe('seed phrase separators', () => {
  it.each([' 🔥 ', '🙂', '.', ' . ', ' / ', ' • ', ' → ', '-', ' | ', ' ~ ', '\n\n'])('sees words separated by %j', (separator) => {
    expect(redactSecrets(`words: ${PHRASE.join(separator)}`).text).toBe('words: [redacted: seed phrase]');
  });

  it('sees a phrase as a JSON object or array', () => {
    const object = JSON.stringify(Object.fromEntries(PHRASE.map((word, i) => [String(i + 1), word])));
    expect(redactSecrets(object).text).toBe('{"1":"[redacted: seed phrase]"}');
    const keyed = JSON.stringify(Object.fromEntries(PHRASE.map((word, i) => [`word${i + 1}`, word])), null, 2);
    expect(redactSecrets(keyed).text).not.toMatch(new RegExp(PHRASE.slice(1).join('|')));
    expect(redactSecrets(JSON.stringify(PHRASE)).text).toBe('["[redacted: seed phrase]"]');
  });

  it('still needs 12 list words: prose with emoji and arrows stays', () => {
    for (const text of ['Hello! Can you help? Still wrong. Please check. Thank you 🙂', 'open app → settings → security → change password → done', PHRASE.slice(0, 11).join(' 🔥 ')]) {
      expect(redactSecrets(text).text).toBe(text);
    }
  });
});

describe('2FA setup secrets', () => {
  it.each([
    `2FA key: ${TOTP}`,
    `my Google Authenticator secret is ${TOTP.toLowerCase()}`,
    `authenticator setup key ${groups(TOTP.toLowerCase(), 4).join(' ')}`,
    `TOTP backup code ${TOTP}${TOTP}`,
    `谷歌验证器密钥：${TOTP}`,
    `secret: ${TOTP}`,
  ])('redacts a labelled base32 key: %s', (text) => {
    const result = redactSecrets(text);
    expect(result.found).toEqual(['authenticator key']);
    expect(result.text.replace(/\s/g, '')).not.toContain(TOTP.toLowerCase());
    expect(result.text.replace(/\s/g, '')).not.toContain(TOTP);
  });

  it('redacts an otpauth:// link whole', () => {
    const uri = `otpauth://totp/Example:alice@example.com?secret=${TOTP}&issuer=Example`;
    expect(redactSecrets(`scan ${uri} please`).text).toBe('scan [redacted: authenticator key] please');
  });

  it.each([`reference ${TOTP}`, 'my 2FA code 123456 is not working', '谷歌验证码 654321 错误', 'I lost my authenticator, what now?', '2FA secret: HELLOWORLDTHANKS'])(
    'leaves %j alone: codes, unlabelled base32 and words',
    (text) => {
      expect(redactSecrets(text).found).toEqual([]);
    },
  );
});

describe('the answer to the e-mail question (expectingEmail)', () => {
  const email = { expectingEmail: true } as const;

  it.each([
    ['alice@x.com password123', 'alice@x.com [redacted: password]'],
    ['hunter2!Xy', '[redacted: password]'],
    ['alice@x.com,Hunter2!', 'alice@x.com,[redacted: password]'],
    ['bob@example.org P@ssw0rd', 'bob@example.org [redacted: password]'],
    ['邮箱 zhang@163.com 密码abc123', '邮箱 zhang@163.com 密码[redacted: password]'],
    ['zhang@163.com abc123xyz', 'zhang@163.com [redacted: password]'],
  ])('redacts what looks like a password: %j', (text, expected) => {
    expect(redactSecrets(text, email)).toEqual({ text: expected, found: ['password'], unexplainedHex: false });
  });

  it.each(['alice@example.com', ' zhang.wei@163.com ', 'my email is alice@example.com, thanks', 'skip', '不记得了', 'I use gmail.com', 'alice@example.com T-1042', '123456789@qq.com'])(
    'keeps %j',
    (text) => {
      expect(redactSecrets(text, email)).toEqual({ text, found: [], unexplainedHex: false });
    },
  );

  it('changes nothing outside the e-mail step', () => {
    expect(redactSecrets('hunter2!Xy').found).toEqual([]);
  });
});
