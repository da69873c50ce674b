import { Composer, type Context } from 'grammy';
import type { Chat, Message, MessageEntity, User, UserFromGetMe } from 'grammy/types';
import { say, type IncomingMessage, type Lang, type Logger, type MessageHandler } from '../../src/core/index.js';
import { addresseeOf, contentKind, conversationOf, sendReplies, topicOf } from './conversation.js';

/**
 * The users' side: private chats, and groups when the bot is mentioned or replied to. Turns
 * messages and button presses into the core's messages and sends back what it replies.
 */
export function userChat(bot: MessageHandler, logger: Logger): Composer<Context> {
  const users = new Composer<Context>();

  users.on('message', async (ctx) => {
    const message = ctx.msg;
    const from = message.from;
    if (!from || from.is_bot) return;
    const group = message.chat.type !== 'private';
    if (group && !addressedToBot(message, ctx.me)) return;
    const kind = contentKind(message);
    if (!kind) return;
    const raw = message.text ?? message.caption ?? '';
    const threadId = topicOf(message);
    const replies = await bot.handle({
      ...sender(from, message.chat, threadId, ctx.update.update_id),
      text: group ? withoutMention(raw, ctx.me.username) : raw,
      ...(kind === 'text' ? {} : { unsupported: kind }),
    });
    if (replies.length === 0) return;
    // Typing only when the bot will answer: while escalated, the user's words go to the agent and the bot stays
    // quiet. A failed indicator is cosmetic, so it is not an error.
    await ctx.api.sendChatAction(message.chat.id, 'typing', threadId ? { message_thread_id: threadId } : {}).catch(() => undefined);
    await sendReplies(ctx.api, { chatId: message.chat.id, threadId, ...(group ? { replyTo: message.message_id } : {}) }, replies, logger);
  });

  users.on('callback_query:data', async (ctx) => {
    const query = ctx.callbackQuery;
    const pressed = query.message;
    if (!pressed) {
      await ctx.answerCallbackQuery();
      return;
    }
    // In a group, a question's buttons are its asker's: anyone else pressing them changes nothing.
    if (pressed.chat.type !== 'private' && (pressed.date === 0 || addresseeOf(pressed) !== query.from.id)) {
      await ctx.answerCallbackQuery({ text: say(langOf(query.from.language_code) ?? 'en', 'buttonsForSomeoneElse'), show_alert: true });
      return;
    }
    // A message too old for Telegram to show (date 0) carries no topic.
    const threadId = pressed.date === 0 ? undefined : topicOf(pressed);
    const replies = await bot.handle({ ...sender(query.from, pressed.chat, threadId, ctx.update.update_id), text: '', payload: query.data });
    await ctx.answerCallbackQuery();
    if (replies.length === 0) return;
    // A pressed question is answered: its buttons go, so an old "Yes" or rating cannot be pressed twice.
    await ctx.api.editMessageReplyMarkup(pressed.chat.id, pressed.message_id).catch(() => undefined);
    await sendReplies(ctx.api, { chatId: pressed.chat.id, threadId }, replies, logger);
  });

  users.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  return users;
}

/**
 * Who wrote and where, as the core sees it. The update id is the message id: Telegram
 * delivers an update again with the same id, and the core handles each id once.
 */
function sender(user: User, chat: Chat, threadId: number | undefined, updateId: number): Omit<IncomingMessage, 'text'> {
  return {
    channel: 'telegram',
    userId: String(user.id),
    displayName: [user.first_name, user.last_name].filter(Boolean).join(' '),
    conversation: conversationOf(chat, user, threadId),
    langHint: langOf(user.language_code),
    messageId: String(updateId),
  };
}

/** The core speaks Chinese and English: a Chinese client means Chinese, any other language English. */
function langOf(languageCode: string | undefined): Lang | undefined {
  if (!languageCode) return undefined;
  return languageCode.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** In a group the bot answers only when mentioned, replied to, or given a command meant for it. */
function addressedToBot(message: Message, me: UserFromGetMe): boolean {
  if (message.reply_to_message?.from?.id === me.id) return true;
  const text = message.text ?? message.caption ?? '';
  const entities: MessageEntity[] = message.entities ?? message.caption_entities ?? [];
  const handle = `@${me.username}`.toLowerCase();
  return entities.some((entity) => {
    const part = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
    if (entity.type === 'mention') return part === handle;
    if (entity.type === 'text_mention') return entity.user.id === me.id;
    if (entity.type === 'bot_command') return entity.offset === 0 && (!part.includes('@') || part.endsWith(handle));
    return false;
  });
}

function withoutMention(text: string, username: string): string {
  return text.replace(new RegExp(`@${username}\\b`, 'gi'), '').trim();
}
