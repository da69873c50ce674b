import { z } from 'zod';
import { MAX_BROADCAST_BYTES, type Reply } from '../../src/core/index.js';

/** What one instance tells the others when the outbox delivered replies to a web visitor. */
export interface DeliveryNotice {
  readonly visitorId: string;
  /** The replies as delivered (buttons, the agent's name); empty when they were too long to send along: the pages rebuild them from the history. */
  readonly replies: readonly Reply[];
}

const notice = z.object({
  visitorId: z.string().min(1).max(200),
  replies: z.array(z.custom<Reply>((value) => typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string')),
});

/** The broadcast payload for replies delivered to `visitorId`: with the replies when they fit. */
export function deliveryNotice(visitorId: string, replies: readonly Reply[]): string {
  const full = JSON.stringify({ visitorId, replies });
  return Buffer.byteLength(full) <= MAX_BROADCAST_BYTES ? full : JSON.stringify({ visitorId, replies: [] });
}

/** A notice read back; undefined for anything else. */
export function readDeliveryNotice(payload: string): DeliveryNotice | undefined {
  try {
    const parsed = notice.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
