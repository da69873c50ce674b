/** The slash commands every channel understands (Telegram and Discord also offer them as menus). */
export type CommandName = 'start' | 'help' | 'human' | 'status' | 'cancel' | 'lang';

/** A command the user typed, with its argument (`/lang zh`). */
export interface Command {
  readonly name: CommandName;
  readonly argument: string;
}

const COMMAND = /^\/(start|help|human|agent|status|cancel|lang)(?:@\w+)?(?:\s+(.*))?$/i;

/** Recognises `/command [argument]` (also `/command@botname`, as Telegram sends in groups). */
export function parseCommand(text: string): Command | undefined {
  const match = COMMAND.exec(text.trim());
  if (!match) return undefined;
  const name = match[1]!.toLowerCase();
  return { name: (name === 'agent' ? 'human' : name) as CommandName, argument: (match[2] ?? '').trim() };
}

const SKIP = /^(skip|pass|n\/?a|none|no|nope|-|跳过|跳過|略过|没有|沒有|无|無|不知道|不清楚)$/i;
const YES = /^(y|yes|yeah|yep|ok|okay|correct|right|sure|是|是的|对|對|对的|没错|沒錯|嗯|好)[.!。!]*$/i;

/** Whether the user wants to skip a question ("skip", "跳过", "no"). */
export function isSkip(text: string): boolean {
  return SKIP.test(text.trim());
}

/** Whether the user confirms ("yes", "是的", "ok"). */
export function isYes(text: string): boolean {
  return YES.test(text.trim());
}
