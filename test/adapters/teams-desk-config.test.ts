import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { startTestApp } from '../support/app.js';

describe('the Teams agent desk variables', () => {
  it('reads the agents conversation, and posts to the global Teams connector unless told otherwise', () => {
    const teams = loadConfig({ TEAMS_AGENT_CONVERSATION_ID: '19:desk@thread.tacv2' }).teams;
    expect(teams).toMatchObject({ agentConversationId: '19:desk@thread.tacv2', serviceUrl: 'https://smba.trafficmanager.net/teams/' });
    expect(loadConfig({}).teams.agentConversationId).toBeUndefined();
  });

  it('refuses a thread id or a bad connector URL, naming the variable', () => {
    expect(() => loadConfig({ TEAMS_AGENT_CONVERSATION_ID: '19:desk@thread.tacv2;messageid=1700000000000' })).toThrow(/^TEAMS_AGENT_CONVERSATION_ID: /);
    expect(() => loadConfig({ TEAMS_SERVICE_URL: 'smba.trafficmanager.net' })).toThrow(/^TEAMS_SERVICE_URL: /);
  });

  it('stops start-up when the desk would post to a connector the bot may not talk to', async () => {
    // Without MicrosoftAppId (the local Emulator mode) only a connector on this machine is accepted.
    const start = startTestApp({ TEAMS_AGENT_CONVERSATION_ID: '19:desk@thread.tacv2' });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/^TEAMS_SERVICE_URL: .*this machine/);
  });
});
