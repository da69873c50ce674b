import type { ChannelName } from '../contracts/index.js';

/** One entry of `AGENT_IDS`: a channel and a user id on it, or `*` for everyone on that channel. */
export interface AgentIdentity {
  readonly channel: ChannelName;
  readonly userId: string;
}

const CHANNELS: readonly ChannelName[] = ['web', 'telegram', 'discord', 'teams', 'cli'];

/**
 * Parses `AGENT_IDS` (`telegram:123,discord:456,teams:29:abc,cli:*`).
 * Only the first colon separates the channel: Teams ids contain colons themselves.
 * @throws Error with a message naming the bad entry.
 */
export function parseAgentIds(raw: string): AgentIdentity[] {
  const entries = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const channel = entry.slice(0, colon) as ChannelName;
    const userId = entry.slice(colon + 1).trim();
    if (colon <= 0 || !userId) {
      throw new Error(`"${entry}" is not channel:userId (e.g. telegram:123, cli:*)`);
    }
    if (!CHANNELS.includes(channel)) {
      throw new Error(`"${entry}" names unknown channel "${channel}" (one of ${CHANNELS.join(', ')})`);
    }
    return { channel, userId };
  });
}

/** Whether `userId` on `channel` may act as a support agent. */
export function isAgent(agents: readonly AgentIdentity[], channel: ChannelName, userId: string): boolean {
  return agents.some((agent) => agent.channel === channel && (agent.userId === '*' || agent.userId === userId));
}
