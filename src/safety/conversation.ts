import { detectionView, replaceFindings, type SecretKind } from './findings.js';
import { BARE_RANDOMNESS, hasChecksummedEnglishTail, isChecksummedChinese, LABELLED_RANDOMNESS, phrasePiece, randomness, type PhrasePiece } from './mnemonics.js';
import { redactSecrets, type Redaction, type RedactionContext } from './redact.js';

/** A user message already stored for this conversation (its text already redacted). */
export interface StoredMessage {
  readonly id: string | number;
  readonly text: string;
}

/** What {@link redactAcrossMessages} found: the current message redacted, and earlier ones to rewrite. */
export interface ConversationRedaction extends Redaction {
  /** Earlier messages that held part of a secret, with the text to store instead (oldest first). */
  readonly rewrites: readonly StoredMessage[];
}

/** A 24-word phrase sent word by word: 23 earlier messages and the current one. */
export const MAX_PREVIOUS_MESSAGES = 23;
/** Fewest words of a phrase: pieces adding up to fewer are ordinary words. */
const MIN_PHRASE_WORDS = 12;
/** Fewest words after a redacted phrase to take as its continuation (a 15-word phrase sent 12 + 3). */
const MIN_CONTINUATION_WORDS = 3;
/** A message ending with a redacted phrase: list words right after it continue the phrase. */
const ENDS_WITH_PHRASE = /\[redacted: seed phrase\][\s\p{P}]*$/u;
/** A message starting (after a word or two: "and …") with a redacted phrase: list words right before it began the phrase. */
const STARTS_WITH_PHRASE = /^[^[]{0,20}\[redacted: seed phrase\]/;

/**
 * Common English chat words that are on the BIP39 list ("hello", "can you help", "still wrong"):
 * pieces made mostly of these are a conversation, not a phrase. A random phrase draws one of them
 * about once in 11 words.
 */
const CHAT_WORDS = new Set(
  (
    'about above account action again agent all almost already also always answer any ask away balance because before ' +
    'best better call can cancel card case cash change chat check claim close code coin come confirm correct cost credit ' +
    'day deal delay deposit detail device else empty end enough error exchange exit fee fine find first fix found give ' +
    'good great have hello help hold home hour human issue just key know later leave left like limit link list lock long ' +
    'make message minute more much must name need never next nice nothing notice now number okay once one only open ' +
    'order other over page pass payment phone please problem question quick ready real reason receive remember report ' +
    'response right same say second secret seed service setup since slow someone soon sorry start still such sure swap ' +
    'system talk tell thank that then there they thing this time today together token tomorrow total trade transfer ' +
    'true trust try two unable unknown unlock until update upgrade use useful very verify wait want way welcome ' +
    'what when where will wish work world wrong year you'
  ).split(' '),
);

/**
 * Redaction that sees the conversation, not one message: a seed phrase sent in pieces (6 + 6,
 * 4 × 3, word by word) is recognised when the piece that completes it arrives, and the earlier
 * pieces are returned for rewriting. The current message is first redacted on its own
 * ({@link redactSecrets} with `context`); then the run of consecutive messages made only of list
 * words (see `phrasePiece`) that ends with it is taken together. It is a phrase when:
 * - English: 12 or more words in at least two messages, hardly any repeated, and at most a
 *   quarter of them everyday chat words (half, when some tail of whole messages of 12–24 words has
 *   a valid BIP39 checksum);
 * - Chinese (almost every common character is on the list, so short replies like "好的" are pieces):
 *   a tail of whole messages of exactly 12–24 characters with a valid checksum, or characters as
 *   rare as randomly drawn ones;
 * - right after a message that ends with a redacted phrase (or right before the current message
 *   when it starts with one), 3 or more such words continue it.
 *
 * @param previous the user's earlier messages in this conversation as stored (already redacted),
 *   oldest first, consecutive, without the current one: those of the last 10 minutes, at most
 *   {@link MAX_PREVIOUS_MESSAGES} (more are ignored). Bot and agent messages are left out. A
 *   function is called only when the current message could continue a phrase (most cannot), so
 *   the caller reads them only then.
 * @param current the message just received, raw.
 * @returns the current message redacted; `rewrites`: earlier messages to overwrite in storage
 *   (and in anything copied from them), each with its new text.
 */
export function redactAcrossMessages(previous: readonly StoredMessage[] | (() => readonly StoredMessage[]), current: string, context: RedactionContext = {}): ConversationRedaction {
  const pending = startConversationRedaction(current, context);
  return pending.finish(pending.needsEarlier ? (typeof previous === 'function' ? previous() : previous) : []);
}

/** {@link redactAcrossMessages} in two steps, for a caller that reads the earlier messages asynchronously. */
export interface PendingConversationRedaction {
  /** Whether the current message could finish a phrase sent in pieces: only then are earlier messages needed. */
  readonly needsEarlier: boolean;
  /** The result, given the earlier messages (as {@link redactAcrossMessages}'s `previous`; ignored when not needed). */
  finish(previous: readonly StoredMessage[]): ConversationRedaction;
}

/** Redacts `current` on its own and says whether the conversation's earlier messages are needed to finish ({@link redactAcrossMessages}). */
export function startConversationRedaction(current: string, context: RedactionContext = {}): PendingConversationRedaction {
  const alone = redactSecrets(current, context);
  const currentPiece = alone.found.length === 0 ? phrasePiece(detectionView(current).text) : undefined;
  const anchoredAfter = !currentPiece && STARTS_WITH_PHRASE.test(alone.text);
  const needsEarlier = currentPiece !== undefined || anchoredAfter;
  return { needsEarlier, finish: (previous) => (needsEarlier ? withEarlier(previous, current, alone, currentPiece, anchoredAfter) : { ...alone, rewrites: [] }) };
}

/** The run of phrase pieces ending with the current message, judged as one phrase. */
function withEarlier(previous: readonly StoredMessage[], current: string, alone: Redaction, currentPiece: PhrasePiece | undefined, anchoredAfter: boolean): ConversationRedaction {
  const recent = previous.slice(-MAX_PREVIOUS_MESSAGES);

  // The run of pieces just before the current message, in the current piece's language.
  const lang = currentPiece?.lang;
  const run: { message: StoredMessage; piece: PhrasePiece }[] = [];
  let i = recent.length - 1;
  for (; i >= 0; i--) {
    if (recent[i]!.text.includes('[redacted:')) break;
    const piece = phrasePiece(detectionView(recent[i]!.text).text);
    if (!piece || (lang !== undefined && piece.lang !== lang) || (run[0] && run[0].piece.lang !== piece.lang)) break;
    run.unshift({ message: recent[i]!, piece });
  }
  const anchoredBefore = i >= 0 && ENDS_WITH_PHRASE.test(recent[i]!.text);
  const pieces = [...run.map((entry) => entry.piece), ...(currentPiece ? [currentPiece] : [])];
  if (pieces.length === 0) return { ...alone, rewrites: [] };
  const isPhrase = anchoredBefore || anchoredAfter ? continuesPhrase(pieces) : pieces.length >= 2 && completesPhrase(pieces);
  if (!isPhrase) return { ...alone, rewrites: [] };

  const rewrites = run.map(({ message, piece }) => ({ id: message.id, text: replacePiece(message.text, piece) }));
  if (!currentPiece) return { ...alone, rewrites };
  const found: SecretKind[] = ['seed phrase'];
  return { text: replacePiece(current, currentPiece), found, unexplainedHex: false, rewrites };
}

/** The message with its piece of a phrase replaced by the placeholder (numbering and label kept). */
function replacePiece(text: string, piece: PhrasePiece): string {
  const view = detectionView(text);
  return replaceFindings(text, view, [{ start: piece.start, end: piece.end, kind: 'seed phrase' }]).text;
}

/** Pieces that together are a whole phrase (no redacted phrase next to them). */
function completesPhrase(pieces: readonly PhrasePiece[]): boolean {
  const words = pieces.flatMap((piece) => piece.words);
  if (words.length < MIN_PHRASE_WORDS) return false;
  if (pieces[0]!.lang === 'en') {
    if (new Set(words).size < words.length - 2) return false;
    const chat = words.filter((word) => CHAT_WORDS.has(word)).length;
    return chat * 4 <= words.length || (chat * 2 <= words.length && hasChecksummedEnglishTail(pieces));
  }
  // Chinese: a tail of whole messages of a phrase's length, checksummed or random enough.
  let length = 0;
  for (let i = pieces.length - 1; i >= 0; i--) {
    length += pieces[i]!.words.length;
    if (length < MIN_PHRASE_WORDS || length % 3 !== 0 || length > 24) continue;
    const tail = words.slice(-length);
    const spaced = pieces.slice(i).every((piece) => piece.spaced);
    if (isChecksummedChinese(tail) || randomness(tail) >= (spaced ? LABELLED_RANDOMNESS : BARE_RANDOMNESS)) return true;
  }
  return false;
}

/** Pieces next to a redacted phrase: its rest, unless they read as chat ("thanks", "好的"). */
function continuesPhrase(pieces: readonly PhrasePiece[]): boolean {
  const words = pieces.flatMap((piece) => piece.words);
  if (words.length < MIN_CONTINUATION_WORDS) return false;
  if (pieces[0]!.lang === 'en') return words.filter((word) => CHAT_WORDS.has(word)).length * 2 <= words.length;
  return randomness(words) >= LABELLED_RANDOMNESS;
}
