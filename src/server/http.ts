import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Logger } from '../log.js';

/** What the server reports about the process: `/healthz` and `/metrics`. */
export interface ServerProbes {
  /** Fields of `/healthz` that need no database (channels, uptime). */
  status(): Record<string, unknown>;
  /** Fields of `/healthz` read from the database at each check; a throw (or rejection) means the database cannot be queried. */
  database(): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** The Prometheus metrics served at `/metrics`. */
  readonly metrics: { readonly contentType: string; render(): Promise<string> };
}

/** The one HTTP server of the process: health check, metrics, web chat, webhooks (Telegram, Teams). */
export interface HttpServer {
  /** Adapters mount their routes here before {@link listen}. */
  readonly app: Express;
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops taking requests before a shutdown: from now on every request but `/metrics` is answered
   * 503 with `Retry-After` (`/healthz` says `stopping`, so a load balancer sends traffic elsewhere).
   * Resolves once the requests in progress are answered, or after `graceMs` (responses already
   * streaming, like server-sent events, are not waited for: {@link close} ends them).
   */
  drain(graceMs: number): Promise<void>;
  /** Stops accepting connections and ends open ones (SSE streams included). */
  close(): Promise<void>;
}

/** Seconds a client is asked to wait before trying again while this instance stops (another takes over meanwhile). */
const RETRY_AFTER_STOPPING_S = 5;

/**
 * Creates the HTTP server with `GET /healthz` (200 `{"status":"ok","database":"ok",…}`, or 503
 * `{"status":"error","database":"unreachable",…}` when the database cannot be queried) and
 * `GET /metrics` (Prometheus text format).
 * JSON bodies are limited to 64 KB; a malformed one is answered 400, not thrown. A request
 * that fails is logged (one line, no body) and answered in JSON: 503 with `Retry-After` when
 * another process holds the database's write lock, 500 otherwise.
 */
export function createHttpServer(probes: ServerProbes, logger: Logger): HttpServer {
  const app = express();
  app.disable('x-powered-by');
  let stopping = false;
  /** Responses not yet finished: what {@link HttpServer.drain} waits for. */
  const inProgress = new Set<ServerResponse>();
  app.use((req, res, next) => {
    if (stopping && req.path !== '/metrics') {
      // `Connection: close`: the client's next try opens a new connection, which a balancer sends to another instance.
      res.status(503).set({ 'Retry-After': String(RETRY_AFTER_STOPPING_S), Connection: 'close' });
      if (req.path === '/healthz') return void res.json({ status: 'stopping', ...probes.status() });
      return void res.json({ error: 'this server is restarting; try again in a moment' });
    }
    inProgress.add(res);
    res.once('close', () => inProgress.delete(res));
    next();
  });
  app.get('/healthz', async (_req, res) => {
    let stored: Record<string, unknown>;
    try {
      stored = await probes.database();
    } catch (error) {
      logger.error({ reason: String(error).split('\n')[0] }, 'health check: the database cannot be queried');
      return void res.status(503).json({ status: 'error', database: 'unreachable', ...probes.status() });
    }
    res.json({ status: 'ok', database: 'ok', ...probes.status(), ...stored });
  });
  app.get('/metrics', async (_req, res) => {
    const text = await probes.metrics.render();
    res.type(probes.metrics.contentType).send(text);
  });
  let server: Server | undefined;
  return {
    app,
    listen(port, host) {
      // 404 and error handlers go last, after every adapter mounted its routes.
      app.use((_req, res) => {
        res.status(404).json({ error: 'not found' });
      });
      app.use((error: { status?: number; type?: string; message?: string; code?: string }, req: express.Request, res: express.Response, _next: express.NextFunction) => {
        if (typeof error.code === 'string' && error.code.startsWith('SQLITE_BUSY')) {
          logger.warn({ code: error.code, method: req.method, path: req.path }, 'database busy');
          res.status(503).set('Retry-After', '1').json({ error: 'the database is busy; try again in a moment' });
          return;
        }
        const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
        if (status === 500) logger.error({ method: req.method, path: req.path, reason: error.message?.split('\n')[0] }, 'request failed');
        res.status(status).json({ error: status === 500 ? 'internal error' : (error.message ?? 'bad request') });
      });
      server = createServer(app);
      const listening = server;
      return new Promise((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => resolve(listening.address() as AddressInfo));
      });
    },
    async drain(graceMs) {
      stopping = true;
      // Kept-alive connections with no request in progress are closed, so clients reconnect elsewhere.
      server?.closeIdleConnections();
      // Those still working out their answer; a response already streaming (server-sent events) never ends by itself.
      const answering = [...inProgress].filter((res) => !res.headersSent);
      if (answering.length === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(answering.map((res) => new Promise<void>((resolve) => (res.writableFinished || res.destroyed ? resolve() : res.once('close', () => resolve()))))),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    },
    close() {
      stopping = true;
      const closing = server;
      if (!closing?.listening) return Promise.resolve();
      return new Promise((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    },
  };
}
