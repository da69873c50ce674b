import type { Lang } from '../../src/core/index.js';
import type { ConsoleOperations } from './operations.js';

/** The review page's edits of a missed-question group, by the last part of their POST path (`/desk/review/<action>`). */
export const REVIEW_ACTIONS = ['add-phrase', 'add-question', 'create-entry'] as const;

/** One of {@link REVIEW_ACTIONS}. */
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** The form fields of each action, as posted. */
const FIELDS: Readonly<Record<ReviewAction, readonly string[]>> = {
  'add-phrase': ['intent', 'lang', 'text'],
  'add-question': ['entry', 'lang', 'text'],
  'create-entry': ['id', 'intent', 'questionEn', 'questionZh', 'answerEn', 'answerZh'],
};

/** What the admin typed in one action's form, kept whole so a refused edit shows it again. */
export interface ReviewDraft {
  readonly action: ReviewAction;
  /** The group's question ids, as the form carries them (`12,15,16`). */
  readonly ids: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** The draft a POSTed form holds: its action's fields as strings (missing ones empty). */
export function readDraft(action: ReviewAction, body: Readonly<Record<string, unknown>>): ReviewDraft {
  const text = (name: string) => (typeof body[name] === 'string' ? body[name] : '');
  return { action, ids: text('ids'), fields: Object.fromEntries(FIELDS[action].map((name) => [name, text(name)])) };
}

/**
 * Applies a draft through the console's operations as `actor`.
 * @throws (rejects with) the operations' `KnowledgeEditError` when the edit is refused (its message says why).
 */
export async function applyDraft(draft: ReviewDraft, operations: ConsoleOperations, actor: string): Promise<void> {
  const ids = draft.ids
    .split(',')
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
  const { fields } = draft;
  const lang = fields.lang as Lang;
  switch (draft.action) {
    case 'add-phrase':
      return operations.addPhrase(ids, { intent: fields.intent ?? '', lang, text: fields.text ?? '' }, actor);
    case 'add-question':
      return operations.addFaqQuestion(ids, { entryId: fields.entry ?? '', lang, text: fields.text ?? '' }, actor);
    case 'create-entry':
      return operations.createFaqEntry(
        ids,
        {
          id: fields.id ?? '',
          intent: fields.intent ?? '',
          questions: { en: [fields.questionEn ?? ''], zh: [fields.questionZh ?? ''] },
          answer: { en: fields.answerEn ?? '', zh: fields.answerZh ?? '' },
        },
        actor,
      );
  }
}
