import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import type { Lang } from '../contracts/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { reviewMissed, type MissedGroup } from '../knowledge/review.js';
import { UnansweredQuestions } from '../knowledge/unanswered.js';
import { parsePeriod } from '../reports/index.js';
import type { Engine } from '../db/index.js';
import { openEngine } from '../db/open.js';
import { KnowledgeEditError } from '../knowledge/errors.js';
import { exportKnowledge } from '../knowledge/export.js';
import { buildBrain } from '../knowledge/live-brain.js';
import { RetrainLog } from '../knowledge/retrain-log.js';
import type { KnowledgeStore } from '../knowledge/store.js';
import { TRAINING_LANGS } from '../nlu/training-data.js';
import { printable } from '../safety/terminal-text.js';
import { openKnowledge } from '../services.js';
import { UsageError } from './errors.js';
import { writeLine, type CliIo } from './io.js';
import { addFaqCommands, cells } from './kb-faq.js';

/** Where `kb export` writes by default: the repository (its `data/faq.json` and `intents/`). */
const REPOSITORY_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** What a `kb` command works with. */
interface KbContext {
  readonly engine: Engine;
  readonly store: KnowledgeStore;
  readonly unanswered: UnansweredQuestions;
  readonly config: Config;
}

/** Options of the phrase edits. */
interface PhraseOptions {
  readonly intent: string;
  readonly lang: Lang;
  readonly agent?: string;
}

/**
 * `kb add-phrase|remove-phrase|phrases|history|review|dismiss|status|export` and `kb faq ...`: the
 * live knowledge base's training phrases and FAQ. Edits take effect in the running bot within
 * `KB_POLL_SECONDS` plus a retrain, with no restart.
 */
export function addKbCommand(program: Command, io: CliIo): void {
  const kb = program.command('kb').description('the live knowledge base: training phrases, FAQ, their history, export to the repository');
  const withStore =
    <T extends unknown[]>(run: (store: KnowledgeStore, ...args: T) => Promise<void>) =>
    (...args: T) =>
      withDatabase(({ store }) => run(store, ...args));
  // The configured database: Postgres with DATABASE_URL, else the SQLite file; closed when the command ends.
  const withDatabase = async (run: (context: KbContext) => Promise<void>): Promise<void> => {
    const config = loadConfig(io.env);
    const engine = await openEngine(config);
    try {
      await run({ engine, store: await openKnowledge(engine), config, unanswered: new UnansweredQuestions(engine) });
    } catch (error) {
      // A refused edit is the user's to fix: exit code 2 with the reason.
      if (error instanceof KnowledgeEditError) throw new UsageError(`refused: ${error.message}`);
      throw error;
    } finally {
      await engine.close();
    }
  };
  const actor = (options: PhraseOptions) => `cli:${options.agent ?? io.env.USER ?? 'operator'}`;
  const phraseCommand = (name: string, description: string) =>
    kb
      .command(name)
      .description(description)
      .argument('<text...>', 'the phrase')
      .requiredOption('--intent <id>', 'an intent id of the taxonomy (DESIGN.md)')
      .addOption(new Option('--lang <lang>', 'the phrase language').choices(TRAINING_LANGS).makeOptionMandatory())
      .option('--agent <name>', 'who makes the edit (default: $USER)');

  phraseCommand('add-phrase', 'add a training phrase to an intent').action(
    withStore(async (store, text: string[], options: PhraseOptions) => {
      await store.addPhrase({ intent: options.intent, lang: options.lang, text: text.join(' '), actor: actor(options) }, new Date());
      writeLine(io.stdout, `added to ${options.intent} (${options.lang}); knowledge base v${await store.version()}`);
    }),
  );

  phraseCommand('remove-phrase', "remove a training phrase (not an intent's last in a language)").action(
    withStore(async (store, text: string[], options: PhraseOptions) => {
      await store.removePhrase({ intent: options.intent, lang: options.lang, text: text.join(' '), actor: actor(options) }, new Date());
      writeLine(io.stdout, `removed from ${options.intent} (${options.lang}); knowledge base v${await store.version()}`);
    }),
  );

  kb.command('phrases')
    .description('list the training phrases')
    .option('--intent <id>', 'only this intent')
    .option('--json', 'print the phrases as {"en": {intent: [...]}, "zh": {...}}')
    .action(
      withStore(async (store, options: { intent?: string; json?: boolean }) => {
        const all = await store.phrases();
        const chosen = Object.fromEntries(TRAINING_LANGS.map((lang) => [lang, Object.fromEntries(Object.entries(all[lang]).filter(([intent]) => !options.intent || intent === options.intent))]));
        if (options.json) return writeLine(io.stdout, JSON.stringify(chosen));
        for (const lang of TRAINING_LANGS) for (const [intent, texts] of Object.entries(chosen[lang]!)) for (const text of texts) writeLine(io.stdout, cells([intent, lang, text]));
      }),
    );

  kb.command('history')
    .description('the latest edits: who, when, what')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print a JSON array')
    .action(
      withStore(async (store, options: { limit: string; json?: boolean }) => {
        const edits = await store.history(Math.max(1, Number.parseInt(options.limit, 10) || 50));
        if (options.json) return writeLine(io.stdout, JSON.stringify(edits));
        for (const edit of edits) writeLine(io.stdout, cells([edit.at.toISOString(), edit.actor, edit.action, edit.faqId ?? edit.intent ?? '', edit.lang ?? '', edit.text ?? '']));
      }),
    );

  kb.command('review')
    .description('what the bot missed (fallback, clarify, "No"), grouped into similar questions, largest group first')
    .option('--since <period>', 'a duration (7d, 24h) or a past ISO date', '30d')
    .option('--json', 'print a JSON array of groups')
    .action(async (options: { since: string; json?: boolean }) => {
      const period = parsePeriod(options.since, new Date());
      if (!period) throw new UsageError(`--since takes a duration such as 30d or 24h, or a past ISO date; got "${options.since}"`);
      await withDatabase(async ({ store, config, unanswered }) => {
        const { phrases, faq } = await store.snapshot();
        const groups = reviewMissed(await unanswered.open(period.since), buildBrain({ policy: config.nlu, links: config.links }, phrases, faq));
        if (options.json) writeLine(io.stdout, JSON.stringify(groups));
        else printGroups(io.stdout, groups);
      });
    });

  kb.command('dismiss')
    .description('mark missed questions as reviewed with nothing to learn (ids from kb review)')
    .argument('<ids...>', 'question ids')
    .option('--agent <name>', 'who dismisses them (default: $USER)')
    .action(async (ids: string[], options: { agent?: string }) => {
      const numbers = ids.map(Number);
      if (numbers.some((id) => !Number.isInteger(id) || id <= 0)) throw new UsageError('ids are the positive numbers kb review --json lists');
      await withDatabase(async ({ unanswered }) => {
        const dismissed = await unanswered.dismiss(numbers, `cli:${options.agent ?? io.env.USER ?? 'operator'}`, new Date());
        writeLine(io.stdout, `dismissed ${dismissed} question${dismissed === 1 ? '' : 's'}`);
      });
    });

  kb.command('status')
    .description("the knowledge base's version and size, and the last retrain's dev-set scores (new vs the brain it replaced)")
    .option('--json', 'print one JSON object')
    .action((options: { json?: boolean }) =>
      withDatabase(async ({ engine, store }) => {
        const { version, phrases, faq } = await store.snapshot();
        const status = {
          version,
          phrases: Object.fromEntries(TRAINING_LANGS.map((lang) => [lang, Object.values(phrases[lang]).reduce((total, texts) => total + texts.length, 0)])),
          faqEntries: faq.length,
          lastRetrain: (await new RetrainLog(engine).last()) ?? null,
        };
        if (options.json) return writeLine(io.stdout, JSON.stringify(status));
        writeLine(io.stdout, `knowledge base v${version}: ${status.phrases.en} en and ${status.phrases.zh} zh phrases, ${faq.length} FAQ entries`);
        const last = status.lastRetrain;
        if (!last) return writeLine(io.stdout, 'no scored retrain yet');
        const verdict = last.worse ? 'WORSE than the brain it replaced' : 'not worse than the brain it replaced';
        writeLine(io.stdout, `last retrain: v${last.version} at ${last.at.toISOString()}, dev set ${last.scores.candidate.overall} (was ${last.scores.current.overall}): ${verdict}`);
      }),
    );

  kb.command('export')
    .description("write the database's FAQ and phrases to <dir>/data/faq.json and <dir>/intents/{en,zh}.json (the repository's format)")
    .option('--dir <dir>', 'where to write (default: the repository)', REPOSITORY_DIR)
    .action(
      withStore(async (store, options: { dir: string }) => {
        const snapshot = await store.snapshot();
        const files = exportKnowledge(snapshot, options.dir);
        writeLine(io.stdout, `exported knowledge base v${snapshot.version} to ${files.join(', ')}`);
      }),
    );

  addFaqCommands(kb, io, withDatabase);
}

/** The groups for a person at a terminal: count, reasons, closest intent and FAQ entry, examples, ids. */
function printGroups(out: NodeJS.WritableStream, groups: readonly MissedGroup[]): void {
  if (groups.length === 0) return writeLine(out, 'nothing missed');
  for (const group of groups) {
    const reasons = Object.entries(group.reasons)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    writeLine(out, `${group.count}x (${reasons}); closest intent ${group.closestIntent.intent} (${group.closestIntent.confidence}), FAQ ${group.closestFaq?.id ?? '-'}; ids ${group.ids.join(',')}`);
    for (const example of group.examples) writeLine(out, `    ${printable(example, { oneLine: true })}`);
  }
}
