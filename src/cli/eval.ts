import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { writeLine, type CliIo } from './io.js';

/** `eval --train <csv> --test <csv> [--json] [--calibration]`: trains a fresh classifier on one CSV and measures it on another. */
export function addEvalCommand(program: Command, io: CliIo): void {
  program
    .command('eval')
    .description('train a fresh classifier on a CSV (text,category) and measure it on another')
    .requiredOption('--train <csv>', 'training CSV with header text,category')
    .requiredOption('--test <csv>', 'test CSV with header text,category')
    .option('--json', 'print the JSON on one line')
    .option('--calibration', 'add the ECE and a reliability table (confidence bins vs accuracy)')
    .action(async (options: { train: string; test: string; json?: boolean; calibration?: boolean }) => {
      const { evaluateCsv } = await import('../nlu/evaluate.js');
      // The bot's own thresholds, so the decision fields say what the bot would do.
      const result = await evaluateCsv(options.train, options.test, { policy: loadConfig(io.env).nlu, calibration: options.calibration });
      // Always JSON (scripts parse it); --json makes it one line.
      writeLine(io.stdout, options.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });
}
