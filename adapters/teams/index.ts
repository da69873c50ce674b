import type { ChannelFactory } from '../index.js';

/** Microsoft Teams (botbuilder). */
export const teamsChannel: ChannelFactory = {
  name: 'teams',
  create: () => ({ off: 'the Teams adapter is not built yet' }),
};
