import { describe, expect, it } from 'vitest';
import { redactStrings, replaceInStrings } from '../../src/safety/fields.js';

const KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';

describe('redactStrings', () => {
  it('gives a clean structure back as it was, the same object each time it comes again', () => {
    const reference = { visitorId: 'v1Q2hhbmdlZCBub25jZSBoZXJlAAaGVsbG8gd29ybGQgc2lnbmF0dXJl', conversation: { name: 'Support chat' } };
    for (let i = 0; i < 3; i++) expect(redactStrings(reference)).toEqual({ value: reference, found: false });
    expect(redactStrings(reference).value).toBe(reference);
  });

  it('redacts a secret every time it is sent, also inside arrays and after clean strings were seen', () => {
    redactStrings({ name: 'Support chat' });
    for (let i = 0; i < 2; i++) {
      const result = redactStrings({ name: `key ${KEY}`, members: ['Ann', `pk: ${KEY}`], id: 7 });
      expect(result).toEqual({ value: { name: 'key [redacted: private key]', members: ['Ann', 'pk: [redacted: private key]'], id: 7 }, found: true });
    }
  });
});

describe('replaceInStrings', () => {
  it('rewrites every copy of an earlier message inside a dialogue state', () => {
    const state = { lastUserText: 'abandon ability able', handoff: { userText: 'see: abandon ability able', steps: ['email'] } };
    expect(replaceInStrings(state, [{ before: 'abandon ability able', after: '[redacted: seed phrase]' }])).toEqual({
      lastUserText: '[redacted: seed phrase]',
      handoff: { userText: 'see: [redacted: seed phrase]', steps: ['email'] },
    });
  });
});
