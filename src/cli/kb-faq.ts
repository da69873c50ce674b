import { Option, type Command } from 'commander';
import type { Lang } from '../contracts/index.js';
import { MAX_ANSWER_LENGTH } from '../knowledge/edit-checks.js';
import type { KnowledgeStore } from '../knowledge/store.js';
import type { FaqEntry } from '../nlu/knowledge-base.js';
import { TRAINING_LANGS } from '../nlu/training-data.js';
import { printable } from '../safety/terminal-text.js';
import { UsageError } from './errors.js';
import { writeLine, type CliIo } from './io.js';
/** Runs a `kb` command on the opened knowledge base, closing the database after it (refused edits become exit code 2). */
type WithKnowledge = (run: (context: { readonly store: KnowledgeStore }) => Promise<void>) => Promise<void>;

/** Options of `kb faq edit`. */
interface EditOptions {
  readonly lang: Lang;
  readonly answer?: string;
  readonly answerStdin?: boolean;
  readonly agent?: string;
}

/** Options of `kb faq create`. */
interface CreateOptions {
  readonly intent: string;
  readonly questionEn: string[];
  readonly questionZh: string[];
  readonly answerEn: string;
  readonly answerZh: string;
  readonly agent?: string;
}

/**
 * `kb faq list|show|edit|add-question|create`: the live FAQ. Every edit is audited (`kb history`)
 * and answered by the running bot within `KB_POLL_SECONDS`, with no restart.
 */
export function addFaqCommands(kb: Command, io: CliIo, withDatabase: WithKnowledge): void {
  const faq = kb.command('faq').description('the live FAQ entries: list, show, edit an answer, add a question, create an entry');
  const actor = (options: { agent?: string }) => `cli:${options.agent ?? io.env.USER ?? 'operator'}`;
  const langOption = () => new Option('--lang <lang>', 'the language').choices(TRAINING_LANGS).makeOptionMandatory();
  const agentOption = () => new Option('--agent <name>', 'who makes the edit (default: $USER)');

  faq
    .command('list')
    .description('the entries: id, intent, first question in each language')
    .option('--json', 'print the entries as data/faq.json holds them')
    .action((options: { json?: boolean }) =>
      withDatabase(async ({ store }) => {
        const entries = await store.faq.entries();
        if (options.json) return writeLine(io.stdout, JSON.stringify(entries));
        for (const entry of entries) writeLine(io.stdout, cells([entry.id, entry.intent, entry.questions.en[0] ?? '', entry.questions.zh[0] ?? '']));
      }),
    );

  faq
    .command('show')
    .description('one entry: its questions and answers in both languages')
    .argument('<id>', 'the entry id (kb faq list)')
    .option('--json', 'print the entry as data/faq.json holds it')
    .action((id: string, options: { json?: boolean }) =>
      withDatabase(async ({ store }) => {
        const entry = await store.faq.entry(id);
        if (!entry) throw new UsageError(`there is no FAQ entry "${id}" (see kb faq list)`);
        if (options.json) return writeLine(io.stdout, JSON.stringify(entry));
        printEntry(io.stdout, entry);
      }),
    );

  faq
    .command('edit')
    .description("replace an entry's answer in one language")
    .argument('<id>', 'the entry id')
    .addOption(langOption())
    .option('--answer <text>', 'the new answer')
    .option('--answer-stdin', 'read the new answer from standard input (several lines)')
    .addOption(agentOption())
    .action(async (id: string, options: EditOptions) => {
      if (options.answer !== undefined && options.answerStdin) throw new UsageError('give the answer with --answer or --answer-stdin, not both');
      const answer = options.answerStdin ? await readAll(io) : options.answer;
      if (answer === undefined) throw new UsageError('give the new answer with --answer "<text>" or --answer-stdin');
      await withDatabase(async ({ store }) => {
        await store.faq.editAnswer({ entryId: id, lang: options.lang, answer, actor: actor(options) }, new Date());
        writeLine(io.stdout, `answer of ${id} (${options.lang}) replaced; knowledge base v${await store.version()}`);
      });
    });

  faq
    .command('add-question')
    .description('add a question variant to an entry')
    .argument('<id>', 'the entry id')
    .argument('<text...>', 'the question')
    .addOption(langOption())
    .addOption(agentOption())
    .action((id: string, text: string[], options: { lang: Lang; agent?: string }) =>
      withDatabase(async ({ store }) => {
        await store.faq.addQuestion({ entryId: id, lang: options.lang, text: text.join(' '), actor: actor(options) }, new Date());
        writeLine(io.stdout, `question added to ${id} (${options.lang}); knowledge base v${await store.version()}`);
      }),
    );

  const collect = (value: string, previous: string[]) => [...previous, value];
  faq
    .command('create')
    .description('create an entry: an id, its intent, at least one question and the answer in both languages')
    .argument('<id>', 'the new entry id (kebab-case)')
    .requiredOption('--intent <id>', 'an intent id of the taxonomy (DESIGN.md)')
    .requiredOption('--question-en <text>', 'an English question (repeatable)', collect, [])
    .requiredOption('--question-zh <text>', 'a Chinese question (repeatable)', collect, [])
    .requiredOption('--answer-en <text>', 'the English answer')
    .requiredOption('--answer-zh <text>', 'the Chinese answer')
    .addOption(agentOption())
    .action((id: string, options: CreateOptions) =>
      withDatabase(async ({ store }) => {
        const entry = { id, intent: options.intent, questions: { en: options.questionEn, zh: options.questionZh }, answer: { en: options.answerEn, zh: options.answerZh } };
        await store.faq.createEntry({ ...entry, actor: actor(options) }, new Date());
        writeLine(io.stdout, `created ${id} (${options.intent}); knowledge base v${await store.version()}`);
      }),
    );
}

/** Standard input as text, without its final line break. */
async function readAll(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    // Bytes, so a few times the characters allowed: the edit's own check names the limit.
    if (size > MAX_ANSWER_LENGTH * 4) throw new UsageError(`the answer on standard input is longer than ${MAX_ANSWER_LENGTH} characters`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One entry for a person at a terminal. */
function printEntry(out: NodeJS.WritableStream, entry: FaqEntry): void {
  writeLine(out, cells([entry.id, entry.intent, entry.followUp ?? '']));
  for (const lang of TRAINING_LANGS) {
    writeLine(out, `${lang} questions:`);
    for (const question of entry.questions[lang]) writeLine(out, `    ${printable(question, { oneLine: true })}`);
    writeLine(out, `${lang} answer:`);
    for (const line of entry.answer[lang].split('\n')) writeLine(out, `    ${printable(line, { oneLine: true })}`);
  }
}

/** One tab-separated line, every cell escaped for the terminal. */
export function cells(values: readonly string[]): string {
  return values.map((value) => printable(value, { oneLine: true })).join('\t');
}
