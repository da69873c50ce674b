import { Composer, type Api, type Context } from 'grammy';
import type { Message, User } from 'grammy/types';
import {
  decodePayload,
  pressCardAction,
  DeskError,
  type AgentActor,
  type AgentDesk,
  type DeskEvent,
  type DeskLine,
  type DeskPresenter,
  type EscalationView,
  type Logger,
} from '../../src/core/index.js';
import { cardRefs, renderCard } from './card.js';
import { contentKind, topicOf } from './conversation.js';
import { describeError, refusedForGood, unchanged } from './errors.js';
import { escapeHtml } from './render.js';

/** Telegram's limit on a forum topic's name. */
const MAX_TOPIC_NAME = 128;

/**
 * The agents' side: the group `TELEGRAM_AGENT_CHAT_ID`. Every new ticket is posted there as a
 * card (in a topic of its own when the group has forum topics) that is edited as the ticket
 * changes, with the user's messages relayed under it. Agents (`AGENT_IDS`) claim, resolve and
 * reopen with the card's buttons and answer the user by replying to the card or to a relayed
 * message (or by writing in the ticket's topic). The group is never a user conversation.
 */
export class TelegramDesk {
  #forum = false;

  constructor(
    private readonly api: Api,
    private readonly desk: AgentDesk,
    private readonly presenter: DeskPresenter,
    /** The agent group's chat id. */
    readonly chatId: number,
    private readonly logger: Logger,
    /** Who SLA alerts mention (`TELEGRAM_ONCALL`): `@username` or a numeric user id. */
    private readonly oncall?: string,
  ) {}

  /** Whether the group has forum topics (known after {@link connect}): each ticket then gets a topic. */
  get forum(): boolean {
    return this.#forum;
  }

  /** Learns whether the group has forum topics. An unreachable group does not stop the bot: users can still be helped. */
  async connect(): Promise<void> {
    try {
      const chat = await this.api.getChat(this.chatId);
      this.#forum = chat.type === 'supergroup' && chat.is_forum === true;
    } catch (error) {
      this.logger.warn({ channel: 'telegram', reason: describeError(error) }, 'agent group unreachable (TELEGRAM_AGENT_CHAT_ID): is the bot a member?');
    }
  }

  /** Handles the group's updates: card buttons and agents' answers; everything else there is the agents' own talk. */
  middleware(): Composer<Context> {
    const group = new Composer<Context>();
    group.on('callback_query:data', (ctx) => this.#onButton(ctx, ctx.callbackQuery.data));
    group.on('callback_query', (ctx) => ctx.answerCallbackQuery());
    group.on('message', (ctx) => this.#onMessage(ctx, ctx.msg));
    return group;
  }

  /**
   * Mirrors a ticket change into the group. Changes Telegram refuses for good (the card was
   * deleted, the bot left the group) are logged and skipped; outages throw, so the desk feed retries.
   */
  async onDeskEvent(event: DeskEvent): Promise<void> {
    const update = this.presenter.update(event, 'telegram');
    if (update.card === 'post') await this.#post(event.ticket);
    if (update.card === 'refresh') await this.#refresh(event.ticket);
    if (update.alert) await this.#relay(event.ticket, this.#oncallHtml(), update.alert.text);
    if (update.message) await this.#relay(event.ticket, speakerHtml(update.message), update.message.text);
    // The card shows what changed; a change that leaves it as it is (a failed delivery) is said under it.
    else if (update.notice && update.card === 'keep') await this.#relay(event.ticket, 'ℹ️', update.notice);
  }

  /** The on-call mention heading an SLA alert: `@username` as written, a user id as a mention link; none without `TELEGRAM_ONCALL`. */
  #oncallHtml(): string | undefined {
    if (!this.oncall) return undefined;
    return this.oncall.startsWith('@') ? escapeHtml(this.oncall) : `<a href="tg://user?id=${this.oncall}">${escapeHtml(this.presenter.oncallName())}</a>`;
  }

  async #onButton(ctx: Context, data: string): Promise<void> {
    const pressed = decodePayload(data);
    const from = ctx.callbackQuery!.from;
    if (pressed?.kind !== 'desk') {
      await ctx.answerCallbackQuery();
      return;
    }
    const result = await pressCardAction(this.desk, this.presenter, actorOf(from), pressed.action, pressed.ticketId);
    // The card itself is edited by the desk feed, like for actions taken from the CLI.
    if (result.ticket) await ctx.answerCallbackQuery({ text: this.presenter.done(pressed.action, result.ticket) });
    else await ctx.answerCallbackQuery({ text: result.refusal, show_alert: true });
  }

  async #onMessage(ctx: Context, message: Message): Promise<void> {
    const from = message.from;
    const kind = contentKind(message);
    if (!from || from.is_bot || !kind) return;
    const ticket = await this.#ticketOf(message);
    if (!ticket) return;
    const threadId = topicOf(message);
    const answer = (text: string) =>
      ctx.api.sendMessage(message.chat.id, escapeHtml(text), {
        parse_mode: 'HTML',
        reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
        ...(threadId ? { message_thread_id: threadId } : {}),
      });
    if (!this.desk.isAgent('telegram', String(from.id))) {
      await answer(this.presenter.notAgent());
      return;
    }
    if (kind !== 'text' || !message.text?.trim()) {
      await answer(this.presenter.textOnly());
      return;
    }
    try {
      // Keyed by the update: Telegram sends an update again when the bot stopped before confirming it.
      await this.desk.reply(ticket.id, actorOf(from), message.text, { messageId: `telegram-update:${ctx.update.update_id}` });
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      await answer(this.presenter.refusal(error));
    }
  }

  /** The ticket an agent's message is about: the card or relayed message it answers, or the ticket's topic. */
  async #ticketOf(message: Message): Promise<EscalationView | undefined> {
    const chatId = message.chat.id;
    const answered = message.reply_to_message;
    if (answered && !answered.forum_topic_created) {
      const ticket =
        (await this.desk.ticketForCard('telegram', cardRefs.card(chatId, answered.message_id))) ?? (await this.desk.ticketForCard('telegram', cardRefs.relay(chatId, answered.message_id)));
      if (ticket) return ticket;
    }
    const threadId = topicOf(message);
    return threadId ? this.desk.ticketForCard('telegram', cardRefs.topic(chatId, threadId)) : undefined;
  }

  async #post(ticket: EscalationView): Promise<void> {
    const refs = await this.desk.cardsOf(ticket.id, 'telegram');
    // Replayed after a restart that came between posting the card and recording the event: edit, do not post twice.
    if (refs.some((ref) => cardRefs.parseCard(ref))) return this.#refresh(ticket);
    const threadId = this.#forum ? await this.#topicFor(ticket, refs) : undefined;
    const card = renderCard(this.presenter.card(ticket));
    await this.#tolerate('post a card', async () => {
      const sent = await this.api.sendMessage(this.chatId, card.html, {
        parse_mode: 'HTML',
        reply_markup: card.keyboard,
        ...(threadId ? { message_thread_id: threadId } : {}),
      });
      await this.desk.attachCard(ticket.id, 'telegram', cardRefs.card(this.chatId, sent.message_id));
    });
  }

  /** The ticket's forum topic, opened on first use; undefined (post in General) when the bot may not manage topics. */
  async #topicFor(ticket: EscalationView, refs: readonly string[]): Promise<number | undefined> {
    const existing = refs.map(cardRefs.parseTopic).find((threadId) => threadId !== undefined);
    if (existing) return existing;
    try {
      const topic = await this.api.createForumTopic(this.chatId, this.presenter.card(ticket).title.slice(0, MAX_TOPIC_NAME));
      await this.desk.attachCard(ticket.id, 'telegram', cardRefs.topic(this.chatId, topic.message_thread_id));
      return topic.message_thread_id;
    } catch (error) {
      if (!refusedForGood(error)) throw error;
      this.logger.warn(
        { channel: 'telegram', escalationId: ticket.id, reason: describeError(error) },
        'could not open a forum topic (the bot needs the "manage topics" right); card posted in General',
      );
      return undefined;
    }
  }

  async #refresh(ticket: EscalationView): Promise<void> {
    const card = renderCard(this.presenter.card(ticket));
    for (const ref of await this.desk.cardsOf(ticket.id, 'telegram')) {
      const at = cardRefs.parseCard(ref);
      if (!at) continue;
      await this.#tolerate('edit a card', () => this.api.editMessageText(at.chatId, at.messageId, card.html, { parse_mode: 'HTML', reply_markup: card.keyboard }));
    }
  }

  /** Posts a line under the ticket's card, `speaker: text` (`speaker` is HTML, already escaped), or the text alone. */
  async #relay(ticket: EscalationView, speaker: string | undefined, text: string): Promise<void> {
    const refs = await this.desk.cardsOf(ticket.id, 'telegram');
    const card = refs.map(cardRefs.parseCard).find((at) => at !== undefined);
    if (!card || !text.trim()) return;
    const threadId = refs.map(cardRefs.parseTopic).find((id) => id !== undefined);
    await this.#tolerate('relay a message', async () => {
      const sent = await this.api.sendMessage(card.chatId, `${speaker ? `${speaker}: ` : ''}${escapeHtml(text)}`, {
        parse_mode: 'HTML',
        reply_parameters: { message_id: card.messageId, allow_sending_without_reply: true },
        ...(threadId ? { message_thread_id: threadId } : {}),
      });
      await this.desk.attachCard(ticket.id, 'telegram', cardRefs.relay(card.chatId, sent.message_id));
    });
  }

  async #tolerate(what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (unchanged(error)) return;
      if (!refusedForGood(error)) throw error;
      this.logger.warn({ channel: 'telegram', reason: describeError(error) }, `Telegram refused to ${what} in the agent group; skipped`);
    }
  }
}

function actorOf(user: User): AgentActor {
  return { channel: 'telegram', userId: String(user.id), name: user.first_name };
}

/** "💬 <b>Bo</b>" for the user, "🎧 <b>carol</b> (cli)" for an agent on another desk. */
function speakerHtml(line: DeskLine): string {
  return line.via ? `🎧 <b>${escapeHtml(line.speaker)}</b> (${escapeHtml(line.via)})` : `💬 <b>${escapeHtml(line.speaker)}</b>`;
}
