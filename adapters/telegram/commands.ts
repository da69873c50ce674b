import type { BotCommand } from 'grammy/types';
import { say, type Lang, type MessageKey } from '../../src/core/index.js';

const COMMANDS = ['start', 'help', 'human', 'status', 'cancel', 'lang', 'subscribe', 'unsubscribe'] as const;

/**
 * The command menu Telegram shows next to the input field, in a language. The commands
 * themselves are understood by the core; this is only their one-line description.
 */
export function commandMenu(lang: Lang): BotCommand[] {
  return COMMANDS.map((command) => ({ command, description: say(lang, `command.${command}` as MessageKey) }));
}
