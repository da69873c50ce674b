import type { Reply } from '../../src/contracts/index.js';

/** One `replies` event of the web chat's event stream. */
export interface RepliesEvent {
  readonly id: string;
  readonly replies: Reply[];
}

/** A page's server-sent-event stream (`GET /api/chat/events`), collecting every `replies` event as it arrives. */
export interface CollectedStream {
  /** The events received so far, oldest first. */
  readonly events: RepliesEvent[];
  close(): void;
}

/** Opens the web chat's event stream as a page would and collects its events in the background. */
export async function collectEvents(url: string, visitorId: string): Promise<CollectedStream> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/chat/events?visitorId=${visitorId}`, { signal: controller.signal });
  if (response.status !== 200) throw new Error(`GET /api/chat/events: ${response.status}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: RepliesEvent[] = [];
  let buffer = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
        if (field('event') === 'replies') events.push({ id: field('id')!, replies: (JSON.parse(field('data')!) as { replies: Reply[] }).replies });
      }
    }
  })().catch(() => undefined);
  return { events, close: () => controller.abort() };
}
