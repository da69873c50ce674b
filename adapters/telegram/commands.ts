import type { BotCommand } from 'grammy/types';
import type { Lang } from '../../src/core/types.js';

/**
 * The command menu Telegram shows next to the input field, per language. The commands
 * themselves are understood by the core; this is only their one-line description.
 */
export const COMMAND_MENU: Readonly<Record<Lang, readonly BotCommand[]>> = {
  en: [
    { command: 'start', description: 'What I can help with' },
    { command: 'help', description: 'What I can help with' },
    { command: 'human', description: 'Talk to a human agent' },
    { command: 'status', description: 'The status of your ticket' },
    { command: 'cancel', description: 'Close your ticket or stop the questions' },
    { command: 'lang', description: 'Switch language: /lang zh or /lang en' },
  ],
  zh: [
    { command: 'start', description: '我能帮您做什么' },
    { command: 'help', description: '我能帮您做什么' },
    { command: 'human', description: '转人工客服' },
    { command: 'status', description: '查看工单状态' },
    { command: 'cancel', description: '关闭工单或停止提问' },
    { command: 'lang', description: '切换语言:/lang zh 或 /lang en' },
  ],
};
