import type { Activity, TurnContext } from 'botbuilder';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { ConfigError, DeliveryError, type ChannelAdapter, type ChannelContext, type ConversationRef, type DeskEvent, type Reply, type TeamsConfig } from '../../src/core/index.js';
import type { BotFrameworkEndpoint } from './bot-framework.js';
import { isLoopback, refuseServiceUrl } from './service-urls.js';

/** botbuilder and what is built on it: ~0.7 s to import, so loaded after start-up, not before. */
interface TeamsRuntime {
  readonly endpoint: BotFrameworkEndpoint;
  readonly activities: typeof import('./activities.js');
  /** The agent desk, with `TEAMS_AGENT_CONVERSATION_ID`. */
  readonly desk?: import('./desk.js').TeamsDesk;
}

/** Where the Bot Framework (Teams, the Emulator) posts activities: the messaging endpoint of the bot registration. */
const MESSAGING_ENDPOINT = '/api/messages';

/** Enough of an activity to answer it; botbuilder checks the rest. */
const activityEnvelope = z.object({
  type: z.string().min(1),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: z.object({ id: z.string().min(1) }),
  from: z.object({ id: z.string().min(1) }),
});

/**
 * Microsoft Teams through botbuilder's CloudAdapter, on the shared HTTP server at
 * `POST /api/messages`. Users get a welcome, answers, Hero-card buttons and `/human`; in team
 * channels and group chats the bot answers only when @mentioned. Agent replies, status
 * changes and rating prompts reach the stored conversation reference proactively. With
 * `TEAMS_AGENT_CONVERSATION_ID`, that channel is the agents' desk ({@link TeamsDesk}), never a
 * user conversation.
 */
export class TeamsAdapter implements ChannelAdapter {
  readonly name = 'teams' as const;
  /**
   * How the endpoint authenticates, for the start-up log line: without `MicrosoftAppId` anyone
   * who can reach it may post, so it then only talks to a connector on this machine (the Emulator).
   */
  readonly detail: string;
  readonly #authenticated: boolean;
  #runtime: Promise<TeamsRuntime> | undefined;

  constructor(
    private readonly config: TeamsConfig,
    private readonly context: ChannelContext,
  ) {
    this.#authenticated = Boolean(config.appId);
    const mode = this.#authenticated ? `authenticated as MicrosoftAppId ${config.appId} (${config.appType ?? 'MultiTenant'})` : 'unauthenticated (no MicrosoftAppId): for the local Emulator';
    this.detail = config.agentConversationId ? `${mode}, agent desk in ${config.agentConversationId}` : mode;
    if (config.agentConversationId) {
      // The desk posts proactively: to the connector this names, checked like an inbound activity's serviceUrl.
      const refused = refuseServiceUrl(config.serviceUrl, this.#authenticated);
      if (refused) throw new ConfigError('TEAMS_SERVICE_URL', `${refused} (the agent desk posts there)`);
    }
  }

  async start(): Promise<void> {
    this.context.http.post(
      MESSAGING_ENDPOINT,
      express.json({ limit: '256kb' }),
      (req, res, next) => this.#screen(req, res, next),
      (req, res) => this.#process(req, res),
    );
    // Warm up in the background: the first activity should not wait for botbuilder to load.
    this.#load().catch((error: unknown) => this.context.logger.error({ channel: 'teams', reason: String(error) }, 'could not load botbuilder'));
  }

  async stop(): Promise<void> {
    // Routes stay on the shared express app, which the runtime closes right after; nothing is held open here.
  }

  /** Mirrors a ticket change to the agents' channel, when there is one. */
  async onDeskEvent(event: DeskEvent): Promise<void> {
    if (!this.config.agentConversationId) return;
    const { desk } = await this.#load();
    await desk?.onEvent(event);
  }

  /**
   * Sends replies to a stored conversation reference (it comes from the database, so this works
   * after a restart). A batch that fails half-way is retried whole by the outbox, so the replies
   * already sent are sent again: the Bot Framework has no idempotent send.
   */
  async deliver(reference: ConversationRef, replies: readonly Reply[]): Promise<void> {
    if (typeof reference.serviceUrl !== 'string' || typeof (reference.conversation as { id?: unknown } | undefined)?.id !== 'string') {
      throw new DeliveryError('teams', 'the stored conversation reference has no serviceUrl or conversation id', { permanent: true });
    }
    const { endpoint, activities } = await this.#load();
    try {
      await endpoint.adapter.continueConversationAsync(endpoint.appId, reference, async (turn) => {
        await turn.sendActivities(activities.toActivities(replies));
      });
    } catch (error) {
      throw new DeliveryError('teams', describeFailure(error), { cause: error });
    }
  }

  /** Answers what botbuilder would turn into a 500 or a console warning: a body that is not an activity, a foreign connector. */
  #screen(req: Request, res: Response, next: NextFunction): void {
    const parsed = activityEnvelope.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({ error: issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'not a Bot Framework activity' });
      return;
    }
    // Checked before the token: botbuilder would fetch signing keys for any stranger's request.
    const refused = refuseServiceUrl(parsed.data.serviceUrl, this.#authenticated);
    if (refused) {
      res.status(403).json({ error: refused });
      return;
    }
    if (this.#authenticated && !/^Bearer \S+$/.test(req.get('authorization') ?? '')) {
      res.status(401).json({ error: 'missing Bot Framework token' });
      return;
    }
    // Unauthenticated, anyone who reaches the endpoint may pose as any user: only this machine may.
    if (!this.#authenticated && !isLoopback(req.socket.remoteAddress ?? '')) {
      res.status(403).json({ error: 'without MicrosoftAppId only the local Emulator may post activities' });
      return;
    }
    next();
  }

  /**
   * Runs botbuilder on a screened activity. botbuilder's own `process` prints errors with their
   * stack to the console and answers 500 with its internal text; here a token that cannot be
   * verified is a 401 and one log line, and anything else a 500 with a JSON body.
   */
  async #process(req: Request, res: Response): Promise<void> {
    const { endpoint } = await this.#load();
    const activity = req.body as Activity;
    let verified = false;
    try {
      const invoke = await endpoint.adapter.handle(req.get('authorization') ?? '', activity, async (turn) => {
        verified = true;
        await this.#turn(turn);
      });
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined) res.json(invoke.body);
      res.end();
    } catch (error) {
      const reason = describeFailure(error).split('\n')[0];
      if (!verified) {
        this.context.logger.warn({ channel: 'teams', activityId: activity.id, reason }, 'teams activity refused: invalid Bot Framework token');
        res.status(401).json({ error: 'invalid Bot Framework token' });
        return;
      }
      this.context.logger.error({ channel: 'teams', activityId: activity.id, reason }, 'teams activity failed');
      res.status(500).json({ error: 'internal error' });
    }
  }

  #load(): Promise<TeamsRuntime> {
    this.#runtime ??= Promise.all([import('./bot-framework.js'), import('./activities.js'), import('./desk.js')]).then(([botFramework, activities, { TeamsDesk }]) => {
      const endpoint = botFramework.createBotFrameworkEndpoint(this.config);
      const { agentConversationId: conversationId, serviceUrl, tenantId, oncall } = this.config;
      const { desk, presenter, logger } = this.context;
      return { endpoint, activities, desk: conversationId ? new TeamsDesk(endpoint, desk, presenter, { conversationId, serviceUrl, tenantId, oncall }, logger) : undefined };
    });
    return this.#runtime;
  }

  async #turn(turn: TurnContext): Promise<void> {
    const { activity } = turn;
    const { activities, desk } = await this.#load();
    try {
      if (desk?.owns(activity)) await desk.onActivity(turn);
      else if (activity.type === 'message') {
        const message = activities.toIncomingMessage(activity);
        if (message) await this.#reply(turn, await this.context.bot.handle(message));
      } else if (activity.type === 'conversationUpdate') {
        for (const member of activities.welcomeTargets(activity)) await this.#reply(turn, await this.context.bot.handle(activities.welcomeMessage(activity, member)));
      }
    } catch (error) {
      // The turn is already recorded by the core; the connector does not retry, so log and answer 200.
      this.context.logger.error({ channel: 'teams', activityId: activity.id, conversationId: activity.conversation.id, reason: describeFailure(error) }, 'teams turn failed');
    }
  }

  async #reply(turn: TurnContext, replies: Reply[]): Promise<void> {
    if (replies.length === 0) return;
    const { activities } = await this.#load();
    await turn.sendActivities([{ type: 'typing' }, ...activities.toActivities(replies)]);
  }
}

/** botbuilder's RestError carries the connector's HTTP status, which says more than its message. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' ? `connector answered ${status}: ${error.message}` : error.message;
}
