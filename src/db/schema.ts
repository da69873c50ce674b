import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** One row per person per channel (`telegram:123`); the key is the channel-qualified id. */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  channel: text('channel').notNull(),
  channelUserId: text('channel_user_id').notNull(),
  displayName: text('display_name'),
  lang: text('lang'),
  createdAt: createdAt(),
  lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * A user's conversation with the bot on one channel: where to write back (`reference`)
 * and the dialogue state that must survive a restart (`state`, JSON).
 */
export const conversations = sqliteTable(
  'conversations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    channel: text('channel').notNull(),
    reference: text('reference', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    state: text('state', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [uniqueIndex('conversations_user_idx').on(table.userId)],
);

/** Every message in a conversation, from the user, the bot or an agent (text already redacted). */
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    escalationId: integer('escalation_id').references(() => escalations.id),
    sender: text('sender', { enum: ['user', 'bot', 'agent'] }).notNull(),
    agent: text('agent'),
    text: text('text').notNull(),
    intent: text('intent'),
    confidence: integer('confidence_pct'),
    action: text('action'),
    /** The platform's message id, so a redelivered update is recognised. */
    platformMessageId: text('platform_message_id'),
    createdAt: createdAt(),
  },
  (table) => [
    index('messages_conversation_idx').on(table.conversationId, table.id),
    // The user's recent messages (the split-secret window): a range, not every message of the conversation.
    index('messages_sender_window_idx').on(table.conversationId, table.sender, table.createdAt),
    // Partial: most messages have neither, and an index entry for each would be one more page a turn writes.
    index('messages_escalation_idx')
      .on(table.escalationId, table.id)
      .where(sql`${table.escalationId} is not null`),
    uniqueIndex('messages_platform_idx')
      .on(table.conversationId, table.platformMessageId)
      .where(sql`${table.platformMessageId} is not null`),
  ],
);

/** The escalation record: a hand-off to a human agent (see DESIGN.md). */
export const escalations = sqliteTable(
  'escalations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    number: text('number').notNull(),
    status: text('status', { enum: ['open', 'claimed', 'resolved', 'closed'] }).notNull(),
    priority: text('priority', { enum: ['urgent', 'high', 'normal'] }).notNull(),
    channel: text('channel').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    displayName: text('display_name'),
    reference: text('reference', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    lang: text('lang').notNull(),
    intent: text('intent').notNull(),
    category: text('category').notNull(),
    userText: text('user_text').notNull(),
    summary: text('summary').notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    /** The claiming agent's display name, as users see it. */
    agent: text('agent'),
    /** The claiming agent's identity (`telegram:123`): two agents may share a name. */
    agentId: text('agent_id'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    claimedAt: integer('claimed_at', { mode: 'timestamp_ms' }),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    slaDueAt: integer('sla_due_at', { mode: 'timestamp_ms' }).notNull(),
    resolutionNote: text('resolution_note'),
    rating: integer('rating'),
  },
  (table) => [
    uniqueIndex('escalations_number_idx').on(table.number),
    index('escalations_queue_idx').on(table.status, table.priority, table.createdAt),
    index('escalations_user_idx').on(table.userId, table.status),
    // A conversation's active ticket, read on every turn of an escalated user.
    index('escalations_conversation_idx').on(table.conversationId, table.status),
  ],
);

/** Audit trail: who did what to which ticket, when (internal notes too; never secrets). */
export const escalationEvents = sqliteTable(
  'escalation_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    escalationId: integer('escalation_id')
      .notNull()
      .references(() => escalations.id),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (table) => [index('escalation_events_escalation_idx').on(table.escalationId, table.id)],
);

/**
 * Messages waiting to leave through a channel adapter. Written in the same transaction
 * as the change that causes them; the running bot drains it, so any process (the CLI desk)
 * can reach a user on any channel. Delivered once, retried with backoff, never dropped.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    escalationId: integer('escalation_id').references(() => escalations.id),
    channel: text('channel').notNull(),
    reference: text('reference', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: integer('delivered_at', { mode: 'timestamp_ms' }),
    /** Set for rows that must exist once, e.g. `notice:<notice id>:<user>`: a second insert is ignored. */
    dedupeKey: text('dedupe_key'),
  },
  (table) => [
    // Due rows oldest first: pending rows walked in id order (the order delivered), no sort of the whole backlog per claim.
    index('outbox_pending_idx').on(table.status, table.id),
    uniqueIndex('outbox_dedupe_idx').on(table.dedupeKey),
    // A conversation's lane: "is an older row of this conversation still waiting?" (delivery order).
    index('outbox_lane_idx').on(table.channel, table.reference, table.status, table.nextAttemptAt),
  ],
);

/** Questions the bot could not answer (fallback, clarify, "that didn't help"), redacted, for the FAQ to grow from. */
export const unansweredQuestions = sqliteTable('unanswered_questions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  channel: text('channel').notNull(),
  text: text('text').notNull(),
  lang: text('lang').notNull(),
  intent: text('intent'),
  confidence: integer('confidence_pct'),
  reason: text('reason', { enum: ['fallback', 'clarify', 'not_helpful'] }).notNull(),
  createdAt: createdAt(),
  /** Set by `kb dismiss`: reviewed, nothing to learn; left out of `kb review`. */
  dismissedAt: integer('dismissed_at', { mode: 'timestamp_ms' }),
  dismissedBy: text('dismissed_by'),
});

/** The classifier's training phrases (seeded from `intents/` on first start), edited live with `kb add-phrase`. */
export const trainingPhrases = sqliteTable(
  'training_phrases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    intent: text('intent').notNull(),
    lang: text('lang', { enum: ['en', 'zh'] }).notNull(),
    text: text('text').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('training_phrases_intent_idx').on(table.intent, table.lang)],
);

/** Every knowledge-base edit: who did what, when (the phrase's or FAQ text as it was). */
export const knowledgeEdits = sqliteTable('knowledge_edits', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  action: text('action', { enum: ['seed', 'add_phrase', 'remove_phrase', 'dismiss', 'seed_faq', 'faq_edit_answer', 'faq_add_question', 'faq_create'] }).notNull(),
  intent: text('intent'),
  lang: text('lang'),
  text: text('text'),
  /** The FAQ entry a FAQ edit changed. */
  faqId: text('faq_id'),
  actor: text('actor').notNull(),
  createdAt: createdAt(),
});

/** The FAQ entries (seeded from `data/faq.json` on first start), edited live with `kb faq` and the console's review page. */
export const faqEntries = sqliteTable('faq_entries', {
  id: text('id').primaryKey(),
  intent: text('intent').notNull(),
  /** The entry's place in `data/faq.json` (an intent's first entry is its default answer). */
  position: integer('position').notNull(),
  answerEn: text('answer_en').notNull(),
  answerZh: text('answer_zh').notNull(),
  /** The entry's other fields (`followUp`...), as JSON, so `kb export` writes the entry back exactly. */
  extra: text('extra'),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
  updatedBy: text('updated_by').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/** The question variants of the FAQ entries, in their order. */
export const faqQuestions = sqliteTable(
  'faq_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    entryId: text('entry_id')
      .notNull()
      .references(() => faqEntries.id),
    lang: text('lang', { enum: ['en', 'zh'] }).notNull(),
    text: text('text').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('faq_questions_entry_idx').on(table.entryId, table.lang)],
);

/** Each retrain of the running bot: the new classifier's and the current one's dev-set scores (`kb status`). */
export const knowledgeRetrains = sqliteTable('knowledge_retrains', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  version: integer('version').notNull(),
  /** Share of the dev set handled right (in scope: the right intent; out of scope: fallback or clarify). */
  candidateScore: real('candidate_score').notNull(),
  currentScore: real('current_score').notNull(),
  /** Both scores' details (in scope, out of scope, per language) as JSON. */
  details: text('details').notNull(),
  examples: integer('examples').notNull(),
  trainMs: integer('train_ms').notNull(),
  createdAt: createdAt(),
});

/** One row (id 1): the knowledge base's version, raised by every edit; the running bot polls it to retrain. */
export const knowledgeVersion = sqliteTable('knowledge_version', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Where a ticket is shown to agents on a platform (a Telegram card message, a Discord thread),
 * so agents' replies there find their ticket and cards are edited in place.
 */
export const deskCards = sqliteTable(
  'desk_cards',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    escalationId: integer('escalation_id')
      .notNull()
      .references(() => escalations.id),
    channel: text('channel').notNull(),
    cardRef: text('card_ref').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('desk_cards_ref_idx').on(table.channel, table.cardRef), index('desk_cards_escalation_idx').on(table.escalationId)],
);

/** How far each channel's agent desk has mirrored the audit trail, so a restart neither replays nor skips. */
export const deskCursors = sqliteTable('desk_cursors', {
  channel: text('channel').primaryKey(),
  lastEventId: integer('last_event_id').notNull(),
});

/** Notices an operator published (maintenance, incident, update), in both languages, and when they apply. */
export const notices = sqliteTable(
  'notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['maintenance', 'incident', 'update'] }).notNull(),
    textEn: text('text_en').notNull(),
    textZh: text('text_zh').notNull(),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
    /** How many subscribers it was queued for, in the publishing transaction. */
    recipients: integer('recipients').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('notices_window_idx').on(table.endsAt, table.startsAt)],
);

/** Who receives notices: channel-qualified user ids (`telegram:123`), on the channel they subscribed from. */
export const noticeSubscriptions = sqliteTable('notice_subscriptions', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  createdAt: createdAt(),
});

/** E-mail addresses that asked for no more e-mail (the link or List-Unsubscribe in an e-mail). */
export const emailOptOuts = sqliteTable('email_opt_outs', {
  address: text('address').primaryKey(),
  createdAt: createdAt(),
});

/**
 * The flood limit's token buckets, one per user (`<channel>:<id>`), shared by the instances on one
 * Postgres database; not used on SQLite (one instance keeps them in memory). `verdict` is the last
 * message's; buckets idle for an hour are deleted.
 */
export const rateBuckets = sqliteTable(
  'rate_buckets',
  {
    key: text('key').primaryKey(),
    tokens: real('tokens').notNull(),
    /** Epoch milliseconds of the last message. */
    updatedAt: integer('updated_at').notNull(),
    verdict: text('verdict', { enum: ['ok', 'limited', 'limited-again'] }).notNull(),
  },
  (table) => [index('rate_buckets_updated_idx').on(table.updatedAt)],
);

/**
 * Keys the instances sharing a Postgres database must agree on (signing visitor ids and e-mail links),
 * made by the first instance that needs one. Not used on SQLite (one instance keeps them in files beside
 * the database).
 */
export const instanceSecrets = sqliteTable('instance_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
});

/**
 * An agent's account on the web console (`agents add`): acts as `web:<login>`. Only the password's
 * scrypt hash is stored; a disabled account cannot sign in and has no sessions.
 */
export const agentAccounts = sqliteTable(
  'agent_accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    login: text('login').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['agent', 'admin'] }).notNull(),
    /** The console's language for this agent; null: `DESK_LANG`. */
    lang: text('lang'),
    passwordHash: text('password_hash').notNull(),
    disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [uniqueIndex('agent_accounts_login_idx').on(table.login)],
);

/** A signed-in console session: only the SHA-256 of its token is stored; deleting the row revokes it. */
export const agentSessions = sqliteTable(
  'agent_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull(),
    accountId: integer('account_id')
      .notNull()
      .references(() => agentAccounts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [uniqueIndex('agent_sessions_token_idx').on(table.tokenHash), index('agent_sessions_account_idx').on(table.accountId)],
);

/** A ticket's labels (`refund`, `vip`, `退款`): lower-cased, at most 10 per ticket, set on the agents' console. */
export const ticketTags = sqliteTable(
  'ticket_tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    escalationId: integer('escalation_id')
      .notNull()
      .references(() => escalations.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('ticket_tags_ticket_tag_idx').on(table.escalationId, table.tag), index('ticket_tags_tag_idx').on(table.tag)],
);

/** A canned reply: a bilingual macro admins keep on the console and agents insert into a reply (texts redacted when stored). */
export const cannedReplies = sqliteTable('canned_replies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  textEn: text('text_en').notNull(),
  textZh: text('text_zh').notNull(),
  /** The admin who last changed it (`web:<login>`). */
  updatedBy: text('updated_by').notNull(),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});
