import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

/** The variable a bad environment is refused for. */
function refused(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('SLA alert and auto-close variables', () => {
  it('closes after 48 hours by default; 0 never closes', () => {
    expect(loadConfig({}).sla.autoCloseHours).toBe(48);
    expect(loadConfig({ AUTO_CLOSE_HOURS: '0' }).sla.autoCloseHours).toBe(0);
    expect(refused({ AUTO_CLOSE_HOURS: 'two days' })).toBe('AUTO_CLOSE_HOURS');
    expect(refused({ AUTO_CLOSE_HOURS: '-1' })).toBe('AUTO_CLOSE_HOURS');
  });

  it('reads who each desk mentions in an alert, and names a variable that is wrong', () => {
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: '123:abc',
      TELEGRAM_ONCALL: '@oncall_lead',
      DISCORD_BOT_TOKEN: 'token',
      DISCORD_ONCALL_ROLE_ID: '930000000000000777',
      TEAMS_ONCALL: '0c3f9a52-1111-4222-8333-0000000ca11e',
    });
    expect(config.telegram?.oncall).toBe('@oncall_lead');
    expect(config.discord?.oncallRoleId).toBe('930000000000000777');
    expect(config.teams.oncall).toBe('0c3f9a52-1111-4222-8333-0000000ca11e');
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_ONCALL: '90001' }).telegram?.oncall).toBe('90001');
    expect(refused({ TELEGRAM_ONCALL: 'oncall lead' })).toBe('TELEGRAM_ONCALL');
    expect(refused({ DISCORD_ONCALL_ROLE_ID: '@oncall' })).toBe('DISCORD_ONCALL_ROLE_ID');
    expect(refused({ TEAMS_ONCALL: 'Oncall Lead' })).toBe('TEAMS_ONCALL');
  });
});
