/**
 * Tokenisation and sparse feature extraction for the intent classifier.
 *
 * Every feature is a string with a kind prefix so that kinds never collide:
 * - `w:` word: a Porter-stemmed English word or an `Intl.Segmenter` Chinese word
 * - `b:` word bigram over the message's word sequence (both languages)
 * - `t:` word trigram, for fixed phrases ("how long does", "top up by")
 * - `c:` character 3- to 5-gram inside one English word padded with spaces,
 *   so typos and inflections ("recieved", "topup") still share most features
 * - `z:` Chinese character unigram or bigram inside a run of Han characters,
 *   which covers domain words the segmenter's dictionary splits ("提现", "到账")
 */
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import AggressiveTokenizer from 'natural/lib/natural/tokenizers/aggressive_tokenizer.js';
import { normalizeText } from './normalize.js';

const CHAR_NGRAM_MIN = 3;
const CHAR_NGRAM_MAX = 5;

const tokenizer = new AggressiveTokenizer();
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
// Splits a normalised message into Han runs and everything else, keeping order.
const HAN_RUN = /(\p{Script=Han}+)/u;

// Stemming is the slowest step and vocabularies are small, so stems are
// memoised; the cap keeps a long-running bot from growing without bound.
const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemmed = porterStemmer.stem(word);
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

function pushCharNgrams(word: string, out: string[]): void {
  const padded = ` ${word} `;
  for (let n = CHAR_NGRAM_MIN; n <= CHAR_NGRAM_MAX; n++) {
    for (let i = 0; i + n <= padded.length; i++) out.push(`c:${padded.slice(i, i + n)}`);
  }
}

function pushHanFeatures(run: string, words: string[], out: string[]): void {
  for (const { segment, isWordLike } of segmenter.segment(run)) {
    if (isWordLike) words.push(segment);
  }
  const chars = [...run];
  for (let i = 0; i < chars.length; i++) {
    out.push(`z:${chars[i]}`);
    if (i + 1 < chars.length) out.push(`z:${chars[i]}${chars[i + 1]}`);
  }
}

/**
 * Turns a raw message into a bag of string features (with repeats, so
 * callers can count term frequency). The text is normalised first, so raw
 * user input is fine. Returns an empty array for text with no letters or
 * digits.
 *
 * @example extractFeatures('Cards arriving?') // ['w:card', 'w:arriv', 'b:card arriv', 'c: ca', ...]
 */
export function extractFeatures(text: string): string[] {
  const out: string[] = [];
  // One word sequence across both scripts, so bigrams also span "usdt 提现".
  const words: string[] = [];
  for (const piece of normalizeText(text).split(HAN_RUN)) {
    if (piece === '') continue;
    if (HAN_RUN.test(piece)) {
      pushHanFeatures(piece, words, out);
      continue;
    }
    for (const token of tokenizer.tokenize(piece)) {
      words.push(stem(token));
      pushCharNgrams(token, out);
    }
  }
  for (let i = 0; i < words.length; i++) {
    out.push(`w:${words[i]}`);
    if (i + 1 < words.length) out.push(`b:${words[i]} ${words[i + 1]}`);
    if (i + 2 < words.length) out.push(`t:${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  }
  return out;
}
