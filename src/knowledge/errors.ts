import { say, type Lang } from '../contracts/index.js';

/** Why a knowledge-base edit was refused: each has its text in `data/messages.json` (`kb.refused.<code>`). */
export type RefusalCode =
  | 'unknownIntent'
  | 'unknownLang'
  | 'badEntryId'
  | 'empty'
  | 'tooLong'
  | 'secret'
  | 'duplicatePhrase'
  | 'notAPhrase'
  | 'lastPhrase'
  | 'answerMissing'
  | 'questionMissing'
  | 'questionTwice'
  | 'entryExists'
  | 'noEntry'
  | 'duplicateQuestion';

/** What a refusal's text names; `lang` (the edit's language) and `kind` (phrase, question, answer) are said in the reader's language. */
export interface RefusalDetails {
  readonly lang?: Lang;
  readonly kind?: 'phrase' | 'question' | 'answer';
  readonly [name: string]: string | number | undefined;
}

/**
 * A knowledge-base edit refused because it would break the brain or duplicate what is there. Its
 * message says why in English (the CLI's); {@link KnowledgeEditError.textIn} says it in a console's language.
 */
export class KnowledgeEditError extends Error {
  override readonly name = 'KnowledgeEditError';

  constructor(
    readonly code: RefusalCode,
    readonly details: RefusalDetails = {},
  ) {
    super(refusalText('en', code, details));
  }

  /** Why the edit was refused, in `lang`. */
  textIn(lang: Lang): string {
    return refusalText(lang, this.code, this.details);
  }
}

function refusalText(lang: Lang, code: RefusalCode, details: RefusalDetails): string {
  const vars: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(details)) if (value !== undefined) vars[name] = value;
  if (details.lang) vars.lang = say(lang, `kb.lang.${details.lang}`);
  if (details.kind) vars.kind = say(lang, `kb.kind.${details.kind}`);
  return say(lang, `kb.refused.${code}`, vars);
}
