import { ActivityTypes, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { TeamsConfig } from '../../src/config/index.js';
import { DeliveryError, type ChannelAdapter, type ChannelContext } from '../../src/core/channel.js';
import type { ConversationRef, Reply } from '../../src/core/types.js';
import { toActivities, toIncomingMessage, welcomeMessage, welcomeTargets } from './activities.js';
import { createBotFrameworkEndpoint } from './bot-framework.js';

/** Where the Bot Framework (Teams, the Emulator) posts activities: the messaging endpoint of the bot registration. */
const MESSAGING_ENDPOINT = '/api/messages';

/** Enough of an activity to answer it; botbuilder checks the rest. */
const activityEnvelope = z.object({
  type: z.string().min(1),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: z.object({ id: z.string().min(1) }),
  from: z.object({ id: z.string().min(1) }),
});

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Microsoft Teams through botbuilder's CloudAdapter, on the shared HTTP server at
 * `POST /api/messages`. Users get a welcome, answers, Hero-card buttons and `/human`; in team
 * channels and group chats the bot answers only when @mentioned. Agent replies, status
 * changes and rating prompts reach the stored conversation reference proactively.
 */
export class TeamsAdapter implements ChannelAdapter {
  readonly name = 'teams' as const;
  /**
   * How the endpoint authenticates, for the start-up log line: without `MicrosoftAppId` anyone
   * who can reach it may post, so it then only talks to a connector on this machine (the Emulator).
   */
  readonly detail: string;
  readonly #adapter: CloudAdapter;
  readonly #appId: string;
  readonly #authenticated: boolean;

  constructor(
    config: TeamsConfig,
    private readonly context: ChannelContext,
  ) {
    const endpoint = createBotFrameworkEndpoint(config);
    this.#adapter = endpoint.adapter;
    this.#appId = endpoint.appId;
    this.#authenticated = endpoint.authenticated;
    this.detail = endpoint.authenticated
      ? `authenticated as MicrosoftAppId ${endpoint.appId} (${config.appType ?? 'MultiTenant'})`
      : 'unauthenticated (no MicrosoftAppId): for the local Emulator';
  }

  async start(): Promise<void> {
    this.context.http.post(MESSAGING_ENDPOINT, express.json({ limit: '256kb' }), (req, res, next) => this.#screen(req, res, next), async (req, res) => {
      await this.#adapter.process(req, res, (turn) => this.#turn(turn));
    });
  }

  async stop(): Promise<void> {
    // Routes stay on the shared express app, which the runtime closes right after; nothing is held open here.
  }

  /**
   * Sends replies to a stored conversation reference (it comes from the database, so this works
   * after a restart). A batch that fails half-way is retried whole by the outbox, so the replies
   * already sent are sent again: the Bot Framework has no idempotent send.
   */
  async deliver(reference: ConversationRef, replies: readonly Reply[]): Promise<void> {
    if (typeof reference.serviceUrl !== 'string' || typeof (reference.conversation as { id?: unknown } | undefined)?.id !== 'string') {
      throw new DeliveryError('teams', 'the stored conversation reference has no serviceUrl or conversation id');
    }
    try {
      await this.#adapter.continueConversationAsync(this.#appId, reference as Partial<ConversationReference>, async (turn) => {
        await turn.sendActivities(toActivities(replies));
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
    if (this.#authenticated && !/^Bearer \S+$/.test(req.get('authorization') ?? '')) {
      res.status(401).json({ error: 'missing Bot Framework token' });
      return;
    }
    // Unauthenticated, a stranger could make the bot post to any URL: only the local Emulator is allowed.
    if (!this.#authenticated && !LOOPBACK_HOSTS.has(new URL(parsed.data.serviceUrl).hostname)) {
      res.status(403).json({ error: 'without MicrosoftAppId only a serviceUrl on this machine (the Emulator) is accepted' });
      return;
    }
    next();
  }

  async #turn(turn: TurnContext): Promise<void> {
    const { activity } = turn;
    try {
      if (activity.type === ActivityTypes.Message) {
        const message = toIncomingMessage(activity);
        if (message) await this.#reply(turn, this.context.bot.handle(message));
      } else if (activity.type === ActivityTypes.ConversationUpdate) {
        for (const member of welcomeTargets(activity)) await this.#reply(turn, this.context.bot.handle(welcomeMessage(activity, member)));
      }
    } catch (error) {
      // The turn is already recorded by the core; the connector does not retry, so log and answer 200.
      this.context.logger.error({ channel: 'teams', activityId: activity.id, conversationId: activity.conversation.id, reason: describeFailure(error) }, 'teams turn failed');
    }
  }

  async #reply(turn: TurnContext, replies: Reply[]): Promise<void> {
    if (replies.length === 0) return;
    await turn.sendActivities([{ type: ActivityTypes.Typing }, ...toActivities(replies)]);
  }
}

/** botbuilder's RestError carries the connector's HTTP status, which says more than its message. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = 'statusCode' in error ? error.statusCode : undefined;
  return typeof status === 'number' ? `connector answered ${status}: ${error.message}` : error.message;
}
