import type { ChannelFactory } from '../../src/core/index.js';

/** Discord (discord.js): on when `DISCORD_BOT_TOKEN` is set (discord.js is loaded only then). */
export const discordChannel: ChannelFactory = {
  name: 'discord',
  async create(config, context) {
    if (!config.discord) return { off: 'DISCORD_BOT_TOKEN is not set' };
    const { DiscordAdapter } = await import('./adapter.js');
    return new DiscordAdapter(config.discord, context);
  },
};
