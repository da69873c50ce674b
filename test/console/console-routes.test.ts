import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole, type ConsoleOperations } from '../../adapters/console/index.js';
import { TICKET_ACTIONS } from '../../adapters/console/index.js';
import { createConsoleBackend } from '../../src/agents/console-backend.js';
import { AgentAccounts } from '../../src/agents/accounts.js';
import { AgentSessions } from '../../src/agents/sessions.js';
import { createLogger } from '../../src/log.js';
import { newVisitor, startTestApp, testConfig, webSay } from '../support/app.js';
import { addAgent, signIn } from './helpers.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
type Route = { method: 'GET' | 'POST'; path: string };

/** The routes an agent (not an admin) may use; every other `/desk` route is for admins only. */
const AGENT_ROUTES = new Set([
  'GET /desk',
  'GET /desk/rows',
  'GET /desk/events',
  'GET /desk/tickets/:ref',
  'GET /desk/tickets/:ref/live',
  'POST /desk/sign-out',
  'POST /desk/lang',
  'POST /desk/tickets/:ref/:action',
]);
/** Open to everyone: the sign-in form posts here. */
const PUBLIC_ROUTES = new Set(['POST /desk/sign-in']);
const SESSION_POLICY = { idleMs: 3_600_000, absoluteMs: 3_600_000 };

/** Every `/desk` route the console mounts, read from the router of a console started on a bare app (so a new route is in the table without being listed). */
async function consoleRoutes(app: App): Promise<Route[]> {
  const http = express();
  const backend = createConsoleBackend(app.services.engine, app.services.queue, SESSION_POLICY, app.services.brains);
  const console = createConsole(testConfig(app.dir), { http, desk: app.services.desk, backend, operations: {} as ConsoleOperations, logger: createLogger('silent') });
  await console.start();
  console.stop();
  const stack = (http as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack;
  return stack.flatMap((layer) => {
    const route = layer.route;
    if (!route || !route.path.startsWith('/desk')) return [];
    return Object.keys(route.methods).map((method) => ({ method: method.toUpperCase() as Route['method'], path: route.path }));
  });
}

/** The concrete URLs of a route: `:ref` a real ticket, `:action` every ticket action, `:id` a canned reply. */
function urlsOf(route: Route, ticket: string, cannedId: number): string[] {
  const paths = route.path.includes(':action') ? TICKET_ACTIONS.map((action) => route.path.replace(':action', action)) : [route.path];
  return paths.map((path) => path.replace(':ref', ticket).replace(':id', String(cannedId)));
}

async function request(app: App, method: Route['method'], path: string, cookie?: string, csrf?: string): Promise<number> {
  const headers: Record<string, string> = { ...(cookie ? { cookie } : {}) };
  if (method === 'GET') {
    const response = await fetch(`${app.url}${path}`, { headers, redirect: 'manual' });
    await response.body?.cancel();
    return response.status;
  }
  const body = new URLSearchParams({ text: 'hello', tag: 'x', to: 'alice', title: 't', en: 'e', zh: 'z', lang: 'en', ids: '1', ...(csrf ? { _csrf: csrf } : {}) });
  const response = await fetch(`${app.url}${path}`, { method, redirect: 'manual', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body });
  await response.body?.cancel();
  return response.status;
}

describe('console: every /desk route refuses who may not use it', () => {
  let app: App;
  let ticket: string;
  let cannedId: number;
  let routes: Route[];

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:alice,web:carol', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' });
    await addAgent(app.dir, 'alice', { name: 'Alice', role: 'admin' });
    await addAgent(app.dir, 'carol', { name: 'Carol' });
    await addAgent(app.dir, 'bob', { name: 'Bob', role: 'admin' });
    const visitor = await newVisitor(app.url);
    const replies = await webSay(app.url, visitor, { text: 'my account was hacked and my USDT is gone', lang: 'en' });
    ticket = replies.find((reply) => reply.escalation)!.escalation!.number;
    const backend = createConsoleBackend(app.services.engine, app.services.queue, SESSION_POLICY, app.services.brains);
    cannedId = (await backend.canned.create({ title: 'Greeting', en: 'Hello', zh: '您好' }, 'web:alice')).id;
    routes = await consoleRoutes(app);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('finds the routes of the console, old and new', () => {
    const names = routes.map((route) => `${route.method} ${route.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        ...AGENT_ROUTES,
        'GET /desk/reports',
        'GET /desk/review',
        'POST /desk/review/dismiss',
        'GET /desk/canned',
        'POST /desk/canned',
        'POST /desk/canned/:id',
        'POST /desk/canned/:id/delete',
      ]),
    );
  });

  it('answers 401 on every route without a session', async () => {
    for (const route of routes.filter((route) => !PUBLIC_ROUTES.has(`${route.method} ${route.path}`))) {
      for (const path of urlsOf(route, ticket, cannedId)) expect([route.method, path, await request(app, route.method, path)]).toEqual([route.method, path, 401]);
    }
    expect((await app.services.desk.view(ticket)).status).toBe('open');
  });

  it('answers 403 on every route to a signed-in account that AGENT_IDS does not name (even an admin)', async () => {
    // Sign-in refuses bob, so his session is opened as the console would have.
    const bob = (await new AgentAccounts(app.services.engine).list()).find((account) => account.login === 'bob')!;
    const sessions = new AgentSessions(app.services.engine, SESSION_POLICY);
    const token = await sessions.open(bob.id);
    const csrf = (await sessions.find(token))!.csrfToken;
    for (const route of routes.filter((route) => !PUBLIC_ROUTES.has(`${route.method} ${route.path}`))) {
      for (const path of urlsOf(route, ticket, cannedId)) expect([route.method, path, await request(app, route.method, path, `desk_session=${token}`, csrf)]).toEqual([route.method, path, 403]);
    }
    expect((await app.services.desk.view(ticket)).status).toBe('open');
  });

  it('answers 403 on every admin route to an agent who is not an admin, and changes nothing', async () => {
    const { cookie, csrf } = await signIn(app.url, 'carol');
    const adminRoutes = routes.filter((route) => !AGENT_ROUTES.has(`${route.method} ${route.path}`) && !PUBLIC_ROUTES.has(`${route.method} ${route.path}`));
    expect(adminRoutes.length).toBeGreaterThanOrEqual(7);
    for (const route of adminRoutes) {
      for (const path of urlsOf(route, ticket, cannedId)) expect([route.method, path, await request(app, route.method, path, cookie, csrf)]).toEqual([route.method, path, 403]);
    }
    const backend = createConsoleBackend(app.services.engine, app.services.queue, SESSION_POLICY, app.services.brains);
    expect(await backend.canned.list()).toMatchObject([{ id: cannedId, title: 'Greeting', text: { en: 'Hello', zh: '您好' } }]);
  });
});
