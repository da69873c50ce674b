import type { Api } from 'grammy';
import type { Chat, Message, User } from 'grammy/types';
import type { ConversationRef, Logger, Reply } from '../../src/core/index.js';
import { escapeHtml, fitsButton, renderReply } from './render.js';

/** Message contents the bot cannot read; the core answers that it reads text only. Service messages are none of these. */
const CONTENT_KINDS = ['photo', 'sticker', 'animation', 'document', 'voice', 'audio', 'video', 'video_note', 'location', 'venue', 'contact', 'poll', 'dice', 'game', 'story'] as const;

/**
 * Where the bot writes to a Telegram user: their chat, the forum topic they wrote in, and in
 * a group the user to name (a later agent reply there would otherwise be addressed to nobody).
 */
export interface TelegramConversation {
  readonly chatId: number;
  readonly threadId?: number;
  /** Answer this message of the user's (groups), so it is clear whom the bot is talking to. */
  readonly replyTo?: number;
  readonly mention?: { readonly userId: number; readonly name: string };
}

/** The conversation a user's message belongs to, as stored with the user (a {@link ConversationRef}). */
export function conversationOf(chat: Chat, from: User, threadId?: number): ConversationRef {
  if (chat.type === 'private') return { chatId: chat.id };
  return { chatId: chat.id, ...(threadId ? { threadId } : {}), userId: from.id, name: from.first_name };
}

/** The forum topic a message was written in, if any (only topic messages carry a thread that matters). */
export function topicOf(message: Pick<Message, 'is_topic_message' | 'message_thread_id'>): number | undefined {
  return message.is_topic_message ? message.message_thread_id : undefined;
}

/** Reads a stored conversation reference back; undefined when it is not a Telegram one. */
export function parseConversation(reference: ConversationRef): TelegramConversation | undefined {
  const { chatId, threadId, userId, name } = reference;
  if (typeof chatId !== 'number') return undefined;
  return {
    chatId,
    ...(typeof threadId === 'number' ? { threadId } : {}),
    ...(typeof userId === 'number' ? { mention: { userId, name: typeof name === 'string' ? name : String(userId) } } : {}),
  };
}

/**
 * Sends replies in order, as HTML with inline keyboards; the first one answers or names the user
 * when asked to. A button whose payload Telegram would refuse is left out, and logged.
 */
export async function sendReplies(api: Api, to: TelegramConversation, replies: readonly Reply[], logger: Logger): Promise<void> {
  let first = true;
  for (const reply of replies) {
    for (const suggestion of reply.suggestions ?? []) {
      if (!fitsButton(suggestion)) logger.warn({ channel: 'telegram', payloadBytes: Buffer.byteLength(suggestion.payload) }, 'button left out: its payload is over 64 bytes');
    }
    for (const message of renderReply(reply)) {
      // Buttons say whose they are (by answering or naming the user), so a press by anyone else is refused.
      const addressed = first || message.keyboard !== undefined;
      const mention = addressed && to.mention ? `<a href="tg://user?id=${to.mention.userId}">${escapeHtml(to.mention.name)}</a> ` : '';
      await api.sendMessage(to.chatId, mention + message.html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(message.keyboard ? { reply_markup: message.keyboard } : {}),
        ...(to.threadId ? { message_thread_id: to.threadId } : {}),
        ...(addressed && to.replyTo ? { reply_parameters: { message_id: to.replyTo, allow_sending_without_reply: true } } : {}),
      });
      first = false;
    }
  }
}

/**
 * Whom a bot message in a group is for: the author of the message it answers, or the user it
 * names with a mention link. Undefined when it says neither.
 */
export function addresseeOf(message: Message): number | undefined {
  const answered = message.reply_to_message?.from;
  if (answered && !answered.is_bot) return answered.id;
  for (const entity of message.entities ?? []) {
    if (entity.type === 'text_mention') return entity.user.id;
    const linked = entity.type === 'text_link' ? /^tg:\/\/user\?id=(\d+)$/.exec(entity.url) : null;
    if (linked) return Number(linked[1]);
  }
  return undefined;
}

/** What a message carries: `text`, another kind of content the bot cannot read (`sticker`), or nothing (a service message: a join, a pin). */
export function contentKind(message: Message): 'text' | (typeof CONTENT_KINDS)[number] | undefined {
  if (message.text !== undefined) return 'text';
  return CONTENT_KINDS.find((kind) => message[kind] !== undefined);
}
