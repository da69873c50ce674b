import express from 'express';
import { autoRetry } from '@grammyjs/auto-retry';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot, webhookCallback, type Context, type Transformer } from 'grammy';
import { DeliveryError, type ChannelAdapter, type ChannelContext, type ConversationRef, type DeskEvent, type Reply, type SoleRole, type TelegramConfig } from '../../src/core/index.js';
import { TelegramDesk } from './agent-desk.js';
import { commandMenu } from './commands.js';
import { parseConversation, sendReplies } from './conversation.js';
import { deliveryError, describeError } from './errors.js';
import { userChat } from './user-chat.js';

/** The updates the bot acts on; Telegram does not send the others. */
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** How long one Bot API call may take, retries included, before it counts as failed (and the outbox or desk feed retries later). */
const CALL_DEADLINE_MS = 30_000;
/** The longest `retry_after` waited out in place; longer rate limits fail the call, to be retried later by its caller. */
const MAX_RETRY_AFTER_S = 20;
/** How long stop() lets updates being handled finish. */
const DRAIN_MS = 5_000;

/**
 * The Telegram channel (grammy). Long polling by default (with @grammyjs/runner, one chat's
 * updates in order, chats in parallel), a webhook on the shared HTTP server when
 * `TELEGRAM_WEBHOOK_URL` is set. Several instances on one database: any of them serves the webhook
 * (its secret token shared through the database unless configured); only one polls at a time (the
 * `telegram_polling` role; the others stand by and take over when it goes). Rate limits and network errors are retried by
 * @grammyjs/auto-retry; a redelivered update is recognised by its `update_id` in the core.
 */
export class TelegramAdapter implements ChannelAdapter {
  readonly name = 'telegram' as const;
  readonly #bot: Bot;
  readonly #desk: TelegramDesk | undefined;
  #webhookSecret: string | undefined;
  /** Polling: held by one instance at a time. */
  readonly #polling: SoleRole | undefined;
  #standingBy = false;
  /** Aborted on stop, so calls waiting between retries give up at once. */
  readonly #stopping = new AbortController();
  readonly #handling = new Set<Promise<void>>();
  #runner: RunnerHandle | undefined;
  #lastUpdateId: number | undefined;
  #stopped: Promise<void> | undefined;

  constructor(
    private readonly config: TelegramConfig,
    private readonly context: ChannelContext,
  ) {
    this.#polling = config.webhookUrl ? undefined : context.soleRole('telegram_polling');
    this.#bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
    // The deadline goes on last so it wraps auto-retry: retries stop when the deadline passes or the adapter stops.
    this.#bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: MAX_RETRY_AFTER_S }), (call, method, payload, signal) =>
      call(method, payload, signal ?? grammySignal(AbortSignal.any([this.#stopping.signal, AbortSignal.timeout(CALL_DEADLINE_MS)]))),
    );
    this.#desk = config.agentChatId ? new TelegramDesk(this.#bot.api, context.desk, context.presenter, Number(config.agentChatId), context.logger, config.oncall) : undefined;
    this.#bot.use((ctx, next) => this.#track(ctx, next));
    this.#bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
    const users = userChat(context.bot, context.logger);
    const desk = this.#desk;
    // The agent group is never a user conversation: its updates go to the desk only.
    if (desk) this.#bot.branch((ctx) => ctx.chat?.id === desk.chatId, desk.middleware(), users);
    else this.#bot.use(users);
  }

  /** Checks the token (getMe), publishes the command menu, then starts polling or sets the webhook. */
  async start(): Promise<void> {
    await this.#bot.init();
    await this.#desk?.connect();
    await this.#publishCommands();
    if (this.config.webhookUrl) {
      // Without a configured secret (src/config checks its shape), the database's shared one: every instance checks the one set.
      this.#webhookSecret = this.config.webhookSecret ?? (await this.context.sharedSecret('telegram_webhook')).toString('hex');
      const path = new URL(this.config.webhookUrl).pathname;
      const callback = webhookCallback(this.#bot, 'express', { secretToken: this.#webhookSecret });
      this.context.http.post(path, express.json({ limit: '1mb' }), (req, res) => {
        // After stop the update is refused, so Telegram keeps it and delivers it to the next start.
        if (this.#stopped) return void res.status(503).end();
        return callback(req, res);
      });
      await this.#bot.api.setWebhook(this.config.webhookUrl, { secret_token: this.#webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
      return;
    }
    const polling = await this.#polling!.claim({
      onGained: () => this.#startPolling(),
      onLost: () => this.#stopPolling('lost the polling role (database connection broke); standing by'),
    });
    this.#standingBy = !polling;
  }

  /** Starts long polling (this instance holds the polling role). */
  async #startPolling(): Promise<void> {
    if (this.#standingBy) this.context.logger.info({ channel: 'telegram' }, 'telegram: took over polling');
    this.#standingBy = false;
    // A webhook left over from another deployment would make getUpdates fail; pending updates are kept.
    await this.#bot.api.deleteWebhook();
    this.#runner = run(this.#bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] }, silent: true } });
    this.#runner.task()?.catch((error: unknown) => {
      this.context.logger.error({ channel: 'telegram', reason: describeError(error) }, 'telegram: polling stopped (is another instance polling with this token?)');
    });
  }

  /** Stops polling at once (the role is gone); another instance takes over. */
  async #stopPolling(reason: string): Promise<void> {
    this.context.logger.warn({ channel: 'telegram' }, `telegram: ${reason}`);
    this.#standingBy = true;
    const runner = this.#runner;
    this.#runner = undefined;
    await runner?.stop()?.catch(() => undefined);
  }

  /** How the channel runs, for the start-up line: the bot, polling or webhook, and the agent group. */
  get detail(): string {
    const mode = this.config.webhookUrl ? `webhook at ${new URL(this.config.webhookUrl).pathname}` : this.#standingBy ? 'long polling on standby (another instance polls)' : 'long polling';
    const desk = this.#desk ? `agent group ${this.#desk.chatId}${this.#desk.forum ? ' (a topic per ticket)' : ''}` : 'no agent group';
    return `@${this.#bot.botInfo.username}, ${mode}, ${desk}`;
  }

  /** Stops fetching updates, lets the ones being handled finish, and tells Telegram which were handled. */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  /** Sends replies to a user (agent replies, status changes, the rating prompt). @throws DeliveryError */
  async deliver(reference: ConversationRef, replies: readonly Reply[]): Promise<void> {
    const conversation = parseConversation(reference);
    if (!conversation) throw new DeliveryError('telegram', 'the conversation reference has no chat id', { permanent: true });
    try {
      await sendReplies(this.#bot.api, conversation, replies, this.context.logger);
    } catch (error) {
      throw deliveryError(error);
    }
  }

  /** Mirrors ticket changes to the agent group, when there is one. */
  async onDeskEvent(event: DeskEvent): Promise<void> {
    await this.#desk?.onDeskEvent(event);
  }

  async #publishCommands(): Promise<void> {
    try {
      await this.#bot.api.setMyCommands(commandMenu('en'));
      await this.#bot.api.setMyCommands(commandMenu('zh'), { language_code: 'zh' });
    } catch (error) {
      // The menu is a convenience; typed commands work without it.
      this.context.logger.warn({ channel: 'telegram', reason: describeError(error) }, 'telegram: could not publish the command menu');
    }
  }

  /**
   * Runs an update with its errors logged (never its text), and keeps count of what is in progress
   * for stop(). A failed update is not handed back to Telegram for another try: the core may have
   * handled it already, and would then ignore it anyway.
   */
  async #track(ctx: Context, next: () => Promise<void>): Promise<void> {
    const updateId = ctx.update.update_id;
    const handling = next().catch((error: unknown) => {
      this.context.logger.error({ channel: 'telegram', updateId, reason: describeError(error) }, 'telegram: update failed');
    });
    this.#handling.add(handling);
    try {
      await handling;
    } finally {
      this.#handling.delete(handling);
      this.#lastUpdateId = Math.max(this.#lastUpdateId ?? updateId, updateId);
    }
  }

  async #shutdown(): Promise<void> {
    await this.#runner?.stop()?.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#handling]), new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
    clearTimeout(timer);
    this.#stopping.abort();
    if (this.#runner && this.#lastUpdateId !== undefined) {
      // The runner does not confirm the last batch; without this, a restart would get those updates again.
      await this.#bot.api.getUpdates({ offset: this.#lastUpdateId + 1, limit: 1, timeout: 0 }, grammySignal(AbortSignal.timeout(2_000))).catch(() => undefined);
    }
    // Only now (the last batch confirmed) may a standby instance take over polling.
    await this.#polling?.release();
  }
}

/** grammy types signals with the abort-controller shim; at run time it takes Node's own AbortSignal. */
function grammySignal(signal: AbortSignal): Parameters<Transformer>[3] {
  return signal as unknown as Parameters<Transformer>[3];
}
