import { and, desc, gte, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { knowledgeEdits, unansweredQuestions } from '../db/schema.js';

/** An unanswered question (fallback, clarify or "No"), its text redacted when it was stored. */
export interface UnansweredQuestion {
  readonly id: number;
  readonly text: string;
  readonly lang: string;
  readonly reason: 'fallback' | 'clarify' | 'not_helpful';
  readonly at: Date;
}

/** The questions the bot missed, for review: read those not dismissed, dismiss reviewed ones (audited). */
export class UnansweredQuestions {
  constructor(private readonly db: Database) {}

  /** The questions missed since `since` and not dismissed, newest first (at most `limit`). */
  open(since: Date, limit = 5_000): UnansweredQuestion[] {
    return this.db
      .select({ id: unansweredQuestions.id, text: unansweredQuestions.text, lang: unansweredQuestions.lang, reason: unansweredQuestions.reason, at: unansweredQuestions.createdAt })
      .from(unansweredQuestions)
      .where(and(isNull(unansweredQuestions.dismissedAt), gte(unansweredQuestions.createdAt, since)))
      .orderBy(desc(unansweredQuestions.id))
      .limit(limit)
      .all();
  }

  /** Marks questions as reviewed with nothing to learn; returns how many were still open. */
  dismiss(ids: readonly number[], actor: string, now: Date): number {
    return this.db.transaction((tx) => {
      const changed = tx
        .update(unansweredQuestions)
        .set({ dismissedAt: now, dismissedBy: actor })
        .where(and(inArray(unansweredQuestions.id, [...ids]), isNull(unansweredQuestions.dismissedAt)))
        .run().changes;
      if (changed > 0)
        tx.insert(knowledgeEdits)
          .values({ action: 'dismiss', text: `unanswered questions ${ids.join(', ')}`, actor, createdAt: now })
          .run();
      return changed;
    });
  }
}
