import { detectionView, replaceFindings, type SecretKind } from './findings.js';
import { findExtendedKeys, findRawKeys, findWifKeys } from './keys.js';
import { findChineseMnemonics, findEnglishMnemonics } from './mnemonics.js';
import { findEmailStepSecrets, findPasswords } from './passwords.js';
import { findTwoFactorSecrets } from './two-factor.js';

export type { SecretKind } from './findings.js';

/** What {@link redactSecrets} did to a message. */
export interface Redaction {
  /** The message with every secret replaced by `[redacted: <kind>]`; otherwise the message exactly as given. */
  readonly text: string;
  /** The kinds found, once each, in order of appearance. */
  readonly found: readonly SecretKind[];
  /**
   * A bare key-shaped string (64 hex digits whole or in groups, a 64-byte base58 string, a padded
   * 32- or 64-byte base64 string) was redacted as a possible private key although it may be a
   * transaction hash: the user should be asked which it was.
   */
  readonly unexplainedHex: boolean;
}

/** What the conversation was waiting for when the message arrived (context for ambiguous shapes). */
export interface RedactionContext {
  /** The bot just asked for a transaction ID: a 64-hex answer is one, unless it is labelled as a key. */
  readonly expectingTransactionId?: boolean;
  /**
   * The bot just asked for the registered e-mail address: besides the usual secrets, every word
   * that is not the address and looks like a password ("alice@x.com Hunter2!", "hunter2!Xy") is
   * redacted as one. A plain address, "skip" or a sentence comes back as sent.
   */
  readonly expectingEmail?: boolean;
}

/**
 * Finds and redacts secrets in a user's message before anything stores, logs, classifies
 * or forwards it: BIP39 seed phrases (English and Chinese word lists; numbered, separated by
 * spaces, line breaks, punctuation, emoji or JSON syntax, or Chinese written without spaces),
 * raw private keys (64 hex digits whole, wrapped or in groups, 32/64-byte base64; kept as a
 * transaction ID when the context says so), WIF and extended private keys, 2FA setup keys and
 * otpauth:// links, and passwords given in a "my password is …" sentence or in answer to the
 * e-mail question. Detection runs on an NFKC-normalised copy (full-width letters and punctuation,
 * no-break spaces) but replaces the spans in the original, so a message without secrets comes
 * back exactly as it was sent. Secrets split over several messages: see `redactAcrossMessages`.
 *
 * @example redactSecrets('pk: 0x4c08…(64 hex)').text // 'pk: [redacted: private key]'
 */
export function redactSecrets(text: string, context: RedactionContext = {}): Redaction {
  const view = detectionView(text);
  const findings = [
    ...findExtendedKeys(view.text),
    ...findWifKeys(view.text),
    ...findRawKeys(view.text, context.expectingTransactionId ?? false),
    ...findTwoFactorSecrets(view.text),
    ...findEnglishMnemonics(view.text),
    ...findChineseMnemonics(view.text),
    ...findPasswords(view.text),
    ...(context.expectingEmail ? findEmailStepSecrets(view.text) : []),
  ];
  if (findings.length === 0) return { text, found: [], unexplainedHex: false };
  return { ...replaceFindings(text, view, findings), unexplainedHex: findings.some((finding) => finding.unexplained) };
}
