import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A Discord user as the fake sends it in gateway payloads. */
export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly globalName?: string;
}

/** One REST request the bot made, as the fake received it. */
export interface RestCall {
  readonly method: string;
  /** The route without `/api/v10`, e.g. `/channels/1/messages`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Discord's JSON as sent; tests read the fields they assert on. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON the bot sent, read loosely by the tests
  readonly body: any;
}

/** A message the bot posted (or edited), as the fake stores it. */
export interface FakeMessage {
  readonly id: string;
  readonly channel_id: string;
  content: string;
  embeds: unknown[];
  components: { type: number; components: { type: number; custom_id?: string; label?: string; disabled?: boolean; style?: number }[] }[];
  flags: number;
  readonly author: unknown;
  /** The interaction token it answered, for ephemeral and follow-up messages. */
  readonly interactionToken?: string;
}

/** A gateway INTERACTION_CREATE the fake sent, so tests can find the bot's answer to it. */
export interface SentInteraction {
  readonly id: string;
  readonly token: string;
}

/** One IDENTIFY a gateway connection sent. */
export interface Identify {
  /** `[shard id, total shards]` as the client sent it. */
  readonly shard: readonly [number, number];
  readonly intents: number;
}

interface Failure {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

const API_PREFIX = '/api/v10';
const SNOWFLAKE_BASE = 1_300_000_000_000_000_000n;
const WAIT_DEADLINE_MS = 5_000;
const DEFAULT_GUILD_ID = '910000000000000001';

/** The shard Discord sends a server's events to: `(server id >> 22) % total shards`. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** A server id whose events go to `shard` of `count` (for {@link FakeDiscord.start}). */
export function guildOnShard(shard: number, count: number): string {
  const base = BigInt(DEFAULT_GUILD_ID) >> 22n;
  return String(((base - (base % BigInt(count)) + BigInt(shard)) << 22n) + 1n);
}

/**
 * A small Discord on loopback for the real discord.js client: a REST API under `/api/v10`
 * (the routes the adapter uses, each call recorded) and a websocket gateway that says HELLO,
 * answers each IDENTIFY with READY for its shard and a GUILD_CREATE on the shard that holds the
 * one server, acknowledges heartbeats and lets a test dispatch MESSAGE_CREATE and
 * INTERACTION_CREATE events, routed like Discord's: a server's to its shard, DMs to shard 0.
 * Ids are deterministic snowflakes.
 */
export class FakeDiscord {
  readonly bot: FakeUser = { id: '900000000000000001', username: 'SupportBot' };
  readonly applicationId = '900000000000000001';
  readonly guildId: string;
  readonly generalChannelId = '920000000000000001';
  readonly helpChannelId = '920000000000000002';
  readonly agentChannelId = '920000000000000003';
  readonly token = 'fake-discord-token';
  /** Every REST call, oldest first. */
  readonly calls: RestCall[] = [];
  /** Every message the bot has posted, by id (edits applied). */
  readonly messages = new Map<string, FakeMessage>();
  /** The intents the client identified with (the latest IDENTIFY). */
  identifiedIntents: number | undefined;
  /** Every IDENTIFY, oldest first. */
  readonly identifies: Identify[] = [];
  /** How many gateway connections clients have opened. */
  gatewayConnections = 0;
  /** Every dispatched event with the shard it went to, oldest first. */
  readonly dispatched: { readonly event: string; readonly shard: number }[] = [];

  readonly #server: Server;
  readonly #gateway: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  /** The connection that identified as each shard. */
  readonly #shards = new Map<number, WebSocket>();
  #shardCount = 1;
  readonly #dmChannels = new Map<string, string>();
  readonly #threads = new Map<string, string>();
  readonly #interactionChannels = new Map<string, string>();
  readonly #pressedMessage = new Map<string, FakeMessage>();
  readonly #failures: Failure[] = [];
  /** Pending waits, re-checked after every REST call. */
  readonly #waiters = new Set<() => void>();
  #sequence = 0;
  #nextId = 0n;
  readonly #ready: Promise<void>;
  #markReady!: () => void;

  private constructor(guildId: string) {
    this.guildId = guildId;
    this.#server = createServer((req, res) => void this.#route(req, res));
    this.#gateway = new WebSocketServer({ server: this.#server, path: '/gateway' });
    this.#gateway.on('connection', (socket) => this.#accept(socket));
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
  }

  /** Starts the fake on an ephemeral loopback port; `guildId` picks the server's id (and so its shard). */
  static async start(options: { guildId?: string } = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options.guildId ?? DEFAULT_GUILD_ID);
    fake.#server.listen(0, '127.0.0.1');
    await once(fake.#server, 'listening');
    return fake;
  }

  /** The REST root to give the bot (`DISCORD_API_BASE`): discord.js appends `/v10`. */
  get apiBase(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/api`;
  }

  /** The environment that points the app's Discord channel at this fake. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DISCORD_BOT_TOKEN: this.token,
      DISCORD_APPLICATION_ID: this.applicationId,
      DISCORD_GUILD_ID: this.guildId,
      DISCORD_HELP_CHANNEL_ID: this.helpChannelId,
      DISCORD_AGENT_CHANNEL_ID: this.agentChannelId,
      DISCORD_API_BASE: this.apiBase,
      ...extra,
    };
  }

  /** The DM channel the fake opened (or will open) between the bot and `userId`. */
  dmChannelOf(userId: string): string {
    let id = this.#dmChannels.get(userId);
    if (!id) {
      id = this.#snowflake();
      this.#dmChannels.set(userId, id);
    }
    return id;
  }

  /** Makes the next matching REST call fail with a Discord error (e.g. 403 / 50013 Missing Permissions). */
  failNext(method: string, path: RegExp, status: number, code: number, message: string): void {
    this.#failures.push({ method, path, status, code, message });
  }

  /** A member writes in a guild channel (or thread); `mentionBot` prefixes the bot's mention, `image` attaches a screenshot. */
  async post(channelId: string, author: FakeUser, content: string, options: { mentionBot?: boolean; image?: boolean } = {}): Promise<string> {
    const id = this.#snowflake();
    const mentions = options.mentionBot ? [{ ...this.#apiUser(this.bot), member: this.#member() }] : [];
    await this.dispatch('MESSAGE_CREATE', {
      ...this.#messageBase(id, channelId, options.mentionBot ? `<@${this.bot.id}> ${content}` : content, this.#apiUser(author)),
      guild_id: this.guildId,
      member: this.#member(),
      mentions,
      ...(options.image
        ? {
            attachments: [
              {
                id: this.#snowflake(),
                filename: 'screenshot.png',
                size: 1024,
                url: 'https://cdn.example/screenshot.png',
                proxy_url: 'https://media.example/screenshot.png',
                content_type: 'image/png',
              },
            ],
          }
        : {}),
    });
    return id;
  }

  /** A user writes to the bot in a DM. */
  async dm(author: FakeUser, content: string): Promise<string> {
    const id = this.#snowflake();
    await this.dispatch('MESSAGE_CREATE', { ...this.#messageBase(id, this.dmChannelOf(author.id), content, this.#apiUser(author)), channel_type: 1 });
    return id;
  }

  /** A user runs a slash command (in a guild channel, or in their DM when `channelId` is omitted). */
  async slash(user: FakeUser, name: string, options: Record<string, string> = {}, where: { channelId?: string; locale?: string } = {}): Promise<SentInteraction> {
    return this.#interaction(user, 2, { id: this.#snowflake(), name, type: 1, options: Object.entries(options).map(([key, value]) => ({ type: 3, name: key, value })) }, where);
  }

  /** Discord asks the bot for autocomplete choices while the user types `value` into `option`. */
  async autocomplete(user: FakeUser, name: string, option: string, value: string, where: { channelId?: string; locale?: string } = {}): Promise<SentInteraction> {
    return this.#interaction(user, 4, { id: this.#snowflake(), name, type: 1, options: [{ type: 3, name: option, value, focused: true }] }, where);
  }

  /** A user presses a button on a message the bot posted. */
  async press(user: FakeUser, message: FakeMessage, customId: string): Promise<SentInteraction> {
    const dm = [...this.#dmChannels.values()].includes(message.channel_id);
    return this.#interaction(user, 3, { custom_id: customId, component_type: 2 }, { channelId: dm ? undefined : message.channel_id }, this.#apiMessage(message), message);
  }

  /** Sends a gateway dispatch event to the connection holding its shard (the server's, or 0 for a DM). */
  async dispatch(event: string, data: unknown): Promise<void> {
    await this.#ready;
    const guildId = (data as { guild_id?: string }).guild_id;
    const shard = guildId ? shardOf(guildId, this.#shardCount) : 0;
    const socket = this.#shards.get(shard);
    if (!socket) throw new Error(`fake Discord: no gateway connection holds shard ${shard} of ${this.#shardCount}`);
    this.dispatched.push({ event, shard });
    socket.send(JSON.stringify({ op: 0, t: event, s: ++this.#sequence, d: data }));
  }

  /** Waits (up to a deadline) for a REST call that matches. */
  async waitForCall(what: string, match: (call: RestCall) => boolean): Promise<RestCall> {
    return this.#waitFor(what, () => this.calls.find(match));
  }

  /** Waits (up to a deadline) for at least `count` bot messages in a channel. */
  async waitForMessages(channelId: string, count: number): Promise<FakeMessage[]> {
    return this.#waitFor(`${count} bot message(s) in ${channelId}`, () => {
      const found = this.messagesIn(channelId);
      return found.length >= count ? found : undefined;
    });
  }

  /** The bot's messages in a channel, oldest first (ephemeral ones included). */
  messagesIn(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((message) => message.channel_id === channelId);
  }

  /** The bot's answers to one interaction (callback message and follow-ups), oldest first. */
  answersTo(interaction: SentInteraction): FakeMessage[] {
    return [...this.messages.values()].filter((message) => message.interactionToken === interaction.token);
  }

  /** The threads the bot started in a channel (each has the id of the message it started from). */
  threadsIn(parentId: string): string[] {
    return [...this.#threads.entries()].filter(([, parent]) => parent === parentId).map(([thread]) => thread);
  }

  /** Closes the gateway and the HTTP server. */
  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    this.#gateway.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`fake Discord: no ${what} within ${WAIT_DEADLINE_MS} ms`));
      }, WAIT_DEADLINE_MS);
      this.#waiters.add(check);
    });
  }

  #snowflake(): string {
    return String(SNOWFLAKE_BASE + ++this.#nextId);
  }

  #apiUser(user: FakeUser) {
    return { id: user.id, username: user.username, global_name: user.globalName ?? null, discriminator: '0', avatar: null, bot: user === this.bot };
  }

  #member() {
    return { nick: null, roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 };
  }

  #messageBase(id: string, channelId: string, content: string, author: unknown) {
    return {
      id,
      channel_id: channelId,
      author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      components: [],
      pinned: false,
      type: 0,
      flags: 0,
    };
  }

  async #interaction(user: FakeUser, type: number, data: unknown, where: { channelId?: string; locale?: string }, message?: unknown, pressed?: FakeMessage): Promise<SentInteraction> {
    const id = this.#snowflake();
    const token = `interaction-token-${id}`;
    const inGuild = where.channelId !== undefined;
    const channelId = where.channelId ?? this.dmChannelOf(user.id);
    this.#interactionChannels.set(token, channelId);
    if (pressed) this.#pressedMessage.set(token, pressed);
    await this.dispatch('INTERACTION_CREATE', {
      id,
      token,
      type,
      version: 1,
      application_id: this.applicationId,
      data,
      ...(message ? { message } : {}),
      ...(inGuild
        ? {
            guild_id: this.guildId,
            channel: { id: channelId, type: this.#threads.has(channelId) ? 11 : 0, guild_id: this.guildId },
            member: { ...this.#member(), user: this.#apiUser(user), permissions: '1024' },
            context: 0,
          }
        : { channel: { id: channelId, type: 1, recipients: [this.#apiUser(user)] }, user: this.#apiUser(user), context: 1 }),
      locale: where.locale ?? 'en-US',
      app_permissions: '8',
      entitlements: [],
      authorizing_integration_owners: { '0': this.guildId },
      attachment_size_limit: 8_388_608,
    });
    return { id, token };
  }

  #accept(socket: WebSocket): void {
    this.#sockets.add(socket);
    this.gatewayConnections++;
    socket.on('close', () => {
      this.#sockets.delete(socket);
      for (const [shard, held] of this.#shards) if (held === socket) this.#shards.delete(shard);
    });
    socket.on('message', (raw) =>
      this.#onGateway(socket, JSON.parse((Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(new Uint8Array(raw))).toString('utf8')) as GatewayPacket),
    );
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
  }

  #onGateway(socket: WebSocket, packet: GatewayPacket): void {
    if (packet.op === 1) {
      socket.send(JSON.stringify({ op: 11 }));
      return;
    }
    if (packet.op !== 2) return;
    const shard = packet.d.shard ?? [0, 1];
    const [shardId, count] = shard;
    this.identifiedIntents = packet.d.intents;
    this.identifies.push({ shard, intents: packet.d.intents ?? 0 });
    this.#shards.set(shardId, socket);
    this.#shardCount = count;
    const holdsGuild = shardOf(this.guildId, count) === shardId;
    const gateway = `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}/gateway`;
    const send = (t: string, d: unknown) => socket.send(JSON.stringify({ op: 0, t, s: ++this.#sequence, d }));
    send('READY', {
      v: 10,
      user: { ...this.#apiUser(this.bot), verified: true, flags: 0, mfa_enabled: false },
      guilds: holdsGuild ? [{ id: this.guildId, unavailable: true }] : [],
      session_id: `fake-session-${shardId}`,
      resume_gateway_url: gateway,
      shard,
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
    });
    if (holdsGuild) this.#sendGuild(send);
    this.#markReady();
  }

  #sendGuild(send: (t: string, d: unknown) => void): void {
    const channel = (id: string, name: string, position: number) => ({ id, type: 0, name, guild_id: this.guildId, position, permission_overwrites: [], nsfw: false, parent_id: null });
    send('GUILD_CREATE', {
      id: this.guildId,
      name: 'Wallet Support',
      owner_id: '990000000000000001',
      unavailable: false,
      member_count: 2,
      large: false,
      joined_at: '2024-01-01T00:00:00.000Z',
      roles: [{ id: this.guildId, name: '@everyone', permissions: '1024', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      channels: [channel(this.generalChannelId, 'general', 0), channel(this.helpChannelId, 'help', 1), channel(this.agentChannelId, 'support-desk', 2)],
      threads: [],
      members: [{ ...this.#member(), user: this.#apiUser(this.bot) }],
      presences: [],
      voice_states: [],
      emojis: [],
      stickers: [],
      features: [],
      preferred_locale: 'en-US',
    });
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const pathname = decodeURIComponent(url.pathname);
    const path = pathname.startsWith(API_PREFIX) ? pathname.slice(API_PREFIX.length) : pathname;
    const call: RestCall = { method: req.method ?? 'GET', path, query: url.searchParams, body: raw ? JSON.parse(raw) : undefined };
    this.calls.push(call);
    const failure = this.#failures.findIndex((f) => f.method === call.method && f.path.test(path));
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
      for (const check of [...this.#waiters]) check();
    };
    // Interaction callbacks and webhooks authenticate by their token in the URL; everything else needs the bot token.
    if (!/^\/(interactions|webhooks)\//.test(path) && req.headers.authorization !== `Bot ${this.token}`) {
      reply(401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    if (failure >= 0) {
      const [f] = this.#failures.splice(failure, 1);
      reply(f!.status, { message: f!.message, code: f!.code });
      return;
    }
    const result = this.#handle(call);
    if (result === undefined) reply(404, { message: `fake Discord has no route ${call.method} ${path}`, code: 0 });
    else reply(result.status, result.body);
  }

  #handle(call: RestCall): { status: number; body?: unknown } | undefined {
    const { method, path, body } = call;
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      const gateway = `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}/gateway`;
      return { status: 200, body: { url: gateway, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } } };
    }
    if (method === 'GET' && path === '/users/@me') return { status: 200, body: { ...this.#apiUser(this.bot), verified: true, flags: 0, mfa_enabled: false } };
    if (method === 'GET' && (m = /^\/channels\/(\d+)$/.exec(path))) return this.#channel(m[1]!);
    if (method === 'PUT' && /^\/applications\/\d+(\/guilds\/\d+)?\/commands$/.test(path)) {
      return {
        status: 200,
        body: (body as { name: string }[]).map((command) => ({ ...command, id: this.#snowflake(), application_id: this.applicationId, type: 1, version: '1', default_member_permissions: null })),
      };
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String((body as { recipient_id: string }).recipient_id);
      return {
        status: 200,
        body: { id: this.dmChannelOf(recipient), type: 1, last_message_id: null, recipients: [{ id: recipient, username: `user-${recipient}`, discriminator: '0', global_name: null, avatar: null }] },
      };
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      return { status: 200, body: this.#store(m[1]!, body) };
    }
    if (method === 'PATCH' && (m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const message = this.messages.get(m[2]!);
      if (!message) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      Object.assign(message, pickMessageFields(body));
      return { status: 200, body: this.#apiMessage(message) };
    }
    if (method === 'DELETE' && /^\/channels\/\d+\/messages\/\d+$/.test(path)) return { status: 204 };
    if (method === 'PUT' && /^\/channels\/\d+\/messages\/\d+\/reactions\/[^/]+\/@me$/.test(path)) return { status: 204 };
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path))) {
      if (this.#threads.has(m[2]!)) return { status: 400, body: { message: 'A thread has already been created for this message', code: 160004 } };
      // Like Discord, a thread started from a message has that message's id.
      this.#threads.set(m[2]!, m[1]!);
      return {
        status: 201,
        body: {
          id: m[2],
          type: 11,
          guild_id: this.guildId,
          parent_id: m[1],
          name: (body as { name: string }).name,
          owner_id: this.bot.id,
          message_count: 0,
          member_count: 1,
          thread_metadata: { archived: false, auto_archive_duration: 10080, archive_timestamp: new Date().toISOString(), locked: false },
        },
      };
    }
    if (method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      return this.#callback(m[2]!, body as { type: number; data?: Record<string, unknown> });
    }
    if (method === 'POST' && (m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path))) {
      return { status: 200, body: this.#store(this.#interactionChannels.get(m[2]!) ?? '0', body, m[2]) };
    }
    if (method === 'PATCH' && (m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path))) {
      // A deferred reply's placeholder, or (after a deferred update) the message whose button was pressed.
      const original = [...this.messages.values()].find((message) => message.interactionToken === m![2]) ?? this.#pressedMessage.get(m[2]!);
      if (!original) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      Object.assign(original, pickMessageFields(body));
      return { status: 200, body: this.#apiMessage(original) };
    }
    return undefined;
  }

  #channel(id: string): { status: number; body: unknown } {
    const parent = this.#threads.get(id);
    if (parent)
      return {
        status: 200,
        body: {
          id,
          type: 11,
          guild_id: this.guildId,
          parent_id: parent,
          name: 'ticket',
          owner_id: this.bot.id,
          thread_metadata: { archived: false, auto_archive_duration: 10080, archive_timestamp: new Date().toISOString(), locked: false },
        },
      };
    const names: Record<string, string> = { [this.generalChannelId]: 'general', [this.helpChannelId]: 'help', [this.agentChannelId]: 'support-desk' };
    if (names[id]) return { status: 200, body: { id, type: 0, guild_id: this.guildId, name: names[id], position: 0, permission_overwrites: [] } };
    return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
  }

  #callback(token: string, body: { type: number; data?: Record<string, unknown> }): { status: number; body?: unknown } {
    const channelId = this.#interactionChannels.get(token) ?? '0';
    switch (body.type) {
      case 4:
        this.#store(channelId, body.data, token);
        return { status: 204 };
      case 7: {
        // UPDATE_MESSAGE edits the message whose button was pressed.
        const edited = body.data ?? {};
        const target = this.#pressedMessage.get(token);
        if (target) Object.assign(target, pickMessageFields(edited));
        return { status: 204 };
      }
      case 5:
        // A deferred reply is a placeholder ("thinking…") that the bot fills with PATCH @original.
        this.#store(channelId, { content: '', flags: body.data?.flags ?? 0 }, token);
        return { status: 204 };
      case 6:
      case 8:
        return { status: 204 };
      default:
        return { status: 400, body: { message: `unsupported callback type ${body.type}`, code: 50035 } };
    }
  }

  #store(channelId: string, body: unknown, interactionToken?: string): unknown {
    const data = (body ?? {}) as Record<string, unknown>;
    const message: FakeMessage = {
      id: this.#snowflake(),
      channel_id: channelId,
      author: this.#apiUser(this.bot),
      content: '',
      embeds: [],
      components: [],
      flags: 0,
      ...pickMessageFields(data),
      ...(interactionToken ? { interactionToken } : {}),
    };
    this.messages.set(message.id, message);
    return this.#apiMessage(message);
  }

  #apiMessage(message: FakeMessage) {
    return { ...this.#messageBase(message.id, message.channel_id, message.content, message.author), embeds: message.embeds, components: message.components, flags: message.flags };
  }
}

/** A gateway packet from the client: a heartbeat (1) or an IDENTIFY (2) are the ones the fake answers. */
interface GatewayPacket {
  readonly op: number;
  readonly d: { readonly intents?: number; readonly shard?: [number, number] };
}

function pickMessageFields(data: Record<string, unknown>): Partial<FakeMessage> {
  const picked: Partial<FakeMessage> = {};
  if (typeof data.content === 'string') picked.content = data.content;
  if (Array.isArray(data.embeds)) picked.embeds = data.embeds;
  if (Array.isArray(data.components)) picked.components = data.components as FakeMessage['components'];
  if (typeof data.flags === 'number') picked.flags = data.flags;
  return picked;
}
