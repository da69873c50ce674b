import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactSecrets, type SecretKind } from '../../src/safety/redact.js';

/** A message carrying a secret: `secret` and each of its `fragments` must be gone after redaction. */
interface SecretCase {
  readonly text: string;
  readonly secret: string;
  readonly kind: SecretKind;
  readonly fragments?: readonly string[];
  readonly lang?: 'zh' | 'en';
}

/** A look-alike that must come back exactly as sent. */
interface InnocentCase {
  readonly text: string;
  readonly mustSurvive?: string;
  readonly lang?: 'zh' | 'en';
}

const corpus = JSON.parse(readFileSync(new URL('../fixtures/secrets.json', import.meta.url), 'utf8')) as {
  secret: SecretCase[];
  innocent: InnocentCase[];
};

const HASH = 'd943a8c9a752a6b9e33008fbc403a7f20a904a84c57964e014113af07eb510c5';

describe('the secrets corpus', () => {
  it('has at least 70 secret-bearing and 70 innocent messages, in both languages, of every kind', () => {
    expect(corpus.secret.length).toBeGreaterThanOrEqual(70);
    expect(corpus.innocent.length).toBeGreaterThanOrEqual(70);
    for (const kind of ['seed phrase', 'private key', 'password', 'authenticator key'] as const) {
      for (const lang of ['en', 'zh'] as const) expect(corpus.secret.some((item) => item.kind === kind && item.lang === lang)).toBe(true);
    }
    for (const lang of ['en', 'zh'] as const) expect(corpus.innocent.filter((item) => item.lang === lang).length).toBeGreaterThanOrEqual(25);
  });

  it('is consistent: each secret, fragment and surviving part is where it claims to be', () => {
    for (const item of corpus.secret) {
      expect(item.text).toContain(item.secret);
      for (const fragment of item.fragments ?? []) expect(item.secret).toContain(fragment);
    }
    for (const item of corpus.innocent) if (item.mustSurvive) expect(item.text).toContain(item.mustSurvive);
  });
});

describe('redactSecrets on the corpus', () => {
  it.each(corpus.secret.map((item) => [item.text.slice(0, 60), item] as const))('removes the secret from %j', (_, item) => {
    const result = redactSecrets(item.text);
    for (const part of [item.secret, ...(item.fragments ?? [])]) expect(result.text).not.toContain(part);
    expect(result.found).toContain(item.kind);
    expect(result.text).toContain(`[redacted: ${item.kind}]`);
  });

  it.each(corpus.innocent.map((item) => [item.text.slice(0, 60), item] as const))('leaves %j exactly as sent', (_, item) => {
    expect(redactSecrets(item.text)).toEqual({ text: item.text, found: [], unexplainedHex: false });
  });
});

describe('a 64-hex string: transaction ID or private key', () => {
  it('redacts an unexplained one and asks about it', () => {
    expect(redactSecrets(`please look at ${HASH}`)).toEqual({ text: 'please look at [redacted: private key]', found: ['private key'], unexplainedHex: true });
  });

  it('keeps it as the answer to the transaction-ID question', () => {
    for (const answer of [HASH, `0x${HASH}`, ` ${HASH.toUpperCase()} `]) {
      expect(redactSecrets(answer, { expectingTransactionId: true })).toEqual({ text: answer, found: [], unexplainedHex: false });
    }
  });

  it('redacts a key labelled as one even when a transaction ID was expected', () => {
    const result = redactSecrets(`private key: ${HASH}`, { expectingTransactionId: true });
    expect(result).toEqual({ text: 'private key: [redacted: private key]', found: ['private key'], unexplainedHex: false });
  });

  it.each([
    `tx ${HASH}`,
    `txid:${HASH}`,
    `TxHash 0x${HASH}`,
    `hash = ${HASH}`,
    `transaction ${HASH} is pending`,
    `${HASH} is my tx`,
    `0x${HASH} (my withdrawal)`,
    `交易${HASH}`,
    `哈希：${HASH}`,
    `这笔转账 ${HASH} 还没确认`,
    `https://etherscan.io/tx/0x${HASH}`,
    `see etherscan.io/tx/0x${HASH}`,
  ])('keeps it when the context says transaction: %s', (text) => {
    expect(redactSecrets(text)).toEqual({ text, found: [], unexplainedHex: false });
  });

  it.each([`pk ${HASH}`, `my private key is ${HASH}`, `私钥${HASH}`, `${HASH} is my private key`, `the key: 0x${HASH}`, `the transaction failed, so here is my private key: ${HASH}`])(
    'redacts it as a key when labelled as one: %s',
    (text) => {
      const result = redactSecrets(text);
      expect(result.text).not.toContain(HASH);
      expect(result).toMatchObject({ found: ['private key'], unexplainedHex: false });
    },
  );

  it.each([`my private key for the wallet with the failed transaction is ${HASH}`, `我的私钥没有泄露，但是这笔交易 ${HASH} 不是我发起的`])(
    'asks when a key is mentioned and no transaction-ID label names the value: %s',
    (text) => {
      const result = redactSecrets(text);
      expect(result.text).not.toContain(HASH);
      expect(result.unexplainedHex).toBe(true);
    },
  );

  it('leaves other lengths alone: addresses (40 hex) and odd lengths are not keys', () => {
    for (const text of [`0x${HASH.slice(0, 40)}`, HASH.slice(0, 63), `${HASH}a`, `${HASH}g`]) {
      expect(redactSecrets(text).found).toEqual([]);
    }
  });
});

describe('seed phrases', () => {
  const words = 'random sentence pilot round crisp lift clay derive skirt science brown room'.split(' ');

  it('redacts a multi-line numbered mnemonic as one placeholder', () => {
    const text = `Hi, my wallet is empty. The words:\n${words.map((word, i) => `${i + 1}. ${word}`).join('\n')}\nIs it stolen?`;
    expect(redactSecrets(text)).toEqual({
      text: 'Hi, my wallet is empty. The words:\n1. [redacted: seed phrase]\nIs it stolen?',
      found: ['seed phrase'],
      unexplainedHex: false,
    });
  });

  it('finds the shortest phrase there can be: 12 three-letter words one space apart', () => {
    const shortest = 'act add age aim air all any arm art ask bag bar';
    expect(redactSecrets(`${shortest}?`)).toEqual({ text: '[redacted: seed phrase]?', found: ['seed phrase'], unexplainedHex: false });
  });

  it('needs 12 words: 11 list words in a row are ordinary language', () => {
    expect(redactSecrets(words.slice(0, 11).join(' ')).found).toEqual([]);
  });

  it('tolerates two typos in a phrase, not three', () => {
    const typos = [...words];
    typos[3] = 'rund';
    typos[6] = 'caly';
    expect(redactSecrets(typos.join(' ')).found).toEqual(['seed phrase']);
    typos[9] = 'scince';
    expect(redactSecrets(typos.join(' ')).found).toEqual([]);
  });

  it('sees through zero-width characters and full-width letters', () => {
    expect(redactSecrets(words.join(' \u200b')).text).toBe('[redacted: seed phrase]');
    const fullWidth = words.join(' ').replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    expect(redactSecrets(`my words: ${fullWidth}`).text).toBe('my words: [redacted: seed phrase]');
  });

  // Unspaced Chinese reads like prose: only the checksum or a label with random-looking characters tells them apart.
  const unspaced = '兵币升哭焦足束已朱锡强酯激跨脆';
  it('redacts unspaced Chinese of a phrase length with a valid checksum', () => {
    expect(redactSecrets(unspaced).text).toBe('[redacted: seed phrase]');
  });

  it('redacts a mistyped unspaced Chinese phrase only after a label (a known gap when bare)', () => {
    const mistyped = `${unspaced.slice(0, 7)}的${unspaced.slice(8)}`;
    expect(redactSecrets(mistyped).found).toEqual([]);
    expect(redactSecrets(`助记词：${mistyped}`).text).toBe('助记词：[redacted: seed phrase]');
  });
});

describe('passwords', () => {
  it.each([
    'my password is expired',
    'my password is being reset',
    'password is case sensitive?',
    'my PIN is blocked',
    'passwords must match',
    'password: 8-32 characters, right?',
    '密码是对的',
    '密码不对',
    '密码要 8-16 位吗',
  ])('keeps a sentence about a password: %s', (text) => {
    expect(redactSecrets(text).text).toBe(text);
  });

  it('keeps the clause after a password', () => {
    expect(redactSecrets('我的密码是abc12345，请帮我看看').text).toBe('我的密码是[redacted: password]，请帮我看看');
  });
});

describe('the result', () => {
  it('lists the kinds once each, in order of appearance', () => {
    const result = redactSecrets(`password: hunter22, and pk: ${HASH}, and again pw=zzz999`);
    expect(result.found).toEqual(['password', 'private key']);
    expect(result.text).toBe('password: [redacted: password], and pk: [redacted: private key], and again pw=[redacted: password]');
  });

  it('changes nothing, not even full-width punctuation, when there is no secret', () => {
    const text = '密码错误，请重试！ＯＫ？';
    expect(redactSecrets(text).text).toBe(text);
  });
});
