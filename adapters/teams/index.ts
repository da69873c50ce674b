import type { ChannelFactory } from '../index.js';
import { TeamsAdapter } from './teams-adapter.js';

export { TeamsAdapter } from './teams-adapter.js';

/**
 * Microsoft Teams (botbuilder). Always on: without `MicrosoftAppId` the endpoint runs
 * unauthenticated for the local Bot Framework Emulator (see {@link TeamsAdapter.detail}).
 * @throws ConfigError when the `MicrosoftApp*` variables contradict each other.
 */
export const teamsChannel: ChannelFactory = {
  name: 'teams',
  create: (config, context) => new TeamsAdapter(config.teams, context),
};
