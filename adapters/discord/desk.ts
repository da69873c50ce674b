import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  EmbedBuilder,
  GuildMember,
  MessageFlags,
  RESTJSONErrorCodes,
  ThreadAutoArchiveDuration,
  TimestampStyles,
  time,
  type ButtonInteraction,
  type Client,
  type Message,
  type SendableChannels,
  type TextChannel,
} from 'discord.js';
import type { AgentActor, AgentDesk, DeskEvent, EscalationView } from '../../src/core/channel.js';
import { DeskError } from '../../src/escalation/errors.js';
import type { Logger } from '../../src/log.js';
import { langOfLocale } from './commands.js';
import { clip, plain } from './render.js';
import { say } from '../../src/dialogue/messages.js';

/** Custom ids of the card's buttons: `desk:<action>:<ticket id>`. */
export const DESK_BUTTON = /^desk:(claim|resolve|reopen):(\d+)$/;
/** A message in a ticket thread starting with this is an internal note, never sent to the user. */
const NOTE_PREFIX = /^!note\s+/i;

const PRIORITY_COLOUR: Record<EscalationView['priority'], number> = { urgent: 0xed4245, high: 0xe67e22, normal: 0x3498db };
const DONE_COLOUR = 0x95a5a6;
const DETAIL_LABELS: Record<string, string> = {
  problemType: 'Problem type',
  occurredAt: 'When',
  errorMessage: 'Error message',
  transactionId: 'Transaction ID',
  email: 'Registered e-mail',
};
const MAX_THREAD_NAME = 100;
const MAX_FIELD = 1024;
const MAX_DESCRIPTION = 4096;
const MAX_TITLE = 256;
const RELAYED = '📨';

/**
 * The agent desk in a Discord channel (`DISCORD_AGENT_CHANNEL_ID`): every ticket, from any
 * channel, becomes a card (an embed coloured by priority, with Claim / Resolve buttons) with a
 * thread started from it. The card is edited as the ticket changes; the user's messages are
 * posted into the thread; agents' messages there go to the user. A card and its thread share
 * an id (Discord gives a thread started from a message that message's id), and that id is what
 * the desk remembers with {@link AgentDesk.attachCard}.
 */
export class DiscordDesk {
  constructor(
    private readonly client: Client,
    private readonly desk: AgentDesk,
    private readonly channelId: string,
    private readonly logger: Logger,
  ) {}

  /** Mirrors one ticket event: a new card and thread, an edited card, or a line in the thread. */
  async onEvent(event: DeskEvent): Promise<void> {
    const ticket = event.escalation;
    if (event.action === 'created') return this.#open(ticket);
    const [threadId] = this.desk.cardsOf(ticket.id, 'discord');
    // A ticket opened before this desk was watching has no card here; there is nothing to update.
    if (!threadId) return;
    if (event.action === 'user message') {
      await this.#post(threadId, `**${plain(ticket.displayName ?? ticket.userId)}:** ${plain(event.note ?? '')}`);
      return;
    }
    // Replies written in this thread are already here; those from another desk (the CLI, Telegram) are mirrored.
    if (event.action === 'reply') {
      if (!event.actor.startsWith('discord:')) await this.#post(threadId, `🎧 **${plain(ticket.agent ?? event.actor)}** (${plain(event.actor.split(':')[0]!)}): ${plain(event.note ?? '')}`);
      return;
    }
    const line = statusLine(event);
    if (!line) return;
    const channel = await this.#channel();
    await channel.messages.edit(threadId, renderCard(ticket));
    await this.#post(threadId, line);
  }

  /**
   * Handles a message in a ticket thread; false when the message is not in one. Only
   * `AGENT_IDS` are relayed; anyone else's words stay in the thread and reach nobody.
   */
  async onThreadMessage(message: Message): Promise<boolean> {
    if (!message.channel.isThread() || message.channel.parentId !== this.channelId) return false;
    const ticket = this.desk.ticketForCard('discord', message.channelId);
    const words = message.content.trim();
    if (!ticket || !words) return true;
    if (!this.desk.isAgent('discord', message.author.id)) {
      this.logger.info({ channel: 'discord', ticket: ticket.id, userId: message.author.id }, 'not an agent: thread message not relayed');
      return true;
    }
    const agent = actorOf(message.member, message.author);
    try {
      if (NOTE_PREFIX.test(words)) this.desk.note(ticket.id, agent, words.replace(NOTE_PREFIX, ''));
      // Keyed by the message: a gateway resumed after a reconnect may replay it.
      else this.desk.reply(ticket.id, agent, words, { messageId: `discord-message:${message.id}` });
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      await message.reply({ content: `⚠️ ${plain(error.message)}` });
      return true;
    }
    await message.react(RELAYED);
    return true;
  }

  /** A press on a card's Claim / Resolve / Reopen button; non-agents get a private refusal. */
  async onButton(interaction: ButtonInteraction, action: string, ticketId: number): Promise<void> {
    if (!this.desk.isAgent('discord', interaction.user.id)) {
      await interaction.reply({ content: say(langOfLocale(interaction.locale) ?? 'en', 'notAgent'), flags: MessageFlags.Ephemeral });
      return;
    }
    const agent = actorOf(interaction.member, interaction.user);
    let ticket: EscalationView;
    try {
      ticket =
        action === 'claim' ? this.desk.claim(ticketId, agent) : action === 'resolve' ? this.desk.resolve(ticketId, agent) : this.desk.reopen(ticketId, agent);
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      await interaction.reply({ content: `⚠️ ${plain(error.message)}`, flags: MessageFlags.Ephemeral });
      return;
    }
    await interaction.update(renderCard(ticket));
  }

  async #open(ticket: EscalationView): Promise<void> {
    const channel = await this.#channel();
    // A retried event finds the card it already posted and only makes sure the thread exists.
    let [cardId] = this.desk.cardsOf(ticket.id, 'discord');
    if (!cardId) {
      cardId = (await channel.send(renderCard(ticket))).id;
      this.desk.attachCard(ticket.id, 'discord', cardId);
    }
    try {
      await channel.threads.create({ startMessage: cardId, name: clip(`${ticket.number} ${ticket.summary}`, MAX_THREAD_NAME), autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek });
    } catch (error) {
      if (!(error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage)) throw error;
    }
    this.logger.info({ channel: 'discord', ticket: ticket.id, thread: cardId }, 'ticket thread opened');
  }

  async #post(channelId: string, content: string): Promise<void> {
    const channel = (await this.client.channels.fetch(channelId)) as SendableChannels | null;
    if (!channel) throw new Error(`Discord channel ${channelId} is gone`);
    await channel.send({ content: clip(content, 2000) });
  }

  async #channel(): Promise<TextChannel> {
    const channel = await this.client.channels.fetch(this.channelId);
    if (!channel?.isTextBased() || !('threads' in channel)) throw new Error(`DISCORD_AGENT_CHANNEL_ID ${this.channelId} is not a text channel the bot can see`);
    return channel as TextChannel;
  }
}

/** The ticket card: an embed coloured by priority (grey once done) and the buttons that fit its status. */
export function renderCard(ticket: EscalationView): { embeds: EmbedBuilder[]; components: ActionRowBuilder<ButtonBuilder>[] } {
  const done = ticket.status === 'resolved' || ticket.status === 'closed';
  const due = new Date(ticket.slaDueAt);
  const fields = [
    { name: 'Status', value: ticket.queuePosition ? `${ticket.status} (#${ticket.queuePosition} in queue)` : ticket.status, inline: true },
    { name: 'Priority', value: ticket.priority, inline: true },
    { name: 'SLA due', value: `${time(due, TimestampStyles.ShortDateTime)} (${time(due, TimestampStyles.RelativeTime)})`, inline: true },
    { name: 'User', value: clip(userLabel(ticket), MAX_FIELD), inline: true },
    { name: 'Intent', value: ticket.intent, inline: true },
    ...(ticket.agent ? [{ name: 'Agent', value: clip(plain(ticket.agent), MAX_FIELD), inline: true }] : []),
    ...Object.entries(ticket.details).map(([key, value]) => ({ name: DETAIL_LABELS[key] ?? key, value: clip(plain(value), MAX_FIELD) || '—', inline: false })),
    ...(ticket.resolutionNote ? [{ name: 'Resolution', value: clip(plain(ticket.resolutionNote), MAX_FIELD), inline: false }] : []),
    ...(ticket.rating ? [{ name: 'Rating', value: `${'★'.repeat(ticket.rating)} (${ticket.rating}/5)`, inline: true }] : []),
  ];
  const embed = new EmbedBuilder()
    .setTitle(clip(`${ticket.number} · ${plain(ticket.summary)}`, MAX_TITLE))
    .setColor(done ? DONE_COLOUR : PRIORITY_COLOUR[ticket.priority])
    .setDescription(clip(plain(ticket.userText) || '—', MAX_DESCRIPTION))
    .addFields(fields.slice(0, 25))
    .setFooter({ text: `ticket ${ticket.id}` })
    .setTimestamp(new Date(ticket.createdAt));
  const button = (action: string, label: string, style: ButtonStyle, disabled = false) =>
    new ButtonBuilder().setCustomId(`desk:${action}:${ticket.id}`).setLabel(label).setStyle(style).setDisabled(disabled);
  const buttons = done
    ? [button('reopen', 'Reopen', ButtonStyle.Secondary)]
    : [button('claim', 'Claim', ButtonStyle.Primary, ticket.status !== 'open'), button('resolve', 'Resolve', ButtonStyle.Success)];
  return { embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons)] };
}

/** The line posted in the thread for a status change; undefined for events that change nothing on the card. */
function statusLine(event: DeskEvent): string | undefined {
  const who = actorLabel(event.actor);
  switch (event.action) {
    case 'claim':
      return `Claimed by ${who}.`;
    case 'resolve':
      return event.note ? `Resolved by ${who}: ${plain(event.note)}` : `Resolved by ${who}.`;
    case 'reopen':
      return `Reopened by ${who}.`;
    case 'closed by user':
      return 'The user closed the ticket.';
    case 'rated':
      return `The user rated the help ${plain(event.note ?? '?')}/5.`;
    default:
      return undefined;
  }
}

/** Who opened the ticket: a Discord user as a mention agents can click (embeds never ping), others by name and channel. */
function userLabel(ticket: EscalationView): string {
  const name = plain(ticket.displayName ?? ticket.userId);
  return ticket.channel === 'discord' ? `<@${ticket.userId}> (${name})` : `${name} on ${ticket.channel}`;
}

/** A Discord agent shows as a mention (allowed mentions are off, so nobody is pinged); others by their desk id. */
function actorLabel(actor: string): string {
  const discord = /^discord:(\d+)$/.exec(actor);
  return discord ? `<@${discord[1]}>` : plain(actor);
}

function actorOf(member: Message['member'] | ButtonInteraction['member'], user: { id: string; displayName: string }): AgentActor {
  return { channel: 'discord', userId: user.id, name: member instanceof GuildMember ? member.displayName : user.displayName };
}
