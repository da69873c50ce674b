import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { TeamsConfig } from '../../src/config/index.js';

/** botbuilder's CloudAdapter set up from the Bot Framework variables, and how it authenticates. */
export interface BotFrameworkEndpoint {
  readonly adapter: CloudAdapter;
  /** The bot's Microsoft app id; empty when unauthenticated (botbuilder's own convention). */
  readonly appId: string;
  /** Whether inbound activities must carry a Bot Framework token. */
  readonly authenticated: boolean;
}

/**
 * Builds the CloudAdapter. Without `MicrosoftAppId` botbuilder skips authentication both ways,
 * which is what the Bot Framework Emulator expects on a developer's machine (src/config has
 * already checked that the variables agree).
 */
export function createBotFrameworkEndpoint(config: TeamsConfig): BotFrameworkEndpoint {
  const settings = {
    MicrosoftAppId: config.appId ?? '',
    MicrosoftAppPassword: config.appPassword ?? '',
    MicrosoftAppType: config.appType ?? 'MultiTenant',
    MicrosoftAppTenantId: config.tenantId ?? '',
  };
  const credentials = new ConfigurationServiceClientCredentialFactory(settings);
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings, credentials));
  return { adapter, appId: settings.MicrosoftAppId, authenticated: Boolean(config.appId) };
}
