import type { Reply } from '../../src/core/index.js';
import type { FeedEntry } from './feed.js';

const PER_VISITOR = 20;
const VISITORS = 5_000;

/**
 * The replies the outbox handed to the web channel lately, per visitor, whether or not a page
 * was open. The conversation history (the durable record the streams are served from) keeps
 * only their text; these keep what goes with it (rating buttons, the ticket notice, the agent's
 * name), so a page that reconnects gets the same replies it would have got live. After a
 * restart the history alone is used. Bounded: the last 20 replies of the last 5,000 visitors.
 */
export class RecentReplies {
  readonly #byVisitor = new Map<string, Reply[]>();

  /** Keeps replies delivered to a visitor. */
  remember(visitorId: string, replies: readonly Reply[]): void {
    const kept = [...(this.#byVisitor.get(visitorId) ?? []), ...replies].slice(-PER_VISITOR);
    this.#byVisitor.delete(visitorId);
    this.#byVisitor.set(visitorId, kept);
    if (this.#byVisitor.size > VISITORS) this.#byVisitor.delete(this.#byVisitor.keys().next().value!);
  }

  /** The reply behind a stored message from support: the delivered one if known, else rebuilt from the message. */
  replyFor(visitorId: string, entry: FeedEntry): Reply {
    const fromAgent = entry.from === 'agent';
    const known = this.#byVisitor.get(visitorId)?.findLast((reply) => reply.text === entry.text && (reply.kind === 'agent') === fromAgent);
    return known ?? { kind: fromAgent ? 'agent' : 'status', text: entry.text, agentName: entry.agent ?? undefined };
  }
}
