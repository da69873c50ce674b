import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { scrape } from './prometheus.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

describe('GET /healthz', () => {
  let app: App;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('answers 200 with the database reachable, the channels, the outbox and the uptime', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    const health = await response.json();
    expect(health).toMatchObject({ status: 'ok', database: 'ok', pendingOutbox: 0 });
    expect(health.channels).toContain('web');
    expect(typeof health.uptimeS).toBe('number');
  });

  it('answers 503 "unreachable" once the database cannot be queried, while /metrics still answers without its figures', async () => {
    await app.services.engine.close();
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(503);
    const health = await response.json();
    expect(health).toMatchObject({ status: 'error', database: 'unreachable' });
    expect(health.channels).toContain('web');
    expect(health).not.toHaveProperty('pendingOutbox');
    // Process metrics go on; the figures read from the database are left out rather than shown stale.
    const metrics = await scrape(app.url);
    expect(metrics.has('process_cpu_user_seconds_total')).toBe(true);
    expect(metrics.has('support_bot_outbox_pending')).toBe(false);
    expect(metrics.has('support_bot_open_tickets')).toBe(false);
  });
});
