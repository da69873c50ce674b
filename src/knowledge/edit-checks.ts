/**
 * The checks every knowledge-base edit passes before it is stored: a known intent and language, a
 * text that is not empty, not too long and holds no secret. Each failure is a {@link KnowledgeEditError}
 * whose message says what to fix.
 */
import { isIntentId, type IntentId, type Lang } from '../contracts/index.js';
import { redactSecrets } from '../safety/redact.js';
import { KnowledgeEditError } from './errors.js';

/** The longest training phrase or FAQ question accepted. */
export const MAX_PHRASE_LENGTH = 500;
/** The longest FAQ answer accepted. */
export const MAX_ANSWER_LENGTH = 4_000;
/** What a FAQ entry's id looks like: kebab-case, as in `data/faq.json`. */
const ENTRY_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The longest FAQ entry id accepted. */
const MAX_ENTRY_ID_LENGTH = 64;

/** What a checked text is, for the error messages. */
type TextKind = 'phrase' | 'question' | 'answer';

/** `intent`, once known to be an intent of the taxonomy. */
export function checkedIntent(intent: string): IntentId {
  if (!isIntentId(intent)) throw new KnowledgeEditError('unknownIntent', { intent });
  return intent;
}

/** `lang`, once known to be one the brain is trained in. */
export function checkedLang(lang: string): Lang {
  if (lang !== 'en' && lang !== 'zh') throw new KnowledgeEditError('unknownLang', { value: lang });
  return lang;
}

/** A FAQ entry id, once known to be kebab-case and not too long. */
export function checkedEntryId(id: string): string {
  const trimmed = id.trim();
  if (!ENTRY_ID.test(trimmed) || trimmed.length > MAX_ENTRY_ID_LENGTH) throw new KnowledgeEditError('badEntryId', { id, max: MAX_ENTRY_ID_LENGTH });
  return trimmed;
}

/**
 * A phrase or question on one line (runs of white space made one space), or an answer with its
 * line breaks kept; trimmed, once known not to be empty, too long or to hold a secret.
 */
export function checkedText(text: string, kind: TextKind, lang: Lang): string {
  const cleaned = kind === 'answer' ? text.replace(/\r\n?/g, '\n').trim() : text.replace(/\s+/g, ' ').trim();
  const max = kind === 'answer' ? MAX_ANSWER_LENGTH : MAX_PHRASE_LENGTH;
  if (!cleaned) throw new KnowledgeEditError('empty', { lang, kind });
  if (cleaned.length > max) throw new KnowledgeEditError('tooLong', { lang, kind, max });
  const { found } = redactSecrets(cleaned);
  if (found.length > 0 || /\[redacted: /.test(cleaned)) throw new KnowledgeEditError('secret', { lang, kind, found: found.join(', ') || 'a redaction placeholder' });
  return cleaned;
}
