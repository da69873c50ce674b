import { describe, expect, it } from 'vitest';
import { extractFeatures } from '../../src/nlu/features.js';

const ofKind = (features: readonly string[], kind: string) => features.filter((f) => f.startsWith(kind));

describe('extractFeatures', () => {
  it('segments Chinese written without spaces into words, characters and character bigrams', () => {
    const features = extractFeatures('忘记密码了怎么办');
    expect(features).toEqual(expect.arrayContaining(['w:忘记', 'w:密码', 'z:忘', 'z:密码', 'z:码了']));
    expect(ofKind(features, 'b:').length).toBeGreaterThan(0);
    // Character bigrams stay inside the run: 8 characters give 7 bigrams.
    expect(ofKind(features, 'z:').filter((f) => [...f.slice(2)].length === 2)).toHaveLength(7);
  });

  it('stems English words so inflections share features', () => {
    expect(ofKind(extractFeatures('Withdrawals pending'), 'w:')).toEqual(ofKind(extractFeatures('withdrawal pend'), 'w:'));
    expect(extractFeatures('my cards arrived')).toEqual(expect.arrayContaining(['w:card', 'w:arriv', 'b:card arriv']));
  });

  it('adds character n-grams inside word boundaries so typos still overlap', () => {
    const correct = new Set(ofKind(extractFeatures('received'), 'c:'));
    const typo = ofKind(extractFeatures('recieved'), 'c:');
    expect(typo.some((f) => correct.has(f))).toBe(true);
    expect(ofKind(extractFeatures('two words'), 'c:').every((f) => !f.slice(2).trim().includes(' '))).toBe(true);
  });

  it('builds word bigrams across English and Chinese in one message', () => {
    expect(extractFeatures('USDT提现')).toEqual(expect.arrayContaining(['w:usdt', 'z:提现']));
    expect(ofKind(extractFeatures('USDT提现'), 'b:').some((f) => f.startsWith('b:usdt '))).toBe(true);
  });

  it('uses only the start of a very long message and leaves overlong tokens unstemmed', () => {
    const long = 'where is my withdrawal '.repeat(5000);
    expect(extractFeatures(long)).toEqual(extractFeatures(long.slice(0, 1000)));
    const mash = 'gatherings'.repeat(4);
    expect(extractFeatures(mash)).toContain(`w:${mash}`);
  });

  it('normalises its input and returns nothing for text without letters or digits', () => {
    expect(extractFeatures('ＨＥＬＬＯ')).toEqual(extractFeatures('hello'));
    expect(extractFeatures('')).toEqual([]);
    expect(extractFeatures('😀 !!! <@123>')).toEqual([]);
  });

  it('gives a text read again the same features, also once other texts came in between', () => {
    const first = [...extractFeatures('我的提现还没到账 where is my withdrawal')];
    for (let i = 0; i < 20; i++) extractFeatures(`other message ${i} 其他`);
    expect(extractFeatures('我的提现还没到账 where is my withdrawal')).toEqual(first);
    expect(extractFeatures('我的提现还没到账  WHERE is my withdrawal!')).toEqual(first);
  });
});
