import { ActionTypes, ActivityTypes, CardFactory, TurnContext, type Activity, type CardAction, type ChannelAccount } from 'botbuilder';
import type { ConversationRef, IncomingMessage, Lang, Reply, Suggestion } from '../../src/core/index.js';

/** Conversations several people read, where the bot only listens when @mentioned. */
const SHARED_CONVERSATIONS = new Set(['channel', 'groupChat']);

/**
 * The app manifest's command menu (manifest/manifest.json `commandLists`): Teams sends the
 * bare title ("help"), the core understands the slash form.
 */
const MENU_COMMAND = /^(help|human|status|cancel|subscribe|unsubscribe)$/i;

/**
 * The most people greeted for one `conversationUpdate`: a personal chat has one, and a stranger's
 * activity listing thousands must not turn into thousands of users and posts.
 */
export const MAX_WELCOMES = 20;

/** Longer values cannot come from our own buttons. */
const MAX_PAYLOAD_LENGTH = 200;

/** Whether the bot is talking in a team channel or a group chat rather than one to one. */
function isSharedConversation(activity: Activity): boolean {
  return SHARED_CONVERSATIONS.has(activity.conversation.conversationType ?? '');
}

/** What `deliver` needs to write to this conversation later, addressed to `user`. */
function referenceTo(activity: Activity, user: ChannelAccount = activity.from): ConversationRef {
  return { ...TurnContext.getConversationReference(activity), user: { id: user.id, name: user.name } };
}

/**
 * The core's view of a Teams message: the text without the bot's @mention, the payload of a
 * card button, or what kind of non-text content was sent (an image, a file). Undefined when the
 * bot should stay quiet: a channel message that does not mention it, or an empty message.
 */
export function toIncomingMessage(activity: Activity): IncomingMessage | undefined {
  const payload = buttonPayload(activity.value);
  const mentioned = mentionsBot(activity);
  if (!payload && !mentioned && isSharedConversation(activity)) return undefined;
  const text = payload || typeof activity.text !== 'string' ? '' : (mentioned ? TurnContext.removeRecipientMention(activity) : activity.text).trim();
  const unsupported = payload || text ? undefined : contentKind(activity);
  if (!payload && !text && !unsupported) return undefined;
  return {
    channel: 'teams',
    userId: activity.from.id,
    displayName: activity.from.name || undefined,
    conversation: referenceTo(activity),
    text: MENU_COMMAND.test(text) ? `/${text.toLowerCase()}` : text,
    payload,
    langHint: langOf(activity.locale),
    messageId: activity.id,
    ...(unsupported ? { unsupported } : {}),
  };
}

/**
 * Who to greet for a `conversationUpdate`. One to one: the people added, or the installing user
 * when Teams lists only the bot (a personal install). In a channel or group chat the bot
 * introduces itself once, when it is added, instead of greeting every newcomer in public. At
 * most {@link MAX_WELCOMES} people.
 */
export function welcomeTargets(activity: Activity): ChannelAccount[] {
  const botId = activity.recipient.id;
  const added = activity.membersAdded ?? [];
  const botAdded = added.some((member) => member.id === botId);
  const installer = botAdded && activity.from?.id && activity.from.id !== botId ? [activity.from] : [];
  if (isSharedConversation(activity)) return installer;
  const people = added.filter((member) => member.id && member.id !== botId).slice(0, MAX_WELCOMES);
  return people.length > 0 ? people : installer;
}

/** The `/start` message that makes the core say hello, once per Teams conversation. */
export function welcomeMessage(activity: Activity, member: ChannelAccount): IncomingMessage {
  return {
    channel: 'teams',
    userId: member.id,
    displayName: member.name || undefined,
    conversation: referenceTo(activity, member),
    text: '/start',
    langHint: langOf(activity.locale),
    // The core drops a message id it has seen: Teams and the Emulator may announce the same
    // arrival twice (the bot, then the user), and a reinstall must not greet again.
    messageId: `welcome:${activity.conversation.id}`,
  };
}

/**
 * Renders the core's replies: plain text (Teams then shows user and agent words literally, with
 * no markdown to escape), and buttons as a Hero card under the text. A pressed button comes
 * back as a `messageBack` whose value carries the payload.
 */
export function toActivities(replies: readonly Reply[]): Partial<Activity>[] {
  return replies.map((reply) => ({
    type: ActivityTypes.Message,
    text: reply.kind === 'agent' && reply.agentName ? `${reply.agentName}: ${reply.text}` : reply.text,
    textFormat: 'plain',
    ...(reply.suggestions?.length ? { attachments: [CardFactory.heroCard('', undefined, reply.suggestions.map(toButton))] } : {}),
  }));
}

function toButton(suggestion: Suggestion): CardAction {
  return {
    type: ActionTypes.MessageBack,
    title: suggestion.label,
    text: suggestion.label,
    displayText: suggestion.label,
    value: { payload: suggestion.payload },
  };
}

function buttonPayload(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const payload = (value as { payload?: unknown }).payload;
  return typeof payload === 'string' && payload !== '' && payload.length <= MAX_PAYLOAD_LENGTH ? payload : undefined;
}

/** Whether the bot is @mentioned; botbuilder's removeRecipientMention needs the mention's text to strip it. */
function mentionsBot(activity: Activity): boolean {
  return TurnContext.getMentions(activity).some((mention) => mention.mentioned?.id === activity.recipient.id && typeof mention.text === 'string');
}

/** The kind of the first attachment; Teams adds a `text/html` copy of every formatted message, which is not content. */
function contentKind(activity: Activity): string | undefined {
  const type = activity.attachments?.map((attachment) => attachment.contentType).find((contentType) => contentType && contentType !== 'text/html');
  if (!type) return undefined;
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/') || type.startsWith('video/')) return type.slice(0, type.indexOf('/'));
  return type.startsWith('application/vnd.microsoft.card.') ? 'card' : 'file';
}

function langOf(locale: string | undefined): Lang | undefined {
  if (!locale) return undefined;
  if (/^zh\b/i.test(locale)) return 'zh';
  return /^en\b/i.test(locale) ? 'en' : undefined;
}
