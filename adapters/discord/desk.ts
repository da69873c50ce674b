import {
  DiscordAPIError,
  GuildMember,
  MessageFlags,
  RESTJSONErrorCodes,
  ThreadAutoArchiveDuration,
  type ButtonInteraction,
  type Channel,
  type Client,
  type Message,
  type SendableChannels,
  type TextChannel,
} from 'discord.js';
import {
  pressCardAction,
  DeskError,
  type AgentActor,
  type AgentDesk,
  type DeskAction,
  type DeskEvent,
  type DeskLine,
  type DeskPresenter,
  type EscalationView,
  type Logger,
} from '../../src/core/index.js';
import { renderCard } from './card.js';
import { clip, plain } from './render.js';
import { answerInTime } from './acknowledge.js';

/** A message in a ticket thread starting with this is an internal note, never sent to the user. */
const NOTE_PREFIX = /^!note\s+/i;
const MAX_THREAD_NAME = 100;
const RELAYED = '📨';

/**
 * The agent desk in a Discord channel (`DISCORD_AGENT_CHANNEL_ID`): every ticket, from any
 * channel, becomes a card (the presenter's card model as an embed with its action buttons) with a
 * thread started from it. The card is edited as the ticket changes; the user's messages are
 * posted into the thread; agents' messages there go to the user. A card and its thread share
 * an id (Discord gives a thread started from a message that message's id), and that id is what
 * the desk remembers with {@link AgentDesk.attachCard}.
 */
export class DiscordDesk {
  constructor(
    private readonly client: Client,
    private readonly desk: AgentDesk,
    private readonly presenter: DeskPresenter,
    private readonly channelId: string,
    private readonly logger: Logger,
    /** The role SLA alerts mention (`DISCORD_ONCALL_ROLE_ID`). */
    private readonly oncallRoleId?: string,
  ) {}

  /** Mirrors one ticket event: a new card and thread, an edited card, a line in the thread. */
  async onEvent(event: DeskEvent): Promise<void> {
    const { ticket } = event;
    const update = this.presenter.update(event, 'discord');
    if (update.card === 'post') return this.#open(ticket);
    const [threadId] = await this.desk.cardsOf(ticket.id, 'discord');
    // A ticket opened before this desk was watching has no card here; there is nothing to update.
    if (!threadId) return;
    if (update.card === 'refresh') await (await this.#channel()).messages.edit(threadId, renderCard(this.presenter.card(ticket)));
    if (update.alert) await this.#post(threadId, `${this.oncallRoleId ? `<@&${this.oncallRoleId}> ` : ''}${plain(update.alert.text)}`, this.oncallRoleId);
    const line = update.message ? lineOf(update.message) : update.notice && plain(update.notice);
    if (line) await this.#post(threadId, line);
  }

  /**
   * Handles a message in a ticket thread; false when the message is not in one. Only
   * `AGENT_IDS` are relayed; anyone else's words stay in the thread and reach nobody.
   */
  async onThreadMessage(message: Message): Promise<boolean> {
    if (!message.channel.isThread() || message.channel.parentId !== this.channelId) return false;
    const ticket = await this.desk.ticketForCard('discord', message.channelId);
    const words = message.content.trim();
    if (!ticket || !words) return true;
    if (!this.desk.isAgent('discord', message.author.id)) {
      this.logger.info({ channel: 'discord', ticket: ticket.id, userId: message.author.id }, 'not an agent: thread message not relayed');
      return true;
    }
    const agent = actorOf(message.member, message.author);
    try {
      if (NOTE_PREFIX.test(words)) await this.desk.note(ticket.id, agent, words.replace(NOTE_PREFIX, ''));
      // Keyed by the message: a gateway resumed after a reconnect may replay it.
      else await this.desk.reply(ticket.id, agent, words, { messageId: `discord-message:${message.id}` });
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      await message.reply({ content: `⚠️ ${plain(this.presenter.refusal(error))}` });
      return true;
    }
    await message.react(RELAYED);
    return true;
  }

  /** A press on a card's action button; non-agents get a private refusal. */
  async onButton(interaction: ButtonInteraction, action: DeskAction, ticketId: number): Promise<void> {
    // A slow action (a busy database) is acknowledged first; the card is then edited in place all the same.
    const result = await answerInTime(pressCardAction(this.desk, this.presenter, actorOf(interaction.member, interaction.user), action, ticketId), () => interaction.deferUpdate());
    if (result.ticket) {
      const card = renderCard(this.presenter.card(result.ticket));
      await (interaction.deferred ? interaction.editReply(card) : interaction.update(card));
      return;
    }
    const refusal = { content: result.notAgent ? result.refusal : `⚠️ ${plain(result.refusal)}`, flags: MessageFlags.Ephemeral } as const;
    await (interaction.deferred ? interaction.followUp(refusal) : interaction.reply(refusal));
  }

  async #open(ticket: EscalationView): Promise<void> {
    const channel = await this.#channel();
    // A retried event finds the card it already posted and only makes sure the thread exists.
    let [cardId] = await this.desk.cardsOf(ticket.id, 'discord');
    if (!cardId) {
      cardId = (await channel.send(renderCard(this.presenter.card(ticket)))).id;
      await this.desk.attachCard(ticket.id, 'discord', cardId);
    }
    try {
      await channel.threads.create({ startMessage: cardId, name: clip(this.presenter.card(ticket).title, MAX_THREAD_NAME), autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek });
    } catch (error) {
      if (!(error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage)) throw error;
    }
    this.logger.info({ channel: 'discord', ticket: ticket.id, thread: cardId }, 'ticket thread opened');
  }

  /** Posts in a thread; `pingRole` is the one role the message may notify (the client allows none by default). */
  async #post(channelId: string, content: string, pingRole?: string): Promise<void> {
    const channel = (await this.#fetch(channelId)) as SendableChannels | null;
    if (!channel) throw new Error(`Discord channel ${channelId} is gone`);
    await channel.send({ content: clip(content, 2000), ...(pingRole ? { allowedMentions: { roles: [pingRole] } } : {}) });
  }

  async #channel(): Promise<TextChannel> {
    const channel = await this.#fetch(this.channelId);
    if (!channel?.isTextBased() || !('threads' in channel)) throw new Error(`DISCORD_AGENT_CHANNEL_ID ${this.channelId} is not a text channel the bot can see`);
    return channel as TextChannel;
  }

  /**
   * A channel or thread from the cache, else over REST. An instance that has no gateway, or whose
   * shards do not hold the server, never received the server, and discord.js builds no channel of
   * an unknown server unless asked to; such a channel is not cached, so it is fetched each time.
   */
  #fetch(channelId: string): Promise<Channel | null> {
    return this.client.channels.fetch(channelId, { allowUnknownGuild: true });
  }
}

/** "**Dan:** words" for the user, "🎧 **carol** (cli): words" for an agent on another desk. */
function lineOf(line: DeskLine): string {
  return line.via ? `🎧 **${plain(line.speaker)}** (${line.via}): ${plain(line.text)}` : `**${plain(line.speaker)}:** ${plain(line.text)}`;
}

function actorOf(member: Message['member'] | ButtonInteraction['member'], user: { id: string; displayName: string }): AgentActor {
  return { channel: 'discord', userId: user.id, name: member instanceof GuildMember ? member.displayName : user.displayName };
}
