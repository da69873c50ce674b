import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Request, Response } from 'express';
import express from 'express';
import { DeskError, DeskPresenter, type AgentActor, type AgentDesk, type Config, type ConsoleBackend, type EscalationView, type Lang, type Logger, type SignedInAgent } from '../../src/core/index.js';
import { consoleCookies, type ConsoleCookies } from './cookies.js';
import { inboxFilter, readInboxQuery } from './filters.js';
import { ConsoleGuard } from './guard.js';
import { inboxPage, inboxRows } from './inbox-page.js';
import { ASSETS, send, type PageFrame } from './layout.js';
import { LiveFeed } from './live.js';
import { signInLimits } from './sign-in-limits.js';
import { signInPage } from './sign-in-page.js';
import { textsIn } from './texts.js';
import { ticketLive, ticketPage, type TicketModel } from './ticket-page.js';
import type { ConsoleOperations } from './operations.js';
import { REPORT_DAYS, reportsPage } from './reports-page.js';
import { REVIEW_DAYS, reviewPage } from './review-page.js';

export type { ConsoleOperations, MissedGroupView, ReportView } from './operations.js';

const PUBLIC_DIR = new URL('./public/', import.meta.url).pathname;
/** Chart.js's browser build, served from node_modules (no CDN) for the reports page. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
const DAY_MS = 86_400_000;
/** What the console's forms may do to a ticket: the desk's actions, a reply and a note. */
const TICKET_ACTIONS = ['claim', 'reply', 'note', 'resolve', 'reopen'] as const;
type TicketAction = (typeof TICKET_ACTIONS)[number];
/** Where sign-in may send the agent next: console pages only (no open redirect). */
const CONSOLE_PATH = /^\/desk(\/[A-Za-z0-9_-]+)*$/;
const STATUS_OF: Record<DeskError['code'], number> = { not_found: 404, forbidden: 403, conflict: 409, invalid: 400 };

/** What the console needs from the runtime. */
export interface ConsoleContext {
  readonly http: express.Express;
  /** The desk every desk acts through (`AGENT_IDS` checked on every action). */
  readonly desk: AgentDesk;
  readonly backend: ConsoleBackend;
  /** The admins' pages: reports and what the bot missed. */
  readonly operations: ConsoleOperations;
  readonly logger: Logger;
}

type Page = PageFrame & { agent: NonNullable<PageFrame['agent']> };

/**
 * The agents' web console at `/desk`: one more renderer of the core's desk, beside the CLI,
 * Telegram, Discord and Teams. Agents sign in (accounts from `agents add`), act as
 * `web:<login>` (so `AGENT_IDS` decides what they may do, as on every desk), see the inbox
 * live (server-sent events from the desk events) and work tickets with plain forms (CSRF
 * token and same-origin check on each). Pages are rendered here with every value escaped;
 * the page's script is a file (`/assets/desk/desk.js`) under a CSP without inline code.
 */
export class DeskConsole {
  readonly #live: LiveFeed;
  readonly #guard: ConsoleGuard;
  readonly #cookies: ConsoleCookies;
  readonly #presenters: Record<Lang, DeskPresenter> = { en: new DeskPresenter('en'), zh: new DeskPresenter('zh') };

  constructor(
    private readonly context: ConsoleContext,
    private readonly config: Pick<Config, 'deskLang' | 'helpCentre' | 'console'>,
  ) {
    const publicUrl = config.helpCentre.publicUrl;
    this.#cookies = consoleCookies(publicUrl?.startsWith('https://') ?? false);
    this.#guard = new ConsoleGuard(context.backend.auth, this.#cookies, publicUrl);
    this.#live = new LiveFeed(context.backend);
  }

  /** Mounts the console's routes and starts following the desk. */
  start(): void {
    const { http } = this.context;
    const form = express.urlencoded({ extended: false, limit: '32kb' });
    const sameOrigin = this.#guard.sameOrigin();
    http.use(ASSETS, express.static(PUBLIC_DIR, { index: false, maxAge: 0, setHeaders: (res) => res.set('X-Content-Type-Options', 'nosniff') }));
    http.get('/desk', (req, res) => this.#inbox(req, res));
    http.post(
      '/desk/sign-in',
      sameOrigin,
      form,
      ...signInLimits(this.config.console.signInLimits, this.context.logger, (req, res) => this.#signInForm(req, res, 429, 'console.signIn.tooMany')),
      (req, res) => this.#signIn(req, res),
    );
    http.post('/desk/sign-out', sameOrigin, form, (req, res) => {
      const agent = this.#require(req, res, 'page');
      if (!agent || !this.#checkCsrf(req, res, agent)) return;
      const token = this.#guard.tokenOf(req);
      if (token) this.context.backend.auth.signOut(token);
      res.clearCookie(this.#cookies.session, this.#cookies.options).redirect(303, '/desk');
    });
    http.get('/desk/rows', (req, res) => {
      const agent = this.#require(req, res, 'fragment');
      if (!agent) return;
      const frame = this.#frame(agent, '');
      send(res, 200, inboxRows(this.#tickets(req, agent), this.#presenters[frame.lang], frame));
    });
    http.get('/desk/events', (req, res) => {
      if (!this.#require(req, res, 'fragment')) return;
      const last = Number(req.get('last-event-id'));
      this.#live.open(res, Number.isSafeInteger(last) && last >= 0 ? last : undefined);
    });
    http.get('/desk/tickets/:ref', (req, res) => {
      const agent = this.#require(req, res, 'page');
      if (!agent) return;
      this.#ticket(req, res, agent, String(req.params.ref), 200, doneNotice(req.query.done));
    });
    http.get('/desk/tickets/:ref/live', (req, res) => {
      const agent = this.#require(req, res, 'fragment');
      if (!agent) return;
      const model = this.#model(String(req.params.ref), this.#lang(agent));
      if (!model) return void res.status(404).json({ error: 'no such ticket' });
      send(res, 200, ticketLive(model, this.#frame(agent, model.card.title)));
    });
    http.post('/desk/tickets/:ref/:action', sameOrigin, form, (req, res) => this.#act(req, res));
    http.get(`${ASSETS}/chart.umd.js`, (_req, res) => res.set('X-Content-Type-Options', 'nosniff').sendFile(CHART_JS));
    http.get('/desk/reports', (req, res) => {
      const agent = this.#requireAdmin(req, res);
      if (!agent) return;
      const report = this.context.operations.report(new Date(Date.now() - REPORT_DAYS * DAY_MS));
      const frame = { ...this.#frame(agent, textsIn(this.#lang(agent))('console.nav.reports')), scripts: [`${ASSETS}/chart.umd.js`, `${ASSETS}/reports.js`] };
      send(res, 200, reportsPage(report, frame));
    });
    http.get('/desk/review', (req, res) => {
      const agent = this.#requireAdmin(req, res);
      if (agent) this.#review(res, agent);
    });
    http.post('/desk/review/dismiss', sameOrigin, form, (req, res) => {
      const agent = this.#requireAdmin(req, res);
      if (!agent || !this.#checkCsrf(req, res, agent)) return;
      const raw = (req.body as { ids?: unknown }).ids;
      const ids = (typeof raw === 'string' ? raw.split(',') : []).map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
      const count = this.context.operations.dismiss(ids, `web:${agent.account.login}`);
      this.#review(res, agent, textsIn(this.#lang(agent))('console.review.dismissed', { count }));
    });
    this.#live.start();
  }

  /** Stops following the desk and ends the open event streams. */
  stop(): void {
    this.#live.stop();
  }

  /** Sends what is new on the desk to the open pages now (the runtime's `pollDesks`). */
  poll(): void {
    this.#live.poll();
  }

  #lang(agent: SignedInAgent): Lang {
    return agent.account.lang ?? this.config.deskLang;
  }

  #frame(agent: SignedInAgent, title: string, data?: PageFrame['data']): Page {
    const lang = this.#lang(agent);
    return { lang, t: textsIn(lang), title, agent: { account: agent.account, csrfToken: agent.session.csrfToken }, data };
  }

  /**
   * The signed-in agent who may work tickets (`web:<login>` in `AGENT_IDS`), or undefined after
   * answering 401 (signed out: the sign-in form for a page) or 403 (not an agent).
   */
  #require(req: Request, res: Response, kind: 'page' | 'fragment'): SignedInAgent | undefined {
    const agent = this.#guard.agentOf(req);
    if (!agent) {
      if (kind === 'page') this.#signInForm(req, res, 401);
      else res.status(401).json({ error: 'sign in at /desk' });
      return undefined;
    }
    if (!this.context.desk.isAgent('web', agent.account.login)) {
      const text = this.#presenters[this.#lang(agent)].notAgent();
      if (kind === 'page') this.#signInForm(req, res, 403, undefined, text);
      else res.status(403).json({ error: text });
      return undefined;
    }
    return agent;
  }

  /** An admin signed in as an agent, or undefined after answering 401/403. */
  #requireAdmin(req: Request, res: Response): SignedInAgent | undefined {
    const agent = this.#require(req, res, 'page');
    if (!agent || agent.account.role === 'admin') return agent;
    res
      .status(403)
      .type('text')
      .send(textsIn(this.#lang(agent))('console.adminsOnly'));
    return undefined;
  }

  #review(res: Response, agent: SignedInAgent, notice?: string): void {
    const groups = this.context.operations.review(new Date(Date.now() - REVIEW_DAYS * DAY_MS));
    send(res, 200, reviewPage(groups, this.#frame(agent, textsIn(this.#lang(agent))('console.nav.review')), notice));
  }

  #checkCsrf(req: Request, res: Response, agent: SignedInAgent): boolean {
    if (this.#guard.hasCsrfToken(req, agent)) return true;
    res
      .status(403)
      .type('text')
      .send(textsIn(this.#lang(agent))('console.signIn.expired'));
    return false;
  }

  #signInForm(req: Request, res: Response, status: number, key?: 'console.signIn.failed' | 'console.signIn.tooMany' | 'console.signIn.expired', text?: string): void {
    const lang = this.config.deskLang;
    const t = textsIn(lang);
    const formToken = this.#guard.newFormToken();
    const asked: unknown = req.method === 'POST' ? (req.body as { next?: unknown } | undefined)?.next : req.path;
    const next = typeof asked === 'string' && CONSOLE_PATH.test(asked) ? asked : '/desk';
    res.cookie(this.#cookies.signIn, formToken, { ...this.#cookies.options, maxAge: 60 * 60_000 });
    send(res, status, signInPage(lang, t, { formToken, next, error: text ?? (key ? t(key) : undefined) }));
  }

  async #signIn(req: Request, res: Response): Promise<void> {
    if (!this.#guard.hasFormToken(req)) return this.#signInForm(req, res, 403, 'console.signIn.expired');
    const body = req.body as { login?: unknown; password?: unknown; next?: unknown };
    const login = typeof body.login === 'string' ? body.login.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const signedIn = await this.context.backend.auth.signIn(login, password);
    if (!signedIn) return this.#signInForm(req, res, 401, 'console.signIn.failed');
    if (!this.context.desk.isAgent('web', signedIn.agent.account.login)) {
      this.context.backend.auth.signOut(signedIn.token);
      return this.#signInForm(req, res, 403, undefined, this.#presenters[this.#lang(signedIn.agent)].notAgent());
    }
    this.context.logger.info({ agent: `web:${signedIn.agent.account.login}` }, 'console: signed in');
    const next = typeof body.next === 'string' && CONSOLE_PATH.test(body.next) ? body.next : '/desk';
    res
      .clearCookie(this.#cookies.signIn, this.#cookies.options)
      .cookie(this.#cookies.session, signedIn.token, { ...this.#cookies.options, maxAge: this.config.console.sessionMaxHours * 3_600_000 })
      .redirect(303, next);
  }

  #tickets(req: Request, agent: SignedInAgent): EscalationView[] {
    return this.context.backend.inbox(inboxFilter(readInboxQuery(req.query), agent.account.login));
  }

  #inbox(req: Request, res: Response): void {
    const agent = this.#require(req, res, 'page');
    if (!agent) return;
    const t = textsIn(this.#lang(agent));
    const frame = this.#frame(agent, t('console.inbox'), {
      page: 'inbox',
      'sla-left': t('console.sla.left'),
      'sla-overdue': t('console.sla.overdue'),
      'notify-urgent': t('console.notify.urgent'),
    });
    send(res, 200, inboxPage(frame, readInboxQuery(req.query), inboxRows(this.#tickets(req, agent), this.#presenters[frame.lang], frame)));
  }

  #model(ref: string, lang: Lang): TicketModel | undefined {
    try {
      const ticket = this.context.desk.detail(ref);
      return { ticket, card: this.#presenters[lang].card(ticket), transcript: this.context.backend.transcript(ticket.id) };
    } catch (error) {
      if (error instanceof DeskError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  #ticket(req: Request, res: Response, agent: SignedInAgent, ref: string, status: number, notice?: { action?: TicketAction; text?: string; error: boolean }): void {
    const lang = this.#lang(agent);
    const t = textsIn(lang);
    const model = this.#model(ref, lang);
    if (!model) {
      const frame = this.#frame(agent, t('console.inbox'));
      return send(res, 404, inboxPage(frame, readInboxQuery({}), inboxRows([], this.#presenters[lang], frame)));
    }
    const text = notice?.text ?? (notice?.action ? t(`console.done.${notice.action}`, { number: model.card.number }) : undefined);
    const frame = this.#frame(agent, model.card.title, { page: 'ticket', 'ticket-id': model.ticket.id });
    send(res, status, ticketPage(model, frame, text ? { text, error: notice?.error ?? false } : undefined));
  }

  /** A ticket form: through the desk, then back to the ticket (303), or the ticket with the desk's refusal. */
  #act(req: Request, res: Response): void {
    const agent = this.#require(req, res, 'page');
    if (!agent || !this.#checkCsrf(req, res, agent)) return;
    const action = TICKET_ACTIONS.find((candidate) => candidate === req.params.action);
    const ref = String(req.params.ref);
    if (!action) return void res.status(404).type('text').send('no such action');
    const body = req.body as { text?: unknown; note?: unknown };
    const text = typeof body.text === 'string' ? body.text : '';
    const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim() : undefined;
    const actor: AgentActor = { channel: 'web', userId: agent.account.login, name: agent.account.name };
    const { desk } = this.context;
    try {
      const run: Record<TicketAction, () => EscalationView> = {
        claim: () => desk.claim(ref, actor),
        reply: () => desk.reply(ref, actor, text),
        note: () => desk.note(ref, actor, text),
        resolve: () => desk.resolve(ref, actor, note),
        reopen: () => desk.reopen(ref, actor),
      };
      const ticket = run[action]();
      res.redirect(303, `/desk/tickets/${ticket.number}?done=${action}`);
    } catch (error) {
      if (!(error instanceof DeskError)) throw error;
      this.#ticket(req, res, agent, ref, STATUS_OF[error.code], { text: this.#presenters[this.#lang(agent)].refusal(error), error: true });
    }
  }
}

/** The notice after a redirect (`?done=claim`): which action went through. */
function doneNotice(value: unknown): { action: TicketAction; error: false } | undefined {
  const action = TICKET_ACTIONS.find((candidate) => candidate === value);
  return action && { action, error: false };
}

/** Creates the agents' console (always on: it works once an account exists, `agents add`). */
export function createConsole(config: Config, context: ConsoleContext): DeskConsole {
  return new DeskConsole(context, config);
}
