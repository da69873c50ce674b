import type { ChannelFactory } from '../../src/core/index.js';

/** The Telegram channel's factory: on when `TELEGRAM_BOT_TOKEN` is set (grammy is loaded only then). */
export const telegramChannel: ChannelFactory = {
  name: 'telegram',
  async create(config, context) {
    if (!config.telegram) return { off: 'TELEGRAM_BOT_TOKEN is not set' };
    const { TelegramAdapter } = await import('./adapter.js');
    return new TelegramAdapter(config.telegram, context);
  },
};
