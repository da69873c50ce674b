import { encodePayload, type Score, type Suggestion } from '../contracts/index.js';
import { plainWords } from './short-replies.js';

/** A reading of a typed rating: a score from 1 to 5, or `unclear` for a rating-like answer out of range ("10"). */
export type RatingReading = { readonly score: number } | 'unclear';

const NUMERALS: Readonly<Record<string, number>> = {
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
};
/** Words people rate with, mapped to the score they most likely mean. */
const WORDS: readonly [RegExp, number][] = [
  [/^(?:很好|非常好|太好了|特别好|超级好|完美|满分|好评|非常满意|excellent|great|perfect|amazing|awesome|very good|fantastic|outstanding)$/u, 5],
  [/^(?:好|不错|挺好|满意|还不错|good|nice|pretty good)$/u, 4],
  [/^(?:一般|还行|还可以|凑合|中等|ok|okay|fine|average|so so|meh)$/u, 3],
  [/^(?:不好|差|不太好|不满意|较差|bad|poor|not good|disappointing)$/u, 2],
  [/^(?:很差|太差|非常差|极差|垃圾|差评|terrible|awful|horrible|very bad|useless|worst)$/u, 1],
];
// A count with an optional unit: "5", "５分", "4 stars", "五星", "five stars", "5/5", "5星好评".
const COUNT = /^([0-9]+|[一二两三四五六七八九十]+|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:stars?|star rating|分|星|颗星|星好评|\/\s*5|out of 5)?$/u;

/**
 * Reads a typed rating of the help a user got: digits in any width, 1-5 written out in either
 * language, stars (★★★★, ⭐⭐⭐), or words ("很好", "great" → 5; "一般" → 3). Returns undefined when
 * the message is not a rating at all (a new question), `unclear` when it looks like one but
 * cannot be read as 1-5.
 */
export function readRating(text: string): RatingReading | undefined {
  const stars = text.replace(/\s+/g, '');
  if (/^[★⭐☆]+$/u.test(stars)) {
    const filled = (stars.match(/[★⭐]/gu) ?? []).length;
    return filled >= 1 && filled <= 5 ? { score: filled } : 'unclear';
  }
  const words = plainWords(text);
  for (const [pattern, score] of WORDS) if (pattern.test(words)) return { score };
  const raw = text
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/[.!。!~]+$/u, '');
  const count = COUNT.exec(raw) ?? COUNT.exec(words);
  if (count) {
    const value = /^[0-9]+$/.test(count[1]!) ? Number(count[1]) : NUMERALS[count[1]!];
    return value !== undefined && value >= 1 && value <= 5 ? { score: value } : 'unclear';
  }
  return /\d|star|分|星/u.test(words) && words.length <= 12 ? 'unclear' : undefined;
}

/** The rating buttons, one to five stars. */
export function ratingButtons(): Suggestion[] {
  return ([1, 2, 3, 4, 5] as const).map((score: Score) => ({ label: '★'.repeat(score), payload: encodePayload({ kind: 'rate', score }) }));
}
