import type { ChannelName, IncomingMessage, Lang, Reply } from '../contracts/index.js';
import type { Action } from '../nlu/brain.js';
import type { FaqArticle, MessageHandler } from './channel.js';
import type { SupportBot, TurnResult } from './support-bot.js';

/**
 * What a turn came to, as metrics count it: the brain's action when it decided the turn;
 * `dialogue` when the conversation's state did (a command, a button, a hand-off question, a
 * message to an open ticket, a rating); `refused` when the message was turned away unread (a
 * flood, too long, unsupported content); `ignored` when it got no reply at all (a redelivered
 * message, a flood past its warning); `failed` when it threw (e.g. the database was busy), so
 * the channel answered with an error.
 */
export type TurnOutcome = Action | 'dialogue' | 'refused' | 'ignored' | 'failed';

/** One handled message as metrics see it: bounded values only, never the user's words or ids. */
export interface TurnMeasurement {
  readonly channel: ChannelName;
  readonly outcome: TurnOutcome;
  /** The brain's confidence in its decision (absent when the brain decided nothing). */
  readonly confidence?: number;
  /** How long the turn took, in seconds. */
  readonly seconds: number;
}

/** What a {@link TurnResult} came to. */
export function turnOutcome(result: TurnResult): TurnOutcome {
  if (result.decision) return result.decision.action;
  if (result.stored !== undefined) return 'dialogue';
  return result.replies.length > 0 ? 'refused' : 'ignored';
}

/**
 * The pipeline as the adapters get it, measured: each message goes through
 * {@link SupportBot.process}, its outcome and duration go to `observe`, and the replies go back.
 * The rest of the handler passes through unchanged.
 */
export class MeasuredHandler implements MessageHandler {
  constructor(
    private readonly bot: Pick<SupportBot, 'process' | 'faq' | 'searchHelp' | 'history'>,
    private readonly observe: (turn: TurnMeasurement) => void,
  ) {}

  async handle(message: IncomingMessage): Promise<Reply[]> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let result: TurnResult;
    try {
      result = await this.bot.process(message);
    } catch (error) {
      this.observe({ channel: message.channel, outcome: 'failed', seconds: seconds() });
      throw error;
    }
    this.observe({ channel: message.channel, outcome: turnOutcome(result), confidence: result.decision?.confidence, seconds: seconds() });
    return result.replies;
  }

  faq(lang: Lang): FaqArticle[] {
    return this.bot.faq(lang);
  }

  searchHelp(text: string, lang: Lang): FaqArticle[] {
    return this.bot.searchHelp(text, lang);
  }

  async history(user: Pick<IncomingMessage, 'channel' | 'userId'>, limit?: number): ReturnType<MessageHandler['history']> {
    return this.bot.history(user, limit);
  }
}
