import type { Database } from '../db/index.js';
import type { KnowledgeBase } from '../nlu/knowledge-base.js';
import { readHistory } from './history.js';
import type { Period } from './period.js';
import { buildReport, type Report } from './report.js';
import { BotSignals } from './signals.js';

export type { Report } from './report.js';
export { parsePeriod, type Period } from './period.js';
export { toCsv } from './csv.js';

/** The operators' report of `period`, read from the database; `knowledgeBase` names the FAQ entries answered. */
export function reportFor(db: Database, period: Period, knowledgeBase: KnowledgeBase): Report {
  return buildReport(readHistory(db, period), period, new BotSignals(knowledgeBase));
}
