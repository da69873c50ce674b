/**
 * The core's public index: everything an adapter (a channel, a desk, a page) may use of the
 * core, and nothing else. Adapters import from here only; what is not exported here is the
 * core's own business (the database, the ticket internals, the dialogue's state).
 */
export * from '../contracts/index.js';
export { ChannelRegistry, type AgentDesk, type ChannelContext, type ChannelFactory, type FaqArticle, type MessageHandler } from './channel.js';
export { pressCardAction, type CardPress } from './card-actions.js';
export { DeskPresenter, type CardAction, type CardActionStyle, type CardField, type DeskAlert, type DeskCard, type DeskLine, type DeskUpdate } from './desk-presenter.js';
export { MAX_MESSAGE_LENGTH } from './support-bot.js';
export { detectLanguage } from '../nlu/language.js';
export { ConfigError, type Config, type ConsoleConfig, type DiscordConfig, type HelpCentreConfig, type TeamsConfig, type TelegramConfig, type WebLimits } from '../config/index.js';
export type { Logger } from '../log.js';
export { MAX_BROADCAST_BYTES, type Broadcast, type BroadcastTopic } from '../db/broadcast.js';
export type { RoleHandlers, RoleName, SoleRole } from '../db/sole-role.js';
export type { SecretName } from '../db/engine.js';
export type { ConsoleBackend, ConsoleInboxFilter } from '../agents/console-backend.js';
export { CannedReplyError, type CannedReply, type CannedReplyInput } from '../agents/canned-replies.js';
export { KnowledgeEditError } from '../knowledge/errors.js';
export type { ReplyDraft } from '../agents/reply-draft.js';
export { MAX_TAGS_PER_TICKET, TagError } from '../escalation/tags.js';
export type { SignedInAgent } from '../agents/console-auth.js';
export type { AgentAccount, AgentRole } from '../agents/accounts.js';
export { isCsrfToken, type OpenSession } from '../agents/sessions.js';
export type { InboxFilter, TranscriptLine } from '../escalation/queue.js';
