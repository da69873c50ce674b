import { describe, expect, it } from 'vitest';
import { normaliseTag, TagError } from '../../src/escalation/tags.js';

describe('normaliseTag', () => {
  it('keeps letters of any script, digits, - and _, lower-cased and in NFC', () => {
    expect(['VIP', '退款', 'Chain_ETH-2', '  spaced  ', 'Ünïcode', 'u\u0308ber', 'ДЕНЬГИ'].map(normaliseTag)).toEqual(['vip', '退款', 'chain_eth-2', 'spaced', 'ünïcode', 'über', 'деньги']);
    expect(normaliseTag('a'.repeat(32))).toHaveLength(32);
  });

  it('refuses anything else: empty, too long, spaces, markup, punctuation, control characters', () => {
    for (const bad of ['', '   ', 'a'.repeat(33), 'two words', '<b>', 'javascript:x', 'a"b', 'tab\there', 'zero\u200bwidth', 'emoji😀']) {
      expect(() => normaliseTag(bad), JSON.stringify(bad)).toThrow(TagError);
    }
  });
});
