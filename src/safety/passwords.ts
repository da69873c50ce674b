import type { Finding } from './findings.js';

/** Passwords: in a sentence ("my password is …"), pasted with a login, or typed where an e-mail address was asked for. */

// "my password is X", "password: X", "pw=X", "set my password to X", "login password X1!".
const PASSWORD_EN =
  /\b(?:pass\s?word|passwd|pwd|pw|passcode|passphrase|pin(?:\s?code)?)\b(?<joiner>(?:\s*(?:\b(?:is|was)\b|[:=]))+\s*|\s+(?:to|as)\s+|\s+)(?<value>"[^"\n]{1,64}"|'[^'\n]{1,64}'|“[^”\n]{1,64}”|[\x21-\x7e]{1,64})/gi;
// "我的密码是abc12345", "密码:Passw0rd!", "登录密码 是 xyz789!", "密码改成了Abc123".
const PASSWORD_ZH =
  /(?:密码|密碼|口令|PIN码|PIN碼)(?<joiner>\s*(?:是|为|為|就是|:|=|改成了?|改为|改為|设为|設為|设置为|設置為|设置成|設置成)\s*|\s*)(?<value>"[^"\n]{1,64}"|'[^'\n]{1,64}'|“[^”\n]{1,64}”|[\x21-\x7e]{1,64})/gi;
// "name@example.com:Hunter2!" or "name@example.com / Hunter2!": a login pasted whole.
const EMAIL_AND_PASSWORD = /[^\s@:/]{1,64}@[^\s@:/]{1,255}\.[A-Za-z]{2,}\s*(?<joiner>[:|/])\s*(?<value>[\x21-\x7e]{1,64})/g;

/** What each pattern above needs somewhere in the text (a superset of their labels). */
const MAY_NAME_A_PASSWORD = /pass|pw|pin|密码|密碼|口令|@/i;

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
export function findPasswords(text: string): Finding[] {
  const findings: Finding[] = [];
  // Every pattern needs one of its labels or an e-mail's "@": most messages have none.
  if (!MAY_NAME_A_PASSWORD.test(text)) return findings;
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

// ---------------------------------------------------------------------------------------------
// The answer to "what is your registered e-mail address?".

const EMAIL_ADDRESS = /[^\s@:/,;<>()"'|]{1,64}@[^\s@:/,;<>()"'|]{1,255}\.[A-Za-z]{2,}/g;
/** A domain alone ("gmail.com", "qq.com"): the user's mail provider, not a password. */
const DOMAIN = /^(?:[a-z0-9-]+\.)+[a-z]{2,}$/;
/** A reference the user may add: a ticket or order number ("T-1042", "TX20240315-8812"). */
const REFERENCE = /^[A-Z]{1,4}-?\d+(?:-\d+)?$/;

/**
 * Secrets typed where an e-mail address was asked for. People answer that question with their
 * login: "alice@x.com password123", or the password alone ("hunter2!Xy"). Every word that is not
 * the address and looks like a password is redacted: six or more printable ASCII characters with a
 * letter and a digit or a symbol ("hunter2", "Pa$$word"), that are not a link, a domain, a number
 * or a ticket reference. A word of letters only ("sunshine") is not taken for one: people also
 * answer "skip", "later" or "unknown".
 */
export function findEmailStepSecrets(text: string): Finding[] {
  const findings: Finding[] = [];
  for (const token of text.matchAll(/\S+/g)) {
    // Around an address glued to something else ("alice@x.com,Hunter2!"), each piece counts alone.
    const pieces: [number, number][] = [];
    let from = 0;
    for (const address of token[0].matchAll(EMAIL_ADDRESS)) {
      pieces.push([from, address.index]);
      from = address.index + address[0].length;
    }
    pieces.push([from, token[0].length]);
    for (const [pieceStart, pieceEnd] of pieces) {
      const piece = token[0].slice(pieceStart, pieceEnd);
      const core = piece.replace(/^[,;:|/]+/, '');
      const start = token.index + pieceEnd - core.length;
      if (looksLikePassword(core)) findings.push({ start, end: start + core.length, kind: 'password' });
    }
  }
  return findings;
}

function looksLikePassword(word: string): boolean {
  const core = word.replace(/[.,;:!?)\]]+$/, '');
  if (core.length < 6 || !/^[\x21-\x7e]+$/.test(core) || !/[A-Za-z]/.test(core)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\/|^www\./i.test(core) || DOMAIN.test(core) || REFERENCE.test(core)) return false;
  return /\d/.test(core) || /[^A-Za-z0-9'’._-]/.test(core);
}
