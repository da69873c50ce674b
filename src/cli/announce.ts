import { InvalidArgumentError, Option, type Command } from 'commander';
import { NoticeBoard, NoticeError } from '../announcements/notice-board.js';
import { loadConfig } from '../config/index.js';
import { NOTICE_KINDS, type NoticeKind } from '../contracts/index.js';
import { openEngine } from '../db/open.js';
import { UsageError } from './errors.js';
import { writeLine, type CliIo } from './io.js';

/** An ISO 8601 moment with a date and a time (`2025-05-01T02:00Z`, `2025-05-01T10:00+08:00`). */
const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

function moment(value: string): Date {
  const at = new Date(value);
  if (!ISO_MOMENT.test(value.trim()) || Number.isNaN(at.getTime())) throw new InvalidArgumentError('expected an ISO 8601 date and time with its zone, e.g. 2025-05-01T02:00Z');
  return at;
}

/**
 * `announce --kind maintenance|incident|update --en <text> --zh <text> [--from <ISO>] --until <ISO> [--json]`:
 * publishes a notice and queues it for every subscriber (the running bot delivers it).
 */
export function addAnnounceCommand(program: Command, io: CliIo): void {
  program
    .command('announce')
    .description('publish a notice to every subscriber (maintenance, incident or update)')
    .addOption(new Option('--kind <kind>', 'what the notice is about').choices(NOTICE_KINDS).makeOptionMandatory())
    .requiredOption('--en <text>', 'the notice in English')
    .requiredOption('--zh <text>', 'the notice in Chinese')
    .option('--from <ISO>', 'when it starts applying (default: now)', moment)
    .requiredOption('--until <ISO>', 'when it stops applying', moment)
    .option('--json', 'print the notice as JSON')
    .action(async (options: { kind: NoticeKind; en: string; zh: string; from?: Date; until: Date; json?: boolean }) => {
      const engine = await openEngine(loadConfig(io.env));
      try {
        const now = new Date();
        const notice = await new NoticeBoard(engine).publish({ kind: options.kind, text: { en: options.en, zh: options.zh }, startsAt: options.from ?? now, endsAt: options.until }, now);
        writeLine(io.stdout, options.json ? JSON.stringify(notice) : `published notice ${notice.id} (${notice.kind}, ${notice.startsAt} – ${notice.endsAt}) for ${notice.recipients} subscribers`);
      } catch (error) {
        if (error instanceof NoticeError) throw new UsageError(error.message);
        throw error;
      } finally {
        await engine.close();
      }
    });
}
