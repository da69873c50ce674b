import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { parseAgentIds, type AgentIdentity } from './agents.js';
import { parseBusinessHours, type BusinessHours } from './business-hours.js';

export { ConfigError } from './errors.js';
export { isAgent, type AgentIdentity } from './agents.js';
export type { BusinessHours } from './business-hours.js';

const optionalText = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

const url = (what: string) =>
  optionalText.refine((value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value), {
    message: `must be an http(s) URL (${what})`,
  });

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === '' ? String(fallback) : value))
    .refine((value) => /^\d+$/.test(value), { message: 'must be a whole number' })
    .transform(Number)
    .refine((value) => value >= min && value <= max, { message: `must be between ${min} and ${max}` });

const fraction = (fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === '' ? String(fallback) : value))
    .refine((value) => /^(0(\.\d+)?|1(\.0+)?)$/.test(value), { message: 'must be a number from 0 to 1' })
    .transform(Number);

/**
 * Express's `trust proxy`: off unless set; a number of proxy hops, or proxy addresses/subnets
 * (and Express's names `loopback`, `linklocal`, `uniquelocal`), comma-separated. `true` (trust
 * every hop) is refused: anyone could then fake their address with `X-Forwarded-For`.
 */
const trustProxy = optionalText
  .refine((value) => value !== 'true', { message: 'true would trust any X-Forwarded-For; give the number of proxies (e.g. 1) or their addresses' })
  .refine(
    (value) =>
      value === undefined || value === 'false' || /^\d{1,2}$/.test(value) || value.split(',').every((item) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/.test(item.trim())),
    { message: 'must be a number of proxy hops, or proxy addresses/subnets (e.g. loopback, 10.0.0.0/8), comma-separated' },
  )
  .transform((value): number | string | false => (value === undefined || value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value));

/** An http(s) origin (scheme, host, optional port) with no path; a trailing slash is dropped. */
const origin = (what: string) =>
  optionalText
    .transform((value) => value?.replace(/\/+$/, ''))
    .refine((value) => value === undefined || /^https?:\/\/[^\s/?#]+$/i.test(value), { message: `must be an http(s) origin without a path (${what})` });

/**
 * Who may put the web chat in a frame (`frame-ancestors`): `*` (any site, the default), or
 * origins, comma-separated; a host may start with `*.` for its subdomains.
 */
const frameAncestors = optionalText
  .transform((value) =>
    (value ?? '*')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .refine((items) => items.length > 0 && (items.join() === '*' || items.every((item) => /^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i.test(item))), {
    message: 'must be * or http(s) origins, comma-separated (e.g. https://www.example.com,https://*.example.org)',
  });

/**
 * `DISCORD_SHARDS`: unset or `auto`; `none`; or `<ids>/<total>` such as `0,2/4` (shards 0 and 2 of
 * 4). Ids are distinct and below the total, so every instance computes the same guild → shard map.
 */
function parseDiscordShards(value: string | undefined, context: z.RefinementCtx): DiscordShards {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === 'none') return 'none';
  const refuse = (message: string) => {
    context.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const match = /^(\d{1,5}(?:\s*,\s*\d{1,5})*)\s*\/\s*(\d{1,5})$/.exec(value);
  if (!match) return refuse('must be auto, none, or shard ids and the total number of shards, e.g. 0,2/4 (shards 0 and 2 of 4)');
  const count = Number(match[2]);
  const ids = match[1]!.split(',').map(Number);
  if (count < 1) return refuse('the total number of shards (after the /) must be at least 1');
  const outside = ids.find((id) => id >= count);
  if (outside !== undefined) return refuse(`shard ${outside} does not exist: shard ids run from 0 to ${count - 1} (the total after the / minus one)`);
  if (new Set(ids).size !== ids.length) return refuse('lists a shard twice');
  return { ids: ids.toSorted((a, b) => a - b), count };
}

/** Teams' global connector for proactive messages (Microsoft's documented default for the public cloud). */
const TEAMS_GLOBAL_SERVICE_URL = 'https://smba.trafficmanager.net/teams/';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The environment variables the bot reads, with their defaults and checks. */
const environmentSchema = z.object({
  PORT: integer(3978, 0, 65535),
  HOST: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || '127.0.0.1'),
  DATABASE_PATH: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || 'data/bot.sqlite'),
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || undefined)
    .refine((value) => value === undefined || (/^postgres(ql)?:\/\//.test(value) && URL.canParse(value)), 'must be a postgres://user:password@host:port/database URL'),
  LOG_LEVEL: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value || 'info').toLowerCase())
    .refine((value) => (LOG_LEVELS as readonly string[]).includes(value), {
      message: `must be one of ${LOG_LEVELS.join(', ')}`,
    }),
  TELEGRAM_BOT_TOKEN: optionalText.refine((value) => value === undefined || /^\d+:[\w-]+$/.test(value), {
    message: 'does not look like a bot token from @BotFather (digits:letters)',
  }),
  TELEGRAM_API_ROOT: url('the Bot API root, without a trailing slash'),
  TELEGRAM_WEBHOOK_URL: url('the public https URL Telegram posts updates to'),
  TELEGRAM_WEBHOOK_SECRET: optionalText.refine((value) => value === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(value), {
    message: "must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)",
  }),
  TELEGRAM_AGENT_CHAT_ID: optionalText.refine((value) => value === undefined || /^-?\d+$/.test(value), {
    message: 'must be a numeric chat id (groups are negative, e.g. -1001234567890)',
  }),
  TELEGRAM_ONCALL: optionalText.refine((value) => value === undefined || /^(@[A-Za-z][A-Za-z0-9_]{3,31}|\d{1,15})$/.test(value), {
    message: 'must be a @username or a numeric user id (who SLA alerts in the agent group mention)',
  }),
  DISCORD_BOT_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText.refine((value) => value === undefined || /^\d+$/.test(value), {
    message: 'must be a numeric snowflake id',
  }),
  DISCORD_AGENT_CHANNEL_ID: optionalText.refine((value) => value === undefined || /^\d+$/.test(value), {
    message: 'must be a numeric snowflake id',
  }),
  DISCORD_HELP_CHANNEL_ID: optionalText.refine((value) => value === undefined || /^\d+$/.test(value), {
    message: 'must be a numeric snowflake id',
  }),
  DISCORD_GUILD_ID: optionalText.refine((value) => value === undefined || /^\d+$/.test(value), {
    message: 'must be a numeric snowflake id',
  }),
  DISCORD_API_BASE: url('the REST API root, e.g. http://127.0.0.1:8080/api'),
  DISCORD_ONCALL_ROLE_ID: optionalText.refine((value) => value === undefined || /^\d+$/.test(value), {
    message: 'must be a numeric role id (the role SLA alerts in the agent channel mention)',
  }),
  DISCORD_SHARDS: optionalText.transform(parseDiscordShards),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: optionalText.refine((value) => value === undefined || ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'].includes(value), {
    message: 'must be MultiTenant, SingleTenant or UserAssignedMSI',
  }),
  MicrosoftAppTenantId: optionalText,
  TEAMS_AGENT_CONVERSATION_ID: optionalText.refine((value) => value === undefined || /^[^\s;]+$/.test(value), {
    message: "must be a Teams channel's conversation id (e.g. 19:abc...@thread.tacv2), without ;messageid=",
  }),
  TEAMS_SERVICE_URL: url('the Bot Framework connector the agent desk posts to, e.g. https://smba.trafficmanager.net/teams/'),
  TEAMS_ONCALL: optionalText.refine((value) => value === undefined || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value), {
    message: "must be an Azure AD object id (a GUID: the on-call person's aadObjectId, whom SLA alerts @mention)",
  }),
  AGENT_IDS: z
    .string()
    .optional()
    .transform((value) => value ?? 'cli:*'),
  DESK_LANG: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value || 'en').toLowerCase())
    .refine((value): value is 'en' | 'zh' => value === 'en' || value === 'zh', { message: 'must be en or zh (the language of the agent desks)' }),
  NLU_ANSWER_THRESHOLD: fraction(0.5),
  NLU_AMBIGUITY_MARGIN: fraction(0.12),
  KB_POLL_SECONDS: integer(5, 1, 3600),
  SLA_CHAT_MINUTES: integer(15, 1, 24 * 60),
  SLA_EMAIL_HOURS: integer(24, 1, 24 * 14),
  AUTO_CLOSE_HOURS: integer(48, 0, 24 * 90),
  BUSINESS_HOURS: optionalText,
  HELP_CENTER_URL: url('the help centre'),
  SUPPORT_EMAIL: optionalText.refine((value) => value === undefined || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), {
    message: 'must be an e-mail address',
  }),
  COMMUNITY_URL: url('the community forum'),
  ANNOUNCEMENTS_URL: url('where maintenance is announced'),
  PUBLIC_URL: origin('where users reach this bot, e.g. https://support.example.com'),
  WIDGET_ALLOWED_ORIGINS: frameAncestors,
  WEB_VISITOR_SECRET: optionalText.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters (it signs web visitor ids; e.g. `openssl rand -base64 48`)',
  }),
  WEB_LIMIT_MESSAGES_PER_MINUTE: integer(60, 0, 1_000_000),
  WEB_LIMIT_VISITORS_PER_HOUR: integer(30, 0, 1_000_000),
  WEB_LIMIT_READS_PER_MINUTE: integer(120, 0, 1_000_000),
  WEB_LIMIT_PRIORITY_TICKETS_PER_HOUR: integer(3, 0, 1_000_000),
  TRUST_PROXY: trustProxy,
  OUTBOX_LEASE_SECONDS: integer(15, 1, 600),
  INSTANCE_ID: optionalText.refine((value) => value === undefined || /^[\x21-\x7e]{1,128}$/.test(value), {
    message: 'must be 1-128 printable characters without spaces (the instance label of /metrics, e.g. bot-1)',
  }),
  SMTP_URL: optionalText.refine((value) => value === undefined || /^smtps?:\/\/[^\s]+$/i.test(value), {
    message: 'must be an smtp:// or smtps:// URL (e.g. smtp://user:password@mail.example.com:587)',
  }),
  EMAIL_FROM: optionalText.refine((value) => value === undefined || /^([^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(value), {
    message: 'must be an e-mail address, optionally with a name (e.g. "Support <support@example.com>")',
  }),
  EMAIL_AFTER_MINUTES: integer(10, 0, 7 * 24 * 60),
  EMAIL_INBOUND_SECRET: optionalText.refine((value) => value === undefined || value.length >= 16, {
    message: 'must be at least 16 characters (the inbound-mail webhook checks it)',
  }),
  DESK_SESSION_IDLE_MINUTES: integer(60, 1, 24 * 60),
  DESK_SESSION_MAX_HOURS: integer(12, 1, 24 * 30),
  DESK_SIGNIN_LIMIT_PER_ACCOUNT: integer(5, 0, 1_000_000),
  DESK_SIGNIN_LIMIT_PER_ADDRESS: integer(20, 0, 1_000_000),
});

/** Telegram settings; present only when `TELEGRAM_BOT_TOKEN` is set. */
export interface TelegramConfig {
  readonly token: string;
  readonly apiRoot?: string;
  readonly webhookUrl?: string;
  readonly webhookSecret?: string;
  readonly agentChatId?: string;
  /** Who SLA alerts in the agent group mention (`TELEGRAM_ONCALL`): `@username` or a numeric user id. */
  readonly oncall?: string;
}

/** Discord settings; present only when `DISCORD_BOT_TOKEN` is set. */
export interface DiscordConfig {
  readonly token: string;
  readonly applicationId?: string;
  readonly agentChannelId?: string;
  readonly helpChannelId?: string;
  readonly guildId?: string;
  readonly apiBase?: string;
  /** The role SLA alerts in the agent channel mention (`DISCORD_ONCALL_ROLE_ID`). */
  readonly oncallRoleId?: string;
  /** The gateway shards this instance runs (`DISCORD_SHARDS`). */
  readonly shards: DiscordShards;
}

/**
 * Which of the bot's gateway shards this instance connects: `auto` (as many as Discord
 * recommends, all here), `none` (no gateway: it only delivers over REST), or some of them, with
 * the total every instance must agree on.
 */
export type DiscordShards = 'auto' | 'none' | { readonly ids: readonly number[]; readonly count: number };

/** Bot Framework settings (their own variable names). No app id: unauthenticated, for the local Emulator. */
export interface TeamsConfig {
  readonly appId?: string;
  readonly appPassword?: string;
  readonly appType?: string;
  readonly tenantId?: string;
  /** The agents' Teams channel (`TEAMS_AGENT_CONVERSATION_ID`): with it, tickets are worked there. */
  readonly agentConversationId?: string;
  /** Where the agent desk posts (`TEAMS_SERVICE_URL`; default Teams' global connector). */
  readonly serviceUrl: string;
  /** The AAD object id SLA alerts in the agents' channel @mention (`TEAMS_ONCALL`). */
  readonly oncall?: string;
}

/** Links and addresses that answers mention; unset ones read as a neutral phrase. */
export interface SupportLinks {
  readonly helpCenter?: string;
  readonly supportEmail?: string;
  readonly community?: string;
  readonly announcements?: string;
  /**
   * Where this bot's own help pages are (`<PUBLIC_URL>/help`, or `/help` without `PUBLIC_URL`):
   * `{{helpCenter}}` links to the entry's page `<helpPages>/<entry id>` when `helpCenter` is unset.
   */
  readonly helpPages?: string;
}

/** Per-address request limits of the web chat; `0` turns one off. */
export interface WebLimits {
  /** `POST /api/chat/messages` per address per minute. */
  readonly messagesPerMinute: number;
  /** `POST /api/chat/visitors` (new visitor ids) per address per hour. */
  readonly visitorsPerHour: number;
  /** `GET /api/chat/history` and `/api/chat/events` per address per minute. */
  readonly readsPerMinute: number;
  /** Urgent or high-priority tickets per address per hour; later ones from that address are opened as normal. */
  readonly priorityTicketsPerHour: number;
}

/** Web chat settings. */
export interface WebConfig {
  /** Signs visitor ids; unset: a random secret kept in a file beside the database. */
  readonly visitorSecret?: string;
  readonly limits: WebLimits;
}

/** The help centre and the embeddable chat widget. */
export interface HelpCentreConfig {
  /** This bot's public origin (`PUBLIC_URL`), for absolute links in answers; unset: links are relative. */
  readonly publicUrl?: string;
  /** Sites that may frame the web chat (the widget): `['*']`, or origins. */
  readonly widgetOrigins: readonly string[];
}

/** The agents' web console (`/desk`). */
export interface ConsoleConfig {
  /** A session ends after this many minutes without a request (`DESK_SESSION_IDLE_MINUTES`). */
  readonly sessionIdleMinutes: number;
  /** A session ends this many hours after sign-in (`DESK_SESSION_MAX_HOURS`). */
  readonly sessionMaxHours: number;
  /** Failed sign-ins per account, and sign-in attempts per address, per 15 minutes; `0` turns one off. */
  readonly signInLimits: { readonly perAccount: number; readonly perAddress: number };
}

/** E-mail settings: present only when `SMTP_URL` and `EMAIL_FROM` are both set. */
export interface EmailConfig {
  /** Where to send (`SMTP_URL`, nodemailer's URL form). */
  readonly smtpUrl: string;
  /** The sender, e.g. `Support <support@example.com>`; replies go to its address with a ticket token. */
  readonly from: string;
  /** An agent's reply is e-mailed too when the user was not seen on their channel for this long (`EMAIL_AFTER_MINUTES`). */
  readonly afterMinutes: number;
  /** The shared secret of `POST /api/email/inbound` (`EMAIL_INBOUND_SECRET`); unset: inbound e-mail is off. */
  readonly inboundSecret?: string;
}

/** The whole validated configuration. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** The SQLite file (`DATABASE_PATH`), used when {@link databaseUrl} is unset. */
  readonly databasePath: string;
  /** Postgres (`DATABASE_URL`), for several instances on one database. */
  readonly databaseUrl?: string;
  readonly logLevel: string;
  readonly telegram?: TelegramConfig;
  readonly discord?: DiscordConfig;
  readonly teams: TeamsConfig;
  readonly agents: readonly AgentIdentity[];
  /** The language of the chat desks' cards and texts (`DESK_LANG`). */
  readonly deskLang: 'en' | 'zh';
  readonly nlu: { readonly answerThreshold: number; readonly ambiguityMargin: number };
  /** How often the running bot checks the knowledge base for edits to retrain on (`KB_POLL_SECONDS`). */
  readonly knowledgePollMs: number;
  /** First-reply targets, and after how many hours waiting on the user a ticket is closed (`0`: never). */
  readonly sla: { readonly chatMinutes: number; readonly emailHours: number; readonly autoCloseHours: number };
  readonly businessHours?: BusinessHours;
  readonly links: SupportLinks;
  readonly web: WebConfig;
  readonly helpCentre: HelpCentreConfig;
  /** Express's `trust proxy` setting: `false` (use the socket address), a hop count, or proxy addresses. */
  readonly trustProxy: false | number | string;
  /** How long a delivering process holds outbox rows before another (or the next start) may retry them (`OUTBOX_LEASE_SECONDS`). */
  readonly outboxLeaseMs: number;
  /** This process's `instance` label on `/metrics` (`INSTANCE_ID`; default `<hostname>:<pid>`). */
  readonly instanceId: string;
  /** E-mail to users; absent (e-mail off) unless `SMTP_URL` and `EMAIL_FROM` are set. */
  readonly email?: EmailConfig;
  readonly console: ConsoleConfig;
}

/**
 * Reads and validates the configuration from an environment (default: `process.env`,
 * after dotenv loaded `.env`).
 * @throws ConfigError naming the first variable that is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: e.TELEGRAM_API_ROOT?.replace(/\/+$/, ''),
          webhookUrl: e.TELEGRAM_WEBHOOK_URL,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          agentChatId: e.TELEGRAM_AGENT_CHAT_ID,
          oncall: e.TELEGRAM_ONCALL,
        }
      : undefined,
    discord: e.DISCORD_BOT_TOKEN
      ? {
          token: e.DISCORD_BOT_TOKEN,
          applicationId: e.DISCORD_APPLICATION_ID,
          agentChannelId: e.DISCORD_AGENT_CHANNEL_ID,
          helpChannelId: e.DISCORD_HELP_CHANNEL_ID,
          guildId: e.DISCORD_GUILD_ID,
          apiBase: e.DISCORD_API_BASE?.replace(/\/+$/, ''),
          oncallRoleId: e.DISCORD_ONCALL_ROLE_ID,
          shards: e.DISCORD_SHARDS,
        }
      : undefined,
    teams: checkTeams({
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      agentConversationId: e.TEAMS_AGENT_CONVERSATION_ID,
      serviceUrl: e.TEAMS_SERVICE_URL ?? TEAMS_GLOBAL_SERVICE_URL,
      oncall: e.TEAMS_ONCALL,
    }),
    agents: parseOrFail('AGENT_IDS', () => parseAgentIds(e.AGENT_IDS)),
    deskLang: e.DESK_LANG,
    nlu: { answerThreshold: e.NLU_ANSWER_THRESHOLD, ambiguityMargin: e.NLU_AMBIGUITY_MARGIN },
    knowledgePollMs: e.KB_POLL_SECONDS * 1000,
    sla: { chatMinutes: e.SLA_CHAT_MINUTES, emailHours: e.SLA_EMAIL_HOURS, autoCloseHours: e.AUTO_CLOSE_HOURS },
    businessHours: e.BUSINESS_HOURS ? parseOrFail('BUSINESS_HOURS', () => parseBusinessHours(e.BUSINESS_HOURS!)) : undefined,
    links: {
      helpCenter: e.HELP_CENTER_URL,
      supportEmail: e.SUPPORT_EMAIL,
      community: e.COMMUNITY_URL,
      announcements: e.ANNOUNCEMENTS_URL,
      helpPages: `${e.PUBLIC_URL ?? ''}/help`,
    },
    helpCentre: { publicUrl: e.PUBLIC_URL, widgetOrigins: e.WIDGET_ALLOWED_ORIGINS },
    web: {
      visitorSecret: e.WEB_VISITOR_SECRET,
      limits: {
        messagesPerMinute: e.WEB_LIMIT_MESSAGES_PER_MINUTE,
        visitorsPerHour: e.WEB_LIMIT_VISITORS_PER_HOUR,
        readsPerMinute: e.WEB_LIMIT_READS_PER_MINUTE,
        priorityTicketsPerHour: e.WEB_LIMIT_PRIORITY_TICKETS_PER_HOUR,
      },
    },
    trustProxy: e.TRUST_PROXY,
    outboxLeaseMs: e.OUTBOX_LEASE_SECONDS * 1000,
    instanceId: e.INSTANCE_ID ?? `${hostname()}:${process.pid}`,
    email: emailConfig(e),
    console: {
      sessionIdleMinutes: e.DESK_SESSION_IDLE_MINUTES,
      sessionMaxHours: e.DESK_SESSION_MAX_HOURS,
      signInLimits: { perAccount: e.DESK_SIGNIN_LIMIT_PER_ACCOUNT, perAddress: e.DESK_SIGNIN_LIMIT_PER_ADDRESS },
    },
  };
}

/** E-mail is on with both `SMTP_URL` and `EMAIL_FROM`; one without the other is a mistake worth stopping for. */
function emailConfig(e: { SMTP_URL?: string; EMAIL_FROM?: string; EMAIL_AFTER_MINUTES: number; EMAIL_INBOUND_SECRET?: string }): EmailConfig | undefined {
  if (!e.SMTP_URL && !e.EMAIL_FROM) return undefined;
  if (!e.EMAIL_FROM) throw new ConfigError('EMAIL_FROM', 'is required when SMTP_URL is set (the sender of e-mails to users)');
  if (!e.SMTP_URL) throw new ConfigError('SMTP_URL', 'is required when EMAIL_FROM is set (the server e-mails are sent through)');
  return { smtpUrl: e.SMTP_URL, from: e.EMAIL_FROM, afterMinutes: e.EMAIL_AFTER_MINUTES, inboundSecret: e.EMAIL_INBOUND_SECRET };
}

/**
 * The Bot Framework variables must agree with each other; botbuilder itself would only fail
 * later, on the first message, with a less helpful assertion.
 */
function checkTeams(teams: TeamsConfig): TeamsConfig {
  const { appId, appPassword, appType = 'MultiTenant', tenantId } = teams;
  const type = appType.toLowerCase();
  if (!appId) {
    if (appPassword) throw new ConfigError('MicrosoftAppId', 'is required when MicrosoftAppPassword is set');
    if (type !== 'multitenant') throw new ConfigError('MicrosoftAppId', `is required when MicrosoftAppType is ${appType}`);
    return teams;
  }
  if (type !== 'multitenant' && !tenantId) throw new ConfigError('MicrosoftAppTenantId', `is required when MicrosoftAppType is ${appType}`);
  if (type === 'userassignedmsi') {
    if (appPassword) throw new ConfigError('MicrosoftAppPassword', 'must be empty when MicrosoftAppType is UserAssignedMSI (the managed identity signs in)');
  } else if (!appPassword) {
    throw new ConfigError('MicrosoftAppPassword', `is required with MicrosoftAppId (MicrosoftAppType ${appType})`);
  }
  return teams;
}

function parseOrFail<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError(variable, (error as Error).message);
  }
}
