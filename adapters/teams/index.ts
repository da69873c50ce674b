import type { ChannelFactory } from '../../src/core/index.js';
import { isLoopback } from './service-urls.js';
import { TeamsAdapter } from './teams-adapter.js';

/**
 * Microsoft Teams (botbuilder). On with `MicrosoftAppId`; without it the endpoint runs
 * unauthenticated for the local Bot Framework Emulator (see {@link TeamsAdapter.detail}), which
 * is only safe while the server listens on this machine alone: on any other `HOST` it stays off.
 */
export const teamsChannel: ChannelFactory = {
  name: 'teams',
  create: async (config, context) => {
    if (!config.teams.appId && !isLoopback(config.host)) {
      return { off: `MicrosoftAppId is not set and HOST=${config.host} is not loopback; the unauthenticated Emulator mode only runs on 127.0.0.1` };
    }
    return new TeamsAdapter(config.teams, context);
  },
};
