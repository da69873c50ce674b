import type { Lang } from '../contracts/index.js';
import type { BrainHolder } from './brain-holder.js';
import type { NewEntry } from './faq-store.js';
import { reviewMissed, type MissedGroup } from './review.js';
import type { KnowledgeStore } from './store.js';
import type { UnansweredQuestions } from './unanswered.js';

/** What the knowledge operations work with. */
export interface KnowledgeOperationsDeps {
  readonly store: KnowledgeStore;
  readonly unanswered: UnansweredQuestions;
  readonly brains: BrainHolder;
  readonly now?: () => Date;
}

/**
 * The console's review actions (the knowledge part of its `ConsoleOperations`): the review
 * itself, dismissing, and the three edits that turn missed questions into knowledge (each returns
 * a promise). An edit rejects with `KnowledgeEditError` when refused (nothing changed); once stored, the questions `ids`
 * are marked handled and the running bot picks the edit up as after `kb add-phrase`.
 */
export function createKnowledgeOperations({ store, unanswered, brains, now = () => new Date() }: KnowledgeOperationsDeps) {
  const handled = async (ids: readonly number[], actor: string) => {
    if (ids.length > 0) await unanswered.dismiss(ids, actor, now());
  };
  return {
    /** The questions missed since `since`, grouped, largest group first. */
    review: async (since: Date): Promise<MissedGroup[]> => reviewMissed(await unanswered.open(since), brains.current),
    /** Dismisses questions (by id) as `actor`; how many were still open. */
    dismiss: (ids: readonly number[], actor: string): Promise<number> => unanswered.dismiss(ids, actor, now()),
    /** Adds a training phrase; marks the questions `ids` handled. */
    async addPhrase(ids: readonly number[], edit: { readonly intent: string; readonly lang: Lang; readonly text: string }, actor: string): Promise<void> {
      await store.addPhrase({ ...edit, actor }, now());
      await handled(ids, actor);
    },
    /** Adds a question to a FAQ entry; marks the questions `ids` handled. */
    async addFaqQuestion(ids: readonly number[], edit: { readonly entryId: string; readonly lang: Lang; readonly text: string }, actor: string): Promise<void> {
      await store.faq.addQuestion({ ...edit, actor }, now());
      await handled(ids, actor);
    },
    /** Creates a FAQ entry; marks the questions `ids` handled. */
    async createFaqEntry(ids: readonly number[], entry: Omit<NewEntry, 'actor'>, actor: string): Promise<void> {
      await store.faq.createEntry({ ...entry, actor }, now());
      await handled(ids, actor);
    },
    /** The FAQ entries' ids and intents, in order. */
    faqEntries: async (): Promise<{ id: string; intent: string }[]> => (await store.faq.entries()).map(({ id, intent }) => ({ id, intent })),
  };
}
