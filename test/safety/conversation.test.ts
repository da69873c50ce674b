import { describe, expect, it } from 'vitest';
import { MAX_PREVIOUS_MESSAGES, redactAcrossMessages, type StoredMessage } from '../../src/safety/conversation.js';

// A phrase sent in pieces: each piece is ordinary-looking alone; together they are a seed phrase.
const PHRASE = 'random sentence pilot round crisp lift clay derive skirt science brown room'.split(' ');
const PHRASE_15 = 'mushroom inhale chaos pave grunt unknown prison divert oppose hammer talk draft merit shoe relax'.split(' ');
const CHINESE = '亮率力岩繁窗寺湾知然发绝'.split('');
const CHINESE_UNSPACED = '兵币升哭焦足束已朱锡强酯激跨脆';
const PLACEHOLDER = '[redacted: seed phrase]';

/** The words split into messages of `sizes` words (joined by `separator`), as stored. */
function pieces(words: readonly string[], sizes: readonly number[], separator = ' '): string[] {
  let at = 0;
  return sizes.map((size) => words.slice(at, (at += size)).join(separator));
}

const stored = (texts: readonly string[], first = 1): StoredMessage[] => texts.map((text, i) => ({ id: first + i, text }));

/** Sends the messages one by one as the pipeline would: each time rewriting what the result says. */
function converse(texts: readonly string[]): { history: StoredMessage[]; warnedAt: number[] } {
  const history: StoredMessage[] = [];
  const warnedAt: number[] = [];
  texts.forEach((text, i) => {
    const result = redactAcrossMessages(history, text);
    for (const rewrite of result.rewrites) history[history.findIndex((message) => message.id === rewrite.id)] = rewrite;
    if (result.found.length > 0) warnedAt.push(i);
    history.push({ id: i + 1, text: result.text });
  });
  return { history, warnedAt };
}

describe('redactAcrossMessages: a phrase in pieces', () => {
  it.each([
    ['6 + 6', pieces(PHRASE, [6, 6])],
    ['4 × 3', pieces(PHRASE, [3, 3, 3, 3])],
    ['word by word', pieces(PHRASE, Array(12).fill(1))],
    [
      'numbered, over lines',
      pieces(
        PHRASE.map((word, i) => `${i + 1}. ${word}`),
        [4, 4, 4],
        '\n',
      ),
    ],
    ['with a label and emoji', [`seed phrase: ${PHRASE.slice(0, 6).join(' 🔥 ')}`, `the rest: ${PHRASE.slice(6).join(' 🔥 ')}`]],
    ['15 words as 5 × 3', pieces(PHRASE_15, [5, 5, 5])],
    ['Chinese 6 + 6, spaced', pieces(CHINESE, [6, 6])],
    ['Chinese, one character a message', pieces(CHINESE, Array(12).fill(1))],
    ['Chinese unspaced 5 × 3 (checksum)', pieces(CHINESE_UNSPACED.split(''), [5, 5, 5], '')],
  ])('recognises %s when the last piece arrives, and rewrites the earlier ones', (_, texts) => {
    const { history, warnedAt } = converse(texts);
    expect(warnedAt).toEqual([texts.length - 1]);
    const all = history.map((message) => message.text).join('\n');
    for (const word of [...PHRASE, ...PHRASE_15]) expect(all).not.toMatch(new RegExp(`\\b${word}\\b`));
    for (const char of [...CHINESE, ...CHINESE_UNSPACED]) expect(all).not.toContain(char);
    for (const message of history) expect(message.text).toContain(PLACEHOLDER);
  });

  it('returns the ids to rewrite and their new text, keeping labels and numbering', () => {
    const previous = stored(['hi, I need help', `1. ${PHRASE[0]} 2. ${PHRASE[1]} 3. ${PHRASE[2]}`, `words: ${PHRASE.slice(3, 8).join(', ')}`]);
    const result = redactAcrossMessages(previous, `${PHRASE.slice(8).join(', ')}!`);
    expect(result).toEqual({
      text: `${PLACEHOLDER}!`,
      found: ['seed phrase'],
      unexplainedHex: false,
      rewrites: [
        { id: 2, text: `1. ${PLACEHOLDER}` },
        { id: 3, text: `words: ${PLACEHOLDER}` },
      ],
    });
  });

  it('continues a phrase already redacted: 12 words, then the last 3 of a 15-word phrase', () => {
    const previous = stored([PLACEHOLDER]);
    expect(redactAcrossMessages(previous, PHRASE_15.slice(12).join(' ')).text).toBe(PLACEHOLDER);
    expect(redactAcrossMessages(previous, 'thank you').text).toBe('thank you');
  });

  it('rewrites the first words when the rest arrives in one message (3 + 12)', () => {
    const result = redactAcrossMessages(stored([PHRASE_15.slice(0, 3).join(' ')]), `and ${PHRASE_15.slice(3).join(' ')}`);
    expect(result.text).toBe(`and ${PLACEHOLDER}`);
    expect(result.rewrites).toEqual([{ id: 1, text: PLACEHOLDER }]);
  });

  it('redacts the current message alone first, with its context', () => {
    const hash = 'd943a8c9a752a6b9e33008fbc403a7f20a904a84c57964e014113af07eb510c5';
    expect(redactAcrossMessages(stored(['hello']), hash, { expectingTransactionId: true })).toEqual({ text: hash, found: [], unexplainedHex: false, rewrites: [] });
    expect(redactAcrossMessages([], 'hunter2!Xy', { expectingEmail: true }).text).toBe('[redacted: password]');
  });

  it('reads the earlier messages (given as a function) only when the message could continue a phrase', () => {
    let reads = 0;
    const earlier = () => {
      reads++;
      return stored(pieces(PHRASE, [6]));
    };
    expect(redactAcrossMessages(earlier, 'how do I reset my password?')).toEqual({ text: 'how do I reset my password?', found: [], unexplainedHex: false, rewrites: [] });
    expect(reads).toBe(0);
    const result = redactAcrossMessages(earlier, PHRASE.slice(6).join(' '));
    expect(reads).toBe(1);
    expect(result).toEqual({ text: PLACEHOLDER, found: ['seed phrase'], unexplainedHex: false, rewrites: [{ id: 1, text: PLACEHOLDER }] });
  });

  it(`looks at no more than the last ${MAX_PREVIOUS_MESSAGES} earlier messages`, () => {
    const previous = stored([...pieces(PHRASE, Array(11).fill(1)), ...Array(MAX_PREVIOUS_MESSAGES).fill('what')]);
    expect(redactAcrossMessages(previous, 'where').rewrites).toEqual([]);
  });
});

describe('redactAcrossMessages: ordinary conversations stay', () => {
  it.each([
    ['short English replies made of list words', ['hello', 'can you help', 'still wrong', 'please check account balance', 'deposit problem', 'what', 'hello?'], 'where'],
    ['the same word again and again', Array(15).fill('agent'), 'agent'],
    ['a sentence between pieces', [PHRASE.slice(0, 6).join(' '), 'is this right?'], PHRASE.slice(6).join(' ')],
    ['only 11 words', pieces(PHRASE, [6, 5]), 'thanks!'],
    ['short Chinese replies', ['你好', '我的钱没到账', '是', '好的', '谢谢', '对', '请帮我看看', '什么时候到'], '好'],
    ['Chinese spaced common characters', ['你 好', '我 的 钱', '没 到 账', '请 帮 我', '看 看'], '谢 谢'],
  ])('%s', (_, earlier, current) => {
    const result = redactAcrossMessages(stored(earlier), current);
    expect(result).toEqual({ text: current, found: [], unexplainedHex: false, rewrites: [] });
  });
});
