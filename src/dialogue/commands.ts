/** The slash commands every channel understands (Telegram and Discord also offer them as menus). */
export type CommandName = 'start' | 'help' | 'human' | 'status' | 'cancel' | 'lang' | 'subscribe' | 'unsubscribe';

/** A command the user typed, with its argument (`/lang zh`); `unknown` carries the command as typed (`/foo`). */
export type Command = { readonly name: CommandName; readonly argument: string } | { readonly name: 'unknown'; readonly command: string };

const KNOWN = /^(start|help|human|agent|status|cancel|lang|subscribe|unsubscribe)$/;
// A slash, a word and an optional @botname (Telegram groups), then the argument.
const COMMAND = /^\/([a-z][\w-]*)(?:@\w+)?(?:\s+([\s\S]*))?$/i;

/**
 * Recognises `/command [argument]` (also `/command@botname`, as Telegram sends in groups, and
 * commands typed on a Chinese keyboard: `／human`, full-width letters). Any other `/word` is an
 * `unknown` command, so the user gets the help text instead of an answer to "/foo".
 */
export function parseCommand(text: string): Command | undefined {
  const match = COMMAND.exec(text.normalize('NFKC').trim());
  if (!match) return undefined;
  const name = match[1]!.toLowerCase();
  if (!KNOWN.test(name)) return { name: 'unknown', command: `/${match[1]}` };
  return { name: name === 'agent' ? 'human' : (name as CommandName), argument: (match[2] ?? '').trim() };
}
