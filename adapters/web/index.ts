import type { Request, Response } from 'express';
import express from 'express';
import type { ChannelAdapter, ChannelContext, ConversationRef, HelpCentreConfig, IncomingMessage, Reply } from '../../src/core/index.js';
import type { ChannelFactory } from '../../src/core/index.js';
import { addressLimits, type AddressLimits } from './address-limits.js';
import { deliveryNotice, readDeliveryNotice } from './delivery-notice.js';
import { ConversationFeed, entriesAfter } from './feed.js';
import { chatPageFraming, mountHelpCentre } from './help/index.js';
import { RecentReplies } from './recent-replies.js';
import { firstProblem, messageBody, visitorQuery, type VisitorQuery } from './requests.js';
import { VisitorStreams, type VisitorStream } from './streams.js';
import { loadVisitorSecret, VisitorIds } from './visitor-ids.js';

const PUBLIC_DIR = new URL('./public/', import.meta.url).pathname;
/** How many messages `GET /api/chat/history` returns. */
const HISTORY_LENGTH = 50;
const NOT_ISSUED = 'unknown visitorId: get one from POST /api/chat/visitors';

/** What the web chat needs besides the runtime's context. */
export interface WebChatOptions {
  readonly visitors: VisitorIds;
  readonly limits: AddressLimits;
  /** `PUBLIC_URL` and `WIDGET_ALLOWED_ORIGINS`: the help centre's canonical links, who may frame the chat (the widget). */
  readonly helpCentre: HelpCentreConfig;
}

/**
 * The web live chat: a static page at `/` (frameable by the sites `WIDGET_ALLOWED_ORIGINS` names,
 * for the widget `/widget.js`), the help centre at `/help`, and a JSON API. `POST /api/chat/visitors` issues a
 * visitor id (the page keeps it in localStorage); `POST /api/chat/messages` talks to the bot;
 * `GET /api/chat/history` after a reload; `GET /api/chat/events` (server-sent events) for what
 * support sends later. Ids the server did not issue get 401; every route has a per-address limit.
 *
 * Replies from support are served from the conversation history, so none is lost while a page
 * is away, or the bot is: each event's id is the id of its last message, and a page that
 * reconnects (`Last-Event-ID`, or `?after=` with the last message it loaded) gets what it missed.
 */
export class WebChatAdapter implements ChannelAdapter {
  readonly name = 'web' as const;
  readonly #streams = new VisitorStreams();
  readonly #recent = new RecentReplies();
  readonly #feed: ConversationFeed;
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly context: ChannelContext,
    private readonly options: WebChatOptions,
  ) {
    this.#feed = new ConversationFeed(context.bot);
  }

  async start(): Promise<void> {
    const { http } = this.context;
    const { limits, visitors } = this.options;
    const json = express.json({ limit: '16kb' });
    http.post('/api/chat/visitors', limits.visitors, (_req, res) => {
      res.json({ visitorId: visitors.issue() });
    });
    http.post('/api/chat/messages', limits.messages, json, async (req, res) => {
      const parsed = messageBody.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: firstProblem(parsed.error) });
      const body = parsed.data;
      if (!visitors.isIssued(body.visitorId)) return void res.status(401).json({ error: NOT_ISSUED });
      const message: IncomingMessage = {
        channel: 'web',
        userId: body.visitorId,
        displayName: body.name,
        conversation: { visitorId: body.visitorId },
        text: body.text ?? '',
        payload: body.payload,
        langHint: body.lang,
        origin: req.ip,
      };
      res.json({ replies: await this.context.bot.handle(message) });
    });
    http.get('/api/chat/history', limits.reads, async (req, res) => {
      const query = this.#query(req, res);
      if (!query) return;
      const messages = (await this.#feed.recent(query.visitorId, HISTORY_LENGTH)).map(({ fromSupport: _, ...message }) => message);
      res.json({ messages });
    });
    http.get('/api/chat/events', limits.reads, async (req, res) => {
      const query = this.#query(req, res);
      if (!query) return;
      const { visitorId } = query;
      const stream = this.#streams.open(visitorId, res, await this.#feed.resumePoint(visitorId, req.get('last-event-id') ?? query.after));
      await this.#catchUp(visitorId, stream);
    });
    mountHelpCentre(http, this.context.bot, { publicUrl: this.options.helpCentre.publicUrl });
    http.use(chatPageFraming(this.options.helpCentre.widgetOrigins));
    http.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: 0 }));
    this.#streams.start();
    this.#unsubscribe = this.context.broadcast.subscribe('web_delivery', (payload) => {
      const notice = readDeliveryNotice(payload);
      if (!notice) return void this.context.logger.warn({ channel: 'web' }, 'unreadable web delivery notice ignored');
      this.#delivered(notice.visitorId, notice.replies).catch((error: unknown) =>
        this.context.logger.warn({ channel: 'web', reason: String(error) }, 'pushing delivered replies to open pages failed; they get them when they reconnect'),
      );
    });
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#streams.stop();
  }

  /**
   * Sends what support wrote to the visitor's open pages. With no page open (or the HTTP server
   * not listening yet, at start-up) there is nothing to do now: the replies are in the
   * conversation's history, and the page gets them when it connects.
   */
  async deliver(reference: ConversationRef, replies: readonly Reply[]): Promise<void> {
    // The visitor's pages may be open on any instance: every instance (this one too) hears it and catches its pages up.
    await this.context.broadcast.publish('web_delivery', deliveryNotice(String(reference.visitorId), replies));
  }

  /** Replies the outbox delivered (on any instance): pushed to the visitor's pages open here. */
  async #delivered(visitorId: string, replies: readonly Reply[]): Promise<void> {
    this.#recent.remember(visitorId, replies);
    const streams = this.#streams.of(visitorId);
    if (streams.length === 0) this.context.logger.debug({ channel: 'web' }, 'visitor offline here; replies wait in the history for the page');
    for (const stream of streams) await this.#catchUp(visitorId, stream);
  }

  /** Sends a stream what support wrote after its cursor. */
  async #catchUp(visitorId: string, stream: VisitorStream): Promise<void> {
    const cursor = stream.cursor;
    const read = await this.#feed.supportAfter(visitorId, cursor);
    // Another catch-up of this stream (a delivery, the page connecting) may have sent some of them while this one read.
    const missed = stream.cursor === cursor ? read : entriesAfter(read, stream.cursor);
    if (missed.length === 0) return;
    stream.send(
      missed.map((entry) => this.#recent.replyFor(visitorId, entry)),
      missed.at(-1)!.id,
    );
  }

  /** A GET request's query with an issued visitor id, or undefined after answering 400 (bad query) or 401 (id not issued here). */
  #query(req: Request, res: Response): VisitorQuery | undefined {
    const parsed = visitorQuery.safeParse(req.query);
    if (!parsed.success) return void res.status(400).json({ error: firstProblem(parsed.error) });
    if (!this.options.visitors.isIssued(parsed.data.visitorId)) return void res.status(401).json({ error: NOT_ISSUED });
    return parsed.data;
  }
}

/**
 * The web chat's factory: always on. Applies `TRUST_PROXY` to the shared server, so `req.ip`
 * (the key of the per-address limits) is the client's address behind a reverse proxy.
 */
export const webChannel: ChannelFactory = {
  name: 'web',
  create: async (config, context) => {
    if (config.trustProxy !== false) context.http.set('trust proxy', config.trustProxy);
    return new WebChatAdapter(context, {
      visitors: new VisitorIds(await loadVisitorSecret(config.web.visitorSecret, context.sharedSecret)),
      limits: addressLimits(config.web.limits, context.logger),
      helpCentre: config.helpCentre,
    });
  },
};
