import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small Telegram Bot API on loopback, for end-to-end tests with the real grammy client
 * (`TELEGRAM_API_ROOT=fake.apiRoot`). It keeps chats and messages like Telegram does, answers
 * `POST /bot<token>/<method>` with `{ok, result}` or `{ok:false, error_code, description}`,
 * checks what Telegram checks (HTML that does not parse, callback data over 64 bytes, editing
 * a message into itself, answering a button press twice...), and records every call.
 * Tests act as Telegram users (`sendText`, `press`, `sendContent`) and wait for the bot's calls
 * (`waitForCall`). Updates go to long polling (`getUpdates`), or to the webhook once one is set
 * and `deliverWebhooksTo` says where the bot's HTTP server really is.
 */
export class FakeTelegram {
  /** The bot's token (the fake answers 401 to any other). */
  readonly token: string;
  /** The bot, as getMe describes it. */
  readonly me: TgUser;
  /** Every Bot API call, in order. */
  readonly calls: ApiCall[] = [];
  /** Every update posted to the webhook, with the HTTP status the bot answered. */
  readonly webhookDeliveries: { readonly updateId: number; readonly status: number }[] = [];
  /** The webhook, while one is set. */
  webhook: { url: string; secretToken?: string; allowedUpdates?: string[] } | undefined;
  /** The command menus, by language code ('' for the default). */
  readonly commands = new Map<string, { command: string; description: string }[]>();

  readonly #server: Server;
  readonly #chats = new Map<number, TgChat>();
  readonly #messages = new Map<string, StoredMessage>();
  readonly #lastMessageId = new Map<number, number>();
  readonly #threads = new Set<string>();
  readonly #queries = new Map<string, { answered: boolean }>();
  readonly #blocked = new Set<number>();
  readonly #failures: { method: string; error: ApiErrorShape; match: (params: Params) => boolean }[] = [];
  #hold: { answered: number; match: (params: Params) => boolean } | undefined;
  #held = 0;
  readonly #polls = new Set<() => void>();
  readonly #waiters = new Set<Waiter>();
  #pending: Update[] = [];
  #nextUpdateId = 500;
  #nextQueryId = 1;
  #webhookOrigin: string | undefined;
  #webhookQueue: Promise<unknown> = Promise.resolve();

  private constructor(server: Server, options: FakeTelegramOptions) {
    this.#server = server;
    this.token = options.token ?? '123456789:TEST-fake-telegram-token';
    this.me = { id: Number(this.token.split(':')[0]), is_bot: true, first_name: 'Support Bot', username: options.username ?? 'support_test_bot' };
    for (const chat of options.chats ?? []) this.#chats.set(chat.id, chat);
  }

  /** Starts the fake on an ephemeral loopback port. */
  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const server = createServer();
    const fake = new FakeTelegram(server, options);
    server.on('request', (req, res) => void fake.#serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The API root to give grammy (`TELEGRAM_API_ROOT`). */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops the server, ending held long polls. */
  async close(): Promise<void> {
    for (const wake of this.#polls) wake();
    for (const waiter of this.#waiters) clearTimeout(waiter.timer);
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  // --- Telegram users acting ---

  /** A user writes `text` (in their private chat unless `chat` is given), maybe as a reply or in a forum topic. */
  sendText(from: TgUser, text: string, options: { chat?: TgChat; replyTo?: TgMessage; threadId?: number; updateId?: number } = {}): TgMessage {
    return this.#userMessage(from, { text, entities: entitiesOf(text) }, options);
  }

  /** A user sends something other than text: a sticker or a photo (with a caption, maybe). */
  sendContent(from: TgUser, kind: 'sticker' | 'photo', options: { chat?: TgChat; caption?: string } = {}): TgMessage {
    const file = { file_id: `file-${kind}`, file_unique_id: `unique-${kind}`, width: 512, height: 512 };
    const content = kind === 'sticker' ? { sticker: { ...file, type: 'regular', is_animated: false, is_video: false, emoji: '👍' } } : { photo: [file] };
    return this.#userMessage(from, { ...content, ...(options.caption ? { caption: options.caption } : {}) }, options);
  }

  /** A user presses an inline button of a message the bot sent; returns the callback query's id. */
  press(from: TgUser, message: TgMessage, data: string): string {
    const current = this.message(message.chat.id, message.message_id);
    const buttons = (current.reply_markup?.inline_keyboard ?? []).flat();
    if (!buttons.some((button) => button.callback_data === data)) {
      throw new Error(`message ${message.message_id} has no button "${data}" (it has: ${buttons.map((b) => b.callback_data).join(', ') || 'none'})`);
    }
    const id = String(this.#nextQueryId++);
    this.#queries.set(id, { answered: false });
    this.#push({ update_id: this.#nextUpdateId++, callback_query: { id, from, message: current, chat_instance: `instance${message.chat.id}`, data } });
    return id;
  }

  /** Posts an update to the webhook as Telegram would (or with another secret); resolves with the HTTP status. */
  async deliverToWebhook(update: Update, secretToken = this.webhook?.secretToken): Promise<number> {
    if (!this.webhook || !this.#webhookOrigin) throw new Error('no webhook set, or deliverWebhooksTo was not called');
    const url = this.#webhookOrigin + new URL(this.webhook.url).pathname;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secretToken ? { 'x-telegram-bot-api-secret-token': secretToken } : {}) },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    this.webhookDeliveries.push({ updateId: update.update_id, status: response.status });
    return response.status;
  }

  /** Sends updates to the webhook at this origin (the bot's real server) instead of its public URL. */
  deliverWebhooksTo(origin: string): void {
    this.#webhookOrigin = origin;
  }

  /** Registers a chat (a group the bot is in). */
  addChat(chat: TgChat): void {
    this.#chats.set(chat.id, chat);
  }

  /** From now on, sending to this chat fails like it does when a user blocked the bot. */
  block(chatId: number): void {
    this.#blocked.add(chatId);
  }

  /**
   * Answers the next `count` sendMessage calls that match, then leaves every later matching one
   * unanswered and unrecorded (a platform that stalls: the bot cannot know whether it arrived).
   */
  holdAfter(count: number, match: (params: Params) => boolean): void {
    this.#hold = { answered: count, match };
  }

  /** How many sendMessage calls {@link holdAfter} has left unanswered. */
  get held(): number {
    return this.#held;
  }

  /** The next call of `method` (whose parameters match) fails with this error, e.g. a 429 with `retry_after`. */
  failNext(method: string, error: ApiErrorShape, match: (params: Params) => boolean = () => true): void {
    this.#failures.push({ method, error, match });
  }

  // --- what the bot did ---

  /** The number of calls so far: pass it as `after` to wait only for calls made from now on. */
  mark(): number {
    return this.calls.length;
  }

  /** Waits (up to `timeoutMs`) for a successful call of `method` whose parameters match, made after call number `after`. */
  waitForCall(method: string, match: (params: Params) => boolean = () => true, options: { after?: number; timeoutMs?: number } = {}): Promise<ApiCall> {
    const after = options.after ?? 0;
    const found = this.calls.slice(after).find((call) => call.ok && call.method === method && match(call.params));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        method,
        match,
        after,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          const seen = this.calls.slice(after).filter((call) => call.method === method);
          reject(new Error(`no matching ${method} call within ${options.timeoutMs ?? 5000} ms; ${method} calls seen: ${JSON.stringify(seen.map((call) => call.params)).slice(0, 2000)}`));
        }, options.timeoutMs ?? 5000),
      };
      this.#waiters.add(waiter);
    });
  }

  /** The calls of `method` made after call number `after`. */
  callsOf(method: string, after = 0): ApiCall[] {
    return this.calls.slice(after).filter((call) => call.method === method);
  }

  /** A message as it is now (after edits). */
  message(chatId: number, messageId: number): TgMessage {
    const stored = this.#messages.get(`${chatId}:${messageId}`);
    if (!stored) throw new Error(`no message ${messageId} in chat ${chatId}`);
    return stored.message;
  }

  /** A user's private chat with the bot. */
  privateChat(user: TgUser): TgChat {
    return { id: user.id, type: 'private', first_name: user.first_name };
  }

  // --- the Bot API ---

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://fake').pathname);
    const body = await readBody(req);
    const reply = (status: number, payload: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (!route) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (route[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = route[2]!;
    let params: Params;
    try {
      params = body ? (JSON.parse(body) as Params) : {};
    } catch {
      return reply(400, { ok: false, error_code: 400, description: 'Bad Request: the fake expects JSON bodies' });
    }
    const call: ApiCall = { method, params, ok: true };
    // A long poll is recorded when it arrives, not when it ends (it may never end).
    if (method === 'getUpdates') this.#record(call);
    try {
      const failure = this.#failures.findIndex((entry) => entry.method === method && entry.match(params));
      if (failure >= 0) throw new ApiError(this.#failures.splice(failure, 1)[0]!.error);
      if (method === 'sendMessage' && this.#hold?.match(params)) {
        if (this.#hold.answered === 0) return void this.#held++;
        this.#hold.answered--;
      }
      if (method === 'getUpdates') return reply(200, { ok: true, result: await this.#getUpdates(params, res) });
      const result = this.#call(method, params);
      this.#record({ ...call, result });
      reply(200, { ok: true, result });
    } catch (error) {
      const shape = error instanceof ApiError ? error.shape : { error_code: 500, description: `Internal Server Error: ${(error as Error).message}` };
      this.#record({ ...call, ok: false, error: shape.description });
      reply(shape.error_code, { ok: false, ...shape });
    }
  }

  #record(call: ApiCall): void {
    this.calls.push(call);
    const index = this.calls.length;
    for (const waiter of this.#waiters) {
      if (call.ok && index > waiter.after && waiter.method === call.method && waiter.match(call.params)) {
        clearTimeout(waiter.timer);
        this.#waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  #call(method: string, params: Params): unknown {
    switch (method) {
      case 'getMe':
        return { ...this.me, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'deleteWebhook':
        this.webhook = undefined;
        if (params.drop_pending_updates) this.#pending = [];
        return true;
      case 'setWebhook': {
        const url = String(params.url ?? '');
        if (!url.startsWith('https://')) bad('bad webhook: An HTTPS URL must be provided for webhook');
        if (params.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(params.secret_token))) bad('secret token contains unallowed characters');
        this.webhook = { url, secretToken: params.secret_token as string | undefined, allowedUpdates: params.allowed_updates as string[] | undefined };
        return true;
      }
      case 'setMyCommands': {
        const commands = params.commands as { command: string; description: string }[];
        for (const command of commands) {
          if (!/^[a-z0-9_]{1,32}$/.test(command.command)) bad('BOT_COMMAND_INVALID');
          if (!command.description || command.description.length > 256) bad('BOT_COMMAND_DESCRIPTION_INVALID');
        }
        this.commands.set(String(params.language_code ?? ''), commands);
        return true;
      }
      case 'getChat': {
        const chat = this.#chat(params.chat_id);
        return { ...chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false } };
      }
      case 'sendChatAction':
        this.#writable(this.#chat(params.chat_id));
        if (params.action !== 'typing') bad('wrong parameter action in request');
        return true;
      case 'sendMessage':
        return this.#sendMessage(params);
      case 'editMessageText':
        return this.#edit(params, true);
      case 'editMessageReplyMarkup':
        return this.#edit(params, false);
      case 'answerCallbackQuery': {
        const query = this.#queries.get(String(params.callback_query_id));
        if (!query || query.answered) bad('query is too old and response timeout expired or query ID is invalid');
        if (typeof params.text === 'string' && params.text.length > 200) bad('MESSAGE_TOO_LONG');
        query.answered = true;
        return true;
      }
      case 'createForumTopic': {
        const chat = this.#chat(params.chat_id);
        if (!chat.is_forum) bad('the chat is not a forum');
        const name = String(params.name ?? '');
        if (name.length < 1 || name.length > 128) bad('TOPIC_TITLE_INVALID');
        const created = this.#store(chat, { from: this.me, forum_topic_created: { name, icon_color: 7322096 }, is_topic_message: true });
        created.message.message_thread_id = created.message.message_id;
        this.#threads.add(`${chat.id}:${created.message.message_id}`);
        return { message_thread_id: created.message.message_id, name, icon_color: 7322096 };
      }
      default:
        throw new ApiError({ error_code: 404, description: 'Not Found: method not implemented by the fake' });
    }
  }

  #getUpdates(params: Params, res: ServerResponse): Promise<Update[]> | Update[] {
    if (this.webhook) throw new ApiError({ error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
    const offset = Number(params.offset ?? 0);
    // Asking from an offset confirms every update before it: Telegram forgets them.
    if (offset > 0) this.#pending = this.#pending.filter((update) => update.update_id >= offset);
    const limit = Number(params.limit ?? 100);
    const ready = () => this.#pending.slice(0, limit);
    const timeout = Number(params.timeout ?? 0);
    if (this.#pending.length > 0 || timeout <= 0) return ready();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#polls.delete(wake);
        resolve(ready());
      };
      const timer = setTimeout(wake, timeout * 1000);
      this.#polls.add(wake);
      // The bot gave up (it stopped): forget the poll.
      res.on('close', () => {
        clearTimeout(timer);
        this.#polls.delete(wake);
      });
    });
  }

  #sendMessage(params: Params): TgMessage {
    const chat = this.#chat(params.chat_id);
    this.#writable(chat);
    const html = String(params.text ?? '');
    const text = this.#parse(html, params.parse_mode);
    const links = params.parse_mode === 'HTML' ? linksOf(html) : [];
    checkMarkup(params.reply_markup);
    const replyParameters = params.reply_parameters as { message_id: number; allow_sending_without_reply?: boolean } | undefined;
    const answered = replyParameters ? this.#messages.get(`${chat.id}:${replyParameters.message_id}`)?.message : undefined;
    if (replyParameters && !answered && !replyParameters.allow_sending_without_reply) bad('message to be replied not found');
    const threadId = (params.message_thread_id as number | undefined) ?? answered?.message_thread_id;
    if (threadId !== undefined && !this.#threads.has(`${chat.id}:${threadId}`)) bad('message thread not found');
    const stored = this.#store(chat, {
      from: this.me,
      text,
      ...(links.length ? { entities: links } : {}),
      ...(params.reply_markup ? { reply_markup: params.reply_markup as TgMessage['reply_markup'] } : {}),
      ...(answered ? { reply_to_message: withoutReply(answered) } : {}),
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
    });
    stored.html = html;
    return stored.message;
  }

  #edit(params: Params, withText: boolean): TgMessage {
    const chat = this.#chat(params.chat_id);
    const stored = this.#messages.get(`${chat.id}:${Number(params.message_id)}`);
    if (!stored) bad('message to edit not found');
    if (stored.message.from?.id !== this.me.id) bad("message can't be edited");
    checkMarkup(params.reply_markup);
    const html = withText ? String(params.text ?? '') : stored.html;
    const text = withText ? this.#parse(html ?? '', params.parse_mode) : stored.message.text;
    if (html === stored.html && JSON.stringify(params.reply_markup ?? null) === JSON.stringify(stored.message.reply_markup ?? null)) {
      bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    const { reply_markup: _old, ...rest } = stored.message;
    stored.message = { ...rest, text, edit_date: Math.floor(Date.now() / 1000), ...(params.reply_markup ? { reply_markup: params.reply_markup as TgMessage['reply_markup'] } : {}) };
    stored.html = html;
    return stored.message;
  }

  #parse(source: string, parseMode: unknown): string | undefined {
    if (parseMode !== undefined && parseMode !== 'HTML') bad(`the fake only speaks parse_mode HTML, not ${JSON.stringify(parseMode)}`);
    const text = parseMode === 'HTML' ? parseHtml(source) : source;
    if (!text.trim()) bad('message text is empty');
    if (text.length > 4096) bad('message is too long');
    return text;
  }

  #userMessage(from: TgUser, content: Partial<TgMessage>, options: { chat?: TgChat; replyTo?: TgMessage; threadId?: number; updateId?: number }): TgMessage {
    const chat = options.chat ?? this.privateChat(from);
    if (!this.#chats.has(chat.id)) this.#chats.set(chat.id, chat);
    const answered = options.replyTo ? this.message(chat.id, options.replyTo.message_id) : undefined;
    const threadId = options.threadId ?? answered?.message_thread_id;
    // In a forum topic, a message that answers nothing answers the topic's first (service) message, as in Telegram.
    const inReplyTo = answered ?? (threadId !== undefined ? this.#messages.get(`${chat.id}:${threadId}`)?.message : undefined);
    const { message } = this.#store(chat, {
      from,
      ...content,
      ...(inReplyTo ? { reply_to_message: withoutReply(inReplyTo) } : {}),
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
    });
    this.#push({ update_id: options.updateId ?? this.#nextUpdateId++, message });
    return message;
  }

  #push(update: Update): void {
    if (this.webhook && this.#webhookOrigin) {
      this.#webhookQueue = this.#webhookQueue.then(() => this.deliverToWebhook(update)).catch(() => undefined);
      return;
    }
    this.#pending.push(update);
    for (const wake of [...this.#polls]) wake();
  }

  #store(chat: TgChat, fields: Partial<TgMessage>): StoredMessage {
    const messageId = (this.#lastMessageId.get(chat.id) ?? 0) + 1;
    this.#lastMessageId.set(chat.id, messageId);
    const stored: StoredMessage = { message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat, ...fields } };
    this.#messages.set(`${chat.id}:${messageId}`, stored);
    return stored;
  }

  #chat(chatId: unknown): TgChat {
    const chat = this.#chats.get(Number(chatId));
    if (!chat) bad('chat not found');
    return chat;
  }

  #writable(chat: TgChat): void {
    if (this.#blocked.has(chat.id)) throw new ApiError({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
  }
}

/** A Telegram user (or the bot). */
export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** A chat: a user's private chat, or a group. */
export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title?: string;
  first_name?: string;
  is_forum?: boolean;
}

/** A message, as the Bot API shows it. */
export interface TgMessage {
  message_id: number;
  date: number;
  chat: TgChat;
  from?: TgUser;
  text?: string;
  message_thread_id?: number;
  is_topic_message?: boolean;
  reply_to_message?: TgMessage;
  reply_markup?: { inline_keyboard: { text: string; callback_data?: string }[][] };
  [field: string]: unknown;
}

/** One update, as getUpdates returns it or the webhook receives it. */
export interface Update {
  update_id: number;
  message?: TgMessage;
  callback_query?: { id: string; from: TgUser; message: TgMessage; chat_instance: string; data: string };
}

/** One Bot API call the fake received, and whether it succeeded. */
export interface ApiCall {
  readonly method: string;
  readonly params: Params;
  readonly ok: boolean;
  /** What the fake answered (for sendMessage: the message, with its plain text). */
  readonly result?: unknown;
  readonly error?: string;
}

/** What a Bot API error looks like. */
export interface ApiErrorShape {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

/** Options for {@link FakeTelegram.start}. */
export interface FakeTelegramOptions {
  token?: string;
  username?: string;
  /** Groups the bot is a member of. */
  chats?: TgChat[];
}

// Parameters are whatever grammy sent; tests read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON the bot sent
type Params = Record<string, any>;

interface StoredMessage {
  message: TgMessage;
  html?: string;
}

interface Waiter {
  method: string;
  match: (params: Params) => boolean;
  after: number;
  resolve: (call: ApiCall) => void;
  timer: NodeJS.Timeout;
}

class ApiError extends Error {
  constructor(readonly shape: ApiErrorShape) {
    super(shape.description);
  }
}

function bad(description: string): never {
  throw new ApiError({ error_code: 400, description: `Bad Request: ${description}` });
}

const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre', 'blockquote']);

/**
 * Parses Telegram's HTML parse mode strictly, as its documentation asks: only its tags, properly
 * nested; `<`, `>` and `&` only as part of a tag or an entity. Returns the plain text.
 */
function parseHtml(source: string): string {
  const open: string[] = [];
  let text = '';
  let at = 0;
  const fail = (what: string): never => bad(`can't parse entities: ${what} at byte offset ${Buffer.byteLength(source.slice(0, at))}`);
  while (at < source.length) {
    const char = source[at]!;
    if (char === '<') {
      const end = source.indexOf('>', at);
      const tag = end < 0 ? undefined : /^(\/?)([a-z-]+)(?:\s[^<>]*)?$/i.exec(source.slice(at + 1, end));
      if (!tag || !HTML_TAGS.has(tag[2]!.toLowerCase())) fail(`Unsupported start tag "${source.slice(at + 1, end < 0 ? at + 10 : end)}"`);
      const name = tag![2]!.toLowerCase();
      if (tag![1]) {
        if (open.pop() !== name) fail(`Unmatched end tag "${name}"`);
      } else {
        open.push(name);
      }
      at = end + 1;
    } else if (char === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(source.slice(at, at + 12));
      if (!entity) fail('Character entity expected');
      const name = entity![1]!.toLowerCase();
      text += name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'amp' ? '&' : name === 'quot' ? '"' : String.fromCodePoint(Number(name.startsWith('#x') ? `0x${name.slice(2)}` : name.slice(1)));
      at += entity![0].length;
    } else if (char === '>') {
      fail('Unexpected end of tag');
    } else {
      text += char;
      at++;
    }
  }
  if (open.length) fail(`Can't find end tag corresponding to start tag "${open.at(-1)}"`);
  return text;
}

function checkMarkup(markup: unknown): void {
  if (markup === undefined) return;
  const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (!Array.isArray(rows)) bad('the fake only knows inline keyboards');
  for (const row of rows as { text?: string; callback_data?: string }[][]) {
    for (const button of row) {
      if (!button.text) bad('text buttons are unallowed in the inline keyboard');
      if (button.callback_data !== undefined && (button.callback_data === '' || Buffer.byteLength(button.callback_data) > 64)) bad('BUTTON_DATA_INVALID');
    }
  }
}

/**
 * The `text_link` entities Telegram makes of `<a href>` tags in a bot's HTML message (offsets in
 * UTF-16 units of the parsed text), e.g. the mention link that names a user in a group.
 */
function linksOf(html: string): { type: 'text_link'; offset: number; length: number; url: string }[] {
  const links: { type: 'text_link'; offset: number; length: number; url: string }[] = [];
  // Tags dropped and entities decoded: the same text parseHtml yields, for counting offsets.
  const plain = (part: string) => part.replace(/<[^>]*>/g, '').replace(/&(lt|gt|amp|quot);/g, (_, name: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"' })[name]!);
  for (const match of html.matchAll(/<a href="([^"]*)">(.*?)<\/a>/g)) {
    links.push({ type: 'text_link', offset: plain(html.slice(0, match.index)).length, length: plain(match[2]!).length, url: plain(match[1]!) });
  }
  return links;
}

/** Entities Telegram would find in a typed message: a leading /command and @mentions. */
function entitiesOf(text: string): { type: string; offset: number; length: number }[] {
  const entities: { type: string; offset: number; length: number }[] = [];
  const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const mention of text.matchAll(/(?<![\w/])@[A-Za-z0-9_]{5,32}/g)) entities.push({ type: 'mention', offset: mention.index, length: mention[0].length });
  return entities;
}

/** Telegram shows one level of replies: the answered message without its own reply. */
function withoutReply(message: TgMessage): TgMessage {
  const { reply_to_message: _nested, ...rest } = message;
  return rest;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Repeats `check` until it returns something (not undefined, null or false), or fails after
 * `timeoutMs` naming `what`: for effects with no Bot API call to wait for (a relay queued in the outbox).
 */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 5000): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The buttons' callback data of a sent message, row by row. */
export function buttonsOf(call: ApiCall): string[][] {
  const markup = call.params.reply_markup as TgMessage['reply_markup'];
  return (markup?.inline_keyboard ?? []).map((row) => row.map((button) => button.callback_data ?? ''));
}

/** The message the fake stored for a sendMessage call (with its plain text, HTML parsed). */
export function sentMessage(call: ApiCall): TgMessage {
  return call.result as TgMessage;
}
