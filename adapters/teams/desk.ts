import { ActivityTypes, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import {
  decodePayload,
  pressCardAction,
  DeskError,
  type CardPress,
  type AgentActor,
  type AgentDesk,
  type DeskEvent,
  type DeskLine,
  type DeskPresenter,
  type EscalationView,
  type Logger,
} from '../../src/core/index.js';
import type { BotFrameworkEndpoint } from './bot-framework.js';
import { ADAPTIVE_CARD, cardAttachment, renderCard } from './card.js';

/** What Teams appends to a channel's conversation id for the thread of one post. */
const THREAD = ';messageid=';
/** The invoke Teams sends for an `Action.Execute` (Universal Actions). */
const EXECUTE_INVOKE = 'adaptiveCard/action';

/** Where the desk posts: the agents' channel, and who an SLA alert @mentions there. */
export interface TeamsDeskOptions {
  /** `TEAMS_AGENT_CONVERSATION_ID`. */
  readonly conversationId: string;
  /** The connector the desk posts to (`TEAMS_SERVICE_URL`). */
  readonly serviceUrl: string;
  readonly tenantId?: string;
  /** The on-call person's AAD object id (`TEAMS_ONCALL`). */
  readonly oncall?: string;
}

/**
 * The agent desk in a Teams channel (`TEAMS_AGENT_CONVERSATION_ID`), the FAQ-Plus way: every
 * ticket, from any channel, is posted as an Adaptive Card that starts a thread; the card is
 * updated in place as the ticket changes, and the user's messages, status lines and SLA alerts
 * go into the thread. Agents (`teams:<aadObjectId>` in `AGENT_IDS`) press Claim / Resolve /
 * Reopen (`Action.Submit`, or `Action.Execute`, answered with the updated card) and answer the
 * user by replying in the thread (`note: …` is an internal note). A thread's conversation id,
 * `<channel>;messageid=<card activity id>`, is what the desk remembers with `attachCard`.
 */
export class TeamsDesk {
  constructor(
    private readonly endpoint: BotFrameworkEndpoint,
    private readonly desk: AgentDesk,
    private readonly presenter: DeskPresenter,
    private readonly options: TeamsDeskOptions,
    private readonly logger: Logger,
  ) {}

  /** Whether an activity comes from the agents' channel (a post or one of its threads): it is never a user's. */
  owns(activity: Activity): boolean {
    const id = activity.conversation?.id ?? '';
    return id === this.options.conversationId || id.startsWith(`${this.options.conversationId}${THREAD}`);
  }

  /** Handles an activity of the agents' channel: a card action, or an agent's message in a ticket's thread. */
  async onActivity(turn: TurnContext): Promise<void> {
    const { activity } = turn;
    if (activity.type === 'invoke' && activity.name === EXECUTE_INVOKE) return this.#onExecute(turn);
    if (activity.type !== 'message') return;
    const payload = payloadOf(activity.value);
    if (payload !== undefined) return this.#onSubmit(turn, payload);
    await this.#onThreadMessage(turn);
  }

  /** Mirrors one ticket change: a new card, the card updated, a line or an alert in its thread. */
  async onEvent(event: DeskEvent): Promise<void> {
    const { ticket } = event;
    const update = this.presenter.update(event, 'teams');
    const [thread] = await this.desk.cardsOf(ticket.id, 'teams');
    if (update.card === 'post' && !thread) return this.#post(ticket);
    // A ticket opened before this desk was watching has no card here; there is nothing to update.
    if (!thread) return;
    // A replayed 'opened' (a restart between posting and recording the event) updates instead of posting twice.
    if (update.card !== 'keep') await this.#send(this.options.conversationId, 'update a card', this.#card(ticket), cardIdOf(thread));
    if (update.alert) await this.#send(thread, 'post an SLA alert', this.#alert(update.alert.text));
    const line = update.message ? lineOf(update.message) : update.notice;
    if (line) await this.#send(thread, 'post in a thread', { type: ActivityTypes.Message, text: line, textFormat: 'plain' });
  }

  async #onSubmit(turn: TurnContext, payload: string): Promise<void> {
    const outcome = await this.#press(turn.activity, payload);
    // On success the desk feed updates the card in place (as for actions from any desk); refusals are said in the thread.
    if (outcome.refusal) await turn.sendActivity({ type: ActivityTypes.Message, text: outcome.refusal, textFormat: 'plain' });
  }

  async #onExecute(turn: TurnContext): Promise<void> {
    const action = (turn.activity.value as { action?: { data?: unknown } } | undefined)?.action;
    const outcome = await this.#press(turn.activity, payloadOf(action?.data) ?? '');
    const body = outcome.ticket
      ? { statusCode: 200, type: ADAPTIVE_CARD, value: renderCard(this.presenter.card(outcome.ticket)) }
      : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: outcome.refusal };
    await turn.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
  }

  /** A card button pressed: the ticket as it is now, or what to tell the presser (a non-agent learns nothing of the ticket). */
  async #press(activity: Activity, payload: string): Promise<CardPress> {
    const pressed = decodePayload(payload);
    const agent = agentOf(activity);
    if (!agent) return { refusal: this.presenter.notAgent(), notAgent: true };
    if (pressed?.kind !== 'desk') {
      if (!this.desk.isAgent('teams', agent.userId)) return { refusal: this.presenter.notAgent(), notAgent: true };
      return { refusal: this.presenter.refusal(new DeskError({ code: 'not_found', reason: 'no_ticket', ref: payload.slice(0, 40) })), notAgent: false };
    }
    return pressCardAction(this.desk, this.presenter, agent, pressed.action, pressed.ticketId);
  }

  /** A message in a ticket's thread: an agent's answer to the user (or note); anyone else is told only agents may act. */
  async #onThreadMessage(turn: TurnContext): Promise<void> {
    const { activity } = turn;
    const ticket = await this.desk.ticketForCard('teams', activity.conversation.id);
    if (!ticket) return;
    const say = (text: string) => turn.sendActivity({ type: ActivityTypes.Message, text, textFormat: 'plain' });
    const agent = agentOf(activity);
    if (!agent || !this.desk.isAgent('teams', agent.userId)) {
      await say(this.presenter.notAgent());
      return;
    }
    const text = (typeof activity.text === 'string' ? TurnContext.removeRecipientMention(activity) : '').trim();
    if (!text) {
      await say(this.presenter.textOnly());
      return;
    }
    try {
      // Keyed by the activity: the connector may post it again when the bot was slow to answer.
      await this.desk.answer(ticket.id, agent, text, { messageId: `teams-activity:${activity.id}` });
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      await say(this.presenter.refusal(error));
    }
  }

  /** Posts a new ticket's card as a new post of the channel; its thread is where everything else about it goes. */
  async #post(ticket: EscalationView): Promise<void> {
    const id = await this.#send(this.options.conversationId, 'post a card', this.#card(ticket));
    if (id) await this.desk.attachCard(ticket.id, 'teams', `${this.options.conversationId}${THREAD}${id}`);
  }

  #card(ticket: EscalationView): Partial<Activity> {
    return { type: ActivityTypes.Message, attachments: [cardAttachment(renderCard(this.presenter.card(ticket)))] };
  }

  /** An SLA alert, @mentioning the on-call person (by AAD object id) when there is one. */
  #alert(text: string): Partial<Activity> {
    if (!this.options.oncall) return { type: ActivityTypes.Message, text, textFormat: 'plain' };
    const at = `<at>${this.presenter.oncallName()}</at>`;
    return { type: ActivityTypes.Message, text: `${at} ${text}`, entities: [{ type: 'mention', text: at, mentioned: { id: this.options.oncall, name: this.presenter.oncallName() } }] };
  }

  /**
   * Sends to the agents' channel (or a thread of it), or updates activity `updateId` there;
   * resolves with the new activity's id. Refusals for good (the channel or card is gone, the bot
   * was removed) are logged and skipped; anything else throws, so the desk feed retries.
   */
  async #send(conversationId: string, what: string, activity: Partial<Activity>, updateId?: string): Promise<string | undefined> {
    const { adapter, appId } = this.endpoint;
    let id: string | undefined;
    try {
      await adapter.continueConversationAsync(appId, this.#reference(conversationId), async (turn) => {
        if (updateId) {
          await turn.updateActivity({ ...activity, id: updateId });
          return;
        }
        // A new post (or a line in a thread), not a reply to the turn's made-up activity: botbuilder's sendActivity would make it one.
        const { replyToId: _none, ...outgoing } = TurnContext.applyConversationReference({ ...activity }, TurnContext.getConversationReference(turn.activity));
        id = (await turn.turnState.get<Connector>(turn.adapter.ConnectorClientKey).conversations.sendToConversation(conversationId, outgoing)).id;
      });
    } catch (error) {
      const status = (error as { statusCode?: unknown }).statusCode;
      if (typeof status !== 'number' || status < 400 || status >= 500 || status === 429) throw error;
      this.logger.warn({ channel: 'teams', conversationId, status, reason: (error as Error).message }, `Teams refused to ${what} in the agents' channel; skipped`);
    }
    return id;
  }

  #reference(conversationId: string): Partial<ConversationReference> {
    const { serviceUrl, tenantId } = this.options;
    return {
      channelId: 'msteams',
      serviceUrl,
      bot: { id: this.endpoint.appId ? `28:${this.endpoint.appId}` : 'support-bot', name: '' },
      conversation: { id: conversationId, isGroup: true, conversationType: 'channel', name: '', ...(tenantId ? { tenantId } : {}) },
    };
  }
}

/** What the desk uses of the turn's Bot Framework connector client (botframework-connector's `ConnectorClient`). */
interface Connector {
  readonly conversations: { sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }> };
}

/** The agent behind an activity: `teams:<aadObjectId>`; undefined without an AAD object id (not a Teams user). */
function agentOf(activity: Activity): AgentActor | undefined {
  const aadObjectId = activity.from?.aadObjectId;
  return aadObjectId ? { channel: 'teams', userId: aadObjectId, name: activity.from.name || aadObjectId } : undefined;
}

/** The codec payload an `Action.Submit` / `Action.Execute` carries in its `data`. */
function payloadOf(data: unknown): string | undefined {
  const payload = typeof data === 'object' && data !== null ? (data as { payload?: unknown }).payload : undefined;
  return typeof payload === 'string' ? payload : undefined;
}

/** The card's activity id, from a thread's conversation id. */
function cardIdOf(thread: string): string {
  return thread.slice(thread.indexOf(THREAD) + THREAD.length);
}

/** "💬 Dan: words" for the user, "🎧 carol (cli): words" for an agent on another desk. */
function lineOf(line: DeskLine): string {
  return line.via ? `🎧 ${line.speaker} (${line.via}): ${line.text}` : `💬 ${line.speaker}: ${line.text}`;
}
