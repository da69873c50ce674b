import type { Finding } from './findings.js';
import { KEY_LABEL, mentionedNear, namedBy } from './labels.js';

/** Authenticator (2FA/TOTP) setup secrets: the base32 key behind the QR code, and otpauth:// links. */

/** Words that put a value in a 2FA setup's context ("Google Authenticator key", "谷歌验证器密钥"). */
const TWO_FACTOR_LABEL =
  /\b2fa\b|\bmfa\b|\btotp\b|\botp\b|two[\s-]*factor|2[\s-]*step|two[\s-]*step|authenticator|google\s*auth|\bauthy\b|setup\s*key|backup\s*(?:key|code)|recovery\s*code|谷歌验证|谷歌驗證|谷歌身份验证|谷歌身份驗證|身份验证器|身份驗證器|验证器|驗證器|二次验证|二次驗證|两步验证|兩步驗證|二步验证|双重验证|雙重驗證|双因素|雙因素|备份密钥|備份密鑰|备用码|備用碼|恢复码|恢復碼/gi;

// A base32 key: one run of 16 or more characters (padding allowed), or groups of four as
// authenticator apps show it ("jbsw y3dp ehpk 3pxp"), in one case.
const BASE32_KEY = /(?<![A-Za-z0-9])(?:[A-Za-z2-7]{16,128}=*|[A-Za-z2-7]{4}(?:[ -][A-Za-z2-7]{4}){3,31})(?![A-Za-z0-9])/g;
// The whole link: its `secret=` parameter is the key.
const OTPAUTH_URI = /otpauth(?:-migration)?:\/\/\S+/gi;

/**
 * 2FA setup secrets: a base32 key labelled as one (a 2FA word nearby, or "secret:"/"key:"/"密钥："
 * right before it), and any otpauth:// link. An unlabelled base32 string is left alone (order
 * references and codes look the same), and so are the 6-digit codes the app shows: they expire
 * in seconds and support asks about them ("my 2FA code 123456 is not working").
 */
export function findTwoFactorSecrets(text: string): Finding[] {
  // A key has a digit 2-7 (see below) and a link says "otpauth": text with neither has no secret here.
  if (!/[2-7]/.test(text) && !/otpauth/i.test(text)) return [];
  const findings: Finding[] = [...text.matchAll(OTPAUTH_URI)].map((match) => ({ start: match.index, end: match.index + match[0].length, kind: 'authenticator key' as const }));
  for (const match of text.matchAll(BASE32_KEY)) {
    const value = match[0].replace(/[ -]/g, '');
    // Random base32 has digits; one case throughout: "Helloworldthankyou" is a word, not a key.
    if (!/[2-7]/.test(value) || !/[A-Za-z]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value))) continue;
    const start = match.index;
    const end = start + match[0].length;
    if (mentionedNear(text, start, end, TWO_FACTOR_LABEL) || namedBy(text, start, end, KEY_LABEL)) findings.push({ start, end, kind: 'authenticator key' });
  }
  return findings;
}
