import { Command } from 'commander';
import { addAgentsCommand } from './agents.js';
import { addAnnounceCommand } from './announce.js';
import { addChatCommand } from './chat.js';
import { addClassifyCommand } from './classify.js';
import { addEscalationsCommand } from './escalations.js';
import { addEvalCommand } from './eval.js';
import { addKbCommand } from './kb.js';
import { addReportCommand } from './report.js';
import type { CliIo } from './io.js';

/**
 * The command line (see README): `classify`, `eval`, `chat` and the agent's desk `escalations …`,
 * reading and writing `io`. Parse with `{ from: 'user' }`; with `exitOverride`, commander's own
 * errors and `--help` are thrown as `CommanderError` instead of exiting (`runCli` maps them to exit codes).
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('support-bot').description('Crypto support bot: NLU tools, terminal chat and the agent desk').showHelpAfterError();
  // Set before the commands are added: `command()` hands both down to each of them.
  program.exitOverride();
  program.configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  addClassifyCommand(program, io);
  addEvalCommand(program, io);
  addChatCommand(program, io);
  addEscalationsCommand(program, io);
  addAnnounceCommand(program, io);
  addAgentsCommand(program, io);
  addReportCommand(program, io);
  addKbCommand(program, io);
  return program;
}
