import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import type { Lang } from '../contracts/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { Brain } from '../nlu/brain.js';
import { reviewMissed, type MissedGroup } from '../knowledge/review.js';
import { UnansweredQuestions } from '../knowledge/unanswered.js';
import { parsePeriod } from '../reports/index.js';
import { openDatabase } from '../db/index.js';
import { KnowledgeEditError } from '../knowledge/errors.js';
import { KnowledgeStore } from '../knowledge/store.js';
import { readIntentFiles, TRAINING_LANGS } from '../nlu/training-data.js';
import { printable } from '../safety/terminal-text.js';
import { UsageError } from './errors.js';
import { writeLine, type CliIo } from './io.js';

/** Where `kb export` writes by default: the repository's `intents/`. */
const INTENTS_DIR = fileURLToPath(new URL('../../intents/', import.meta.url));

/** What a `kb` command works with. */
interface KbContext {
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
 * `kb add-phrase|remove-phrase|phrases|history|export`: the live knowledge base's training phrases.
 * Edits take effect in the running bot within `KB_POLL_SECONDS` plus a retrain, with no restart.
 */
export function addKbCommand(program: Command, io: CliIo): void {
  const kb = program.command('kb').description('the live knowledge base: training phrases, their history, export to intents/');
  const withStore =
    <T extends unknown[]>(run: (store: KnowledgeStore, ...args: T) => void) =>
    (...args: T) =>
      withDatabase(({ store }) => run(store, ...args));
  const withDatabase = (run: (context: KbContext) => void) => {
    const config = loadConfig(io.env);
    const database = openDatabase(config.databasePath);
    try {
      const store = new KnowledgeStore(database.db);
      store.seedIfEmpty(readIntentFiles(), new Date());
      run({ store, config, unanswered: new UnansweredQuestions(database.db) });
    } catch (error) {
      // A refused edit is the user's to fix: exit code 2 with the reason.
      if (error instanceof KnowledgeEditError) throw new UsageError(`refused: ${error.message}`);
      throw error;
    } finally {
      database.close();
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
    withStore((store, text: string[], options: PhraseOptions) => {
      store.addPhrase({ intent: options.intent, lang: options.lang, text: text.join(' '), actor: actor(options) }, new Date());
      writeLine(io.stdout, `added to ${options.intent} (${options.lang}); knowledge base v${store.version()}`);
    }),
  );

  phraseCommand('remove-phrase', "remove a training phrase (not an intent's last in a language)").action(
    withStore((store, text: string[], options: PhraseOptions) => {
      store.removePhrase({ intent: options.intent, lang: options.lang, text: text.join(' '), actor: actor(options) }, new Date());
      writeLine(io.stdout, `removed from ${options.intent} (${options.lang}); knowledge base v${store.version()}`);
    }),
  );

  kb.command('phrases')
    .description('list the training phrases')
    .option('--intent <id>', 'only this intent')
    .option('--json', 'print the phrases as {"en": {intent: [...]}, "zh": {...}}')
    .action(
      withStore((store, options: { intent?: string; json?: boolean }) => {
        const all = store.phrases();
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
      withStore((store, options: { limit: string; json?: boolean }) => {
        const edits = store.history(Math.max(1, Number.parseInt(options.limit, 10) || 50));
        if (options.json) return writeLine(io.stdout, JSON.stringify(edits));
        for (const edit of edits) writeLine(io.stdout, cells([edit.at.toISOString(), edit.actor, edit.action, edit.intent ?? '', edit.lang ?? '', edit.text ?? '']));
      }),
    );

  kb.command('review')
    .description('what the bot missed (fallback, clarify, "No"), grouped into similar questions, largest group first')
    .option('--since <period>', 'a duration (7d, 24h) or a past ISO date', '30d')
    .option('--json', 'print a JSON array of groups')
    .action((options: { since: string; json?: boolean }) => {
      const period = parsePeriod(options.since, new Date());
      if (!period) throw new UsageError(`--since takes a duration such as 30d or 24h, or a past ISO date; got "${options.since}"`);
      withDatabase(({ store, config, unanswered }) => {
        const groups = reviewMissed(unanswered.open(period.since), Brain.load(config.nlu, config.links, store.phrases()));
        if (options.json) writeLine(io.stdout, JSON.stringify(groups));
        else printGroups(io.stdout, groups);
      });
    });

  kb.command('dismiss')
    .description('mark missed questions as reviewed with nothing to learn (ids from kb review)')
    .argument('<ids...>', 'question ids')
    .option('--agent <name>', 'who dismisses them (default: $USER)')
    .action((ids: string[], options: { agent?: string }) => {
      const numbers = ids.map(Number);
      if (numbers.some((id) => !Number.isInteger(id) || id <= 0)) throw new UsageError('ids are the positive numbers kb review --json lists');
      withDatabase(({ unanswered }) => {
        const dismissed = unanswered.dismiss(numbers, `cli:${options.agent ?? io.env.USER ?? 'operator'}`, new Date());
        writeLine(io.stdout, `dismissed ${dismissed} question${dismissed === 1 ? '' : 's'}`);
      });
    });

  kb.command('export')
    .description("write the database's phrases to <dir>/en.json and zh.json (the repository's format)")
    .option('--dir <dir>', 'where to write', INTENTS_DIR)
    .action(
      withStore((store, options: { dir: string }) => {
        const phrases = store.phrases();
        mkdirSync(options.dir, { recursive: true });
        for (const lang of TRAINING_LANGS) writeFileSync(join(options.dir, `${lang}.json`), `${JSON.stringify(phrases[lang], null, 2)}\n`);
        writeLine(io.stdout, `exported knowledge base v${store.version()} to ${options.dir}`);
      }),
    );
}

/** One tab-separated line, every cell escaped for the terminal. */
function cells(values: readonly string[]): string {
  return values.map((value) => printable(value, { oneLine: true })).join('\t');
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
