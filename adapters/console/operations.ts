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

/** What the console's admin pages need from the runtime: the report, the review, and dismissing reviewed questions. */
export interface ConsoleOperations {
  /** The report of the period from `since` until now. */
  report(since: Date): ReportView;
  /** The questions missed since `since`, grouped, largest group first. */
  review(since: Date): MissedGroupView[];
  /** Dismisses questions (by id) as `actor` (`web:<login>`); how many were still open. */
  dismiss(ids: readonly number[], actor: string): number;
}
