import type { Actor, AgentActor, ChannelName } from '../contracts/index.js';
import { CHANNEL_NAMES } from '../contracts/index.js';

/**
 * How the audit trail writes who acted (`telegram:123` for an agent, `user:web:abc` for the
 * ticket's user, `system` for the bot), and the one place that reads it back into an
 * {@link Actor}. The stored form is what `escalations show --json` prints.
 */
export const actorKeys = {
  /** An agent's identity, e.g. `cli:alice`: also the ticket's `agentId`. */
  agent: (agent: Pick<AgentActor, 'channel' | 'userId'>): string => `${agent.channel}:${agent.userId}`,
  /** The ticket's user, by their channel-qualified key (`web:abc`). */
  user: (userKey: string): string => `user:${userKey}`,
  system: 'system',
};

/** Reads a stored actor; anything unreadable is the system. */
export function parseActor(stored: string): Actor {
  const user = /^user:([a-z]+):(.*)$/s.exec(stored);
  if (user && isChannel(user[1]!)) return { kind: 'user', channel: user[1], userId: user[2]! };
  const agent = /^([a-z]+):(.*)$/s.exec(stored);
  if (agent && isChannel(agent[1]!)) return { kind: 'agent', channel: agent[1], userId: agent[2]! };
  return { kind: 'system' };
}

function isChannel(value: string): value is ChannelName {
  return (CHANNEL_NAMES as readonly string[]).includes(value);
}
