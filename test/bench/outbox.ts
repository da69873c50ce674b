import { ChannelRegistry } from '../../src/core/channel.js';
import type { ChannelAdapter } from '../../src/contracts/index.js';
import { loadConfig } from '../../src/config/index.js';
import { OutboxDispatcher } from '../../src/escalation/dispatcher.js';
import { createLogger } from '../../src/log.js';
import { createServices } from '../../src/services.js';
import { tempDir } from '../support/temp.js';

/** A channel that accepts every reply at once, so what is measured is the outbox itself (claims, lanes, marks). */
const acceptingChannel: ChannelAdapter = { name: 'web', start: async () => {}, stop: async () => {}, deliver: async () => {} };

/**
 * Outbox throughput: `rows` replies queued for `conversations` web visitors, drained by the
 * dispatcher with its production defaults. Deliveries/s from the first claim to the last mark.
 */
export async function benchOutbox(rows = 20_000, conversations = 1_000): Promise<{ rows: number; conversations: number; drainMs: number; deliveriesPerS: number }> {
  const { dir, cleanup } = tempDir();
  const services = await createServices(loadConfig({ DATABASE_PATH: `${dir}/outbox.sqlite` }));
  try {
    const now = new Date();
    await services.engine.transaction(async () => {
      for (let n = 0; n < rows; n++) {
        await services.outbox.enqueue({ channel: 'web', reference: { visitorId: `bench-${n % conversations}` }, replies: [{ kind: 'agent', text: `reply ${n}`, agentName: 'alice' }] }, now);
      }
    });
    const channels = new ChannelRegistry();
    channels.register(acceptingChannel);
    const dispatcher = new OutboxDispatcher(services.outbox, channels, createLogger('silent'));
    const started = performance.now();
    const delivered = await dispatcher.drain();
    const drainMs = performance.now() - started;
    await dispatcher.stop();
    if (delivered !== rows || (await services.outbox.pendingCount()) !== 0) throw new Error(`outbox bench: ${delivered} of ${rows} delivered`);
    return { rows, conversations, drainMs: Math.round(drainMs), deliveriesPerS: Math.round(rows / (drainMs / 1000)) };
  } finally {
    await services.close();
    cleanup();
  }
}
