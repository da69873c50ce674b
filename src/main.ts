import { pathToFileURL } from 'node:url';
import { createAdapters, createConsole } from '../adapters/index.js';
import { createConsoleBackend } from './agents/console-backend.js';
import { loadConfig, ConfigError, type Config } from './config/index.js';
import { ChannelRegistry } from './core/channel.js';
import { MeasuredHandler } from './core/measured-handler.js';
import { OutboxDispatcher } from './escalation/dispatcher.js';
import { DeskFeed } from './escalation/desk-feed.js';
import { createEmailChannel } from './email/index.js';
import { SlaMonitor, type SlaCheck } from './escalation/sla-monitor.js';
import { createLogger, type Logger } from './log.js';
import { createHttpServer } from './server/http.js';
import { BotMetrics } from './metrics/bot-metrics.js';
import { TicketFigures } from './metrics/ticket-figures.js';
import { Retrainer } from './knowledge/retrainer.js';
import { KnowledgeWatcher } from './knowledge/watcher.js';
import { createKnowledgeOperations } from './knowledge/operations.js';
import { RetrainLog } from './knowledge/retrain-log.js';
import { UnansweredQuestions } from './knowledge/unanswered.js';
import { reportFor } from './reports/index.js';
import { createServices, type Services } from './services.js';

/** How long a SIGTERM/SIGINT shutdown may take in all (under Docker's 10 s grace before SIGKILL). */
const EXIT_DEADLINE_MS = 9_000;

/** How long a shutdown waits for HTTP requests in progress (turns included) before going on. */
const REQUEST_GRACE_MS = 2_000;

/** How long the server waits for another process's database write lock before answering 503. */
const SERVER_BUSY_TIMEOUT_MS = 250;

/** A running bot: its address, its services, and how to stop it. */
export interface RunningApp {
  readonly url: string;
  readonly services: Services;
  readonly channels: ChannelRegistry;
  /** Delivers due outbox rows now (tests use it instead of waiting for the timer). */
  drainOutbox(): Promise<number>;
  /** Mirrors new ticket events to the channels' agent desks now. */
  pollDesks(): Promise<void>;
  /** Runs the SLA job now, as of `now` (default: the time it is): alerts due, tickets to auto-close. */
  checkSla(now?: Date): Promise<SlaCheck>;
  /** Checks the knowledge base for edits now (instead of waiting for the poll) and retrains; true when a new brain went live. */
  checkKnowledge(): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Starts the bot: database, brain, HTTP server, every configured channel and the outbox
 * dispatcher. Logs one line per channel (on, or off and why) and one when ready.
 */
export async function startApp(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningApp> {
  const started = performance.now();
  // A request waits at most this long for a write lock another process holds (the CLI desk's are brief).
  const services = await createServices(config, undefined, {
    busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS,
    // Checkpoints leave the turns: a worker thread folds the write-ahead log back into the file.
    checkpointInBackground: { onError: (error) => logger.warn({ reason: error.message }, 'database: the background checkpoint stopped; the write-ahead log grows until restart') },
  });
  const channels = new ChannelRegistry();
  const metrics = new BotMetrics(config.instanceId, { outbox: services.outbox, tickets: new TicketFigures(services.engine) }, logger);
  const http = createHttpServer(
    {
      status: () => ({ channels: channels.all().map((adapter) => adapter.name), uptimeS: Math.round(process.uptime()) }),
      database: async () => ({ pendingOutbox: await services.outbox.pendingCount() }),
      metrics,
    },
    logger,
  );
  // The adapters get the pipeline measured: each turn counted and timed for /metrics.
  const bot = new MeasuredHandler(services.bot, metrics.observeTurn);
  try {
    const { on, off } = await createAdapters(config, {
      bot,
      desk: services.desk,
      presenter: services.presenter,
      http: http.app,
      logger,
      broadcast: services.engine.broadcast,
      sharedSecret: (name) => services.engine.sharedSecret(name),
      soleRole: (name) => services.engine.soleRole(name),
    });
    for (const adapter of on) {
      await adapter.start();
      channels.register(adapter);
      logger.info({ channel: adapter.name }, `${adapter.name}: on${adapter.detail ? ` (${adapter.detail})` : ''}`);
    }
    for (const channel of off) logger.info({ channel: channel.channel }, `${channel.channel}: off (${channel.reason})`);
    // E-mail follows the desk feed like a channel's desk; it is core-side (SMTP is no platform SDK).
    const email = await createEmailChannel(config, services, http.app, logger);
    if ('off' in email) logger.info({ channel: 'email' }, `email: off (${email.off})`);
    else {
      channels.register(email);
      logger.info({ channel: 'email' }, `email: on (${email.detail})`);
    }
  } catch (error) {
    // A channel that cannot start stops start-up; leave nothing half-open behind.
    for (const adapter of channels.all()) await adapter.stop().catch(() => undefined);
    await services.close();
    throw error;
  }
  const dispatcher = new OutboxDispatcher(services.outbox, channels, logger, undefined, { leaseMs: config.outboxLeaseMs, observer: metrics.observeDelivery });
  dispatcher.start();
  const deskFeed = new DeskFeed(services.engine, services.queue, services.bindings, channels, logger);
  await deskFeed.start();
  // The agents' web console at /desk: mounted before the server's 404 handler (added by listen).
  const sessions = { idleMs: config.console.sessionIdleMinutes * 60_000, absoluteMs: config.console.sessionMaxHours * 3_600_000 };
  const unanswered = new UnansweredQuestions(services.engine);
  const operations = {
    report: async (since: Date) => reportFor(services.engine, { since, until: new Date() }, services.brain.knowledgeBase),
    ...createKnowledgeOperations({ store: services.knowledge, unanswered, brains: services.brains }),
  };
  const deskConsole = createConsole(config, {
    http: http.app,
    desk: services.desk,
    backend: createConsoleBackend(services.engine, services.queue, sessions, services.brains),
    operations,
    logger,
  });
  await deskConsole.start();
  const slaMonitor = new SlaMonitor(services.tickets, logger, { autoCloseHours: config.sla.autoCloseHours });
  slaMonitor.start();
  // Edits from another process (`kb add-phrase`) are picked up by polling, retrained in a worker and swapped in.
  const knowledge = new KnowledgeWatcher({
    store: services.knowledge,
    holder: services.brains,
    retrainer: new Retrainer(),
    retrains: new RetrainLog(services.engine),
    logger,
    settings: { policy: config.nlu, links: config.links },
    pollMs: config.knowledgePollMs,
    snapshot: services.knowledgeSnapshot,
  });
  knowledge.start();
  const address = await http.listen(config.port, config.host);
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, startupMs: Math.round(performance.now() - started) }, `ready: web chat at ${url}/`);
  let stopping: Promise<void> | undefined;
  return {
    url,
    services,
    channels,
    drainOutbox: () => dispatcher.drain(),
    pollDesks: async () => {
      await deskFeed.poll();
      await deskConsole.poll();
    },
    checkSla: (now) => slaMonitor.check(now),
    checkKnowledge: () => knowledge.check(),
    stop() {
      stopping ??= (async () => {
        // First no new messages over HTTP (503 + Retry-After: a balancer or the platform tries again), and the turns in progress finish.
        await http.drain(REQUEST_GRACE_MS);
        // The outbox gives up on deliveries still running after its deadline and leaves them for the next start.
        await Promise.all([dispatcher.stop(), deskFeed.stop(), slaMonitor.stop(), knowledge.stop()]);
        deskConsole.stop();
        for (const adapter of channels.all()) await adapter.stop();
        await http.close();
        await services.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  process.env.DOTENV_CONFIG_QUIET ??= 'true';
  const { config: loadDotenv } = await import('dotenv');
  loadDotenv({ quiet: true });
  let app: RunningApp;
  let logger: Logger;
  try {
    const config = loadConfig();
    logger = createLogger(config.logLevel);
    app = await startApp(config, logger);
  } catch (error) {
    // Configuration errors (also those a channel finds, like contradictory Bot Framework settings) are one line.
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    // Whatever still hangs (a platform that never answers), the process ends before a supervisor's SIGKILL.
    setTimeout(() => {
      logger.error({ signal, afterMs: EXIT_DEADLINE_MS }, 'shutdown took too long; exiting anyway');
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ reason: String(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
