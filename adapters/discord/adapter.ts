import { once } from 'node:events';
import {
  Client,
  DiscordAPIError,
  DiscordjsErrorCodes,
  Events,
  GatewayIntentBits,
  GuildMember,
  MessageFlags,
  Partials,
  RESTJSONErrorCodes,
  Routes,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ClientOptions,
  type Interaction,
  type InteractionReplyOptions,
  type Message,
  type User,
} from 'discord.js';
import {
  ConfigError,
  DeliveryError,
  decodePayload,
  say,
  type ChannelAdapter,
  type ChannelContext,
  type ConversationRef,
  type DeskEvent,
  type DiscordConfig,
  type IncomingMessage,
  type Lang,
  type Reply,
} from '../../src/core/index.js';
import { commandInput, faqChoices, langOfLocale, slashCommands } from './commands.js';
import { DiscordDesk } from './desk.js';
import { belongsInDm, isPersonal, revealsSecret } from './privacy.js';
import { languageOf, pressedButton, renderReplies, type Outgoing } from './render.js';
import { answerInTime } from './acknowledge.js';

/**
 * The gateway intents the bot asks for, and no more: guilds (channels, threads, interactions),
 * guild and direct messages. Message Content, the one privileged intent, only when the bot must
 * read messages that do not mention it: every message of the help channel, and agents' messages
 * in ticket threads. Mentions and DMs carry their text without it.
 */
export function intentsFor(config: DiscordConfig): GatewayIntentBits[] {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
  return config.helpChannelId || config.agentChannelId ? [...intents, GatewayIntentBits.MessageContent] : intents;
}

type UserInteraction = ChatInputCommandInteraction | ButtonInteraction;

/** Discord's refusals that no retry can fix: the user (or the DM channel) is gone, or takes no DMs from the bot. */
const UNREACHABLE = new Set([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.UnknownUser, RESTJSONErrorCodes.CannotSendMessagesToThisUser]);

/** Discord's refusal of the token, worded for the operator. */
const refusedToken = () => new ConfigError('DISCORD_BOT_TOKEN', 'Discord refused the token (check it in the Developer Portal, Bot → Token)');

/**
 * The client's shard options for `DISCORD_SHARDS`: unset, as many shards as Discord recommends, all
 * in this process; a slice, those shard ids out of the total every instance agrees on (Discord
 * sends a server's events to shard `(server id >> 22) % total`, DMs to shard 0). Without a gateway
 * the options are never used.
 */
function shardOptions(shards: DiscordConfig['shards']): Pick<ClientOptions, 'shards' | 'shardCount'> {
  return typeof shards === 'string' ? { shards: 'auto' } : { shards: [...shards.ids], shardCount: shards.count };
}

/**
 * Discord (discord.js v14). Users are answered when they mention the bot, in DMs, in the help
 * channel (`DISCORD_HELP_CHANNEL_ID`) and through `/ask`, `/human`, `/status` and `/faq`;
 * suggestions are buttons whose custom id is the core's payload. Anything private (a hand-off
 * and its questions, a secret posted in public) continues in the user's DMs, and every stored
 * conversation reference is the user's DM (`{ userId, dm: true }`), so agent replies never land in
 * a public channel. With `DISCORD_AGENT_CHANNEL_ID` set, tickets are worked there ({@link DiscordDesk}).
 * With `DISCORD_SHARDS=none` it opens no gateway connection and only delivers, over REST.
 */
export class DiscordAdapter implements ChannelAdapter {
  readonly name = 'discord' as const;
  /** Where the bot listens and works, for the start-up log line. */
  readonly detail: string;
  readonly #client: Client;
  readonly #desk: DiscordDesk | undefined;
  #stopping: Promise<void> | undefined;

  constructor(
    private readonly config: DiscordConfig,
    private readonly context: ChannelContext,
  ) {
    this.#client = new Client({
      intents: intentsFor(config),
      ...shardOptions(config.shards),
      // DM channels are not cached before their first message arrives; without this partial discord.js drops DMs.
      partials: [Partials.Channel],
      // Nothing the bot posts may ping @everyone, a role or a user it quotes; replying still notifies the author.
      allowedMentions: { parse: [], repliedUser: true },
      ...(config.apiBase ? { rest: { api: config.apiBase } } : {}),
    });
    this.#desk = config.agentChannelId ? new DiscordDesk(this.#client, context.desk, context.presenter, config.agentChannelId, context.logger, config.oncallRoleId) : undefined;
    const { shards } = config;
    this.detail =
      shards === 'none'
        ? 'REST only, no gateway shards'
        : [
            config.helpChannelId ? `help channel ${config.helpChannelId}` : 'mentions and DMs only',
            config.agentChannelId ? `agent desk in ${config.agentChannelId}` : 'no agent channel',
            config.guildId ? `slash commands for server ${config.guildId}` : 'global slash commands',
            ...(shards === 'auto' ? [] : [`gateway shards ${shards.ids.join(', ')} of ${shards.count}`]),
          ].join(', ');
  }

  /**
   * Logs in, waits for the gateway's READY and the guilds, then registers the slash commands.
   * Without a gateway (`DISCORD_SHARDS=none`) it only checks the token over REST.
   */
  async start(): Promise<void> {
    if (this.config.shards === 'none') return this.#startRestOnly();
    const client = this.#client;
    const { logger } = this.context;
    client.on(Events.MessageCreate, (message) => void this.#guard({ messageId: message.id }, () => this.#onMessage(message)));
    client.on(Events.InteractionCreate, (interaction) => void this.#guard({ interactionId: interaction.id }, () => this.#onInteraction(interaction)));
    client.on(Events.Error, (error) => logger.error({ channel: 'discord', reason: error.message }, 'Discord client error'));
    client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ channel: 'discord', shard, code: event.code }, 'Discord gateway disconnected; discord.js reconnects'));
    const ready = once(client, Events.ClientReady);
    try {
      await client.login(this.config.token);
      await ready;
    } catch (error) {
      await client.destroy();
      if ((error as { code?: string }).code === DiscordjsErrorCodes.TokenInvalid) throw refusedToken();
      throw error;
    }
    await this.#registerCommands();
  }

  /**
   * Gives the token to the client's REST manager (what `login` does before it connects the
   * gateway) and asks Discord who the bot is, so a bad token stops start-up here too. Every send
   * then goes through the same client code as with a gateway; the slash commands are left to the
   * instances that receive interactions.
   */
  async #startRestOnly(): Promise<void> {
    const client = this.#client;
    client.token = this.config.token;
    client.rest.setToken(this.config.token);
    try {
      await client.rest.get(Routes.user());
    } catch (error) {
      if (error instanceof DiscordAPIError && error.status === 401) throw refusedToken();
      throw error;
    }
  }

  /** Disconnects from the gateway; safe to call twice. */
  async stop(): Promise<void> {
    this.#stopping ??= this.#client.destroy();
    await this.#stopping;
  }

  /**
   * Sends replies to the user's DMs (every Discord reference is `{ userId, dm: true }`).
   * @throws DeliveryError when Discord refuses; permanent (the outbox sets the row aside) when the
   * user does not accept DMs from the bot or the user or DM channel is gone, else retried.
   */
  async deliver(reference: ConversationRef, replies: readonly Reply[]): Promise<void> {
    const userId = reference.userId;
    if (typeof userId !== 'string') throw new DeliveryError('discord', 'the conversation reference has no userId', { permanent: true });
    let delivered: boolean;
    try {
      delivered = await this.#sendDm(userId, renderReplies(replies));
    } catch (error) {
      const gone = error instanceof DiscordAPIError && UNREACHABLE.has(error.code as RESTJSONErrorCodes);
      throw new DeliveryError('discord', `could not message user ${userId}: ${(error as Error).message}`, { cause: error, permanent: gone });
    }
    if (!delivered) throw new DeliveryError('discord', `user ${userId} does not accept direct messages from the bot`, { permanent: true });
  }

  /** Mirrors a ticket change to the agent channel, when there is one. */
  async onDeskEvent(event: DeskEvent): Promise<void> {
    await this.#desk?.onEvent(event);
  }

  async #onMessage(message: Message): Promise<void> {
    if (message.author.bot || message.system) return;
    if (await this.#desk?.onThreadMessage(message)) return;
    const botId = this.#client.user!.id;
    const mentioned = message.mentions.users.has(botId);
    if (message.inGuild() && !mentioned && message.channelId !== this.config.helpChannelId) return;
    const words = message.content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ').trim();
    const unsupported = words ? undefined : message.stickers.size > 0 ? 'sticker' : message.attachments.size > 0 ? 'attachment' : undefined;
    // A bare mention asks what the bot can do.
    const said = words || (mentioned && !unsupported ? '/help' : '');
    if (!said && !unsupported) return;
    const incoming = this.#incoming(message.author, message.member?.displayName, { text: said, messageId: message.id, unsupported });
    const replies = await this.context.bot.handle(incoming);
    if (!message.inGuild()) return this.#replyTo(message, renderReplies(replies));
    const secret = revealsSecret(replies);
    const deleted = secret && (await this.#deleteIfAllowed(message));
    if (!secret && !belongsInDm(incoming, replies)) return this.#replyTo(message, renderReplies(replies, { owner: message.author.id }));
    const lang = languageOf(replies, undefined);
    const note = say(lang, (await this.#sendDm(message.author.id, renderReplies(replies))) ? 'movedToDm' : 'dmClosed');
    if (deleted) await message.channel.send({ content: `<@${message.author.id}> ${note}`, allowedMentions: { users: [message.author.id] } });
    else await message.reply({ content: note });
  }

  async #onInteraction(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) return this.#autocomplete(interaction);
    if (interaction.isButton()) {
      const desk = decodePayload(interaction.customId);
      if (desk?.kind === 'desk') return this.#desk?.onButton(interaction, desk.action, desk.ticketId);
      const pressed = pressedButton(interaction.customId);
      // In a shared channel a question's buttons are its asker's: anyone else changes nothing.
      if (pressed.owner && pressed.owner !== interaction.user.id) {
        await interaction.reply({ content: say(langOfLocale(interaction.locale) ?? 'en', 'buttonsForSomeoneElse'), flags: MessageFlags.Ephemeral });
        return;
      }
      // Pressing a suggestion retires the message's buttons, so a stale choice cannot be pressed twice.
      await interaction.update({ components: [] });
      return this.#answer(interaction, { text: '', payload: pressed.payload });
    }
    if (interaction.isChatInputCommand()) {
      const input = commandInput(interaction, this.context.bot);
      if (input) return this.#answer(interaction, input);
    }
  }

  /** Hands a slash command or a button press to the core and answers in the channel, ephemerally, or in DMs. */
  async #answer(interaction: UserInteraction, input: { text: string; payload?: string }): Promise<void> {
    const member = interaction.member instanceof GuildMember ? interaction.member.displayName : undefined;
    const incoming = this.#incoming(interaction.user, member, { ...input, messageId: interaction.id, langHint: langOfLocale(interaction.locale) });
    // A slow turn (a busy database) is acknowledged first with a private "thinking…", which the answer then fills.
    const replies = await answerInTime(this.context.bot.handle(incoming), async () => {
      if (!interaction.replied && !interaction.deferred) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    });
    const lang = languageOf(replies, incoming.langHint);
    const shared = interaction.inGuild();
    const out = renderReplies(replies);
    if (shared && (revealsSecret(replies) || belongsInDm(incoming, replies))) {
      // Acknowledge first: Discord wants an answer within 3 s, and opening a DM takes two requests.
      if (!interaction.replied && !interaction.deferred) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const moved = await this.#sendDm(interaction.user.id, out);
      // Nobody else sees an ephemeral message, so with DMs closed the dialogue can go on there.
      const notes: Outgoing[] = moved ? [note(say(lang, 'movedToDm'))] : [...out, note(say(lang, 'dmClosed'))];
      for (const message of notes) await respond(interaction, { ...message, flags: MessageFlags.Ephemeral });
      return;
    }
    if (out.length === 0) {
      // A button press is already acknowledged; a command must be answered or Discord shows an error.
      if (!interaction.replied) await respond(interaction, { ...note(say(lang, 'received')), flags: MessageFlags.Ephemeral });
      return;
    }
    // Only the user sees an ephemeral answer; a public one's buttons are marked as theirs.
    const personal = shared && isPersonal(replies);
    const shown = shared && !personal ? renderReplies(replies, { owner: interaction.user.id }) : out;
    for (const message of shown) await respond(interaction, personal ? { ...message, flags: MessageFlags.Ephemeral } : message);
  }

  async #autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    if (interaction.commandName !== 'faq') return interaction.respond([]);
    await interaction.respond(faqChoices(this.context.bot, interaction.options.getFocused(), langOfLocale(interaction.locale) ?? 'en'));
  }

  #incoming(user: User, memberName: string | undefined, input: { text: string; payload?: string; messageId: string; langHint?: Lang; unsupported?: string }): IncomingMessage {
    return {
      channel: 'discord',
      userId: user.id,
      displayName: memberName ?? user.displayName,
      conversation: { userId: user.id, dm: true },
      text: input.text,
      payload: input.payload,
      langHint: input.langHint,
      messageId: input.messageId,
      ...(input.unsupported ? { unsupported: input.unsupported } : {}),
    };
  }

  async #replyTo(message: Message, out: readonly Outgoing[]): Promise<void> {
    for (const [index, payload] of out.entries()) {
      if (index === 0) await message.reply(payload);
      else if (message.channel.isSendable()) await message.channel.send(payload);
    }
  }

  /** Sends to the user's DMs; false when they do not accept DMs from the bot. */
  async #sendDm(userId: string, out: readonly Outgoing[]): Promise<boolean> {
    try {
      // Without a gateway there is no client user to match a cached DM channel against: ask Discord (it returns the same channel).
      const channel = await this.#client.users.createDM(userId, { force: !this.#client.user });
      for (const payload of out) await channel.send(payload);
      return true;
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser) return false;
      throw error;
    }
  }

  /** Deletes a message that exposed a secret; false when the bot lacks Manage Messages there (or it is gone). */
  async #deleteIfAllowed(message: Message): Promise<boolean> {
    try {
      await message.delete();
      return true;
    } catch (error) {
      if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) {
        this.context.logger.warn({ channel: 'discord', messageId: message.id, code: error.code }, 'could not delete a message that exposed a secret');
        return false;
      }
      throw error;
    }
  }

  async #registerCommands(): Promise<void> {
    const applicationId = this.config.applicationId ?? this.#client.application?.id;
    const { logger } = this.context;
    if (!applicationId) {
      logger.warn({ channel: 'discord' }, 'slash commands not registered: DISCORD_APPLICATION_ID is not set');
      return;
    }
    const route = this.config.guildId ? Routes.applicationGuildCommands(applicationId, this.config.guildId) : Routes.applicationCommands(applicationId);
    try {
      await this.#client.rest.put(route, { body: slashCommands() });
      logger.info({ channel: 'discord', guildId: this.config.guildId ?? 'global' }, 'slash commands registered');
    } catch (error) {
      // The bot still answers mentions and DMs; an operator fixes the scope or the ids and restarts.
      logger.warn({ channel: 'discord', reason: (error as Error).message }, 'slash commands not registered (is the bot invited with the applications.commands scope?)');
    }
  }

  async #guard(ids: Record<string, string>, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.context.logger.error({ channel: 'discord', ...ids, reason: (error as Error).message }, 'Discord event failed');
    }
  }
}

/** Answers an interaction: the first message fills the (deferred) reply, later ones follow up. */
async function respond(interaction: UserInteraction, payload: InteractionReplyOptions & Outgoing): Promise<void> {
  if (!interaction.deferred && !interaction.replied) await interaction.reply(payload);
  else if (interaction.deferred && !interaction.replied) await interaction.editReply({ content: payload.content, components: payload.components });
  else await interaction.followUp(payload);
}

function note(content: string): Outgoing {
  return { content, components: [] };
}
