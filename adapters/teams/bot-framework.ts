import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';

/**
 * CloudAdapter with its token check and turn exposed without its HTTP handling: botbuilder's
 * `process` prints errors with their stack to the console and answers with its internal text.
 */
export class BotFrameworkAdapter extends CloudAdapter {
  /** Verifies the `Authorization` header, then runs `logic` on the activity; throws when the token is refused. */
  handle(authorization: string, activity: Activity, logic: (turn: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authorization, activity, logic);
  }
}
import type { TeamsConfig } from '../../src/core/index.js';

/** botbuilder's CloudAdapter set up from the Bot Framework variables, and how it authenticates. */
export interface BotFrameworkEndpoint {
  readonly adapter: BotFrameworkAdapter;
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
  const adapter = new BotFrameworkAdapter(new ConfigurationBotFrameworkAuthentication(settings, credentials));
  return { adapter, appId: settings.MicrosoftAppId, authenticated: Boolean(config.appId) };
}
