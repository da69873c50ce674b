import type { Response } from 'express';
import express from 'express';
import { z } from 'zod';
import type { ChannelAdapter, ChannelContext } from '../../src/core/channel.js';
import type { ConversationRef, IncomingMessage, Reply } from '../../src/core/types.js';
import { MAX_MESSAGE_LENGTH } from '../../src/core/support-bot.js';
import type { ChannelFactory } from '../index.js';

const PUBLIC_DIR = new URL('./public/', import.meta.url).pathname;
const HEARTBEAT_MS = 25_000;

const visitorId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'visitorId must be 8-64 letters, digits, _ or -');

const messageBody = z
  .object({
    visitorId,
    text: z.string().max(MAX_MESSAGE_LENGTH * 2).optional(),
    payload: z.string().max(200).optional(),
    lang: z.enum(['zh', 'en']).optional(),
    name: z.string().max(80).optional(),
  })
  .refine((body) => (body.text ?? '').trim() !== '' || body.payload, { message: 'send text or a payload' });

/**
 * The web live chat: a static page at `/`, `POST /api/chat/messages` to talk to the bot,
 * `GET /api/chat/events` (server-sent events) for agent replies, `GET /api/chat/history`
 * after a reload. Visitors are anonymous ids kept in the browser's localStorage.
 */
export class WebChatAdapter implements ChannelAdapter {
  readonly name = 'web' as const;
  readonly #streams = new Map<string, Set<Response>>();
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly context: ChannelContext) {}

  async start(): Promise<void> {
    const { http } = this.context;
    const json = express.json({ limit: '16kb' });
    http.post('/api/chat/messages', json, (req, res) => {
      const parsed = messageBody.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ error: parsed.error.issues[0]?.message ?? 'bad request' });
        return;
      }
      const body = parsed.data;
      const message: IncomingMessage = {
        channel: 'web',
        userId: body.visitorId,
        displayName: body.name,
        conversation: { visitorId: body.visitorId },
        text: body.text ?? '',
        payload: body.payload,
        langHint: body.lang,
      };
      res.json({ replies: this.context.bot.handle(message) });
    });
    http.get('/api/chat/history', (req, res) => {
      const parsed = visitorId.safeParse(req.query.visitorId);
      if (!parsed.success) {
        res.status(400).json({ error: parsed.error.issues[0]?.message });
        return;
      }
      res.json({ messages: this.context.bot.history({ channel: 'web', userId: parsed.data }) });
    });
    http.get('/api/chat/events', (req, res) => {
      const parsed = visitorId.safeParse(req.query.visitorId);
      if (!parsed.success) {
        res.status(400).json({ error: parsed.error.issues[0]?.message });
        return;
      }
      this.#openStream(parsed.data, res);
    });
    http.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: 0 }));
    this.#heartbeat = setInterval(() => this.#broadcastComment(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const streams of this.#streams.values()) for (const res of streams) res.end();
    this.#streams.clear();
  }

  /**
   * Pushes replies to the visitor's open pages. A visitor with no page open still gets them:
   * they are in the conversation's history, which the page loads when it opens.
   */
  async deliver(reference: ConversationRef, replies: readonly Reply[]): Promise<void> {
    const streams = this.#streams.get(String(reference.visitorId));
    if (!streams?.size) {
      this.context.logger.debug({ channel: 'web' }, 'visitor offline; reply kept in history');
      return;
    }
    const event = `event: replies\ndata: ${JSON.stringify({ replies })}\n\n`;
    for (const res of streams) res.write(event);
  }

  #openStream(id: string, res: Response): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n: connected\n\n');
    const streams = this.#streams.get(id) ?? new Set<Response>();
    streams.add(res);
    this.#streams.set(id, streams);
    res.on('close', () => {
      streams.delete(res);
      if (streams.size === 0) this.#streams.delete(id);
    });
  }

  #broadcastComment(): void {
    for (const streams of this.#streams.values()) for (const res of streams) res.write(': ping\n\n');
  }
}

/** The web chat's factory: always on. */
export const webChannel: ChannelFactory = { name: 'web', create: async (_config, context) => new WebChatAdapter(context) };
