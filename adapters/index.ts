import type { Config } from '../src/config/index.js';
import type { ChannelAdapter, ChannelContext } from '../src/core/channel.js';
import type { ChannelName } from '../src/core/types.js';
import { WebChatAdapter } from './web/index.js';

/** A channel that stays off in this process, and why (logged once at start-up). */
export interface ChannelOff {
  readonly channel: ChannelName;
  readonly reason: string;
}

/**
 * Creates the adapter of every configured channel. The web chat is always on (it needs no
 * token); a platform channel without its token is off.
 */
export function createAdapters(config: Config, context: ChannelContext): { on: ChannelAdapter[]; off: ChannelOff[] } {
  const on: ChannelAdapter[] = [new WebChatAdapter(context)];
  const off: ChannelOff[] = [];
  if (!config.telegram) off.push({ channel: 'telegram', reason: 'TELEGRAM_BOT_TOKEN is not set' });
  else off.push({ channel: 'telegram', reason: 'the Telegram adapter is not built yet' });
  if (!config.discord) off.push({ channel: 'discord', reason: 'DISCORD_BOT_TOKEN is not set' });
  else off.push({ channel: 'discord', reason: 'the Discord adapter is not built yet' });
  off.push({ channel: 'teams', reason: 'the Teams adapter is not built yet' });
  return { on, off };
}
