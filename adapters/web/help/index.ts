import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Express, Response } from 'express';
import type { FaqArticle, Lang, MessageHandler } from '../../../src/core/index.js';
import { SafeHtml } from './html.js';
import { pageLanguage } from './language.js';
import { articlePage, indexPage, notFoundPage, searchPage, type PageContext } from './pages.js';

export { chatPageFraming } from './framing.js';

/** The longest search query read; the rest is ignored. */
const MAX_QUERY_LENGTH = 200;
/** Related articles listed under an article. */
const RELATED = 5;

const CSS = readFileSync(new URL('./help.css', import.meta.url), 'utf8');
/** Built here, not in a template, so no formatter can change the text the CSP hash covers. */
const STYLE = new SafeHtml(`<style>${CSS}</style>`);
/**
 * No script, no frame, nothing from another origin: the one inline stylesheet (by its hash),
 * forms to this site only. Search queries in the URL are not sent to other sites as a referrer.
 */
const HEADERS = {
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  Vary: 'Accept-Language, Cookie',
};

/** What the help centre needs. */
export interface HelpCentreOptions {
  /** `PUBLIC_URL`, for canonical links. */
  readonly publicUrl?: string;
}

function send(res: Response, status: number, page: SafeHtml): void {
  res.status(status).set(HEADERS).type('html').send(page.value);
}

/** A query parameter as one string ('' when absent; the first when repeated). */
function single(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** An article's related articles: the rest of its intent, then what the brain finds for its question. */
function relatedTo(bot: MessageHandler, article: FaqArticle, articles: readonly FaqArticle[], lang: Lang): FaqArticle[] {
  const candidates = [...articles.filter((other) => other.intent === article.intent), ...bot.searchHelp(article.question, lang)];
  const seen = new Set([article.id]);
  return candidates.filter((other) => !seen.has(other.id) && seen.add(other.id)).slice(0, RELATED);
}

/**
 * Mounts the help centre: `GET /help` (every FAQ entry by topic; with `?q=` a search by the
 * chat's brain, whose results link to `/help/<entry id>`), `GET /help/<entry id>` (an article,
 * 404 page for an unknown id). English or Chinese from `?lang=` (remembered in a cookie), else
 * `Accept-Language`. Server-rendered HTML without scripts.
 */
export function mountHelpCentre(http: Express, bot: MessageHandler, options: HelpCentreOptions = {}): void {
  const context = (lang: Lang, path: string, query?: string): PageContext => ({ lang, path, query, style: STYLE, publicUrl: options.publicUrl });
  http.get('/help', (req, res) => {
    const lang = pageLanguage(req, res);
    const query = single(req.query.q).slice(0, MAX_QUERY_LENGTH).trim();
    if (!query) return send(res, 200, indexPage(context(lang, '/help'), bot.faq(lang)));
    send(res, 200, searchPage(context(lang, '/help', query), query, bot.searchHelp(query, lang)));
  });
  http.get('/help/:id', (req, res) => {
    const lang = pageLanguage(req, res);
    const articles = bot.faq(lang);
    const article = articles.find((candidate) => candidate.id === req.params.id);
    if (!article) return send(res, 404, notFoundPage(context(lang, req.path)));
    send(res, 200, articlePage(context(lang, `/help/${article.id}`), article, relatedTo(bot, article, articles, lang)));
  });
}
