import type { ChannelFactory } from '../index.js';

/** Telegram (grammy). */
export const telegramChannel: ChannelFactory = {
  name: 'telegram',
  create: (config) => ({ off: config.telegram ? 'the Telegram adapter is not built yet' : 'TELEGRAM_BOT_TOKEN is not set' }),
};
