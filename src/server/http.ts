import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Logger } from '../log.js';

/** The one HTTP server of the process: health check, web chat, webhooks (Telegram, Teams). */
export interface HttpServer {
  /** Adapters mount their routes here before {@link listen}. */
  readonly app: Express;
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting connections and ends open ones (SSE streams included). */
  close(): Promise<void>;
}

/**
 * Creates the HTTP server with `GET /healthz` answering `health()` as JSON.
 * JSON bodies are limited to 64 KB; a malformed one is answered 400, not thrown. A request
 * that fails is logged (one line, no body) and answered in JSON: 503 with `Retry-After` when
 * another process holds the database's write lock, 500 otherwise.
 */
export function createHttpServer(health: () => Record<string, unknown>, logger: Logger): HttpServer {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...health() });
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
    close() {
      const closing = server;
      if (!closing?.listening) return Promise.resolve();
      return new Promise((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    },
  };
}
