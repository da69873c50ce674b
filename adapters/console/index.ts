import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Request, Response } from 'express';
import express from 'express';
import {
  CannedReplyError,
  DeskError,
  DeskPresenter,
  KnowledgeEditError,
  MAX_TAGS_PER_TICKET,
  TagError,
  type AgentActor,
  type AgentDesk,
  type Config,
  type ConsoleBackend,
  type EscalationView,
  type Lang,
  type Logger,
  type SignedInAgent,
} from '../../src/core/index.js';
import { cannedPage } from './canned-page.js';
import { consoleCookies, type ConsoleCookies } from './cookies.js';
import { inboxFilter, LANGS, readInboxQuery } from './filters.js';
import { ConsoleGuard } from './guard.js';
import { inboxPage, inboxRows } from './inbox-page.js';
import { ASSETS, send, type PageFrame } from './layout.js';
import { LiveFeed } from './live.js';
import { signInLimits } from './sign-in-limits.js';
import { signInPage } from './sign-in-page.js';
import { textsIn } from './texts.js';
import { ticketLive, ticketPage, type TicketModel, type TicketTools } from './ticket-page.js';
import type { ConsoleOperations } from './operations.js';
import { chosenPeriod, type ChosenPeriod } from './period-picker.js';
import { REPORT_PERIOD, reportsPage } from './reports-page.js';
import { applyDraft, readDraft, REVIEW_ACTIONS, type ReviewAction } from './review-actions.js';
import { REVIEW_PERIOD, reviewPage, type ReviewModel } from './review-page.js';

export type { ConsoleOperations, MissedGroupView, ReportView } from './operations.js';

const PUBLIC_DIR = new URL('./public/', import.meta.url).pathname;
/** Chart.js's browser build, served from node_modules (no CDN) for the reports page. */
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
/** What the console's forms may do to a ticket (`POST /desk/tickets/<number>/<action>`): the desk's actions, a reply, a note, assignment, tags. */
export const TICKET_ACTIONS = ['claim', 'assign', 'reply', 'note', 'resolve', 'reopen', 'tag', 'untag'] as const;
type TicketAction = (typeof TICKET_ACTIONS)[number];
/** Tickets per inbox page: a page stays small (about 50 KB) however long the queue is. */
const INBOX_PAGE = 100;
/** What an admin's change to a canned reply ends with. */
const CANNED_DONE = { create: 'console.canned.created', update: 'console.canned.saved', delete: 'console.canned.deleted' } as const;
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
    this.#live = new LiveFeed(context.backend, (error) => context.logger.warn({ reason: String(error) }, 'console: could not read the desk events; will retry'));
  }

  /** Mounts the console's routes and starts following the desk. */
  async start(): Promise<void> {
    const { http } = this.context;
    const form = express.urlencoded({ extended: false, limit: '32kb' });
    const sameOrigin = this.#guard.sameOrigin();
    http.use(ASSETS, express.static(PUBLIC_DIR, { index: false, maxAge: 0, setHeaders: (res) => res.set('X-Content-Type-Options', 'nosniff') }));
    http.get('/desk', async (req, res) => this.#inbox(req, res));
    http.post(
      '/desk/sign-in',
      sameOrigin,
      form,
      ...signInLimits(this.config.console.signInLimits, this.context.logger, (req, res) => this.#signInForm(req, res, 429, 'console.signIn.tooMany')),
      async (req, res) => this.#signIn(req, res),
    );
    http.post('/desk/sign-out', sameOrigin, form, async (req, res) => {
      const agent = await this.#require(req, res, 'page');
      if (!agent || !this.#checkCsrf(req, res, agent)) return;
      const token = this.#guard.tokenOf(req);
      if (token) await this.context.backend.auth.signOut(token);
      res.clearCookie(this.#cookies.session, this.#cookies.options).redirect(303, '/desk');
    });
    http.get('/desk/rows', async (req, res) => {
      const agent = await this.#require(req, res, 'fragment');
      if (!agent) return;
      const frame = this.#frame(agent, '');
      const { tickets } = await this.#tickets(req, agent);
      send(res, 200, inboxRows(tickets, await this.#tagsOf(tickets), this.#presenters[frame.lang], frame));
    });
    http.get('/desk/events', async (req, res) => {
      if (!(await this.#require(req, res, 'fragment'))) return;
      const last = Number(req.get('last-event-id'));
      await this.#live.open(res, Number.isSafeInteger(last) && last >= 0 ? last : undefined);
    });
    http.get('/desk/tickets/:ref', async (req, res) => {
      const agent = await this.#require(req, res, 'page');
      if (!agent) return;
      await this.#ticket(req, res, agent, String(req.params.ref), 200, doneNotice(req.query.done));
    });
    http.get('/desk/tickets/:ref/live', async (req, res) => {
      const agent = await this.#require(req, res, 'fragment');
      if (!agent) return;
      const model = await this.#model(String(req.params.ref), this.#lang(agent));
      if (!model) return void res.status(404).json({ error: 'no such ticket' });
      send(res, 200, ticketLive(model, this.#frame(agent, model.card.title)));
    });
    http.post('/desk/tickets/:ref/:action', sameOrigin, form, async (req, res) => this.#act(req, res));
    http.post('/desk/lang', sameOrigin, form, async (req, res) => {
      const agent = await this.#require(req, res, 'page');
      if (!agent || !this.#checkCsrf(req, res, agent)) return;
      const lang = LANGS.find((candidate) => candidate === (req.body as { lang?: unknown }).lang);
      if (lang) await this.context.backend.setLang(agent.account.id, lang);
      res.redirect(303, backTo(req));
    });
    http.get('/desk/canned', async (req, res) => {
      const agent = await this.#requireAdmin(req, res);
      if (agent) await this.#canned(res, agent, 200);
    });
    http.post('/desk/canned', sameOrigin, form, async (req, res) => this.#changeCanned(req, res, 'create'));
    http.post('/desk/canned/:id', sameOrigin, form, async (req, res) => this.#changeCanned(req, res, 'update'));
    http.post('/desk/canned/:id/delete', sameOrigin, form, async (req, res) => this.#changeCanned(req, res, 'delete'));
    http.get(`${ASSETS}/chart.umd.js`, (_req, res) => res.set('X-Content-Type-Options', 'nosniff').sendFile(CHART_JS));
    http.get('/desk/reports', async (req, res) => {
      const agent = await this.#requireAdmin(req, res);
      if (!agent) return;
      const period = chosenPeriod(req.query, REPORT_PERIOD, new Date());
      const report = await this.context.operations.report(period.since);
      const frame = { ...this.#frame(agent, textsIn(this.#lang(agent))('console.nav.reports')), scripts: [`${ASSETS}/chart.umd.js`, `${ASSETS}/reports.js`] };
      send(res, 200, reportsPage(report, period, frame));
    });
    http.get('/desk/review', async (req, res) => {
      const agent = await this.#requireAdmin(req, res);
      if (agent) await this.#review(res, agent, chosenPeriod(req.query, REVIEW_PERIOD, new Date()));
    });
    for (const action of ['dismiss', ...REVIEW_ACTIONS] as const) http.post(`/desk/review/${action}`, sameOrigin, form, async (req, res) => this.#reviewAction(req, res, action));
    await this.#live.start();
  }

  /** Stops following the desk and ends the open event streams. */
  stop(): void {
    this.#live.stop();
  }

  /** Sends what is new on the desk to the open pages now (the runtime's `pollDesks`). */
  poll(): Promise<void> {
    return this.#live.poll();
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
  async #require(req: Request, res: Response, kind: 'page' | 'fragment'): Promise<SignedInAgent | undefined> {
    const agent = await this.#guard.agentOf(req);
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
  async #requireAdmin(req: Request, res: Response): Promise<SignedInAgent | undefined> {
    const agent = await this.#require(req, res, 'page');
    if (!agent || agent.account.role === 'admin') return agent;
    res
      .status(403)
      .type('text')
      .send(textsIn(this.#lang(agent))('console.adminsOnly'));
    return undefined;
  }

  /** The review page of `period`, with what the last action did (a notice, or a refused edit to show again). */
  async #review(res: Response, agent: SignedInAgent, period: ChosenPeriod, outcome: Pick<ReviewModel, 'notice' | 'refused'> = {}, status = 200): Promise<void> {
    const { operations } = this.context;
    const model: ReviewModel = { groups: await operations.review(period.since), period, entries: await operations.faqEntries(), ...outcome };
    send(res, status, reviewPage(model, this.#frame(agent, textsIn(this.#lang(agent))('console.nav.review'))));
  }

  /** A review action (admins): dismiss a group, or teach the bot from it; a refused edit comes back as typed, with the reason (422). */
  async #reviewAction(req: Request, res: Response, action: 'dismiss' | ReviewAction): Promise<void> {
    const agent = await this.#requireAdmin(req, res);
    if (!agent || !this.#checkCsrf(req, res, agent)) return;
    const body = req.body as Record<string, unknown>;
    const period = chosenPeriod(body, REVIEW_PERIOD, new Date());
    const t = textsIn(this.#lang(agent));
    const actor = `web:${agent.account.login}`;
    if (action === 'dismiss') {
      const ids = (typeof body.ids === 'string' ? body.ids.split(',') : []).map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
      const count = await this.context.operations.dismiss(ids, actor);
      return this.#review(res, agent, period, { notice: t('console.review.dismissed', { count }) });
    }
    const draft = readDraft(action, body);
    try {
      await applyDraft(draft, this.context.operations, actor);
      await this.#review(res, agent, period, { notice: t('console.review.saved') });
    } catch (error) {
      if (!(error instanceof KnowledgeEditError)) throw error;
      await this.#review(res, agent, period, { refused: { draft, reason: error.textIn(this.#lang(agent)) } }, 422);
    }
  }

  async #canned(res: Response, agent: SignedInAgent, status: number, notice?: { text: string; error: boolean }): Promise<void> {
    send(res, status, cannedPage(await this.context.backend.canned.list(), this.#frame(agent, textsIn(this.#lang(agent))('console.nav.canned')), notice));
  }

  /** An admin's change to the canned replies: done (the page with a notice), or refused (400/404 with why). */
  async #changeCanned(req: Request, res: Response, change: keyof typeof CANNED_DONE): Promise<void> {
    const agent = await this.#requireAdmin(req, res);
    if (!agent || !this.#checkCsrf(req, res, agent)) return;
    const t = textsIn(this.#lang(agent));
    const body = req.body as { title?: unknown; en?: unknown; zh?: unknown };
    const input = { title: field(body.title), en: field(body.en), zh: field(body.zh) };
    const id = Number(req.params.id);
    const by = `web:${agent.account.login}`;
    const { canned } = this.context.backend;
    try {
      if (change === 'create') await canned.create(input, by);
      else if (change === 'update') await canned.update(id, input, by);
      else await canned.remove(id);
      await this.#canned(res, agent, 200, { text: t(CANNED_DONE[change]), error: false });
    } catch (error) {
      if (!(error instanceof CannedReplyError)) throw error;
      const invalid = error.code === 'invalid';
      await this.#canned(res, agent, invalid ? 400 : 404, { text: t(invalid ? 'console.canned.invalid' : 'console.canned.notFound'), error: true });
    }
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
      await this.context.backend.auth.signOut(signedIn.token);
      return this.#signInForm(req, res, 403, undefined, this.#presenters[this.#lang(signedIn.agent)].notAgent());
    }
    this.context.logger.info({ agent: `web:${signedIn.agent.account.login}` }, 'console: signed in');
    const next = typeof body.next === 'string' && CONSOLE_PATH.test(body.next) ? body.next : '/desk';
    res
      .clearCookie(this.#cookies.signIn, this.#cookies.options)
      .cookie(this.#cookies.session, signedIn.token, { ...this.#cookies.options, maxAge: this.config.console.sessionMaxHours * 3_600_000 })
      .redirect(303, next);
  }

  /** The page of the inbox the query asks for. */
  #tickets(req: Request, agent: SignedInAgent): Promise<{ tickets: EscalationView[]; next?: string }> {
    const query = readInboxQuery(req.query);
    return this.context.backend.inbox(inboxFilter(query, agent.account.login), { limit: INBOX_PAGE, after: query.after || undefined });
  }

  async #inbox(req: Request, res: Response): Promise<void> {
    const agent = await this.#require(req, res, 'page');
    if (!agent) return;
    const t = textsIn(this.#lang(agent));
    const frame = this.#frame(agent, t('console.inbox'), {
      page: 'inbox',
      'sla-left': t('console.sla.left'),
      'sla-overdue': t('console.sla.overdue'),
      'notify-urgent': t('console.notify.urgent'),
    });
    const { tickets, next } = await this.#tickets(req, agent);
    const rows = inboxRows(tickets, await this.#tagsOf(tickets), this.#presenters[frame.lang], frame);
    send(res, 200, inboxPage(frame, readInboxQuery(req.query), await this.context.backend.tagsInUse(), rows, next));
  }

  #tagsOf(tickets: readonly EscalationView[]): Promise<Map<number, string[]>> {
    return this.context.backend.tagsOf(tickets.map((ticket) => ticket.id));
  }

  async #model(ref: string, lang: Lang): Promise<TicketModel | undefined> {
    try {
      const ticket = await this.context.desk.detail(ref);
      const { backend } = this.context;
      const transcript = await backend.transcript(ticket.id);
      const tags = (await backend.tagsOf([ticket.id])).get(ticket.id) ?? [];
      return { ticket, card: this.#presenters[lang].card(ticket), transcript, tags };
    } catch (error) {
      if (error instanceof DeskError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  async #ticket(req: Request, res: Response, agent: SignedInAgent, ref: string, status: number, notice?: { action?: TicketAction; text?: string; error: boolean }): Promise<void> {
    const lang = this.#lang(agent);
    const t = textsIn(lang);
    const model = await this.#model(ref, lang);
    if (!model) {
      const frame = this.#frame(agent, t('console.inbox'));
      return send(res, 404, inboxPage(frame, readInboxQuery({}), [], inboxRows([], new Map(), this.#presenters[lang], frame)));
    }
    const text = notice?.text ?? (notice?.action ? t(`console.done.${notice.action}`, { number: model.card.number }) : undefined);
    const frame = this.#frame(agent, model.card.title, { page: 'ticket', 'ticket-id': model.ticket.id });
    const { backend } = this.context;
    const tools: TicketTools = { assignees: await this.#assignees(agent, model.ticket), canned: await backend.canned.list(), draft: backend.draft(model.transcript, model.ticket.lang) };
    send(res, status, ticketPage(model, tools, frame, text ? { text, error: notice?.error ?? false } : undefined));
  }

  /** Whom this agent may give the ticket to: none unless it is active and open, theirs, or they are an admin (the desk checks again). */
  async #assignees(agent: SignedInAgent, ticket: EscalationView): Promise<TicketTools['assignees']> {
    const self = `web:${agent.account.login}`;
    const active = ticket.status === 'open' || ticket.status === 'claimed';
    if (!active || (ticket.status === 'claimed' && ticket.agentId !== self && agent.account.role !== 'admin')) return [];
    return (await this.context.backend.accounts())
      .filter((account) => `web:${account.login}` !== ticket.agentId && this.context.desk.isAgent('web', account.login))
      .map(({ login, name }) => ({ login, name }));
  }

  /** A ticket form: through the desk, then back to the ticket (303), or the ticket with the desk's refusal. */
  async #act(req: Request, res: Response): Promise<void> {
    const agent = await this.#require(req, res, 'page');
    if (!agent || !this.#checkCsrf(req, res, agent)) return;
    const action = TICKET_ACTIONS.find((candidate) => candidate === req.params.action);
    const ref = String(req.params.ref);
    if (!action) return void res.status(404).type('text').send('no such action');
    const body = req.body as { text?: unknown; note?: unknown; to?: unknown; tag?: unknown };
    const text = field(body.text);
    const note = field(body.note).trim() || undefined;
    const actor: AgentActor = { channel: 'web', userId: agent.account.login, name: agent.account.name };
    const { desk } = this.context;
    try {
      const run: Record<TicketAction, () => Promise<unknown>> = {
        claim: () => desk.claim(ref, actor),
        assign: () => desk.assign(ref, actor, field(body.to)),
        reply: () => desk.reply(ref, actor, text),
        note: () => desk.note(ref, actor, text),
        resolve: () => desk.resolve(ref, actor, note),
        reopen: () => desk.reopen(ref, actor),
        tag: () => desk.tag(ref, actor, field(body.tag)),
        untag: () => desk.untag(ref, actor, field(body.tag)),
      };
      await run[action]();
      res.redirect(303, `/desk/tickets/${(await desk.view(ref)).number}?done=${action}`);
    } catch (error) {
      if (!(error instanceof TagError) && !(error instanceof DeskError)) throw error;
      await this.#ticket(req, res, agent, ref, error instanceof TagError ? 400 : STATUS_OF[error.code], { text: this.#refusal(error, action, agent), error: true });
    }
  }

  /** Why a ticket form was refused, in the agent's language: the tag rules' or the desk's wording. */
  #refusal(error: TagError | DeskError, action: TicketAction, agent: SignedInAgent): string {
    const lang = this.#lang(agent);
    const t = textsIn(lang);
    if (error instanceof TagError) return error.reason === 'invalid' ? t('console.tag.invalid') : t('console.tag.tooMany', { max: MAX_TAGS_PER_TICKET });
    return this.#presenters[lang].refusal(error);
  }
}

/** The notice after a redirect (`?done=claim`): which action went through. */
function doneNotice(value: unknown): { action: TicketAction; error: false } | undefined {
  const action = TICKET_ACTIONS.find((candidate) => candidate === value);
  return action && { action, error: false };
}

/** A form field's text; anything else (absent, repeated) is empty. */
function field(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The console page a form was posted from (its `Referer`, this site's `/desk…` only), else the inbox. */
function backTo(req: Request): string {
  const referer = req.get('referer');
  if (!referer || !URL.canParse(referer)) return '/desk';
  const from = new URL(referer);
  return from.host === req.get('host') && CONSOLE_PATH.test(from.pathname) ? `${from.pathname}${from.search}` : '/desk';
}

/** Creates the agents' console (always on: it works once an account exists, `agents add`). */
export function createConsole(config: Config, context: ConsoleContext): DeskConsole {
  return new DeskConsole(context, config);
}
