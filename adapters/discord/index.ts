import type { ChannelFactory } from '../index.js';
import { DiscordAdapter } from './adapter.js';

export { DiscordAdapter, intentsFor } from './adapter.js';

/** Discord (discord.js): on when `DISCORD_BOT_TOKEN` is set. */
export const discordChannel: ChannelFactory = {
  name: 'discord',
  create: (config, context) => (config.discord ? new DiscordAdapter(config.discord, context) : { off: 'DISCORD_BOT_TOKEN is not set' }),
};
