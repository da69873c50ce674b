import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload, MAX_PAYLOAD_BYTES, PayloadTooLongError, type Payload } from '../../src/contracts/index.js';

const EVERY_KIND: Payload[] = [
  { kind: 'feedback', helped: true },
  { kind: 'feedback', helped: false },
  { kind: 'faq', faqId: 'withdrawal-not-received' },
  ...([1, 2, 3, 4, 5] as const).map((score): Payload => ({ kind: 'rate', score })),
  { kind: 'human' },
  { kind: 'no_human' },
  { kind: 'reopen' },
  { kind: 'skip' },
  { kind: 'cancel' },
  { kind: 'lang', lang: 'zh' },
  { kind: 'lang', lang: 'en' },
  { kind: 'desk', action: 'claim', ticketId: 12 },
  { kind: 'desk', action: 'resolve', ticketId: 999_999_999 },
  { kind: 'desk', action: 'reopen', ticketId: 1 },
];

describe('button payload codec', () => {
  it.each(EVERY_KIND.map((payload) => [encodePayload(payload), payload] as const))('%s round-trips', (wire, payload) => {
    expect(decodePayload(wire)).toEqual(payload);
    expect(new TextEncoder().encode(wire).length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });

  it('keeps the wire forms the channels already store in sent buttons', () => {
    expect(EVERY_KIND.map(encodePayload)).toEqual(
      expect.arrayContaining(['feedback:yes', 'feedback:no', 'faq:withdrawal-not-received', 'rate:5', 'human', 'no_human', 'lang:zh', 'desk:claim:12', 'skip', 'cancel', 'reopen']),
    );
  });

  it.each([
    '',
    'garbage',
    'feedback:maybe',
    'rate:0',
    'rate:6',
    'rate:5.0',
    'lang:fr',
    'faq:',
    'faq:../../etc/passwd',
    'desk:claim:',
    'desk:delete:12',
    'desk:claim:-1',
    'desk:claim:0',
    'desk:claim:12:extra',
    'HUMAN',
    'human ',
    `faq:${'a'.repeat(70)}`,
  ])('refuses %j', (wire) => {
    expect(decodePayload(wire)).toBeUndefined();
  });

  it('refuses to make a payload that would not fit a Telegram button (64 bytes)', () => {
    expect(() => encodePayload({ kind: 'faq', faqId: 'x'.repeat(61) })).toThrow(PayloadTooLongError);
    expect(encodePayload({ kind: 'faq', faqId: 'x'.repeat(60) })).toHaveLength(64);
  });
});
