import type { Response } from 'express';
import type { AgentAccount, Lang } from '../../src/core/index.js';
import { html, type HtmlValue, type SafeHtml } from '../web/help/html.js';
import type { Say } from './texts.js';

/** Where the console's script and stylesheet are served (files, so the CSP needs no inline code). */
export const ASSETS = '/assets/desk';

/**
 * Scripts and styles from this site only, as files (no inline code, no `eval`); the event stream
 * and fragment fetches to this site only; forms post here only; never framed.
 */
const HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** What every console page shows besides its content. */
export interface PageFrame {
  readonly lang: Lang;
  readonly t: Say;
  readonly title: string;
  /** The signed-in agent and their CSRF token; absent on the sign-in page. */
  readonly agent?: { readonly account: AgentAccount; readonly csrfToken: string };
  /** `data-*` attributes of `<body>` for the page's script (its texts, the page kind). */
  readonly data?: Readonly<Record<string, string | number>>;
  /** More script files of this site the page runs, in order (classic scripts, after the page is parsed). */
  readonly scripts?: readonly string[];
}

/** A hidden field with the session's CSRF token, for every state-changing form. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}" />`;
}

/** Each console language by its own name, as the language switch offers it. */
const LANGUAGE_NAMES: Readonly<Record<Lang, string>> = { en: 'English', zh: '中文' };

/** The agent's choice of console language (remembered on their account): one button per language, the current one pressed. */
function languageSwitch(current: Lang, csrfToken: string, t: Say): SafeHtml {
  return html`<form method="post" action="/desk/lang" class="language" aria-label="${t('console.language')}">
    ${csrfField(csrfToken)}
    ${(Object.keys(LANGUAGE_NAMES) as Lang[]).map(
      (lang) => html`<button type="submit" name="lang" value="${lang}" lang="${lang === 'zh' ? 'zh-CN' : 'en'}" aria-pressed="${String(lang === current)}">${LANGUAGE_NAMES[lang]}</button>`,
    )}
  </form>`;
}

/** A whole console page. */
export function page(frame: PageFrame, body: HtmlValue): SafeHtml {
  const { t, agent } = frame;
  const data = Object.entries(frame.data ?? {}).map(([key, value]) => html` data-${key.replace(/[^a-z-]/g, '')}="${String(value)}"`);
  return html`<!doctype html>
    <html lang="${frame.lang === 'zh' ? 'zh-CN' : 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${frame.title} · ${t('console.title')}</title>
        <link rel="stylesheet" href="${ASSETS}/desk.css" />
        <script type="module" src="${ASSETS}/desk.js"></script>
        ${(frame.scripts ?? []).map((src) => html`<script defer src="${src}"></script>`)}
      </head>
      <body${data}>
        <header class="top">
          <a class="brand" href="/desk">${t('console.title')}</a>
          ${
            agent
              ? html`${
                    agent.account.role === 'admin'
                      ? html`<nav class="admin">
                          <a href="/desk/reports">${t('console.nav.reports')}</a> <a href="/desk/review">${t('console.nav.review')}</a> <a href="/desk/canned">${t('console.nav.canned')}</a>
                        </nav>`
                      : ''
                  }${languageSwitch(frame.lang, agent.csrfToken, t)}<span class="who">${t('console.signedInAs', { name: agent.account.name })}</span>
                  <form method="post" action="/desk/sign-out" class="sign-out">${csrfField(agent.csrfToken)}<button type="submit">${t('console.signOut')}</button></form>`
              : ''
          }
        </header>
        <main>${body}</main>
      </body>
    </html>`;
}

/** Sends a console page (or fragment) with the console's security headers. */
export function send(res: Response, status: number, markup: SafeHtml): void {
  res.status(status).set(HEADERS).type('html').send(markup.value);
}
