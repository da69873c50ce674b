import { describe, expect, it } from 'vitest';
import { ConfigError, isAgent, loadConfig } from '../../src/config/index.js';
import { isWithinBusinessHours, nextBusinessOpening } from '../../src/config/business-hours.js';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment, with every platform channel off', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, host: '127.0.0.1', databasePath: 'data/bot.sqlite', logLevel: 'info' });
    expect(config.telegram).toBeUndefined();
    expect(config.discord).toBeUndefined();
    expect(config.agents).toEqual([{ channel: 'cli', userId: '*' }]);
    expect(config.web).toEqual({ visitorSecret: undefined, limits: { messagesPerMinute: 60, visitorsPerHour: 30, readsPerMinute: 120, priorityTicketsPerHour: 3 } });
    expect(config.trustProxy).toBe(false);
  });

  it('reads the web chat limits (0 turns one off), the visitor secret and TRUST_PROXY', () => {
    const config = loadConfig({ WEB_LIMIT_MESSAGES_PER_MINUTE: '0', WEB_LIMIT_VISITORS_PER_HOUR: '5', WEB_VISITOR_SECRET: 'x'.repeat(32), TRUST_PROXY: '1' });
    expect(config.web).toEqual({ visitorSecret: 'x'.repeat(32), limits: { messagesPerMinute: 0, visitorsPerHour: 5, readsPerMinute: 120, priorityTicketsPerHour: 3 } });
    expect(config.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('reads PUBLIC_URL (the help pages answers link to) and WIDGET_ALLOWED_ORIGINS (default: any site)', () => {
    const defaults = loadConfig({});
    expect(defaults.helpCentre).toEqual({ publicUrl: undefined, widgetOrigins: ['*'] });
    expect(defaults.links.helpPages).toBe('/help');
    const set = loadConfig({ PUBLIC_URL: 'https://support.example.com/', WIDGET_ALLOWED_ORIGINS: 'https://shop.example.com, https://*.example.org:8443' });
    expect(set.helpCentre).toEqual({ publicUrl: 'https://support.example.com', widgetOrigins: ['https://shop.example.com', 'https://*.example.org:8443'] });
    expect(set.links.helpPages).toBe('https://support.example.com/help');
  });

  it('reads DESK_LANG (default en) and refuses a language the desks do not speak', () => {
    expect(loadConfig({}).deskLang).toBe('en');
    expect(loadConfig({ DESK_LANG: 'ZH' }).deskLang).toBe('zh');
    expect(() => loadConfig({ DESK_LANG: 'fr' })).toThrow(ConfigError);
    expect(() => loadConfig({ DESK_LANG: 'fr' })).toThrow(/DESK_LANG/);
  });

  it('reads a full, valid environment', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      TELEGRAM_BOT_TOKEN: '123456:ABC-def_ghi',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9000/',
      TELEGRAM_AGENT_CHAT_ID: '-100123',
      DISCORD_BOT_TOKEN: 'abc.def.ghi',
      DISCORD_APPLICATION_ID: '42',
      AGENT_IDS: 'telegram:123, discord:456,teams:29:abc-def,cli:*',
      BUSINESS_HOURS: 'Mon-Fri 09:00-18:00 Asia/Shanghai',
      SUPPORT_EMAIL: 'help@example.com',
    });
    expect(config.port).toBe(8080);
    expect(config.telegram).toMatchObject({ token: '123456:ABC-def_ghi', apiRoot: 'http://127.0.0.1:9000', agentChatId: '-100123' });
    expect(config.discord?.applicationId).toBe('42');
    expect(config.agents).toContainEqual({ channel: 'teams', userId: '29:abc-def' });
    expect(isAgent(config.agents, 'teams', '29:abc-def')).toBe(true);
    expect(isAgent(config.agents, 'telegram', '999')).toBe(false);
    expect(isAgent(config.agents, 'cli', 'anyone')).toBe(true);
    expect(config.links.supportEmail).toBe('help@example.com');
  });

  it('reads DISCORD_SHARDS: all recommended shards when unset, none (REST only), or some of a fixed total', () => {
    const discord = (env: Record<string, string>) => loadConfig({ DISCORD_BOT_TOKEN: 'abc.def.ghi', ...env }).discord!;
    expect(discord({}).shards).toBe('auto');
    expect(discord({ DISCORD_SHARDS: 'auto' }).shards).toBe('auto');
    expect(discord({ DISCORD_SHARDS: 'none' }).shards).toBe('none');
    expect(discord({ DISCORD_SHARDS: '2, 0/4' }).shards).toEqual({ ids: [0, 2], count: 4 });
    expect(discord({ DISCORD_SHARDS: '0/1' }).shards).toEqual({ ids: [0], count: 1 });
  });

  it.each([
    [{ DISCORD_SHARDS: 'all' }, 'DISCORD_SHARDS', /e\.g\. 0,2\/4/],
    [{ DISCORD_SHARDS: '0,2' }, 'DISCORD_SHARDS', /total number of shards/],
    [{ DISCORD_SHARDS: '-1/2' }, 'DISCORD_SHARDS', /auto, none, or shard ids/],
    [{ DISCORD_SHARDS: '0,2/2' }, 'DISCORD_SHARDS', /shard 2 does not exist: shard ids run from 0 to 1/],
    [{ DISCORD_SHARDS: '1,1/4' }, 'DISCORD_SHARDS', /twice/],
    [{ DISCORD_SHARDS: '0/0' }, 'DISCORD_SHARDS', /at least 1/],
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
    [{ AGENT_IDS: 'telegram123' }, 'AGENT_IDS', /channel:userId/],
    [{ AGENT_IDS: 'slack:1' }, 'AGENT_IDS', /unknown channel "slack"/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ TELEGRAM_BOT_TOKEN: 'not a token' }, 'TELEGRAM_BOT_TOKEN', /BotFather/],
    [{ TELEGRAM_API_ROOT: 'ftp://x' }, 'TELEGRAM_API_ROOT', /http/],
    [{ NLU_ANSWER_THRESHOLD: '1.5' }, 'NLU_ANSWER_THRESHOLD', /0 to 1/],
    [{ BUSINESS_HOURS: 'weekdays' }, 'BUSINESS_HOURS', /Mon-Fri/],
    [{ BUSINESS_HOURS: 'Mon-Fri 09:00-18:00 Mars/Olympus' }, 'BUSINESS_HOURS', /time zone/],
    [{ SUPPORT_EMAIL: 'nope' }, 'SUPPORT_EMAIL', /e-mail/],
    [{ WEB_LIMIT_MESSAGES_PER_MINUTE: '-1' }, 'WEB_LIMIT_MESSAGES_PER_MINUTE', /whole number/],
    [{ WEB_LIMIT_READS_PER_MINUTE: 'lots' }, 'WEB_LIMIT_READS_PER_MINUTE', /whole number/],
    [{ WEB_VISITOR_SECRET: 'short' }, 'WEB_VISITOR_SECRET', /at least 32/],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY', /X-Forwarded-For/],
    [{ TRUST_PROXY: 'my proxy' }, 'TRUST_PROXY', /hops/],
    [{ PUBLIC_URL: 'support.example.com' }, 'PUBLIC_URL', /http\(s\) origin/],
    [{ PUBLIC_URL: 'https://example.com/support' }, 'PUBLIC_URL', /without a path/],
    [{ WIDGET_ALLOWED_ORIGINS: 'https://a.example, *' }, 'WIDGET_ALLOWED_ORIGINS', /\* or http\(s\) origins/],
    [{ WIDGET_ALLOWED_ORIGINS: 'https://a.example/page' }, 'WIDGET_ALLOWED_ORIGINS', /comma-separated/],
  ])('refuses %j naming the variable', (env, variable, problem) => {
    const error = errorOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^${variable}: `));
    expect(error.message).toMatch(problem);
  });
});

describe('business hours', () => {
  const hours = loadConfig({ BUSINESS_HOURS: 'Mon-Fri 09:00-18:00 Asia/Shanghai' }).businessHours!;

  it('knows when agents are at work in their own time zone', () => {
    expect(isWithinBusinessHours(hours, new Date('2026-11-25T02:00:00Z'))).toBe(true); // Wed 10:00 in Shanghai
    expect(isWithinBusinessHours(hours, new Date('2026-11-25T12:00:00Z'))).toBe(false); // Wed 20:00
    expect(isWithinBusinessHours(hours, new Date('2026-11-28T03:00:00Z'))).toBe(false); // Saturday
  });

  it('finds the next opening, over a weekend', () => {
    expect(nextBusinessOpening(hours, new Date('2026-11-27T12:30:00Z')).toISOString()).toBe('2026-11-30T01:00:00.000Z'); // Fri evening → Mon 09:00
    expect(nextBusinessOpening(hours, new Date('2026-11-24T23:15:00Z')).toISOString()).toBe('2026-11-25T01:00:00.000Z'); // Wed 07:15 → 09:00
  });
});
