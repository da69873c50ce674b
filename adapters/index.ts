import type { ChannelAdapter, ChannelContext, ChannelFactory, ChannelName, Config } from '../src/core/index.js';
export { createConsole, type DeskConsole } from './console/index.js';
import { discordChannel } from './discord/index.js';
import { teamsChannel } from './teams/index.js';
import { telegramChannel } from './telegram/index.js';
import { webChannel } from './web/index.js';

/** A channel that stays off in this process, and why (logged once at start-up). */
export interface ChannelOff {
  readonly channel: ChannelName;
  readonly reason: string;
}

const FACTORIES: readonly ChannelFactory[] = [webChannel, telegramChannel, discordChannel, teamsChannel];

/** Creates the adapter of every configured channel; the web chat needs no token and is always on. */
export async function createAdapters(config: Config, context: ChannelContext): Promise<{ on: ChannelAdapter[]; off: ChannelOff[] }> {
  const on: ChannelAdapter[] = [];
  const off: ChannelOff[] = [];
  for (const factory of FACTORIES) {
    const made = await factory.create(config, context);
    if ('off' in made) off.push({ channel: factory.name, reason: made.off });
    else on.push(made);
  }
  return { on, off };
}
