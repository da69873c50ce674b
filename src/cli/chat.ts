import { createInterface } from 'node:readline';
import { Option, type Command } from 'commander';
import { TerminalAdapter } from '../../adapters/cli/index.js';
import { loadConfig } from '../config/index.js';
import { ChannelRegistry } from '../core/channel.js';
import type { Reply } from '../contracts/index.js';
import { OutboxDispatcher } from '../escalation/dispatcher.js';
import { createLogger } from '../log.js';
import type { Services } from '../services.js';
import { eachJsonLine, textField, writeLine, type CliIo } from './io.js';

/** `chat [--user ID] [--lang zh|en]`, or `chat --jsonl` over `{"user","text"}` lines: the full pipeline, tickets included. */
export function addChatCommand(program: Command, io: CliIo): void {
  program
    .command('chat')
    .description('talk to the bot in the terminal (or JSON lines {"user","text"} with --jsonl)')
    .option('--user <id>', 'your user id on the cli channel', 'terminal')
    .addOption(new Option('--lang <lang>', 'reply language hint').choices(['zh', 'en']))
    .option('--jsonl', 'read {"user","text"} lines on stdin, write the replies as JSON lines')
    .action(async (options: { user: string; lang?: 'zh' | 'en'; jsonl?: boolean }) => {
      const { createServices } = await import('../services.js');
      const services = await createServices(loadConfig(io.env));
      try {
        if (options.jsonl) await jsonlChat(io, services, options.user, options.lang);
        else await interactiveChat(io, services, options.user, options.lang);
      } finally {
        await services.close();
      }
    });
}

async function jsonlChat(io: CliIo, services: Services, defaultUser: string, lang?: 'zh' | 'en'): Promise<void> {
  await eachJsonLine(io, async (line) => {
    const user = textField(line.user, defaultUser);
    const text = textField(line.text, '');
    const payload = typeof line.payload === 'string' ? line.payload : undefined;
    const turn = await services.bot.process({ channel: 'cli', userId: user, conversation: { user }, text, payload, langHint: lang });
    return {
      user,
      // What was stored, so a secret in the input is not echoed back into a log or a pipe.
      text: turn.stored ?? text,
      replies: turn.replies,
      intent: turn.decision?.intent ?? null,
      action: turn.decision?.action ?? null,
      escalation: turn.escalation ? { id: turn.escalation.id, number: turn.escalation.number, priority: turn.escalation.priority } : null,
    };
  });
}

/** A conversation at the `you>` prompt; agent replies that arrive meanwhile (through the outbox) are printed as they come. */
async function interactiveChat(io: CliIo, services: Services, user: string, lang?: 'zh' | 'en'): Promise<void> {
  const buttons: string[] = [];
  const terminal = createInterface({ input: io.stdin, output: io.stdout, prompt: 'you> ' });
  const print = (replies: readonly Reply[]) => {
    io.stdout.write(`\r${renderReplies(replies, buttons)}\n`);
    terminal.prompt(true);
  };
  const channels = new ChannelRegistry();
  channels.register(new TerminalAdapter(user, print));
  const dispatcher = new OutboxDispatcher(services.outbox, channels, createLogger('error', io.stderr), 500);
  dispatcher.start();
  writeLine(io.stdout, 'Type your question (a number presses a button; /human, /status, /cancel, /lang zh|en; Ctrl+D to quit).');
  terminal.prompt();
  for await (const line of terminal) {
    const text = line.trim();
    if (text) {
      const pressed = /^\d+$/.test(text) ? buttons[Number(text) - 1] : undefined;
      print(await services.bot.handle({ channel: 'cli', userId: user, conversation: { user }, text: pressed ? '' : text, payload: pressed, langHint: lang }));
    } else terminal.prompt();
  }
  await dispatcher.stop();
}

/** The replies as terminal lines; their suggestions become numbered buttons (`buttons` is refilled with their payloads). */
function renderReplies(replies: readonly Reply[], buttons: string[]): string {
  buttons.length = 0;
  const out: string[] = [];
  for (const reply of replies) {
    const who = reply.kind === 'agent' ? `${reply.agentName ?? 'agent'}>` : 'bot>';
    out.push(`${who} ${reply.text.replace(/\n/g, '\n     ')}`);
    for (const suggestion of reply.suggestions ?? []) {
      buttons.push(suggestion.payload);
      out.push(`     [${buttons.length}] ${suggestion.label}`);
    }
  }
  return out.join('\n');
}
