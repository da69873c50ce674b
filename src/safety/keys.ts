import { createHash } from 'node:crypto';
import type { Finding } from './findings.js';
import { insideUrl, labelOf } from './labels.js';

/** Private keys: extended (xprv…), WIF, raw 32/64-byte keys in hex (whole, wrapped or grouped), base58, base64 or bytes. */

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58 = `[${BASE58_ALPHABET}]`;

// BIP32/SLIP-132 private versions: xprv tprv yprv zprv uprv vprv and the multisig Yprv Zprv Uprv Vprv.
// The prefix alone is unambiguous, so a mistyped (checksum-failing) key is redacted too.
const EXTENDED_KEY = new RegExp(`(?<![A-Za-z0-9])[xtyzuvYZUV]prv${BASE58}{100,115}(?![A-Za-z0-9])`, 'g');

/**
 * Every key shape but hex in groups and byte arrays is one run of at least 43 of these
 * characters (a 32-byte key in unpadded base64 is the shortest): text without one has none of
 * them, and most messages are answered by this one scan.
 */
const KEY_RUN = /[A-Za-z0-9+/_-]{43}/;

/** Extended private keys, by their version prefix. */
export function findExtendedKeys(text: string): Finding[] {
  if (!KEY_RUN.test(text)) return [];
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
export function findWifKeys(text: string): Finding[] {
  const findings: Finding[] = [];
  if (!KEY_RUN.test(text)) return findings;
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

// 32-byte keys (and 64-byte seeds or ed25519 secret keys) in hex, "0x" or "0X" before; a 64-byte
// key in base58 (how Solana wallets export one, and also the shape of a Solana transaction signature).
const HEX_KEY = /(?<![0-9A-Za-z])(?:0[xX])?(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{64})(?![0-9A-Za-z])/g;
const BASE58_KEY = new RegExp(`(?<![0-9A-Za-z])${BASE58}{86,88}(?![0-9A-Za-z])`, 'g');
// A keypair file (Solana CLI): a JSON array of 64 bytes. Nothing innocent has that shape.
const BYTE_ARRAY_KEY = /\[\s*(?:\d{1,3}\s*,\s*){63}\d{1,3}\s*\]/g;

/** Between two items of a list: separators and numbering only. */
const LIST_GAP = /^[\s,;、，]*(?:(?:\d{1,2}[.)、]|[-*•])\s*)?$/;

/** What the context decides for a key-shaped span: kept, redacted, or redacted and asked about. */
interface Candidate {
  readonly start: number;
  readonly end: number;
  /** Only when labelled as a key: a shape too common to redact unexplained (base64 without padding). */
  readonly labelledOnly?: boolean;
}

/**
 * Raw keys. A 64-hex string is also the shape of a transaction hash, which support needs, so
 * its context decides: labelled as a key → redacted; inside an explorer link, labelled as a
 * transaction, a public key or an address, or the answer to the transaction-ID question → kept;
 * nothing said → redacted, and the user is asked whether it was a transaction ID. The same holds
 * for a hex key wrapped over lines or typed in groups, and for a 32- or 64-byte key in base64.
 */
export function findRawKeys(text: string, expectingTransactionId: boolean): Finding[] {
  const run = KEY_RUN.test(text);
  const candidates: Candidate[] = [
    ...(run ? [...text.matchAll(HEX_KEY)].map((match) => ({ start: match.index, end: match.index + match[0].length })) : []),
    ...groupedHex(text),
    ...(run
      ? [...text.matchAll(BASE58_KEY)]
          .filter((match) => /\d/.test(match[0])) // a run of letters is a word, not a key
          .map((match) => ({ start: match.index, end: match.index + match[0].length }))
      : []),
    ...(run ? base64Keys(text) : []),
  ];
  const findings: Finding[] = [];
  let listed: { end: number; label: 'transaction' | 'public' } | undefined;
  for (const { start, end, labelledOnly } of candidates.sort((a, b) => a.start - b.start)) {
    if (insideUrl(text, start)) continue;
    // A list of hashes under one label ("tx hashes:\n<hash>\n<hash>"): the label names each of them.
    const inList = listed && (start < listed.end || LIST_GAP.test(text.slice(listed.end, start)));
    const label = inList ? listed!.label : labelOf(text, start, end);
    if (label === 'transaction' || label === 'public') listed = { end: Math.max(end, listed?.end ?? 0), label };
    if (label === 'key') findings.push({ start, end, kind: 'private key' });
    else if (labelledOnly) continue;
    else if (label === 'ambiguous') findings.push({ start, end, kind: 'private key', unexplained: true });
    else if (label === undefined && !expectingTransactionId) findings.push({ start, end, kind: 'private key', unexplained: true });
  }
  if (text.includes('[')) for (const match of text.matchAll(BYTE_ARRAY_KEY)) findings.push({ start: match.index, end: match.index + match[0].length, kind: 'private key' });
  return findings;
}

const HEX_TOKEN = /(?<![0-9A-Za-z])(?:0[xX])?[0-9a-fA-F]+(?![0-9A-Za-z])/g;
/** Between two groups of one key: spaces, one dash, or a line break (a key wrapped by the chat window). */
const HEX_GROUP_GAP = /^(?:[ \t]+|[ \t]*[-–][ \t]*|[ \t]*\r?\n[ \t]*)$/;
const KEY_DIGITS = [128, 64];

/**
 * A 64- or 128-hex key in pieces: equal groups ("4cda5485 ab5e4190 …", the last may be shorter)
 * or two or three lines (a key wrapped by the chat window). Two UUIDs are not one key: their
 * groups are unequal and on one line.
 */
function groupedHex(text: string): Candidate[] {
  if (hexDigits(text) < Math.min(...KEY_DIGITS)) return [];
  const tokens = [...text.matchAll(HEX_TOKEN)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    digits: match[0].replace(/^0[xX]/, ''),
    prefixed: /^0[xX]/.test(match[0]),
  }));
  // Only the first group may carry "0x"; groups are joined by a space, a dash or a line break.
  const continues = (j: number) => !tokens[j + 1]!.prefixed && HEX_GROUP_GAP.test(text.slice(tokens[j]!.end, tokens[j + 1]!.start));
  const candidates: Candidate[] = [];
  let i = 0;
  while (i < tokens.length) {
    let next = i + 1;
    for (const wanted of KEY_DIGITS) {
      let total = tokens[i]!.digits.length;
      let j = i;
      while (total < wanted && j + 1 < tokens.length && continues(j)) {
        j++;
        total += tokens[j]!.digits.length;
      }
      const group = tokens.slice(i, j + 1);
      if (total !== wanted || group.length < 2) continue;
      const lengths = group.map((token) => token.digits.length);
      const regular = lengths.slice(0, -1).every((length) => length === lengths[0] && length >= 4) && lengths[lengths.length - 1]! <= lengths[0]!;
      const wrapped = group.length <= 3 && lengths.every((length) => length >= 4) && group.slice(1).every((token, k) => text.slice(group[k]!.end, token.start).includes('\n'));
      const digits = group.map((token) => token.digits).join('');
      if ((regular || wrapped) && /\d/.test(digits) && /[a-f]/i.test(digits)) {
        candidates.push({ start: group[0]!.start, end: group[group.length - 1]!.end });
        next = j + 1;
        break;
      }
    }
    i = next;
  }
  return candidates;
}

/** How many hex digits `text` holds, anywhere: a key in groups needs 64. */
function hexDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66)) count++;
  }
  return count;
}

// A 32-byte key is 44 base64 characters ending in "=", a 64-byte one 88 ending in "=="; without
// padding (base64url) 43 or 86. Not part of a longer base64 run, a JWT or a wrapped block.
const BASE64_KEY = /(?<![A-Za-z0-9+/=_.-])(?:[A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{86}==|[A-Za-z0-9+/_-]{86}|[A-Za-z0-9+/_-]{43})(?![A-Za-z0-9+/=_-]|\.[A-Za-z0-9_-])/g;
/** The line before is a long base64 line: this is the end of an encoded file, not a key. */
const BASE64_BLOCK_LINE = /(?:^|\n)[A-Za-z0-9+/]{60,}\r?\n$/;

/**
 * Keys in base64: a padded, canonical encoding of exactly 32 or 64 bytes with upper-case and
 * lower-case letters and digits is key-like even unexplained; an unpadded one only when labelled
 * as a key and when it holds a character base58 lacks (otherwise it is a Solana address's shape).
 */
function base64Keys(text: string): Candidate[] {
  const candidates: Candidate[] = [];
  for (const match of text.matchAll(BASE64_KEY)) {
    const value = match[0];
    if (!(/[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value))) continue;
    if (BASE64_BLOCK_LINE.test(text.slice(Math.max(0, match.index - 200), match.index))) continue;
    const padded = value.endsWith('=');
    if (padded ? Buffer.from(value, 'base64').toString('base64') !== value : !/[+/_-]/.test(value)) continue;
    candidates.push({ start: match.index, end: match.index + value.length, labelledOnly: !padded });
  }
  return candidates;
}
