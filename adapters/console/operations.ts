import type { Lang } from '../../src/core/index.js';

/** Customer satisfaction of a group of rated tickets, as the report gives it. */
export interface SatisfactionView {
  readonly responses: number;
  readonly average: number | null;
  readonly csat: number | null;
}

/** What the reports page shows of the operators' report (`report --json`; README "Reports"). */
export interface ReportView {
  readonly conversations: { readonly total: number };
  readonly automatedResolution: { readonly rate: number };
  readonly handoff: { readonly rate: number; readonly reasons: Readonly<Record<string, number>> };
  readonly fallback: { readonly fallbackRate: number; readonly clarifyRate: number };
  readonly helpful: Readonly<Record<string, { readonly yes: number; readonly no: number }>>;
  readonly csat: SatisfactionView & {
    readonly byIntent: Readonly<Record<string, SatisfactionView>>;
    readonly byLanguage: Readonly<Record<string, SatisfactionView>>;
    readonly byChannel: Readonly<Record<string, SatisfactionView>>;
    readonly byAgent: Readonly<Record<string, SatisfactionView>>;
  };
  readonly firstReply: { readonly tickets: number; readonly p50Minutes: number | null; readonly p90Minutes: number | null; readonly breaches: number };
  readonly volumeByHour: readonly number[];
}

/** A group of similar questions the bot missed (`kb review --json`). */
export interface MissedGroupView {
  readonly count: number;
  readonly ids: readonly number[];
  readonly examples: readonly string[];
  readonly closestIntent: { readonly intent: string; readonly confidence: number };
  readonly closestFaq: { readonly id: string } | null;
}

/** A new FAQ entry from the review page: an id (kebab-case), its intent, and both languages. */
export interface NewFaqEntry {
  readonly id: string;
  readonly intent: string;
  readonly questions: { readonly en: readonly string[]; readonly zh: readonly string[] };
  readonly answer: { readonly en: string; readonly zh: string };
}

/**
 * What the console's admin pages need from the runtime: the report, the review, and acting on
 * reviewed questions. Every method returns a promise. The knowledge edits reject with `KnowledgeEditError` (its message says why) for an
 * edit that would break the brain; on success the questions `ids` are marked handled and the
 * running bot retrains and swaps the brain in (as after `kb add-phrase`).
 */
export interface ConsoleOperations {
  /** The report of the period from `since` until now. */
  report(since: Date): Promise<ReportView>;
  /** The questions missed since `since`, grouped, largest group first. */
  review(since: Date): Promise<MissedGroupView[]>;
  /** Dismisses questions (by id) as `actor` (`web:<login>`); how many were still open. */
  dismiss(ids: readonly number[], actor: string): Promise<number>;
  /** Adds `text` as a training phrase of `intent` in `lang`, as `actor`; marks the questions `ids` handled. */
  addPhrase(ids: readonly number[], edit: { readonly intent: string; readonly lang: Lang; readonly text: string }, actor: string): Promise<void>;
  /** Adds `text` as a question of the FAQ entry `entryId` in `lang`, as `actor`; marks the questions `ids` handled. */
  addFaqQuestion(ids: readonly number[], edit: { readonly entryId: string; readonly lang: Lang; readonly text: string }, actor: string): Promise<void>;
  /** Creates an FAQ entry (both languages required), as `actor`; marks the questions `ids` handled. */
  createFaqEntry(ids: readonly number[], entry: NewFaqEntry, actor: string): Promise<void>;
  /** The FAQ entries' ids and intents, for the review page's pickers. */
  faqEntries(): Promise<readonly { readonly id: string; readonly intent: string }[]>;
}
