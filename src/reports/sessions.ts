import type { MessageFact } from './history.js';

/** A user's silence longer than this ends a conversation (the next message starts another). */
export const SESSION_GAP_MS = 30 * 60_000;

/** One turn: a user's message and the bot's replies, stored with the same time. */
export interface Turn {
  readonly at: Date;
  readonly messages: readonly MessageFact[];
  /** The brain's decision of the turn (its bot messages carry it), if it made one. */
  readonly decision?: { readonly intent: string; readonly action: string };
}

/** A conversation as support tools count them: one user's turns on one channel with no gap over {@link SESSION_GAP_MS}. */
export interface Session {
  readonly conversationId: number;
  readonly channel: string;
  readonly start: Date;
  readonly end: Date;
  readonly turns: readonly Turn[];
}

/** Splits messages (oldest first) into sessions; agents' messages belong to the turns they were written in. */
export function splitSessions(messages: readonly MessageFact[]): Session[] {
  const byConversation = new Map<number, MessageFact[]>();
  for (const message of messages) byConversation.set(message.conversationId, [...(byConversation.get(message.conversationId) ?? []), message]);
  const sessions: Session[] = [];
  for (const [conversationId, list] of byConversation) {
    let turns: Turn[] = [];
    const close = () => {
      if (turns.length > 0) sessions.push({ conversationId, channel: list[0]!.channel, start: turns[0]!.at, end: turns.at(-1)!.at, turns });
      turns = [];
    };
    for (const turn of groupTurns(list)) {
      const last = turns.at(-1);
      if (last && turn.at.getTime() - last.at.getTime() > SESSION_GAP_MS) close();
      turns.push(turn);
    }
    close();
  }
  return sessions.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Messages of one conversation grouped by the time they were stored (one pipeline turn each). */
function groupTurns(list: readonly MessageFact[]): Turn[] {
  const turns: { at: Date; messages: MessageFact[] }[] = [];
  for (const message of list) {
    const last = turns.at(-1);
    if (last && last.at.getTime() === message.at.getTime()) last.messages.push(message);
    else turns.push({ at: message.at, messages: [message] });
  }
  return turns.map((turn) => {
    const decided = turn.messages.find((message) => message.sender === 'bot' && message.action);
    return decided ? { ...turn, decision: { intent: decided.intent ?? 'none', action: decided.action! } } : turn;
  });
}
