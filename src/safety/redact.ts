import { createHash } from 'node:crypto';
import { validateMnemonic } from '@scure/bip39';
import { wordlist as englishWords } from '@scure/bip39/wordlists/english.js';
import { wordlist as simplifiedWords } from '@scure/bip39/wordlists/simplified-chinese.js';
import { wordlist as traditionalWords } from '@scure/bip39/wordlists/traditional-chinese.js';

/** The kinds of secret the bot refuses to keep. */
export type SecretKind = 'seed phrase' | 'private key' | 'password';

/** What {@link redactSecrets} did to a message. */
export interface Redaction {
  /** The message with every secret replaced by `[redacted: <kind>]`; otherwise the message exactly as given. */
  readonly text: string;
  /** The kinds found, once each, in order of appearance. */
  readonly found: readonly SecretKind[];
  /**
   * A bare key-shaped string (64 hex digits, or a 64-byte base58 string) was redacted as a
   * possible private key although it may be a transaction hash: the user should be asked which it was.
   */
  readonly unexplainedHex: boolean;
}

/** What the conversation was waiting for when the message arrived (context for ambiguous shapes). */
export interface RedactionContext {
  /** The bot just asked for a transaction ID: a 64-hex answer is one, unless it is labelled as a key. */
  readonly expectingTransactionId?: boolean;
}

/**
 * Finds and redacts secrets in a user's message before anything stores, logs, classifies
 * or forwards it: BIP39 seed phrases (English and Chinese word lists; numbered, comma- or
 * line-separated, or Chinese written without spaces), raw private keys (64 hex digits, kept
 * as a transaction ID when the context says so), WIF and extended private keys, and passwords
 * given in a "my password is …" sentence. Detection runs on an NFKC-normalised copy (full-width
 * letters and punctuation, no-break spaces) but replaces the spans in the original, so a
 * message without secrets comes back exactly as it was sent.
 *
 * @example redactSecrets('pk: 0x4c08…(64 hex)').text // 'pk: [redacted: private key]'
 */
export function redactSecrets(text: string, context: RedactionContext = {}): Redaction {
  const view = detectionView(text);
  const findings = [
    ...findExtendedKeys(view.text),
    ...findWifKeys(view.text),
    ...findRawKeys(view.text, context),
    ...findEnglishMnemonics(view.text),
    ...findChineseMnemonics(view.text),
    ...findPasswords(view.text),
  ];
  if (findings.length === 0) return { text, found: [], unexplainedHex: false };
  const found: SecretKind[] = [];
  let result = '';
  let copied = 0;
  for (const span of mergeSpans(findings)) {
    for (const kind of span.kinds) if (!found.includes(kind)) found.push(kind);
    const start = view.start[span.start]!;
    const end = view.end[span.end - 1]!;
    result += `${text.slice(copied, start)}[redacted: ${span.kinds[0]}]`;
    copied = end;
  }
  return { text: result + text.slice(copied), found, unexplainedHex: findings.some((finding) => finding.unexplained) };
}

/** A secret's place in the detection text: [start, end) in UTF-16 units. */
interface Finding {
  readonly start: number;
  readonly end: number;
  readonly kind: SecretKind;
  /** A key-shaped string without any label: it may have been a transaction ID. */
  readonly unexplained?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Normalisation for detection only.

/** The NFKC-normalised text, with each of its UTF-16 units mapped back to the original's. */
interface DetectionView {
  readonly text: string;
  /** For each unit of `text`: where its source character starts in the original. */
  readonly start: readonly number[];
  /** For each unit of `text`: where its source character ends in the original. */
  readonly end: readonly number[];
}

const INVISIBLE = /^\p{Cf}$/u;

/**
 * Normalises character by character so offsets map back: users type full-width letters, digits
 * and colons (Chinese IMEs), no-break and ideographic spaces; invisible format characters
 * (zero-width spaces) are dropped so they cannot hide a word from the word lists.
 */
function detectionView(text: string): DetectionView {
  let normalized = '';
  const start: number[] = [];
  const end: number[] = [];
  let offset = 0;
  for (const char of text) {
    const mapped = INVISIBLE.test(char) ? '' : char.normalize('NFKC');
    normalized += mapped;
    for (let i = 0; i < mapped.length; i++) {
      start.push(offset);
      end.push(offset + char.length);
    }
    offset += char.length;
  }
  return { text: normalized, start, end };
}

/** Overlapping findings become one placeholder, named after the first secret in it. */
function mergeSpans(findings: readonly Finding[]): { start: number; end: number; kinds: SecretKind[] }[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const spans: { start: number; end: number; kinds: SecretKind[] }[] = [];
  for (const finding of sorted) {
    const last = spans[spans.length - 1];
    if (last && finding.start < last.end) {
      last.end = Math.max(last.end, finding.end);
      if (!last.kinds.includes(finding.kind)) last.kinds.push(finding.kind);
    } else {
      spans.push({ start: finding.start, end: finding.end, kinds: [finding.kind] });
    }
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------
// Keys: extended, WIF, raw (hex, 64-byte base58, keypair byte arrays).

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58 = `[${BASE58_ALPHABET}]`;

// BIP32/SLIP-132 private versions: xprv tprv yprv zprv uprv vprv and the multisig Yprv Zprv Uprv Vprv.
// The prefix alone is unambiguous, so a mistyped (checksum-failing) key is redacted too.
const EXTENDED_KEY = new RegExp(`(?<![A-Za-z0-9])[xtyzuvYZUV]prv${BASE58}{100,115}(?![A-Za-z0-9])`, 'g');

function findExtendedKeys(text: string): Finding[] {
  return [...text.matchAll(EXTENDED_KEY)].map((match) => ({ start: match.index, end: match.index + match[0].length, kind: 'private key' as const }));
}

// Wallet Import Format: 51 characters from '5' (mainnet) or '9' (testnet) for an uncompressed key,
// 52 from 'K'/'L' (mainnet) or 'c' (testnet) for a compressed one.
const WIF_SHAPE = new RegExp(`(?<![A-Za-z0-9])(?:[59]${BASE58}{50}|[KLc]${BASE58}{51})(?![A-Za-z0-9])`, 'g');

/**
 * WIF keys with a valid base58check checksum; other strings of that shape (a Kusama or
 * Cardano address, an order reference) only when labelled as a key, so a one-character typo
 * in a pasted key is still caught.
 */
function findWifKeys(text: string): Finding[] {
  const findings: Finding[] = [];
  for (const match of text.matchAll(WIF_SHAPE)) {
    const end = match.index + match[0].length;
    if (isWif(match[0]) || labelOf(text, match.index, end) === 'key') findings.push({ start: match.index, end, kind: 'private key' });
  }
  return findings;
}

function isWif(candidate: string): boolean {
  const bytes = base58checkDecode(candidate);
  if (!bytes || (bytes[0] !== 0x80 && bytes[0] !== 0xef)) return false;
  return bytes.length === 33 || (bytes.length === 34 && bytes[33] === 0x01);
}

/** The payload of a base58check string, or undefined when a character or the checksum is wrong. */
function base58checkDecode(encoded: string): Uint8Array | undefined {
  let value = 0n;
  for (const char of encoded) {
    const digit = BASE58_ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const hex = value === 0n ? '' : value.toString(16);
  // Each leading '1' stands for a zero byte that the number itself cannot show.
  const leadingZeros = encoded.length - encoded.replace(/^1+/, '').length;
  const bytes = Buffer.concat([Buffer.alloc(leadingZeros), Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')]);
  if (bytes.length < 5) return undefined;
  const payload = bytes.subarray(0, -4);
  const checksum = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  return checksum.subarray(0, 4).equals(bytes.subarray(-4)) ? payload : undefined;
}

// 32-byte keys (and 64-byte seeds or ed25519 secret keys) in hex; a 64-byte key in base58 (how
// Solana wallets export one, and also the shape of a Solana transaction signature).
const HEX_KEY = /(?<![0-9A-Za-z])(?:0x)?(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{64})(?![0-9A-Za-z])/g;
const BASE58_KEY = new RegExp(`(?<![0-9A-Za-z])${BASE58}{86,88}(?![0-9A-Za-z])`, 'g');
// A keypair file (Solana CLI): a JSON array of 64 bytes. Nothing innocent has that shape.
const BYTE_ARRAY_KEY = /\[\s*(?:\d{1,3}\s*,\s*){63}\d{1,3}\s*\]/g;

/**
 * Raw keys. A 64-hex string is also the shape of a transaction hash, which support needs, so
 * its context decides: labelled as a key → redacted; inside an explorer link, labelled as a
 * transaction, or the answer to the transaction-ID question → kept; nothing said → redacted,
 * and the user is asked whether it was a transaction ID.
 */
function findRawKeys(text: string, context: RedactionContext): Finding[] {
  const findings: Finding[] = [];
  for (const pattern of [HEX_KEY, BASE58_KEY]) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (pattern === BASE58_KEY && !/\d/.test(match[0])) continue; // a run of letters is a word, not a key
      if (insideUrl(text, start)) continue;
      const label = labelOf(text, start, end);
      if (label === 'key') findings.push({ start, end, kind: 'private key' });
      else if (label === 'ambiguous') findings.push({ start, end, kind: 'private key', unexplained: true });
      else if (label === undefined && !context.expectingTransactionId) findings.push({ start, end, kind: 'private key', unexplained: true });
    }
  }
  for (const match of text.matchAll(BYTE_ARRAY_KEY)) findings.push({ start: match.index, end: match.index + match[0].length, kind: 'private key' });
  return findings;
}

/** Inside a link (an explorer's /tx/ page): the hash is public by definition. */
function insideUrl(text: string, start: number): boolean {
  const token = /\S*$/.exec(text.slice(0, start))![0];
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(token) || /(?:^|\/)(?:tx|txs|transaction|transactions|hash)\/$/i.test(token);
}

const KEY_LABEL = /private[\s_-]*key|priv[\s_-]*key|secret[\s_-]*key|secret|\bpk\b|\bprv\b|\bwif\b|\bkey\b|\bseed\b|私钥|私鑰|密钥|密鑰|秘钥|秘鑰|种子|種子/gi;
/** Words that put a hash in a transaction's context ("my deposit 0x…", "这笔转账 …"). */
const TX_LABEL =
  /\btx(?:id|n|hash)?\b|\bhash\b|\btransaction|\btransfer|\bdeposit|\bwithdraw|\bpayment|\bsignature|\bsent\b|\bblock\b|explorer|scan\b|交易|哈希|转账|轉帳|充值|提现|提現|提币|提幣|到账|到賬|区块|區塊|浏览器|瀏覽器|订单|訂單|签名|簽名/gi;
/** Words that name the value itself as a transaction's identifier (not just the topic). */
const TX_ID_LABEL = /\btx(?:id|n|hash)?\b|\bhash\b|transaction\s*(?:id|hash)|\bsignature|哈希|交易\s*(?:id|号|號|哈希)|签名|簽名/gi;
/** Between a label and the value it names: punctuation, a copula, "id"/"of"... but no other words. */
const ADJACENT = /^[\s:：=#,，\-"'“(（]*(?:(?:id|no|number|is|was|of|here|below|是|为|為|如下|号|號)[\s:：=#,，\-"'“(（]*){0,3}$/i;
const LABEL_BEFORE = 60;
const LABEL_AFTER = 30;

/**
 * What the words around a key-shaped string call it: `key`, `transaction`, both (`ambiguous`),
 * or nothing. When a key is mentioned too, only a transaction-ID label right next to the value
 * ("tx hash: …", "交易哈希 …") keeps it: a leaked key is worse than a hash asked for again.
 */
function labelOf(text: string, start: number, end: number): 'key' | 'transaction' | 'ambiguous' | undefined {
  const before = text.slice(Math.max(0, start - LABEL_BEFORE), start);
  const after = text.slice(end, end + LABEL_AFTER);
  // The text between each label and the value, to tell a label naming the value from one nearby.
  const gaps = (pattern: RegExp) => [
    ...[...before.matchAll(pattern)].map((m) => before.slice(m.index + m[0].length)),
    ...[...after.matchAll(pattern)].map((m) => after.slice(0, m.index)),
  ];
  const keys = gaps(KEY_LABEL);
  if (keys.length === 0) return gaps(TX_LABEL).length > 0 ? 'transaction' : undefined;
  const txNamed = gaps(TX_ID_LABEL).some((gap) => ADJACENT.test(gap));
  const keyNamed = keys.some((gap) => ADJACENT.test(gap));
  if (txNamed && !keyNamed) return 'transaction';
  if (keyNamed && !txNamed) return 'key';
  return gaps(TX_LABEL).length > 0 || txNamed ? 'ambiguous' : 'key';
}

// ---------------------------------------------------------------------------------------------
// Seed phrases.

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

// A word, or a number ("1.", "2)", "(3)", "#4", "5:", "6、") as people number the words of a phrase.
const ENGLISH_TOKEN = /[A-Za-z]+|(?:#|\()?(?<!\d)\d{1,2}(?:[.):、\]]|\b)/g;
/** What may stand between two words of one phrase: spaces, line breaks, commas and similar. */
const ENGLISH_GAP = /^[\s,;|/\\\-–—·•*_'"]*$/;
const TYPO_ALLOWANCE = 2;

/**
 * English seed phrases: 12 or more list words in a row, separated only by spaces, line breaks,
 * commas or numbering, in any case, with up to two typos. Ordinary English breaks such runs at
 * once: "the", "my", "is", "to", "for" and most function words are not on the list.
 */
function findEnglishMnemonics(text: string): Finding[] {
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

/** What may stand between two characters of a spaced Chinese phrase, numbering included. */
const CHINESE_GAP = /^(?:[\s,;|/\\\-–—·•*_.:、，；：。()（）#]|\d{1,2})+$/;
// "助记词是…", "seed phrase: …": a label right before an unspaced run of characters.
const MNEMONIC_LABEL = /(?:助记词|助記詞|助记码|助記碼|种子词|種子詞|种子短语|恢复词|恢復詞|恢复短语|恢復短語|seed\s*phrase|seed\s*words|mnemonic|recovery\s*phrase|backup\s*phrase|secret\s*phrase)\s*(?:是|为|為|如下|:|：)?\s*/giu;
/**
 * The mean log-rank of random list characters is about 6.6 and of Chinese prose about 4.7:
 * prose is made of frequent characters, a phrase of uniformly drawn ones. Above this a labelled
 * run with a typo (failing the checksum) still reads as a phrase.
 */
const LABELLED_RANDOMNESS = 5.9;
/**
 * A valid checksum is a 1-in-16 (12 words) to 1-in-256 (24 words) accident for prose; it also
 * needs randomness a real phrase has in 99.7 % of cases and a question made of everyday words rarely.
 */
const CHECKSUMMED_RANDOMNESS = 5.6;
/** A bare unspaced run without a label needs more: some real questions are made of rarer characters. */
const BARE_RANDOMNESS = 6.45;

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
function findChineseMnemonics(text: string): Finding[] {
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

function isChecksummedChinese(words: readonly string[]): boolean {
  const phrase = words.join(' ');
  if (randomness(words) < CHECKSUMMED_RANDOMNESS) return false;
  return validateMnemonic(phrase, simplifiedWords) || validateMnemonic(phrase, traditionalWords);
}

/** Mean log-rank of the characters in the frequency-ordered list: about 6.6 when drawn at random. */
function randomness(words: readonly string[]): number {
  return words.reduce((sum, word) => sum + Math.log((CHINESE_RANK.get(word) ?? 0) + 1), 0) / words.length;
}

function isWholeMessage(text: string, start: number, end: number): boolean {
  return /^[\s\p{P}]*$/u.test(text.slice(0, start)) && /^[\s\p{P}]*$/u.test(text.slice(end));
}

// ---------------------------------------------------------------------------------------------
// Passwords.

// "my password is X", "password: X", "pw=X", "set my password to X", "login password X1!".
const PASSWORD_EN =
  /\b(?:pass\s?word|passwd|pwd|pw|passcode|passphrase|pin(?:\s?code)?)\b(?<joiner>(?:\s*(?:\b(?:is|was)\b|[:=]))+\s*|\s+(?:to|as)\s+|\s+)(?<value>"[^"\n]{1,64}"|'[^'\n]{1,64}'|“[^”\n]{1,64}”|[\x21-\x7e]{1,64})/gi;
// "我的密码是abc12345", "密码:Passw0rd!", "登录密码 是 xyz789!", "密码改成了Abc123".
const PASSWORD_ZH =
  /(?:密码|密碼|口令|PIN码|PIN碼)(?<joiner>\s*(?:是|为|為|就是|:|=|改成了?|改为|改為|设为|設為|设置为|設置為|设置成|設置成)\s*|\s*)(?<value>"[^"\n]{1,64}"|'[^'\n]{1,64}'|“[^”\n]{1,64}”|[\x21-\x7e]{1,64})/gi;
// "name@example.com:Hunter2!" or "name@example.com / Hunter2!": a login pasted whole.
const EMAIL_AND_PASSWORD = /[^\s@:/]{1,64}@[^\s@:/]{1,255}\.[A-Za-z]{2,}\s*(?<joiner>[:|/])\s*(?<value>[\x21-\x7e]{1,64})/g;

/** Words after "password is" that describe it rather than reveal it. */
const DESCRIPTIONS = new Set(
  (
    'wrong incorrect correct right invalid valid expired changed reset forgotten forgot lost stolen compromised weak strong ' +
    'fine ok okay good bad new old the a an my your his her our their this that these those it its still always never already ' +
    'no not yes case sensitive required working accepted rejected sent same different now updated set removed gone locked ' +
    'blocked and or for to of in on at with too very really being been probably definitely surely certainly also just ' +
    'actually simply apparently empty missing long short secure safe unsafe hacked leaked saved stored somewhere something ' +
    'what which where how why who when manager field box please hint rules policy requirements protected encrypted there ' +
    'here again doesnt isnt wasnt wont cant didnt dont does do did has have had will would should could can cannot must ' +
    'might may only even all any some such more less exactly unknown through by from into via about after before during'
  ).split(' '),
);
/** "password: 8-32 characters": a value followed by a unit is a rule, not a password. */
const LENGTH_RULE = /^\s*(?:characters?|chars?|digits?|letters?|symbols?|位|个字符|個字元)/i;

/**
 * Passwords in a sentence. After "is" or ":" any value that is not a describing word is the
 * password ("my password is sunshine"); after a bare label ("password Hunter2") only a value
 * that looks like one (a digit, or a symbol inside it), so "password reset email" stays.
 */
function findPasswords(text: string): Finding[] {
  const findings: Finding[] = [];
  for (const pattern of [PASSWORD_EN, PASSWORD_ZH, EMAIL_AND_PASSWORD]) {
    for (const match of text.matchAll(pattern)) {
      const joiner = match.groups!.joiner!;
      const value = match.groups!.value!;
      const strong = pattern === EMAIL_AND_PASSWORD ? false : /[:=]|\bis\b|\bwas\b|[是为為设設改]/i.test(joiner);
      if (!isPasswordValue(value, strong) || LENGTH_RULE.test(text.slice(match.index + match[0].length))) continue;
      const start = match.index + match[0].length - value.length;
      // A comma after the value ends the clause ("密码是abc123，请…"); it is not part of the password.
      findings.push({ start, end: start + value.replace(/[,;]+$/, '').length, kind: 'password' });
    }
  }
  return findings;
}

function isPasswordValue(value: string, strong: boolean): boolean {
  const quoted = /^(["']).+\1$|^“.+”$/s.test(value);
  const bare = quoted ? value.slice(1, -1) : value;
  const core = bare.replace(/[.,;:!?)\]]+$/, '');
  if (core.length < 4 && !quoted) return false;
  if (DESCRIPTIONS.has(core.toLowerCase().replace(/[^a-z]/g, ''))) return false;
  if (quoted) return /[A-Za-z0-9]/.test(core);
  // "my PIN was entered wrong", "my password is expiring": a participle or adverb describes it.
  if (strong) return /[A-Za-z0-9]/.test(core) && !/^[A-Za-z]+(?:ed|ing|ly)$/i.test(core);
  // Bare label: it must look like a password, and not like a link, an address or a contraction.
  if (/^[a-z][a-z0-9+.-]*:\/\/|@/i.test(core)) return false;
  return core.length >= 6 && /^[A-Za-z0-9]/.test(core) && (/\d/.test(core) || /[^A-Za-z0-9'’-]/.test(core.slice(1, -1)));
}
