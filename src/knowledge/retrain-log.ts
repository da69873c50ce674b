import { desc } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
import type { RetrainScores } from './retrain-worker.js';

/** A retrain of the running bot as recorded: its version, both dev-set scores, its size and time. */
export interface RetrainRecord {
  readonly version: number;
  readonly scores: RetrainScores;
  /** True when the new classifier scored lower than the one it replaced. */
  readonly worse: boolean;
  readonly examples: number;
  readonly trainMs: number;
  readonly at: Date;
}

/** The running bot's retrains and their dev-set scores, for `kb status`. */
export class RetrainLog {
  constructor(private readonly engine: Engine) {}

  /** Records a scored retrain. */
  async record(retrain: Omit<RetrainRecord, 'worse'>): Promise<void> {
    const { version, scores, examples, trainMs, at } = retrain;
    await this.engine.run((db, { knowledgeRetrains }) =>
      db
        .insert(knowledgeRetrains)
        .values({ version, candidateScore: scores.candidate.overall, currentScore: scores.current.overall, details: JSON.stringify(scores), examples, trainMs: Math.round(trainMs), createdAt: at }),
    );
  }

  /** The latest scored retrain, if any. */
  async last(): Promise<RetrainRecord | undefined> {
    const [row] = await this.engine.run((db, { knowledgeRetrains }) => db.select().from(knowledgeRetrains).orderBy(desc(knowledgeRetrains.id)).limit(1));
    if (!row) return undefined;
    return {
      version: row.version,
      scores: JSON.parse(row.details) as RetrainScores,
      worse: isWorse(row.candidateScore, row.currentScore),
      examples: row.examples,
      trainMs: row.trainMs,
      at: row.createdAt,
    };
  }
}

/** Whether a new classifier's score is below the current one's. */
export function isWorse(candidate: number, current: number): boolean {
  return candidate < current;
}
