import { wordlist as englishWords } from '@scure/bip39/wordlists/english.js';
import { wordlist as simplifiedWords } from '@scure/bip39/wordlists/simplified-chinese.js';
import { wordlist as traditionalWords } from '@scure/bip39/wordlists/traditional-chinese.js';

/** The kinds of secret the bot refuses to keep. */
export type SecretKind = 'seed phrase' | 'private key' | 'password';

/** What {@link redactSecrets} did to a message. */
export interface Redaction {
  /** The message with every secret replaced by `[redacted: <kind>]`. */
  readonly text: string;
  /** The kinds found, once each, in order of appearance. */
  readonly found: readonly SecretKind[];
  /**
   * A bare 64-hex string was redacted as a possible private key although it may be a
   * transaction hash: the user should be asked which it was.
   */
  readonly unexplainedHex: boolean;
}

/** What the conversation was waiting for when the message arrived (context for ambiguous shapes). */
export interface RedactionContext {
  /** The bot just asked for a transaction ID: a 64-hex answer is one. */
  readonly expectingTransactionId?: boolean;
}

const ENGLISH = new Set(englishWords);
const CHINESE = new Set([...simplifiedWords, ...traditionalWords]);
/** BIP39 phrases have 12 to 24 words; fewer list words in a row is ordinary language. */
const MIN_MNEMONIC_WORDS = 12;

const placeholder = (kind: SecretKind) => `[redacted: ${kind}]`;

// xprv/yprv/zprv/tprv/uprv/vprv extended private keys (base58, ~111 chars).
const EXTENDED_KEY = /\b[xyztuv]prv[1-9A-HJ-NP-Za-km-z]{90,115}\b/g;
// Wallet Import Format: 51 chars from '5' (uncompressed) or 52 from 'K'/'L'/'c' (compressed, testnet).
const WIF_KEY = /\b(?:5[HJK][1-9A-HJ-NP-Za-km-z]{49}|[KLc][1-9A-HJ-NP-Za-km-z]{51})\b/g;
const HEX_64 = /(?<![0-9a-fA-F])(?:0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;
const KEY_LABEL = /(private\s*key|priv\s*key|privkey|secret\s*key|\bpk\b|\bkey\b|私钥|私鑰|密钥|密鑰)/i;
const TX_LABEL = /(\btx\b|txid|tx\s*id|txn|hash|transaction|transfer|explorer|scan\.|\/tx\/|交易|哈希|转账|轉帳|提现|提現|充值|订单|訂單)/i;
// "password is X", "pw: X", "密码是X"; the value is the next run of non-space characters.
const PASSWORD_EN = /\b(pass\s*word|passwd|pwd|pw|passcode|pin)(\s*(?:is|was|=|:|：)\s*|\s+)(["'“]?)(\S+)/gi;
const PASSWORD_ZH = /(密码|密碼|口令)(\s*(?:是|为|為|=|:|：)\s*)(["'“]?)([^\s，。,！!？?]+)/g;
/** Words after "password is" that describe it rather than reveal it. */
const NOT_A_PASSWORD = new Set(
  ('wrong incorrect not correct right invalid expired too being been changed reset forgotten forgot lost stolen ' +
    'compromised weak strong fine ok okay the a an my still always never already no case required working accepted ' +
    'rejected sent same different now updated set removed gone locked blocked it this that and or for to of in on at ' +
    'reset doesnt isnt wont cant didnt').split(' '),
);
const NOT_A_PASSWORD_ZH = /^(错|錯|不|忘|对|對|正确|正確|什么|什麼|多少|被|已|怎么|怎麼|无效|無效|过期|過期)/;
const PASSWORD_SHAPE = /^[\x21-\x7e]{4,}$/;

/**
 * Finds and redacts secrets in a user's message before anything stores, logs, classifies
 * or forwards it: BIP39 seed phrases (English and Chinese, numbered, comma- or line-separated),
 * raw 64-hex private keys (a 64-hex string is kept as a transaction ID when its context says so),
 * WIF and extended private keys, and passwords given in a "my password is …" sentence.
 */
export function redactSecrets(text: string, context: RedactionContext = {}): Redaction {
  const found: SecretKind[] = [];
  const note = (kind: SecretKind) => {
    if (!found.includes(kind)) found.push(kind);
    return placeholder(kind);
  };
  let unexplainedHex = false;
  let result = text.normalize('NFKC');
  result = result.replace(EXTENDED_KEY, () => note('private key'));
  result = result.replace(WIF_KEY, () => note('private key'));
  result = result.replace(HEX_64, (hex, offset: number, whole: string) => {
    const before = whole.slice(Math.max(0, offset - 40), offset);
    const after = whole.slice(offset + hex.length, offset + hex.length + 12);
    if (KEY_LABEL.test(before) && !TX_LABEL.test(before.slice(-16))) return note('private key');
    if (context.expectingTransactionId || TX_LABEL.test(before) || TX_LABEL.test(after)) return hex;
    unexplainedHex = true;
    return note('private key');
  });
  result = redactMnemonics(result, note);
  result = result.replace(PASSWORD_EN, (whole, label: string, joiner: string, quote: string, value: string) =>
    isPassword(value, joiner) ? `${label}${joiner}${quote}${note('password')}` : whole,
  );
  result = result.replace(PASSWORD_ZH, (whole, label: string, joiner: string, quote: string, value: string) =>
    isPassword(value, joiner) ? `${label}${joiner}${quote}${note('password')}` : whole,
  );
  return { text: result, found, unexplainedHex };
}

function isPassword(value: string, joiner: string): boolean {
  if (NOT_A_PASSWORD.has(value.toLowerCase().replace(/[^a-z]/g, '')) || NOT_A_PASSWORD_ZH.test(value)) return false;
  // "password 12345678" without "is"/":" only counts when the value looks like a password (has digits or symbols).
  if (!joiner.trim() && !/[\d\W_]/.test(value)) return false;
  return PASSWORD_SHAPE.test(value) || /[^\x00-\x7f]/.test(value);
}

interface Token {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

// Numbering ("1.", "2)", "#3", "3:") and separators between mnemonic words are allowed; anything else breaks a run.
const ENGLISH_TOKEN = /#?\d{1,2}[.):]?|[A-Za-z]+/g;
const CJK_TOKEN = /#?\d{1,2}[.):、]?|\p{Script=Han}/gu;

function redactMnemonics(text: string, note: (kind: SecretKind) => string): string {
  const spans = [
    ...mnemonicSpans(text, ENGLISH_TOKEN, (word) => ENGLISH.has(word.toLowerCase()), /^[\s,;|/-]*$/),
    // Chinese phrases must be separated word by word: nearly every common character is on the list.
    ...mnemonicSpans(text, CJK_TOKEN, (word) => CHINESE.has(word), /^[\s,;|/、，；-]+$/),
    ...labelledChineseSpans(text),
  ].sort((a, b) => b.start - a.start);
  let result = text;
  let lastStart = Infinity;
  for (const span of spans) {
    if (span.end > lastStart) continue; // overlaps a span already replaced
    result = result.slice(0, span.start) + note('seed phrase') + result.slice(span.end);
    lastStart = span.start;
  }
  return result;
}

function mnemonicSpans(text: string, pattern: RegExp, isListWord: (word: string) => boolean, separator: RegExp): { start: number; end: number }[] {
  const tokens: Token[] = [...text.matchAll(pattern)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
  const spans: { start: number; end: number }[] = [];
  let run: Token[] = [];
  const flush = () => {
    const words = run.filter((token) => !/\d/.test(token.word));
    if (words.length >= MIN_MNEMONIC_WORDS) spans.push({ start: run[0]!.start, end: run[run.length - 1]!.end });
    run = [];
  };
  for (const token of tokens) {
    const previous = run[run.length - 1];
    const joined = !previous || separator.test(text.slice(previous.end, token.start));
    const fits = /\d/.test(token.word) || isListWord(token.word);
    if (!joined || !fits) flush();
    if (fits) run.push(token);
  }
  flush();
  return spans;
}

// "助记词是 …" / "seed phrase: …" followed by 12+ Chinese list characters written without spaces.
const CHINESE_LABEL = /(助记词|助記詞|种子词|種子詞|恢复词|seed\s*phrase|mnemonic|recovery\s*phrase)\s*(?:是|为|為|:|：)?\s*/giu;

function labelledChineseSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const label of text.matchAll(CHINESE_LABEL)) {
    const start = label.index + label[0].length;
    let end = start;
    let count = 0;
    for (const ch of text.slice(start)) {
      if (CHINESE.has(ch)) count++;
      else if (!/[\s,，、]/.test(ch)) break;
      end += ch.length;
    }
    if (count >= MIN_MNEMONIC_WORDS) spans.push({ start, end });
  }
  return spans;
}

/** Whether a text still contains anything {@link redactSecrets} would remove (for defensive checks). */
export function containsSecret(text: string): boolean {
  return redactSecrets(text).found.length > 0;
}
