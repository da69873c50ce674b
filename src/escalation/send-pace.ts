import type { ChannelName } from '../contracts/index.js';

/**
 * Messages per second the dispatcher sends on each platform, under what the platform accepts
 * from one bot (a channel without an entry is not paced: the web chat, the terminal).
 */
export const PLATFORM_SEND_RATES: Readonly<Partial<Record<ChannelName, number>>> = {
  // Telegram's Bot API FAQ: "no more than 30 messages per second" to different chats.
  telegram: 30,
  // Discord: 50 requests per second per bot (the global limit), with room for the desk's own calls.
  discord: 40,
  // The Bot Framework throttles bursts per bot; Teams broadcasts are kept well under its limits.
  teams: 30,
};

/**
 * Spaces calls evenly at `perSecond`: each {@link acquire} resolves at the next free moment, so a
 * fan-out to thousands of users stays within the platform's rate however many lanes run at once.
 */
export class SendPace {
  #next = 0;

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Waits for this call's turn (at once when the channel has been idle). */
  async acquire(): Promise<void> {
    const now = this.clock();
    const at = Math.max(now, this.#next);
    this.#next = at + 1000 / this.perSecond;
    if (at > now) await this.sleep(at - now);
  }
}
