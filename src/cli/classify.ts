import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { UsageError } from './errors.js';
import { eachJsonLine, textField, writeLine, type CliIo } from './io.js';

/** `classify [--json] <text...>`, or `classify --jsonl` over `{"text"}` lines on stdin: the brain's decision. */
export function addClassifyCommand(program: Command, io: CliIo): void {
  program
    .command('classify')
    .description('classify a message (or JSON lines {"text"} on stdin with --jsonl)')
    .argument('[text...]', 'the message')
    .option('--json', 'print the decision as JSON')
    .option('--jsonl', 'read {"text": "..."} lines on stdin, write one decision per line')
    .action(async (words: string[], options: { json?: boolean; jsonl?: boolean }) => {
      const text = words.join(' ');
      // Before the brain is trained: a usage error costs no training time.
      if (!options.jsonl && !text.trim()) throw new UsageError('classify needs a text (or --jsonl)');
      const config = loadConfig(io.env);
      // Loaded on demand: the desk commands need neither the brain nor its training time.
      const { Brain } = await import('../nlu/brain.js');
      const brain = Brain.load(config.nlu, config.links);
      const decide = (input: string) => {
        const decision = brain.decide(input);
        return { text: input, lang: decision.lang, intent: decision.intent, confidence: decision.confidence, action: decision.action, faqId: decision.faqId, reply: decision.reply };
      };
      if (options.jsonl) {
        await eachJsonLine(io, (line) => decide(textField(line.text, '')));
        return;
      }
      const result = decide(text);
      if (options.json) writeLine(io.stdout, JSON.stringify(result));
      else writeLine(io.stdout, `${result.intent} (${result.confidence}) → ${result.action}${result.faqId ? ` [${result.faqId}]` : ''}\n${result.reply}`);
    });
}
