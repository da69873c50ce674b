import { html, type SafeHtml } from '../web/help/html.js';
import { csrfField, page, type PageFrame } from './layout.js';
import type { MissedGroupView } from './operations.js';

/** How many days of missed questions the review page covers. */
export const REVIEW_DAYS = 30;

/** The review page (admins): groups of similar missed questions, largest first, each dismissible. */
export function reviewPage(groups: readonly MissedGroupView[], frame: PageFrame & { agent: NonNullable<PageFrame['agent']> }, notice?: string): SafeHtml {
  const { t } = frame;
  return page(
    frame,
    html`<section class="review">
      <h1>${t('console.nav.review')}</h1>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      ${
        groups.length === 0
          ? html`<p class="empty">${t('console.review.empty')}</p>`
          : html`<table class="review">
              <thead>
                <tr>
                  <th>${t('console.review.count')}</th>
                  <th>${t('console.review.examples')}</th>
                  <th>${t('console.review.closest')}</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${groups.map(
                  (group) =>
                    html`<tr class="group">
                      <td class="count">${group.count}</td>
                      <td>
                        <ul>
                          ${group.examples.map((example) => html`<li>${example}</li>`)}
                        </ul>
                      </td>
                      <td>${group.closestIntent.intent} (${group.closestIntent.confidence})<br /><small>${group.closestFaq?.id ?? '—'}</small></td>
                      <td>
                        <form method="post" action="/desk/review/dismiss">
                          ${csrfField(frame.agent.csrfToken)}<input type="hidden" name="ids" value="${group.ids.join(',')}" /><button type="submit">${t('console.review.dismiss')}</button>
                        </form>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`,
  );
}
