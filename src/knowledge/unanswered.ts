import { and, desc, gte, inArray, isNull } from 'drizzle-orm';
import type { Engine } from '../db/index.js';

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
  constructor(private readonly engine: Engine) {}

  /** The questions missed since `since` and not dismissed, newest first (at most `limit`). */
  async open(since: Date, limit = 5_000): Promise<UnansweredQuestion[]> {
    return this.engine.run((db, { unansweredQuestions }) =>
      db
        .select({ id: unansweredQuestions.id, text: unansweredQuestions.text, lang: unansweredQuestions.lang, reason: unansweredQuestions.reason, at: unansweredQuestions.createdAt })
        .from(unansweredQuestions)
        .where(and(isNull(unansweredQuestions.dismissedAt), gte(unansweredQuestions.createdAt, since)))
        .orderBy(desc(unansweredQuestions.id))
        .limit(limit),
    );
  }

  /** Marks questions as reviewed with nothing to learn (one transaction with its audit line); returns how many were still open. */
  async dismiss(ids: readonly number[], actor: string, now: Date): Promise<number> {
    if (ids.length === 0) return 0;
    return this.engine.transaction(() =>
      this.engine.run(async (db, { knowledgeEdits, unansweredQuestions }) => {
        const changed = await db
          .update(unansweredQuestions)
          .set({ dismissedAt: now, dismissedBy: actor })
          .where(and(inArray(unansweredQuestions.id, [...ids]), isNull(unansweredQuestions.dismissedAt)))
          .returning({ id: unansweredQuestions.id });
        if (changed.length > 0) await db.insert(knowledgeEdits).values({ action: 'dismiss', text: `unanswered questions ${ids.join(', ')}`, actor, createdAt: now });
        return changed.length;
      }),
    );
  }
}
