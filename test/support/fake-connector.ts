import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An activity the bot sent to the connector (POST) or updated there (PUT), with where it was addressed. */
export interface PostedActivity {
  /** `POST`: a new activity; `PUT`: an update of activity {@link id} (`updateActivity`). */
  readonly method: 'POST' | 'PUT';
  /** The id the connector gave a new activity, or the id of the activity updated. */
  readonly id: string;
  readonly conversationId: string;
  /** Set when the bot replied to an activity (`POST .../activities/{replyToId}`). */
  readonly replyToId?: string;
  readonly type: string;
  readonly text?: string;
  readonly textFormat?: string;
  readonly attachments?: { contentType: string; content: CardContent }[];
  readonly entities?: { type: string; text?: string; mentioned?: { id: string; name: string } }[];
}

/** An attachment's content: a Hero card's buttons, or an Adaptive Card's body and actions. */
export interface CardContent {
  readonly buttons?: CardButton[];
  readonly body?: { type: string; text?: string; facts?: { title: string; value: string }[] }[];
  readonly actions?: { type: string; title: string; data?: { payload?: string } }[];
}

/** A Hero card button as the bot rendered it. */
export interface CardButton {
  readonly type: string;
  readonly title: string;
  readonly text?: string;
  readonly displayText?: string;
  readonly value?: { payload?: string };
}

/** A Teams account (user or bot) in an activity. */
export interface Account {
  readonly id: string;
  readonly name: string;
  /** The user's Azure AD object id (default `aad-<id>`). */
  readonly aadObjectId?: string;
}

/** The bot as Teams addresses it. */
export const BOT: Account = { id: '28:support-bot', name: 'Support Bot' };

const ACTIVITY_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

/**
 * A stand-in for the Bot Framework connector service (what `serviceUrl` points at): a
 * node:http server on 127.0.0.1 that records the activities the bot POSTs (replies and
 * proactive messages, each given an id as Teams does) and PUTs (`updateActivity`), and can be
 * told to fail the next requests with a 500, or to hang.
 */
export class FakeConnector {
  readonly posted: PostedActivity[] = [];
  #failures = 0;
  #failureStatus = 500;
  #refused = 0;
  #hanging = false;
  #hung = 0;
  #nextId = 1;

  private constructor(
    private readonly server: Server,
    /** The `serviceUrl` activities carry, e.g. `http://127.0.0.1:40123/`. */
    readonly serviceUrl: string,
  ) {}

  /** Starts the fake on an ephemeral loopback port. */
  static async start(): Promise<FakeConnector> {
    let connector: FakeConnector | undefined;
    const server = createServer((req, res) => {
      void readJson(req).then((body) => {
        if (connector!.#hanging) {
          connector!.#hung++;
          return;
        }
        const answer = connector!.#receive(req.method ?? '', req.url ?? '', body);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    connector = new FakeConnector(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return connector;
  }

  /**
   * The next `count` requests are answered `status` and not recorded: 500 like an outage (which
   * botbuilder's HTTP pipeline itself retries), 429 like throttling without Retry-After (which it does not).
   */
  failNext(count: number, status = 500): void {
    this.#failures = count;
    this.#failureStatus = status;
  }

  /**
   * While on, every request is read and never answered (the connection stays open until close()),
   * like a connector that accepted the connection and stalled.
   */
  hang(on = true): void {
    this.#hanging = on;
  }

  /** How many requests were left unanswered by {@link hang} so far. */
  get hung(): number {
    return this.#hung;
  }

  /** How many requests were refused so far. */
  get refused(): number {
    return this.#refused;
  }

  /** The message activities (not typing) posted to a conversation, oldest first. */
  messages(conversationId: string): PostedActivity[] {
    return this.posted.filter((activity) => activity.method === 'POST' && activity.conversationId === conversationId && activity.type === 'message');
  }

  /** The updates (PUT) of activity `activityId` in a conversation, oldest first. */
  updates(conversationId: string, activityId: string): PostedActivity[] {
    return this.posted.filter((activity) => activity.method === 'PUT' && activity.conversationId === conversationId && activity.id === activityId);
  }

  /** Begins a conversation of `user` with the bot, for building activities. */
  conversation(options: { id: string; user: Account; type?: 'personal' | 'channel' | 'groupChat'; channelId?: 'msteams' | 'emulator'; locale?: string; serviceUrl?: string }): FakeConversation {
    return new FakeConversation(this, { serviceUrl: this.serviceUrl, type: 'personal', channelId: 'msteams', locale: 'en-US', ...options });
  }

  /** Stops the server. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  #receive(method: string, url: string, body: unknown): { status: number; body: unknown } {
    const match = ACTIVITY_PATH.exec(url);
    if (!match || (method !== 'POST' && method !== 'PUT')) return { status: 404, body: { error: { code: 'NotFound', message: `${method} ${url}` } } };
    if (this.#failures > 0) {
      this.#failures--;
      this.#refused++;
      return { status: this.#failureStatus, body: { error: { code: 'ServiceError', message: 'connector unavailable' } } };
    }
    const activity = body as Omit<PostedActivity, 'method' | 'id' | 'conversationId' | 'replyToId'>;
    const conversationId = decodeURIComponent(match[1]!);
    const pathId = match[2] ? decodeURIComponent(match[2]) : undefined;
    if (method === 'PUT') {
      if (!pathId) return { status: 404, body: { error: { code: 'NotFound', message: 'PUT needs an activity id' } } };
      this.posted.push({ ...activity, method, id: pathId, conversationId });
      return { status: 200, body: { id: pathId } };
    }
    const id = `generated-${this.#nextId++}`;
    this.posted.push({ ...activity, method: 'POST', id, conversationId, ...(pathId ? { replyToId: pathId } : {}) });
    return { status: 200, body: { id } };
  }
}

/** One user's conversation with the bot: builds the activities Teams would post to the bot, and sends them. */
export class FakeConversation {
  #nextId = 1;

  constructor(
    private readonly connector: FakeConnector,
    readonly options: { id: string; user: Account; type: string; channelId: string; locale: string; serviceUrl: string },
  ) {}

  /** The user typing `text`. */
  message(text: string): Record<string, unknown> {
    return this.#activity({ type: 'message', text });
  }

  /** The user @mentioning the bot in a channel: `<at>Support Bot</at> text`, with the mention entity. */
  mention(text: string): Record<string, unknown> {
    const at = `<at>${BOT.name}</at>`;
    return this.#activity({ type: 'message', text: `${at} ${text}`, entities: [{ type: 'mention', text: at, mentioned: BOT }] });
  }

  /** The user pressing a card button (a `messageBack`: Teams posts its text and value). */
  press(button: CardButton): Record<string, unknown> {
    return this.#activity({ type: 'message', text: button.text ?? '', value: button.value });
  }

  /** The user sending a file or a pasted image, with no text (Teams adds an empty HTML body). */
  attachment(contentType: string, name: string): Record<string, unknown> {
    return this.#activity({
      type: 'message',
      text: '',
      attachments: [
        { contentType: 'text/html', content: '<div></div>' },
        { contentType, name, contentUrl: `https://files.example/${encodeURIComponent(name)}` },
      ],
    });
  }

  /** The user writing in the thread of post `rootId` (a channel post's replies: conversation id `<id>;messageid=<rootId>`). */
  threadMessage(rootId: string, text: string): Record<string, unknown> {
    return this.#activity({ type: 'message', text, replyToId: rootId }, rootId);
  }

  /** The user pressing an Adaptive Card's `Action.Submit` on post `rootId`: a message whose `value` is the action's `data`. */
  submit(rootId: string, data: unknown): Record<string, unknown> {
    return this.#activity({ type: 'message', value: data, replyToId: rootId }, rootId);
  }

  /** The user pressing an `Action.Execute` on post `rootId`: an `adaptiveCard/action` invoke. */
  execute(rootId: string, verb: string, data: unknown): Record<string, unknown> {
    return this.#activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' }, replyToId: rootId }, rootId);
  }

  /** Members joining the conversation (the bot itself included, when it is installed). */
  membersAdded(...members: Account[]): Record<string, unknown> {
    return this.#activity({ type: 'conversationUpdate', membersAdded: members });
  }

  /** Posts an activity to the bot's messaging endpoint; resolves when the bot has answered the HTTP request. */
  async send(appUrl: string, activity: Record<string, unknown>): Promise<Response> {
    return fetch(`${appUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  }

  /** The messages the bot sent to this conversation, oldest first. */
  replies(): PostedActivity[] {
    return this.connector.messages(this.options.id);
  }

  #activity(fields: Record<string, unknown>, threadOf?: string): Record<string, unknown> {
    const { user, type, channelId, locale, serviceUrl } = this.options;
    const id = threadOf ? `${this.options.id};messageid=${threadOf}` : this.options.id;
    return {
      id: `${id}-activity-${this.#nextId++}`,
      timestamp: new Date().toISOString(),
      channelId,
      serviceUrl,
      locale,
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId ?? `aad-${user.id}` },
      recipient: BOT,
      // The Emulator sends neither a conversation type nor Teams' channel data.
      conversation: channelId === 'emulator' ? { id } : { id, conversationType: type, tenantId: 'tenant-1', ...(type === 'personal' ? {} : { isGroup: true }) },
      ...(channelId === 'emulator' ? {} : { channelData: { tenant: { id: 'tenant-1' } } }),
      ...fields,
    };
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}
