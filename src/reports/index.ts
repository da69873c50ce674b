import type { Engine } from '../db/index.js';
import type { KnowledgeBase } from '../nlu/knowledge-base.js';
import { readHistory } from './history.js';
import type { Period } from './period.js';
import { buildReport, type Report } from './report.js';
import { BotSignals } from './signals.js';

export type { Report } from './report.js';
export { parsePeriod, type Period } from './period.js';
export { toCsv } from './csv.js';

/** The operators' report of `period`, read from the database (either engine, the same figures); `knowledgeBase` names the FAQ entries answered. */
export async function reportFor(engine: Engine, period: Period, knowledgeBase: KnowledgeBase): Promise<Report> {
  return buildReport(await readHistory(engine, period), period, new BotSignals(knowledgeBase));
}
