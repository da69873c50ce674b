import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { openEngine } from '../db/open.js';
import { knowledgeBaseOf } from '../nlu/knowledge-base.js';
import { openKnowledge } from '../services.js';
import { parsePeriod, reportFor, toCsv, type Report } from '../reports/index.js';
import { UsageError } from './errors.js';
import { writeLine, type CliIo } from './io.js';

/** `report --since 7d [--json|--csv]`: how the bot is doing (definitions in README.md, "Reports"). */
export function addReportCommand(program: Command, io: CliIo): void {
  program
    .command('report')
    .description('conversations, automated resolution, hand-offs, fallbacks, "Did this help?", CSAT, first-reply time and volume')
    .option('--since <period>', 'a duration (7d, 24h, 90m, 2w) or a past ISO date', '7d')
    .option('--json', 'print one JSON object')
    .option('--csv', 'print metric,value rows')
    .action(async (options: { since: string; json?: boolean; csv?: boolean }) => {
      if (options.json && options.csv) throw new UsageError('choose one of --json and --csv');
      const period = parsePeriod(options.since, new Date());
      if (!period) throw new UsageError(`--since takes a duration such as 7d, 24h or 90m, or a past ISO date; got "${options.since}"`);
      const config = loadConfig(io.env);
      // Postgres with DATABASE_URL, else the SQLite file.
      const engine = await openEngine(config);
      try {
        const knowledge = await openKnowledge(engine);
        const report = await reportFor(engine, period, knowledgeBaseOf(await knowledge.faq.entries(), config.links));
        if (options.json) writeLine(io.stdout, JSON.stringify(report));
        else if (options.csv) io.stdout.write(toCsv(report));
        else printReport(io.stdout, report);
      } finally {
        await engine.close();
      }
    });
}

/** The report for a person at a terminal. */
function printReport(out: NodeJS.WritableStream, r: Report): void {
  const pct = (value: number | null) => (value === null ? '-' : `${Math.round(value * 1000) / 10}%`);
  writeLine(out, `report ${r.period.since} .. ${r.period.until}`);
  writeLine(
    out,
    `conversations: ${r.conversations.total} (${
      Object.entries(r.conversations.byChannel)
        .map(([channel, n]) => `${channel} ${n}`)
        .join(', ') || 'none'
    })`,
  );
  writeLine(out, `automated resolution: ${r.automatedResolution.resolved} (${pct(r.automatedResolution.rate)})`);
  writeLine(
    out,
    `hand-offs: ${r.handoff.conversations} conversations (${pct(r.handoff.rate)}), ${r.handoff.tickets} tickets; ${Object.entries(r.handoff.reasons)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ')}`,
  );
  writeLine(out, `fallback: ${r.fallback.fallback}/${r.fallback.decisions} (${pct(r.fallback.fallbackRate)}); clarify: ${r.fallback.clarify} (${pct(r.fallback.clarifyRate)})`);
  for (const [faqId, votes] of Object.entries(r.helpful)) writeLine(out, `  helped ${faqId}: yes ${votes.yes}, no ${votes.no}`);
  writeLine(out, `CSAT: ${pct(r.csat.csat)} of ${r.csat.responses} ratings, average ${r.csat.average ?? '-'}`);
  writeLine(out, `first reply: p50 ${r.firstReply.p50Minutes ?? '-'} min, p90 ${r.firstReply.p90Minutes ?? '-'} min; SLA breaches ${r.firstReply.breaches}/${r.firstReply.tickets}`);
  writeLine(out, `volume by hour (UTC): ${r.volumeByHour.join(' ')}`);
}
