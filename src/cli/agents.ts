import { Option, type Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { openEngine } from '../db/open.js';
import { AccountError, AgentAccounts, type AgentRole } from '../agents/accounts.js';
import { printable } from '../safety/terminal-text.js';
import { UsageError } from './errors.js';
import { writeLine, type CliIo } from './io.js';

/** The longest standard input read as a password. */
const MAX_STDIN_BYTES = 8192;

/**
 * The password on standard input (`--password-stdin`), without its final line break: never on
 * the command line, where `ps` and the shell's history would show it.
 */
async function readPassword(io: CliIo, fromStdin: boolean | undefined): Promise<string> {
  if (!fromStdin) throw new UsageError('give the password on standard input with --password-stdin (never as an argument)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new UsageError('the password on standard input is too long');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `agents add|passwd|disable|list`: the web console's accounts (there is no default account). */
export function addAgentsCommand(program: Command, io: CliIo): void {
  const agents = program.command('agents').description("the agents' web console accounts (/desk): add, passwd, disable, list");
  const withAccounts =
    <T extends unknown[]>(run: (accounts: AgentAccounts, ...args: T) => Promise<void> | void) =>
    async (...args: T) => {
      const engine = await openEngine(loadConfig(io.env));
      try {
        await run(new AgentAccounts(engine), ...args);
      } catch (error) {
        // The account store's refusals are usage errors: a message, exit code 2.
        throw error instanceof AccountError ? new UsageError(error.message) : error;
      } finally {
        await engine.close();
      }
    };

  agents
    .command('add')
    .argument('<login>', 'the sign-in name; the agent acts as web:<login> (AGENT_IDS)')
    .requiredOption('--name <name>', 'the name users see ("Alice has joined")')
    .addOption(new Option('--role <role>', 'admin also manages the console').choices(['agent', 'admin']).default('agent'))
    .addOption(new Option('--lang <lang>', "the console's language for this agent (default: DESK_LANG)").choices(['en', 'zh']))
    .option('--password-stdin', 'read the password from standard input')
    .action(
      withAccounts(async (accounts, login: string, options: { name: string; role: AgentRole; lang?: 'en' | 'zh'; passwordStdin?: boolean }) => {
        const password = await readPassword(io, options.passwordStdin);
        const account = await accounts.add({ login, name: options.name, role: options.role, lang: options.lang, password });
        writeLine(io.stdout, `added ${account.login} (${account.role}); signs in at /desk and acts as web:${account.login}`);
      }),
    );

  agents
    .command('passwd')
    .argument('<login>')
    .option('--password-stdin', 'read the new password from standard input')
    .action(
      withAccounts(async (accounts, login: string, options: { passwordStdin?: boolean }) => {
        await accounts.setPassword(login, await readPassword(io, options.passwordStdin));
        writeLine(io.stdout, `password changed for ${login}; its sessions are signed out`);
      }),
    );

  agents
    .command('disable')
    .argument('<login>')
    .action(
      withAccounts(async (accounts, login: string) => {
        await accounts.disable(login);
        writeLine(io.stdout, `disabled ${login}; its sessions are signed out`);
      }),
    );

  agents
    .command('list')
    .option('--json', 'print a JSON array')
    .action(
      withAccounts(async (accounts, options: { json?: boolean }) => {
        const list = await accounts.list();
        if (options.json) return writeLine(io.stdout, JSON.stringify(list));
        if (list.length === 0) return writeLine(io.stdout, 'no accounts (add one with: agents add <login> --name <name> --role admin --password-stdin)');
        for (const a of list) writeLine(io.stdout, [a.login, a.role, a.disabled ? 'disabled' : 'enabled', a.lang ?? '-', printable(a.name, { oneLine: true })].join('\t'));
      }),
    );
}
