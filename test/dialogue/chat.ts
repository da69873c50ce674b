import { SupportBot, type TurnResult } from '../../src/core/support-bot.js';
import type { IncomingMessage, Reply } from '../../src/contracts/index.js';
import type { EscalationView } from '../../src/contracts/index.js';
import { createServices, type Services } from '../../src/services.js';
import { testConfig } from '../support/app.js';
import { tempDir } from '../support/temp.js';

/** The agent every conversation test acts as on the desk. */
export const AGENT = { channel: 'cli', userId: 'alice', name: 'alice' } as const;

/**
 * The real services on a fresh SQLite file, with a pipeline whose clock the test moves
 * (so "within a minute" is tested without waiting).
 */
export interface ChatWorld {
  readonly services: Services;
  readonly bot: SupportBot;
  /** Moves the pipeline's clock forward. */
  advance(ms: number): void;
  /** A web-chat user of this world. */
  user(id: string): ChatUser;
  close(): Promise<void>;
}

/** One user talking to the bot: each call is one turn through `SupportBot.process`. */
export interface ChatUser {
  readonly id: string;
  say(text: string): Promise<TurnResult>;
  press(payload: string): Promise<TurnResult>;
  /** The user's active ticket, if any. */
  ticket(): Promise<EscalationView | undefined>;
  /** Every reply text of every turn so far. */
  readonly transcript: string[];
}

/** Starts a world; `env` adds configuration (e.g. `BUSINESS_HOURS`). */
export async function chatWorld(env: Record<string, string> = {}): Promise<ChatWorld> {
  const temp = tempDir();
  const config = testConfig(temp.dir, { AGENT_IDS: 'cli:alice', ...env });
  const services = await createServices(config);
  let now = Date.now();
  const sla = { chatMinutes: config.sla.chatMinutes, emailHours: config.sla.emailHours, businessHours: config.businessHours };
  const bot = new SupportBot({ engine: services.engine, brain: services.brain, tickets: services.tickets, queue: services.queue, sla, clock: () => new Date(now) });
  return {
    services,
    bot,
    advance(ms) {
      now += ms;
    },
    user(id) {
      const transcript: string[] = [];
      const turn = async (extra: Partial<IncomingMessage>): Promise<TurnResult> => {
        // Each turn is a second apart, so the flood limiter never refuses a test conversation.
        now += 1_000;
        const result = await bot.process({ channel: 'web', userId: id, conversation: { visitorId: id }, text: '', ...extra });
        transcript.push(...result.replies.map((reply) => reply.text));
        return result;
      };
      return {
        id,
        transcript,
        say: (text) => turn({ text }),
        press: (payload) => turn({ payload }),
        ticket: async () => (await services.desk.list({ status: ['open', 'claimed'] })).find((ticket) => ticket.channel === 'web' && ticket.userId === id),
      };
    },
    async close() {
      await services.close();
      temp.cleanup();
    },
  };
}

/** All reply texts and button labels of a turn, joined. */
export function allText(result: TurnResult): string {
  return result.replies.flatMap((reply: Reply) => [reply.text, ...(reply.suggestions ?? []).map((s) => s.label)]).join('\n');
}

/** The payloads of a turn's buttons. */
export function payloads(result: TurnResult): string[] {
  return result.replies.flatMap((reply) => (reply.suggestions ?? []).map((s) => s.payload));
}
