import type { IncomingMessage, Lang } from '../contracts/index.js';
import { detectLanguage } from '../nlu/language.js';
import { parseCommand } from './commands.js';
import type { DialogueState } from './state.js';

/** Chinese characters mean Chinese; a few Latin words mean English; otherwise undefined (keep what we had). */
export function guessLang(text: string): Lang | undefined {
  const detected = detectLanguage(text);
  if (detected === 'zh' || detected === 'mixed') return 'zh';
  return /[a-z]{3,}/i.test(text) ? 'en' : undefined;
}

/**
 * The one language of a turn's replies: the pinned one (`/lang`), else the language of what the
 * user wrote, else the conversation's so far, else the platform's hint, else English.
 */
export function chooseLang(text: string, message: IncomingMessage, state: DialogueState): Lang {
  if (state.langLocked && state.lang) return state.lang;
  const words = text.replace(/\[redacted: [a-z ]+\]/g, ' ');
  const said = parseCommand(words) ? undefined : guessLang(words);
  // Answers to the hand-off questions ("today 14:30", a hash, "5") say little about the user's
  // language; only Chinese words do (a user who typed /human first, then "我的提现没到账").
  if ((state.mode === 'collecting' || state.mode === 'rating') && state.lang) return said === 'zh' ? said : state.lang;
  return said ?? state.lang ?? message.langHint ?? 'en';
}
