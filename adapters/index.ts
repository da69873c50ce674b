import type { Config } from '../src/config/index.js';
import type { ChannelAdapter, ChannelContext } from '../src/core/channel.js';
import type { ChannelName } from '../src/core/types.js';
import { discordChannel } from './discord/index.js';
import { teamsChannel } from './teams/index.js';
import { telegramChannel } from './telegram/index.js';
import { webChannel } from './web/index.js';

/** How the runtime makes a channel's adapter: each adapter folder exports one. */
export interface ChannelFactory {
  readonly name: ChannelName;
  /**
   * The adapter, or the reason the channel stays off (e.g. its token is not set). Platform SDKs
   * are imported here, on demand, so a channel that is off costs no start-up time.
   */
  create(config: Config, context: ChannelContext): Promise<ChannelAdapter | { readonly off: string }>;
}

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
