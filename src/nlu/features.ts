/**
 * Tokenisation and sparse feature extraction for the intent classifier.
 *
 * Every feature is a string with a kind prefix so that kinds never collide:
 * - `w:` word: a Porter-stemmed English word or an `Intl.Segmenter` Chinese word
 * - `b:` word bigram over the message's word sequence (both languages)
 * - `c:` character trigram inside one English word padded with spaces, so
 *   typos and inflections ("recieved", "topup") still share most features
 * - `z:` Chinese character unigram or bigram inside a run of Han characters,
 *   which covers domain words the segmenter's dictionary splits ("提现", "到账")
 */
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import AggressiveTokenizer from 'natural/lib/natural/tokenizers/aggressive_tokenizer.js';
import { normalizeText } from './normalize.js';

// Chosen by 5-fold cross-validation on BANKING77 and intents/*.json: trigrams
// alone scored as well as 2-3, 2-4, 3-4 or 3-5-grams (within 0.2 points) and
// train fastest, since character n-grams are most of a message's features.
const CHAR_NGRAM = 3;

const tokenizer = new AggressiveTokenizer();
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
// Splits a normalised message into Han runs and everything else, keeping order.
const HAN_RUN = /(\p{Script=Han}+)/u;

// Only the start of a very long message is classified: intents are stated
// early, and this bounds the cost of a pasted log or a flood (Intl.Segmenter
// is superlinear on long runs of Han characters).
const MAX_INPUT_CHARS = 1000;
// Longer "words" are hashes, addresses or keyboard mashing; the Porter stemmer's
// regular expressions slow down badly on them, and they have no stem anyway.
const MAX_STEMMED_LENGTH = 24;

// Stemming is the slowest step and vocabularies are small, so stems are
// memoised; the cap keeps a long-running bot from growing without bound.
const STEM_CACHE_LIMIT = 50_000;
const stemCache = new Map<string, string>();

function stem(word: string): string {
  if (word.length > MAX_STEMMED_LENGTH) return word;
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
  for (let i = 0; i + CHAR_NGRAM <= padded.length; i++) out.push(`c:${padded.slice(i, i + CHAR_NGRAM)}`);
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
 * The features of the last few texts: a turn reads the same words several times (the
 * classifier, the FAQ search for the entry and for a second opinion, each clause), and the
 * Chinese segmenter is the costliest step. Small on purpose: it serves one turn, not a corpus.
 */
const RECENT_LIMIT = 8;
const recent = new Map<string, readonly string[]>();

/**
 * Turns a raw message into a bag of string features (with repeats, so
 * callers can count term frequency). The text is normalised first, so raw
 * user input is fine; only its first 1,000 characters are used. Returns an
 * empty array for text with no letters or digits. The array may be shared
 * with another call on the same text: never change it.
 *
 * @example extractFeatures('Cards arriving?') // ['c: ca', 'c:car', ..., 'w:card', 'b:card arriv', 'w:arriv']
 */
export function extractFeatures(text: string): readonly string[] {
  const normalized = normalizeText(text.slice(0, MAX_INPUT_CHARS));
  const cached = recent.get(normalized);
  if (cached) return cached;
  const out = featuresOf(normalized);
  if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  recent.set(normalized, out);
  return out;
}

function featuresOf(normalized: string): string[] {
  const out: string[] = [];
  // One word sequence across both scripts, so bigrams also span "usdt 提现".
  const words: string[] = [];
  for (const piece of normalized.split(HAN_RUN)) {
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
  }
  return out;
}
