import type { ChannelAdapter, ConversationRef, Reply } from '../../src/core/index.js';

/**
 * The terminal user of `cli chat`: replies that arrive later (an agent's answer, a
 * resolved ticket) are printed for the user this process is chatting as.
 */
export class TerminalAdapter implements ChannelAdapter {
  readonly name = 'cli' as const;

  constructor(
    private readonly userId: string,
    private readonly print: (replies: readonly Reply[]) => void,
  ) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async deliver(_reference: ConversationRef, replies: readonly Reply[]): Promise<void> {
    this.print(replies);
  }

  /** Only this terminal's user: another terminal user's replies stay queued for their own `cli chat`. */
  owns(reference: ConversationRef): boolean {
    return reference.user === this.userId;
  }
}
