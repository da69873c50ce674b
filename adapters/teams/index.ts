import type { ChannelFactory } from '../index.js';
import { TeamsAdapter } from './teams-adapter.js';

/**
 * Microsoft Teams (botbuilder). Always on: without `MicrosoftAppId` the endpoint runs
 * unauthenticated for the local Bot Framework Emulator (see {@link TeamsAdapter.detail}).
 */
export const teamsChannel: ChannelFactory = {
  name: 'teams',
  create: async (config, context) => new TeamsAdapter(config.teams, context),
};
