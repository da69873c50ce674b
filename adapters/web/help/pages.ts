import type { FaqArticle, Lang } from '../../../src/core/index.js';
import { renderAnswer } from './answer.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { langAttribute } from './language.js';
import { TEXTS, type Texts } from './texts.js';

/** What every page needs besides its content. */
export interface PageContext {
  readonly lang: Lang;
  /** The page's path and query without `lang`, to build the language switch and canonical links. */
  readonly path: string;
  readonly query?: string;
  /** The `<style>` element: its text must stay exactly what the page's CSP hash allows. */
  readonly style: SafeHtml;
  /** `PUBLIC_URL`, for the canonical link; unset: none. */
  readonly publicUrl?: string;
}

/** Fragment id of a topic's section on the index page. */
function topicAnchor(intent: string): string {
  return `topic-${intent.replace(/\W+/g, '-')}`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `path` with `?q=` (when searching) and `lang=` set. */
function withLang(context: PageContext, lang: Lang): string {
  const params = new URLSearchParams();
  if (context.query) params.set('q', context.query);
  params.set('lang', lang);
  return `${context.path}?${params}`;
}

function layout(context: PageContext, page: { title: string; description?: string; noindex?: boolean; body: SafeHtml }): SafeHtml {
  const t = TEXTS[context.lang];
  return html`<!doctype html>
    <html lang="${langAttribute(context.lang)}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title}</title>
        ${page.description ? html`<meta name="description" content="${page.description}" />` : ''} ${page.noindex ? html`<meta name="robots" content="noindex" />` : ''}
        ${context.publicUrl && !page.noindex ? html`<link rel="canonical" href="${context.publicUrl}${context.path}" />` : ''}
        <link rel="alternate" hreflang="${t.switchLang}" href="${withLang(context, t.switchLang)}" />
        ${context.style}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/help">${t.siteName}</a>
          <a class="switch" href="${withLang(context, t.switchLang)}" hreflang="${t.switchLang}" lang="${langAttribute(t.switchLang)}">${t.switchTo}</a>
        </header>
        <main>${searchForm(t, context.query)} ${page.body}</main>
        ${chatInvitation(t, context.lang)}
        <footer><p>${t.safety}</p></footer>
      </body>
    </html> `;
}

function searchForm(t: Texts, query = ''): SafeHtml {
  return html`<form class="search" role="search" action="/help" method="get">
    <label class="visually-hidden" for="q">${t.searchLabel}</label>
    <input id="q" name="q" type="search" value="${query}" placeholder="${t.searchPlaceholder}" maxlength="200" autocomplete="off" />
    <button type="submit">${t.searchButton}</button>
  </form>`;
}

function chatInvitation(t: Texts, lang: Lang): SafeHtml {
  return html`<aside class="chat-cta">
    <div><strong>${t.stillNeedHelp}</strong> <span>${t.chatPrompt}</span></div>
    <a class="button" href="/?lang=${lang}">${t.chatLink}</a>
  </aside>`;
}

/** Links to articles; search results (`withSnippet`) are cards with the answer's first words. */
function articleList(articles: readonly FaqArticle[], withSnippet = false): SafeHtml {
  return html`<ul class="${withSnippet ? 'results' : 'articles'}">
    ${articles.map((article) => html`<li><a href="/help/${article.id}">${article.question}</a>${withSnippet ? html`<p class="snippet">${snippet(article)}</p>` : ''}</li>`)}
  </ul>`;
}

/**
 * The answer as shown on the help centre: without the link to the article itself that the bot's
 * answers carry ("our Help Center (…/help/<id>)" reads oddly on that very page).
 */
function answerHere(article: FaqArticle): string {
  const id = article.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return article.answer.replace(new RegExp(`\\s?[(（]\\s*(?:https?://[^\\s/]+)?/help/${id}\\s*[)）]`, 'g'), '');
}

/** The first words of an answer, for a search result. */
function snippet(article: FaqArticle): string {
  const flat = answerHere(article).replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}

/** The articles grouped by topic (one group per topic name), in knowledge-base order. */
function byTopic(articles: readonly FaqArticle[]): { intent: string; topic: string; articles: FaqArticle[] }[] {
  const groups = new Map<string, { intent: string; topic: string; articles: FaqArticle[] }>();
  for (const article of articles) {
    const group = groups.get(article.topic) ?? { intent: article.intent, topic: article.topic, articles: [] };
    group.articles.push(article);
    groups.set(article.topic, group);
  }
  return [...groups.values()];
}

/** `/help`: the search box and every article, grouped by topic. */
export function indexPage(context: PageContext, articles: readonly FaqArticle[]): SafeHtml {
  const t = TEXTS[context.lang];
  const body = html`<h1>${t.siteName}</h1>
    <p class="lead">${t.tagline}</p>
    <div class="topics">
      ${byTopic(articles).map(
        (group) =>
          html`<section class="topic" id="${topicAnchor(group.intent)}">
            <h2>${capitalised(group.topic)}</h2>
            ${articleList(group.articles)}
          </section>`,
      )}
    </div>`;
  return layout(context, { title: t.siteName, description: t.tagline, body });
}

/** `/help?q=`: what the brain found for the query, or an invitation to the chat. */
export function searchPage(context: PageContext, query: string, results: readonly FaqArticle[]): SafeHtml {
  const t = TEXTS[context.lang];
  const body: HtmlValue =
    results.length > 0
      ? html`<h1 class="results-title">${t.resultsFor} “${query}”</h1>
          <p class="count">${t.resultCount(results.length)}</p>
          ${articleList(results, true)}`
      : html`<h1 class="results-title">${t.noResults} “${query}”</h1>
          <div class="empty">
            <p>${t.noResultsHint}</p>
            <p class="actions"><a class="button" href="/?lang=${context.lang}">${t.chatLink}</a> <a href="/help">${t.browseTopics}</a></p>
          </div>`;
  return layout(context, { title: `${query} · ${t.siteName}`, noindex: true, body: html`${body}` });
}

/** `/help/<id>`: one article, its other phrasings and related articles. */
export function articlePage(context: PageContext, article: FaqArticle, related: readonly FaqArticle[]): SafeHtml {
  const t = TEXTS[context.lang];
  const body = html`<nav class="crumbs"><a href="/help">${t.siteName}</a> › <a href="/help#${topicAnchor(article.intent)}">${capitalised(article.topic)}</a></nav>
    <article>
      <h1>${article.question}</h1>
      <div class="answer">${renderAnswer(answerHere(article))}</div>
      ${
        article.alternatives.length > 0
          ? html`<h2>${t.alsoAsked}</h2>
              <ul class="also">
                ${article.alternatives.slice(0, 4).map((question) => html`<li>${question}</li>`)}
              </ul>`
          : ''
      }
    </article>
    ${
      related.length > 0
        ? html`<section class="related">
            <h2>${t.related}</h2>
            ${articleList(related)}
          </section>`
        : ''
    }`;
  return layout(context, { title: `${article.question} · ${t.siteName}`, description: snippet(article), body });
}

/** The 404 page for an unknown article id. */
export function notFoundPage(context: PageContext): SafeHtml {
  const t = TEXTS[context.lang];
  const body = html`<h1>${t.notFoundTitle}</h1>
    <p>${t.notFoundText}</p>
    <p><a href="/help">${t.browseTopics}</a></p>`;
  return layout(context, { title: `${t.notFoundTitle} · ${t.siteName}`, noindex: true, body });
}
