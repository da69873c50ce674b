import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { ConfigError, type TeamsConfig } from '../../src/config/index.js';

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
 * which is what the Bot Framework Emulator expects on a developer's machine.
 * @throws ConfigError when the variables contradict each other (botbuilder would only
 * fail later, on the first message, with a less helpful assertion).
 */
export function createBotFrameworkEndpoint(config: TeamsConfig): BotFrameworkEndpoint {
  checkCombination(config);
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

function checkCombination({ appId, appPassword, appType = 'MultiTenant', tenantId }: TeamsConfig): void {
  const type = appType.toLowerCase();
  if (!appId) {
    if (appPassword) throw new ConfigError('MicrosoftAppId', 'is required when MicrosoftAppPassword is set');
    if (type !== 'multitenant') throw new ConfigError('MicrosoftAppId', `is required when MicrosoftAppType is ${appType}`);
    return;
  }
  if (type !== 'multitenant' && !tenantId) throw new ConfigError('MicrosoftAppTenantId', `is required when MicrosoftAppType is ${appType}`);
  if (type === 'userassignedmsi') {
    if (appPassword) throw new ConfigError('MicrosoftAppPassword', 'must be empty when MicrosoftAppType is UserAssignedMSI (the managed identity signs in)');
  } else if (!appPassword) {
    throw new ConfigError('MicrosoftAppPassword', `is required with MicrosoftAppId (MicrosoftAppType ${appType})`);
  }
}
