import type { ChannelFactory } from '../index.js';

/** Discord (discord.js). */
export const discordChannel: ChannelFactory = {
  name: 'discord',
  create: (config) => ({ off: config.discord ? 'the Discord adapter is not built yet' : 'DISCORD_BOT_TOKEN is not set' }),
};
