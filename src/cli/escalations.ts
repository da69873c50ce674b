import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { openEngine } from '../db/open.js';
import type { AgentActor, EscalationDetail, EscalationView } from '../contracts/index.js';
import { assembleTickets, type TicketDesk } from '../escalation/desk.js';
import { decodeQueueCursor, encodeQueueCursor } from '../escalation/queue.js';
import { printable } from '../safety/terminal-text.js';
import { UsageError } from './errors.js';
import { writeLine, type CliIo } from './io.js';

/** `escalations list|show|claim|assign|reply|note|resolve|reopen …`: the agent's desk, one process per action. */
export function addEscalationsCommand(program: Command, io: CliIo): void {
  const desk = program.command('escalations').description("the agent's desk: list, show, claim, assign, reply, note, resolve, reopen");
  const withDesk =
    <T extends unknown[]>(run: (service: TicketDesk, ...args: T) => Promise<void>) =>
    async (...args: T) => {
      const config = loadConfig(io.env);
      // DATABASE_URL: the same Postgres the running instances use.
      const engine = await openEngine(config);
      try {
        const sla = { chatMinutes: config.sla.chatMinutes, emailHours: config.sla.emailHours, businessHours: config.businessHours };
        await run(assembleTickets(engine, { sla, agents: config.agents }).desk, ...args);
      } finally {
        await engine.close();
      }
    };
  const agentOption = () => new Option('--agent <name>', 'your agent name (must be allowed by AGENT_IDS as cli:<name>)').makeOptionMandatory();
  const actor = (name: string): AgentActor => ({ channel: 'cli', userId: name, name });
  const done = (ticket: EscalationView, what: string, json?: boolean) => writeLine(io.stdout, json ? JSON.stringify(ticket) : `${what} ${ticket.number} (${ticket.status})`);

  desk
    .command('list')
    .description('tickets: open first by priority (urgent, high, normal), then oldest first')
    .option('--json', 'print a JSON array')
    .addOption(new Option('--status <status...>', 'only these statuses').choices(['open', 'claimed', 'resolved', 'closed']))
    .addOption(new Option('--priority <priority>', 'only this priority').choices(['urgent', 'high', 'normal']))
    .addOption(new Option('--channel <channel>', 'only this channel').choices(['web', 'telegram', 'discord', 'teams', 'cli']))
    .option('--mine <agent>', "only this agent's tickets")
    .option('--limit <n>', 'at most n tickets (a page); the next page is named on stderr', positiveInteger)
    .option('--cursor <cursor>', 'the page after this one (from the previous page, with --limit)')
    .action(
      withDesk(
        async (service, options: { json?: boolean; status?: EscalationView['status'][]; priority?: 'urgent' | 'high' | 'normal'; channel?: 'web'; mine?: string; limit?: number; cursor?: string }) => {
          const filter = { status: options.status, priority: options.priority, channel: options.channel, agent: options.mine };
          const after = options.cursor === undefined ? undefined : decodeQueueCursor(options.cursor);
          if (options.cursor !== undefined && (!after || options.limit === undefined)) throw new UsageError('--cursor needs --limit and a cursor printed by a previous page');
          const page = options.limit === undefined ? { tickets: await service.list(filter) } : await service.page(filter, options.limit, after);
          if (options.json) writeLine(io.stdout, JSON.stringify(page.tickets));
          else printQueue(io.stdout, page.tickets);
          // stderr, so stdout stays the array (or the table) scripts read.
          if (page.next) writeLine(io.stderr, `next page: --limit ${options.limit} --cursor ${encodeQueueCursor(page.next)}`);
        },
      ),
    );

  desk
    .command('show')
    .argument('<id>', 'ticket id or number (T-1001)')
    .option('--json', 'print one JSON object')
    .action(
      withDesk(async (service, id: string, options: { json?: boolean }) => {
        const ticket = await service.detail(id);
        if (options.json) writeLine(io.stdout, JSON.stringify(ticket));
        else printTicket(io.stdout, ticket);
      }),
    );

  desk
    .command('claim')
    .argument('<id>')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(withDesk(async (service, id: string, options: { agent: string; json?: boolean }) => done(await service.claim(id, actor(options.agent)), 'claimed', options.json)));

  desk
    .command('assign')
    .argument('<id>')
    .requiredOption('--to <login>', 'the console agent to give it to (web:<login> in AGENT_IDS, an enabled account)')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(
      withDesk(async (service, id: string, options: { to: string; agent: string; json?: boolean }) => {
        const login = options.to.replace(/^web:/, '');
        done(await service.assign(id, actor(options.agent), login), `assigned to web:${login}:`, options.json);
      }),
    );

  desk
    .command('reply')
    .argument('<id>')
    .argument('<text...>', 'the message to the user')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(
      withDesk(async (service, id: string, text: string[], options: { agent: string; json?: boolean }) =>
        done(await service.reply(id, actor(options.agent), text.join(' ')), 'reply queued for', options.json),
      ),
    );

  desk
    .command('note')
    .argument('<id>')
    .argument('<text...>', 'an internal note (never sent to the user)')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(
      withDesk(async (service, id: string, text: string[], options: { agent: string; json?: boolean }) =>
        done(await service.note(id, actor(options.agent), text.join(' ')), 'note added to', options.json),
      ),
    );

  desk
    .command('resolve')
    .argument('<id>')
    .addOption(agentOption())
    .option('--note <text>', 'resolution note')
    .option('--json', 'print the ticket as JSON')
    .action(
      withDesk(async (service, id: string, options: { agent: string; note?: string; json?: boolean }) => done(await service.resolve(id, actor(options.agent), options.note), 'resolved', options.json)),
    );

  desk
    .command('reopen')
    .argument('<id>')
    .addOption(agentOption())
    .option('--json', 'print the ticket as JSON')
    .action(withDesk(async (service, id: string, options: { agent: string; json?: boolean }) => done(await service.reopen(id, actor(options.agent)), 'reopened', options.json)));
}

/** The queue, one tab-separated line per ticket; every cell escaped for the terminal. */
function printQueue(out: NodeJS.WritableStream, tickets: readonly EscalationView[]): void {
  if (tickets.length === 0) {
    writeLine(out, 'no tickets');
    return;
  }
  for (const t of tickets) {
    const position = t.queuePosition ? `#${t.queuePosition}` : '';
    const cells = [t.id, t.number, t.status.padEnd(8), t.priority.padEnd(6), position, `${t.channel}:${t.userId}`, t.agent ?? '-', t.summary];
    writeLine(out, cells.map((cell) => printable(String(cell), { oneLine: true })).join('\t'));
  }
}

/** One ticket: header, details, transcript and internal notes. */
function printTicket(out: NodeJS.WritableStream, t: EscalationDetail): void {
  // Every line may carry user text: escaped as a whole, so no field is forgotten.
  const line = (text: string) => writeLine(out, printable(text));
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

/** `--limit`: a whole number of tickets, at least 1. */
function positiveInteger(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new InvalidArgumentError('a whole number from 1 to 999999');
  return Number(value);
}
