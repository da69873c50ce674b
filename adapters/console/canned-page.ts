import type { CannedReply } from '../../src/core/index.js';
import { html, type SafeHtml } from '../web/help/html.js';
import { csrfField, page, type PageFrame } from './layout.js';
import type { Say } from './texts.js';

function fields(t: Say, reply?: CannedReply): SafeHtml {
  const id = reply ? `canned-${reply.id}` : 'canned-new';
  return html`<label for="${id}-title">${t('console.canned.title')}</label>
    <input id="${id}-title" name="title" maxlength="80" required value="${reply?.title ?? ''}" />
    <label for="${id}-en">${t('console.canned.textEn')}</label>
    <textarea id="${id}-en" name="en" rows="3" maxlength="4000" required>${reply?.text.en ?? ''}</textarea>
    <label for="${id}-zh">${t('console.canned.textZh')}</label>
    <textarea id="${id}-zh" name="zh" rows="3" maxlength="4000" required lang="zh">${reply?.text.zh ?? ''}</textarea>`;
}

/** `/desk/canned` (admins): every canned reply as a form to edit or delete, and a form for a new one. */
export function cannedPage(replies: readonly CannedReply[], frame: PageFrame & { agent: NonNullable<PageFrame['agent']> }, notice?: { text: string; error: boolean }): SafeHtml {
  const { t } = frame;
  const csrf = csrfField(frame.agent.csrfToken);
  const body = html`<h1>${t('console.nav.canned')}</h1>
    ${notice ? html`<p class="${notice.error ? 'error' : 'notice'}" role="${notice.error ? 'alert' : 'status'}">${notice.text}</p>` : ''}
    <section>
      <h2>${t('console.canned.new')}</h2>
      <form method="post" action="/desk/canned" class="canned">${csrf} ${fields(t)}<button type="submit" class="primary">${t('console.canned.create')}</button></form>
    </section>
    ${replies.length === 0 ? html`<p class="empty">${t('console.canned.empty')}</p>` : ''}
    ${replies.map(
      (reply) =>
        html`<section class="canned-reply" data-canned-id="${reply.id}">
          <form method="post" action="/desk/canned/${reply.id}" class="canned">
            ${csrf} ${fields(t, reply)}
            <p><small>${reply.updatedBy} · ${reply.updatedAt.slice(0, 16).replace('T', ' ')} UTC</small></p>
            <button type="submit" class="primary">${t('console.canned.save')}</button>
          </form>
          <form method="post" action="/desk/canned/${reply.id}/delete" class="delete">${csrf}<button type="submit">${t('console.canned.delete')}</button></form>
        </section>`,
    )}`;
  return page(frame, body);
}
