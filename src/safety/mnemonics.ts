import { validateMnemonic } from '@scure/bip39';
import { wordlist as englishWords } from '@scure/bip39/wordlists/english.js';
import { wordlist as simplifiedWords } from '@scure/bip39/wordlists/simplified-chinese.js';
import { wordlist as traditionalWords } from '@scure/bip39/wordlists/traditional-chinese.js';
import type { Finding } from './findings.js';

/** BIP39 seed phrases in one message (English and Chinese word lists), and the pieces of one for {@link ./conversation.ts}. */

/** BIP39 phrases have 12 to 24 words; fewer list words in a row is ordinary language. */
const MIN_MNEMONIC_WORDS = 12;
/** Mnemonic lengths: 12, 15, 18, 21 or 24 words. */
const MNEMONIC_LENGTHS = new Set([12, 15, 18, 21, 24]);

const ENGLISH = new Set(englishWords);
/**
 * Single-edit variants of the English list words (4+ letters), for a typo inside a pasted
 * phrase: "abandon abilty able …" is still a seed phrase. Two words are within one edit
 * (or one transposition) exactly when their one-deletion sets meet.
 */
const ENGLISH_DELETIONS = new Set(englishWords.filter((word) => word.length >= 4).flatMap((word) => [word, ...deletions(word)]));

function deletions(word: string): string[] {
  return Array.from(word, (_, i) => word.slice(0, i) + word.slice(i + 1));
}

function nearEnglishWord(word: string): boolean {
  return word.length >= 4 && word.length <= 9 && [word, ...deletions(word)].some((variant) => ENGLISH_DELETIONS.has(variant));
}

// A number as people number the words of a phrase ("1.", "2)", "(3)", "#4", "5:", "6、", a JSON
// key "7" or "word8"), or a word.
const ENGLISH_TOKEN = /(?:#|\(|\bw(?:ord)?(?=\d))?(?<!\d)\d{1,2}(?:[.):、\]]|\b)|[A-Za-z]+/g;
/**
 * What may stand between two words of one phrase: anything but letters and digits (spaces, line
 * breaks, commas, dots, dashes, pipes, slashes, bullets, emoji, JSON quotes and brackets).
 */
const ENGLISH_GAP = /^[^\p{L}\p{N}]*$/u;
const TYPO_ALLOWANCE = 2;
/** The shortest text that can hold an English phrase: 12 words of three letters or more, each one character apart. */
const MIN_ENGLISH_PHRASE_LENGTH = MIN_MNEMONIC_WORDS * 4 - 1;

/**
 * English seed phrases: 12 or more list words in a row, separated only by spaces, line breaks,
 * commas or numbering, in any case, with up to two typos. Ordinary English breaks such runs at
 * once: "the", "my", "is", "to", "for" and most function words are not on the list.
 */
export function findEnglishMnemonics(text: string): Finding[] {
  if (text.length < MIN_ENGLISH_PHRASE_LENGTH) return [];
  type Word = { start: number; end: number; listed: boolean; numbering: boolean };
  const findings: Finding[] = [];
  let run: Word[] = [];
  const flush = () => {
    // Typos count inside a run only (at its edges they are ordinary words next to a phrase), and
    // the placeholder keeps a leading "1." so the message still reads naturally.
    while (run.length > 0 && !run[0]!.listed) run.shift();
    while (run.length > 0 && !run[run.length - 1]!.listed) run.pop();
    const words = run.filter((word) => !word.numbering);
    const listed = run.filter((word) => word.listed).length;
    if (words.length >= MIN_MNEMONIC_WORDS && words.length - listed <= TYPO_ALLOWANCE) {
      findings.push({ start: run[0]!.start, end: run[run.length - 1]!.end, kind: 'seed phrase' });
    }
    run = [];
  };
  for (const match of text.matchAll(ENGLISH_TOKEN)) {
    const token = match[0];
    const numbering = /\d/.test(token);
    const lower = token.toLowerCase();
    const listed = !numbering && ENGLISH.has(lower);
    const fits = numbering || listed || nearEnglishWord(lower);
    const previous = run[run.length - 1];
    if (previous && (!fits || !ENGLISH_GAP.test(text.slice(previous.end, match.index)))) flush();
    if (fits) run.push({ start: match.index, end: match.index + token.length, listed, numbering });
  }
  flush();
  return findings;
}

/** Each Chinese list character's rank (the lists are in order of frequency). */
const CHINESE_RANK = new Map<string, number>();
traditionalWords.forEach((char, rank) => CHINESE_RANK.set(char, rank));
simplifiedWords.forEach((char, rank) => CHINESE_RANK.set(char, Math.min(rank, CHINESE_RANK.get(char) ?? rank)));

/** A phrase, spaced or not, needs 12 list characters: text with fewer Han characters has none (anchored, so one linear scan). */
const ENOUGH_HAN = new RegExp(`^(?:[^\\p{Script=Han}]*\\p{Script=Han}){${MIN_MNEMONIC_WORDS}}`, 'u');

/** What may stand between two characters of a spaced Chinese phrase: no letters, numbering included. */
const CHINESE_GAP = /^(?:[^\p{L}\p{N}]|\d{1,2})+$/u;
// "助记词是…", "seed phrase: …": a label right before an unspaced run of characters.
const MNEMONIC_LABEL =
  /(?:助记词|助記詞|助记码|助記碼|种子词|種子詞|种子短语|恢复词|恢復詞|恢复短语|恢復短語|seed\s*phrase|seed\s*words|mnemonic|recovery\s*phrase|backup\s*phrase|secret\s*phrase)\s*(?:是|为|為|如下|:|：)?\s*/giu;
/**
 * The mean log-rank of random list characters is about 6.6 and of Chinese prose about 4.7:
 * prose is made of frequent characters, a phrase of uniformly drawn ones. Above this a labelled
 * run with a typo (failing the checksum) still reads as a phrase.
 */
export const LABELLED_RANDOMNESS = 5.9;
/**
 * A valid checksum is a 1-in-16 (12 words) to 1-in-256 (24 words) accident for prose; it also
 * needs randomness a real phrase has in 99.7 % of cases and a question made of everyday words rarely.
 */
const CHECKSUMMED_RANDOMNESS = 5.6;
/** A bare unspaced run without a label needs more: some real questions are made of rarer characters. */
export const BARE_RANDOMNESS = 6.45;

/** A list character and what separates it from the previous one ('' adjacent, undefined: a break). */
interface ChineseChar {
  readonly start: number;
  readonly end: number;
  readonly gap: string | undefined;
}

/** Characters written together, without a separator between them. */
interface ChineseGroup {
  readonly chars: readonly ChineseChar[];
  /** Joined to the previous group by a separator (not broken by other text). */
  readonly joined: boolean;
}

/**
 * Chinese seed phrases. Written with spaces (or commas, numbering, line breaks) between the
 * characters, 12 or more list characters are a phrase: Chinese prose is never spaced that way.
 * Written without spaces they look like prose (almost every common character is on the list),
 * so an unspaced run counts only when it is exactly a phrase's length and passes the BIP39
 * checksum, or follows a label ("助记词是…") and reads as random characters.
 */
export function findChineseMnemonics(text: string): Finding[] {
  if (!ENOUGH_HAN.test(text)) return [];
  const groups: { chars: ChineseChar[]; joined: boolean }[] = [];
  let previous: ChineseChar | undefined;
  for (const match of text.matchAll(/\p{Script=Han}/gu)) {
    if (!CHINESE_RANK.has(match[0])) continue;
    const between = previous ? text.slice(previous.end, match.index) : undefined;
    const gap = between === undefined || (between !== '' && !CHINESE_GAP.test(between)) ? undefined : between;
    const char = { start: match.index, end: match.index + match[0].length, gap };
    if (gap === '') groups[groups.length - 1]!.chars.push(char);
    else groups.push({ chars: [char], joined: gap !== undefined });
    previous = char;
  }
  return [...spacedChinese(groups), ...unspacedChinese(text, groups)];
}

/** The most characters written together inside a spaced phrase (one missing space). */
const MAX_SPACED_GROUP = 2;

/** Characters separated one by one; at most a quarter of the separators may be missing. */
function spacedChinese(groups: readonly ChineseGroup[]): Finding[] {
  const findings: Finding[] = [];
  let i = 0;
  while (i < groups.length) {
    if (groups[i]!.chars.length > MAX_SPACED_GROUP) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < groups.length && groups[j]!.joined && groups[j]!.chars.length <= MAX_SPACED_GROUP) j++;
    const run = fitPhraseLength(groups, i, j);
    const missing = run.slice(1).filter((char) => char.gap === '').length;
    if (run.length >= MIN_MNEMONIC_WORDS && missing * 4 <= run.length) {
      findings.push({ start: run[0]!.start, end: run[run.length - 1]!.end, kind: 'seed phrase' });
    }
    i = j;
  }
  return findings;
}

/**
 * The characters of the run groups[i, j), its edges adjusted to a phrase length: phrases have a
 * multiple of three words, so a run that is not one has picked up a word of the prose around it
 * ("…我 谢谢") or lost one to it ("是亮 率 … 绝请帮我"). The cheapest fix wins: dropping an
 * edge pair before taking a neighbour's character.
 */
function fitPhraseLength(groups: readonly ChineseGroup[], i: number, j: number): ChineseChar[] {
  const run = groups.slice(i, j).flatMap((group) => group.chars);
  if (run.length % 3 === 0) return run;
  const first = groups[i]!;
  const last = groups[j - 1]!;
  const before = groups[i - 1];
  const after = groups[j];
  const leads = [{ chars: 0, cost: 0 }];
  if (first.chars.length === 2 && j - i > 1) leads.push({ chars: -2, cost: 1 });
  if (before && first.joined) leads.push({ chars: 1, cost: 1.5 });
  const trails = [{ chars: 0, cost: 0 }];
  if (last.chars.length === 2 && j - i > 1) trails.push({ chars: -2, cost: 1 });
  if (after?.joined) trails.push({ chars: 1, cost: 1.5 });
  let best: { lead: number; trail: number; cost: number } | undefined;
  for (const lead of leads) {
    for (const trail of trails) {
      const length = run.length + lead.chars + trail.chars;
      const cost = lead.cost + trail.cost;
      if (length % 3 === 0 && length >= MIN_MNEMONIC_WORDS && (!best || cost < best.cost)) best = { lead: lead.chars, trail: trail.chars, cost };
    }
  }
  if (!best) return run;
  const adjusted = run.slice(best.lead < 0 ? -best.lead : 0, best.trail < 0 ? run.length + best.trail : run.length);
  if (best.lead > 0) adjusted.unshift(before!.chars[before!.chars.length - 1]!);
  if (best.trail > 0) adjusted.push(after!.chars[0]!);
  return adjusted;
}

/** Unspaced runs: a whole group of exactly a phrase's length with a valid checksum, or a labelled one. */
function unspacedChinese(text: string, groups: readonly ChineseGroup[]): Finding[] {
  const findings: Finding[] = [];
  const labelEnds = new Set<number>();
  for (const match of text.matchAll(MNEMONIC_LABEL)) labelEnds.add(match.index + match[0].length);
  for (const group of groups) {
    // A label may end inside the group: "我的助记词是亮率力…" is one unbroken run of list characters.
    const labelled = group.chars.findIndex((char) => labelEnds.has(char.start));
    const candidate = group.chars.slice(Math.max(labelled, 0));
    if (candidate.length < MIN_MNEMONIC_WORDS) continue;
    const words = candidate.map((char) => text.slice(char.start, char.end));
    let length = 0;
    if (labelled >= 0) {
      length = [24, 21, 18, 15, 12].find((n) => n <= words.length && isChecksummedChinese(words.slice(0, n))) ?? 0;
      // A typo fails the checksum; random-looking characters after a label are still a phrase.
      if (!length && randomness(words.slice(0, MIN_MNEMONIC_WORDS)) >= LABELLED_RANDOMNESS) length = words.length;
    } else if (MNEMONIC_LENGTHS.has(words.length)) {
      const bare = isWholeMessage(text, candidate[0]!.start, candidate[candidate.length - 1]!.end);
      if (isChecksummedChinese(words) || (bare && randomness(words) >= BARE_RANDOMNESS)) length = words.length;
    }
    if (length) findings.push({ start: candidate[0]!.start, end: candidate[length - 1]!.end, kind: 'seed phrase' });
  }
  return findings;
}

/** A valid BIP39 checksum in either Chinese list, for characters random enough to be drawn from it. */
export function isChecksummedChinese(words: readonly string[]): boolean {
  const phrase = words.join(' ');
  if (randomness(words) < CHECKSUMMED_RANDOMNESS) return false;
  return validateMnemonic(phrase, simplifiedWords) || validateMnemonic(phrase, traditionalWords);
}

/** Mean log-rank of the characters in the frequency-ordered list: about 6.6 when drawn at random. */
export function randomness(words: readonly string[]): number {
  return words.reduce((sum, word) => sum + Math.log((CHINESE_RANK.get(word) ?? 0) + 1), 0) / words.length;
}

function isWholeMessage(text: string, start: number, end: number): boolean {
  return /^[\s\p{P}]*$/u.test(text.slice(0, start)) && /^[\s\p{P}]*$/u.test(text.slice(end));
}

// ---------------------------------------------------------------------------------------------
// Pieces of a phrase sent over several messages.

/** A message made (almost) only of list words: possibly a piece of a phrase sent in parts. */
export interface PhrasePiece {
  readonly lang: 'en' | 'zh';
  /** The list words (English, lower case) or characters (Chinese), in order. */
  readonly words: readonly string[];
  /** Where the words are in the detection text: from the first to the last. */
  readonly start: number;
  readonly end: number;
  /** Chinese: every character stands alone (spaced, or the message is one character). */
  readonly spaced: boolean;
}

// A label at the start of a piece ("seed phrase:", "助记词：", "the rest:", "后面六个：") does not
// make it ordinary text.
const LEADING_LABEL = new RegExp(`^(?:[^:：\\n]{0,40}[:：]|\\s*(?:${MNEMONIC_LABEL.source}))?`, 'iu');
/** At most one typo in a short piece: more and it is ordinary words. */
const PIECE_TYPOS = 1;

/**
 * The list words of a message consisting only of them (with numbering and separators, after an
 * optional label: a phrase label or a few words ending with a colon), or undefined when anything else is in it: a word off the list (beyond
 * one typo), a number, a letter of another script. "I have a problem with my account" is not a
 * piece: "I", "have", "a", "with", "my" are not on the list.
 */
export function phrasePiece(text: string): PhrasePiece | undefined {
  const from = LEADING_LABEL.exec(text)![0].length;
  const body = text.slice(from);
  return englishPiece(body, from) ?? chinesePiece(body, from);
}

function englishPiece(body: string, offset: number): PhrasePiece | undefined {
  const words: string[] = [];
  let start = -1;
  let end = -1;
  let typos = 0;
  let last = 0;
  for (const match of body.matchAll(ENGLISH_TOKEN)) {
    if (!ENGLISH_GAP.test(body.slice(last, match.index))) return undefined;
    last = match.index + match[0].length;
    if (/\d/.test(match[0])) continue;
    const word = match[0].toLowerCase();
    if (!ENGLISH.has(word)) {
      if (!nearEnglishWord(word) || ++typos > PIECE_TYPOS) return undefined;
    }
    words.push(word);
    if (start < 0) start = offset + match.index;
    end = offset + last;
  }
  if (words.length === 0 || !ENGLISH_GAP.test(body.slice(last)) || typos === words.length) return undefined;
  return { lang: 'en', words, start, end, spaced: true };
}

function chinesePiece(body: string, offset: number): PhrasePiece | undefined {
  const words: string[] = [];
  let start = -1;
  let end = -1;
  let last = 0;
  let spaced = true;
  for (const match of body.matchAll(/\p{L}/gu)) {
    if (!CHINESE_RANK.has(match[0])) return undefined;
    const between = body.slice(last, match.index);
    if (between !== '' && !CHINESE_GAP.test(between)) return undefined;
    if (between === '' && words.length > 0) spaced = false;
    words.push(match[0]);
    last = match.index + match[0].length;
    if (start < 0) start = offset + match.index;
    end = offset + last;
  }
  const rest = body.slice(last);
  if (words.length === 0 || (rest !== '' && !CHINESE_GAP.test(rest))) return undefined;
  return { lang: 'zh', words, start, end, spaced };
}

/** Some suffix of `pieces` (whole pieces) of a phrase's length has a valid BIP39 checksum (English). */
export function hasChecksummedEnglishTail(pieces: readonly PhrasePiece[]): boolean {
  const words = pieces.flatMap((piece) => piece.words);
  let length = 0;
  for (let i = pieces.length - 1; i >= 0; i--) {
    length += pieces[i]!.words.length;
    if (MNEMONIC_LENGTHS.has(length) && validateMnemonic(words.slice(-length).join(' '), englishWords)) return true;
  }
  return false;
}
