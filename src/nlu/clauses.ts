/**
 * The questions a message strings together ("I forgot my password and my withdrawal is
 * stuck", "忘记密码了,还有提现没到账"), read without the classifier.
 */
import { normalizeText } from './normalize.js';

// Where one question ends and the next begins: sentence punctuation and the connectives
// users chain questions with. Commas only split Chinese (English commas join lists).
const EN_BOUNDARY = /[.;!?]+|\s*,?\s*\b(?:and also|and|also|plus|besides|another thing)\b\s*/;
const ZH_BOUNDARY = /[，,。;；!！?？、]+|还有|另外|而且|并且|以及|同时|顺便问一下|顺便问下|顺便/;
/** A clause needs at least this many words (English) or Han characters (Chinese) to be a question of its own. */
const MIN_CLAUSE_WORDS = 2;
const MIN_CLAUSE_HAN = 3;

/** Han characters in `text`. */
export function hanCount(text: string): number {
  return text.match(/\p{Script=Han}/gu)?.length ?? 0;
}

/** Words (runs with a letter or digit) in `text`. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** Whether a piece of a message is long enough to be asked on its own. */
function substantial(clause: string): boolean {
  return hanCount(clause) >= MIN_CLAUSE_HAN || (hanCount(clause) === 0 && wordCount(clause) >= MIN_CLAUSE_WORDS);
}

/**
 * Splits a message into the questions it chains together, in order. A message with one
 * question (or whose pieces are too short to stand alone) comes back as one clause.
 *
 * @example splitClauses('I forgot my password and my withdrawal is stuck') // ['i forgot my password', 'my withdrawal is stuck']
 * @example splitClauses('忘记密码了,还有提现没到账') // ['忘记密码了', '提现没到账']
 */
export function splitClauses(text: string): string[] {
  // Split the raw text: normalising removes the punctuation the boundaries rely on.
  const boundary = hanCount(text) > 0 ? ZH_BOUNDARY : EN_BOUNDARY;
  const pieces = text
    .toLowerCase()
    .split(boundary)
    .map((piece) => piece.trim())
    .filter((piece) => normalizeText(piece) !== '');
  const clauses = pieces.filter(substantial);
  return clauses.length >= 2 ? clauses : [text];
}
