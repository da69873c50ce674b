import { createInterface } from 'node:readline';
import { Command, CommanderError, Option } from 'commander';
import { TerminalAdapter } from '../adapters/cli/index.js';
import { ConfigError, loadConfig, type Config } from './config/index.js';
import { ChannelRegistry } from './core/channel.js';
import type { Reply } from './core/types.js';
import { openDatabase } from './db/index.js';
import { ConversationStore } from './dialogue/store.js';
import { OutboxDispatcher } from './escalation/dispatcher.js';
import { DeskError } from './escalation/errors.js';
import { EscalationService, type AgentActor } from './escalation/service.js';
import type { EscalationDetail, EscalationView } from './escalation/view.js';
import { createLogger } from './log.js';
import { printable } from './safety/terminal-text.js';
import type { Services } from './services.js';

/** The command line: `classify`, `eval`, `chat` and the agent's desk `escalations …` (see README). */
function buildCli(env: NodeJS.ProcessEnv = process.env): Command {
  const program = new Command('support-bot').description('Crypto support bot: NLU tools, terminal chat and the agent desk').showHelpAfterError();
  // Commander's own usage errors (a missing --agent) exit like ours, with 2; it has printed them already.
  program.exitOverride();
  const config = () => loadConfig(env);

  program
    .command('classify')
    .description('classify a message (or JSON lines {"text"} on stdin with --jsonl)')
    .argument('[text...]', 'the message')
    .option('--json', 'print the decision as JSON')
    .option('--jsonl', 'read {"text": "..."} lines on stdin, write one decision per line')
    .action(async (words: string[], options: { json?: boolean; jsonl?: boolean }) => {
      // Loaded on demand: the desk commands need neither the brain nor its training time.
      const { Brain } = await import('./nlu/brain.js');
      const brain = Brain.load(config().nlu, config().links);
      const decide = (text: string) => {
        const decision = brain.decide(text);
        return { text, lang: decision.lang, intent: decision.intent, confidence: decision.confidence, action: decision.action, faqId: decision.faqId, reply: decision.reply };
      };
      if (options.jsonl) {
        await eachJsonLine((line) => decide(String(line.text ?? '')));
        return;
      }
      const text = words.join(' ');
      if (!text.trim()) throw new UsageError('classify needs a text (or --jsonl)');
      const result = decide(text);
      if (options.json) console.log(JSON.stringify(result));
      else console.log(`${result.intent} (${result.confidence}) → ${result.action}${result.faqId ? ` [${result.faqId}]` : ''}\n${result.reply}`);
    });

  program
    .command('eval')
    .description('train a fresh classifier on a CSV (text,category) and measure it on another')
    .requiredOption('--train <csv>', 'training CSV with header text,category')
    .requiredOption('--test <csv>', 'test CSV with header text,category')
    .option('--json', 'print the JSON on one line')
    .option('--calibration', 'add the ECE and a reliability table (confidence bins vs accuracy)')
    .action(async (options: { train: string; test: string; json?: boolean; calibration?: boolean }) => {
      const { evaluateCsv } = await import('./nlu/evaluate.js');
      // The bot's own thresholds, so the decision fields say what the bot would do.
      const result = await evaluateCsv(options.train, options.test, { policy: config().nlu, calibration: options.calibration });
      // Always JSON (scripts parse it); --json makes it one line.
      console.log(options.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });

  program
    .command('chat')
    .description('talk to the bot in the terminal (or JSON lines {"user","text"} with --jsonl)')
    .option('--user <id>', 'your user id on the cli channel', 'terminal')
    .addOption(new Option('--lang <lang>', 'reply language hint').choices(['zh', 'en']))
    .option('--jsonl', 'read {"user","text"} lines on stdin, write the replies as JSON lines')
    .action(async (options: { user: string; lang?: 'zh' | 'en'; jsonl?: boolean }) => {
      const { createServices } = await import('./services.js');
      const services = createServices(config());
      try {
        if (options.jsonl) {
          await eachJsonLine((line) => {
            const user = String(line.user ?? options.user);
            const text = String(line.text ?? '');
            const payload = typeof line.payload === 'string' ? line.payload : undefined;
            const turn = services.bot.process({ channel: 'cli', userId: user, conversation: { user }, text, payload, langHint: options.lang });
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
          return;
        }
        await interactiveChat(services, options.user, options.lang);
      } finally {
        services.close();
      }
    });

  const desk = program.command('escalations').description("the agent's desk: list, show, claim, reply, note, resolve, reopen");
  const withDesk = <T extends unknown[]>(run: (service: EscalationService, ...args: T) => void) => (...args: T) => {
    const database = openDatabase(config().databasePath);
    try {
      run(new EscalationService(database.db, new ConversationStore(database.db), { sla: slaOf(config()), agents: config().agents }), ...args);
    } finally {
      database.close();
    }
  };
  const agentOption = () => new Option('--agent <name>', 'your agent name (must be allowed by AGENT_IDS as cli:<name>)').makeOptionMandatory();
  const actor = (name: string): AgentActor => ({ channel: 'cli', userId: name, name });

  desk
    .command('list')
    .description('tickets: open first by priority (urgent, high, normal), then oldest first')
    .option('--json', 'print a JSON array')
    .addOption(new Option('--status <status...>', 'only these statuses').choices(['open', 'claimed', 'resolved', 'closed']))
    .addOption(new Option('--priority <priority>', 'only this priority').choices(['urgent', 'high', 'normal']))
    .addOption(new Option('--channel <channel>', 'only this channel').choices(['web', 'telegram', 'discord', 'teams', 'cli']))
    .option('--mine <agent>', "only this agent's tickets")
    .action(
      withDesk((service, options: { json?: boolean; status?: EscalationView['status'][]; priority?: 'urgent' | 'high' | 'normal'; channel?: 'web'; mine?: string }) => {
        const tickets = service.list({ status: options.status, priority: options.priority, channel: options.channel, agent: options.mine });
        if (options.json) console.log(JSON.stringify(tickets));
        else printQueue(tickets);
      }),
    );

  desk
    .command('show')
    .argument('<id>', 'ticket id or number (T-1001)')
    .option('--json', 'print one JSON object')
    .action(
      withDesk((service, id: string, options: { json?: boolean }) => {
        const ticket = service.detail(id);
        if (options.json) console.log(JSON.stringify(ticket));
        else printTicket(ticket);
      }),
    );

  desk
    .command('claim')
    .argument('<id>')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(withDesk((service, id: string, options: { agent: string; json?: boolean }) => done(service.claim(id, actor(options.agent)), 'claimed', options.json)));

  desk
    .command('reply')
    .argument('<id>')
    .argument('<text...>', 'the message to the user')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(withDesk((service, id: string, text: string[], options: { agent: string; json?: boolean }) => done(service.reply(id, actor(options.agent), text.join(' ')), 'reply queued for', options.json)));

  desk
    .command('note')
    .argument('<id>')
    .argument('<text...>', 'an internal note (never sent to the user)')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(withDesk((service, id: string, text: string[], options: { agent: string; json?: boolean }) => done(service.note(id, actor(options.agent), text.join(' ')), 'note added to', options.json)));

  desk
    .command('resolve')
    .argument('<id>')
    .addOption(agentOption())
    .option('--note <text>', 'resolution note')
    .option('--json', 'print the ticket as JSON')
    .action(withDesk((service, id: string, options: { agent: string; note?: string; json?: boolean }) => done(service.resolve(id, actor(options.agent), options.note), 'resolved', options.json)));

  desk
    .command('reopen')
    .argument('<id>')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(withDesk((service, id: string, options: { agent: string; json?: boolean }) => done(service.reopen(id, actor(options.agent)), 'reopened', options.json)));

  return program;
}

/** A command used wrongly: printed without a stack trace. */
class UsageError extends Error {}

function slaOf(config: Config) {
  return { chatMinutes: config.sla.chatMinutes, emailHours: config.sla.emailHours, businessHours: config.businessHours };
}

function done(ticket: EscalationView, what: string, json?: boolean): void {
  console.log(json ? JSON.stringify(ticket) : `${what} ${ticket.number} (${ticket.status})`);
}

function printQueue(tickets: readonly EscalationView[]): void {
  if (tickets.length === 0) {
    console.log('no tickets');
    return;
  }
  for (const t of tickets) {
    const position = t.queuePosition ? `#${t.queuePosition}` : '';
    const cells = [t.id, t.number, t.status.padEnd(8), t.priority.padEnd(6), position, `${t.channel}:${t.userId}`, t.agent ?? '-', t.summary];
    console.log(cells.map((cell) => printable(String(cell), { oneLine: true })).join('\t'));
  }
}

function printTicket(t: EscalationDetail): void {
  // Every line may carry user text: escaped as a whole, so no field is forgotten.
  const line = (text: string) => console.log(printable(text));
  line(`${t.number} (id ${t.id}) ${t.status}, ${t.priority} priority, ${t.channel}:${t.userId}${t.displayName ? ` (${t.displayName})` : ''}`);
  line(`intent ${t.intent}; created ${t.createdAt}; SLA due ${t.slaDueAt}; agent ${t.agent ?? '-'}`);
  line(`summary: ${t.summary}`);
  for (const [key, value] of Object.entries(t.details)) line(`  ${key}: ${value}`);
  line('--- transcript');
  for (const m of t.messages) line(`[${m.at}] ${m.from}${m.agent ? ` (${m.agent})` : ''}: ${m.text}`);
  const notes = t.events.filter((e) => e.action === 'note');
  if (notes.length) line('--- internal notes');
  for (const n of notes) line(`[${n.at}] ${n.actor}: ${n.note}`);
}

/** Reads JSON lines from stdin and writes one JSON line per input; a bad line gets `{"error"}` and the rest go on. */
async function eachJsonLine(handle: (line: Record<string, unknown>) => unknown): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const raw of lines) {
    if (!raw.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      console.log(JSON.stringify({ error: 'not valid JSON', line: raw.slice(0, 200) }));
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      console.log(JSON.stringify({ error: 'expected a JSON object' }));
      continue;
    }
    console.log(JSON.stringify(await handle(parsed as Record<string, unknown>)));
  }
}

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

async function interactiveChat(services: Services, user: string, lang?: 'zh' | 'en'): Promise<void> {
  const buttons: string[] = [];
  const terminal = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you> ' });
  const print = (replies: readonly Reply[]) => {
    process.stdout.write(`\r${renderReplies(replies, buttons)}\n`);
    terminal.prompt(true);
  };
  const channels = new ChannelRegistry();
  channels.register(new TerminalAdapter(user, print));
  const dispatcher = new OutboxDispatcher(services.outbox, channels, createLogger('error'), 500);
  dispatcher.start();
  console.log('Type your question (a number presses a button; /human, /status, /cancel, /lang zh|en; Ctrl+D to quit).');
  terminal.prompt();
  for await (const line of terminal) {
    const text = line.trim();
    if (text) {
      const pressed = /^\d+$/.test(text) ? buttons[Number(text) - 1] : undefined;
      print(services.bot.handle({ channel: 'cli', userId: user, conversation: { user }, text: pressed ? '' : text, payload: pressed, langHint: lang }));
    } else terminal.prompt();
  }
  await dispatcher.stop();
}

async function run(): Promise<void> {
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  // `escalations list | head`: the reader has gone, which is not an error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const { config: loadDotenv } = await import('dotenv');
  loadDotenv({ quiet: true });
  try {
    await buildCli().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    if (error instanceof DeskError || error instanceof ConfigError || error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      process.exit(error instanceof DeskError && error.code === 'forbidden' ? 3 : error instanceof DeskError && error.code === 'not_found' ? 4 : 2);
    }
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  }
}

await run();
