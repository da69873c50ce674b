/**
 * Language detection for the two languages the bot speaks, by script share:
 * cheap, deterministic and good enough for choosing a reply language.
 */
import { normalizeText } from './normalize.js';

/** A language the bot can reply in: Simplified Chinese or English. */
export type Lang = 'zh' | 'en';

const HAN = /\p{Script=Han}/gu;
const LATIN = /\p{Script=Latin}/gu;

// A Chinese word is one or two Han characters, an English word about five
// letters, so Latin letters are down-weighted before comparing the scripts.
const LATIN_LETTERS_PER_HAN = 3;
// Above this weighted Han share a message reads as Chinese; below the lower
// bound the odd Han character is a name or a quote inside English.
const ZH_SHARE = 0.75;
const EN_SHARE = 0.2;

function scriptCounts(text: string): { han: number; latin: number } {
  // Normalise first so URLs, mentions and e-mail addresses do not count as English.
  const normalized = normalizeText(text);
  return {
    han: normalized.match(HAN)?.length ?? 0,
    latin: normalized.match(LATIN)?.length ?? 0,
  };
}

function classify(han: number, latin: number): 'zh' | 'en' | 'mixed' {
  if (han === 0) return 'en';
  if (latin === 0) return 'zh';
  const share = han / (han + latin / LATIN_LETTERS_PER_HAN);
  if (share >= ZH_SHARE) return 'zh';
  if (share <= EN_SHARE) return 'en';
  return 'mixed';
}

/**
 * Detects the language of a message from the share of Han characters versus
 * Latin letters. Text without Han characters (ASCII-only, digits, emoji,
 * empty) is `'en'`; Han-dominant text is `'zh'`; text with a substantial
 * share of both is `'mixed'`.
 *
 * @example detectLanguage('我的提现还没到账') // 'zh'
 * @example detectLanguage('my withdrawal 还没到账') // 'mixed'
 */
export function detectLanguage(text: string): 'zh' | 'en' | 'mixed' {
  const { han, latin } = scriptCounts(text);
  return classify(han, latin);
}

/**
 * Chooses the language to reply in. Mixed messages are answered in Chinese
 * when they contain meaningful Chinese (at least two Han characters), since
 * Chinese speakers often mix in English terms ("USDT 提现") while English
 * speakers rarely mix in Chinese; otherwise, and for messages without any
 * letters ("👍", "12345"), the `hint` (e.g. the user's previous language) or
 * English is used.
 */
export function replyLanguage(text: string, hint?: Lang): Lang {
  const { han, latin } = scriptCounts(text);
  if (han === 0 && latin === 0) return hint ?? 'en';
  const detected = classify(han, latin);
  if (detected !== 'mixed') return detected;
  return han >= 2 ? 'zh' : (hint ?? 'en');
}
