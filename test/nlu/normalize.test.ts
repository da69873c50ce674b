import { describe, expect, it } from 'vitest';
import { detectLanguage, replyLanguage } from '../../src/nlu/language.js';
import { normalizeText } from '../../src/nlu/normalize.js';

describe('normalizeText', () => {
  it('folds full-width letters, digits and punctuation to half-width and lower case', () => {
    expect(normalizeText('ＵＳＤＴ　提现１００！')).toBe('usdt 提现100');
    expect(normalizeText('My PASSWORD')).toBe('my password');
  });

  it('strips Discord mentions, channels, roles and custom emoji', () => {
    expect(normalizeText('<@123456> <@!42> help <#987> <@&555> <:wave:1234> me')).toBe('help me');
  });

  it('strips Telegram @bot mentions but keeps the words around them', () => {
    expect(normalizeText('@TokenSupportBot where is my withdrawal')).toBe('where is my withdrawal');
    expect(normalizeText('/start@TokenSupportBot')).toBe('start');
  });

  it('removes URLs and e-mail addresses without eating adjacent Chinese', () => {
    expect(normalizeText('see https://example.com/a?b=1 please')).toBe('see please');
    expect(normalizeText('https://x.io/tx/0xabc看一下')).toBe('看一下');
    expect(normalizeText('my email is jane.doe+1@mail.example.com')).toBe('my email is');
  });

  it('removes emoji (with skin tones and ZWJ sequences) and collapses punctuation and spaces', () => {
    expect(normalizeText('thanks!!! 👍🏽 👨‍👩‍👧   bye...')).toBe('thanks bye');
    expect(normalizeText('😭😭😭')).toBe('');
  });

  it('joins apostrophe contractions and drops Latin accents', () => {
    expect(normalizeText("I can't find my card’s PIN")).toBe('i cant find my cards pin');
    expect(normalizeText('Café')).toBe('cafe');
  });

  it('keeps CJK text and maps common Traditional characters to Simplified', () => {
    expect(normalizeText('我的帳戶被鎖了，怎麼辦？')).toBe('我的账户被锁了 怎么办');
  });
});

describe('detectLanguage', () => {
  it('calls ASCII-only and letter-free text English', () => {
    expect(detectLanguage('where is my withdrawal?')).toBe('en');
    expect(detectLanguage('12345 👍')).toBe('en');
    expect(detectLanguage('')).toBe('en');
  });

  it('calls Han-dominant text Chinese, even with an English token or two', () => {
    expect(detectLanguage('我的提现还没到账')).toBe('zh');
    expect(detectLanguage('我的USDT提现还没到账')).toBe('zh');
  });

  it('calls text with a substantial share of both scripts mixed', () => {
    expect(detectLanguage('my withdrawal 还没到账')).toBe('mixed');
  });

  it('ignores URLs and mentions when weighing the scripts', () => {
    expect(detectLanguage('@SupportBot https://example.com/some/long/path 提现失败')).toBe('zh');
  });
});

describe('replyLanguage', () => {
  it('answers mixed text with meaningful Chinese in Chinese', () => {
    expect(replyLanguage('my withdrawal 还没到账', 'en')).toBe('zh');
  });

  it('falls back to the hint, then English, when the text has no letters', () => {
    expect(replyLanguage('👍', 'zh')).toBe('zh');
    expect(replyLanguage('👍')).toBe('en');
  });

  it('follows the detected language otherwise', () => {
    expect(replyLanguage('hello there', 'zh')).toBe('en');
    expect(replyLanguage('你好', 'en')).toBe('zh');
  });
});
