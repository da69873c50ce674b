import { CHANNEL_NAMES, type DeskPresenter, type EscalationView } from '../../src/core/index.js';
import { html, type SafeHtml } from '../web/help/html.js';
import { inboxHref, LANGS, PRIORITIES, STATUSES, type InboxQuery } from './filters.js';
import { page, type PageFrame } from './layout.js';

/** A ticket's tags as small labels. */
export function tagList(tags: readonly string[]): SafeHtml {
  return html`${tags.map((tag) => html`<span class="tag">${tag}</span> `)}`;
}

/** The inbox's rows (with each ticket's tags): also served alone (`/desk/rows`) for the page to refresh them live. */
export function inboxRows(tickets: readonly EscalationView[], tags: ReadonlyMap<number, readonly string[]>, presenter: DeskPresenter, frame: Pick<PageFrame, 't'>): SafeHtml {
  const { t } = frame;
  if (tickets.length === 0)
    return html`<tr class="empty">
      <td colspan="6">${t('console.empty')}</td>
    </tr>`;
  return html`${tickets.map((ticket) => {
    const card = presenter.card(ticket);
    const sla =
      ticket.status === 'open'
        ? html`<time class="sla${card.sla.overdue ? ' overdue' : ''}" datetime="${card.sla.dueAt}" data-due="${card.sla.dueAt}">${card.sla.text}</time>`
        : html`<span class="sla done">—</span>`;
    return html`<tr class="ticket prio-${ticket.priority} status-${ticket.status}" data-ticket-id="${ticket.id}">
      <td><a class="number" href="/desk/tickets/${ticket.number}">${ticket.number}</a> ${tagList(tags.get(ticket.id) ?? [])}</td>
      <td><span class="badge prio-${ticket.priority}">${t(`priority.${ticket.priority}`)}</span></td>
      <td>${card.statusLabel}</td>
      <td>${ticket.displayName ?? ticket.userId} <small>${ticket.channel} · ${ticket.lang}</small></td>
      <td class="summary">${ticket.summary}</td>
      <td>${sla}</td>
    </tr>`;
  })}`;
}

function option(value: string, label: string, selected: boolean): SafeHtml {
  return html`<option value="${value}" ${selected ? html`selected` : ''}>${label}</option>`;
}

function filters(query: InboxQuery, tagsInUse: readonly string[], frame: PageFrame): SafeHtml {
  const { t } = frame;
  return html`<form class="filters" method="get" action="/desk" role="search">
    <input type="search" name="q" value="${query.q}" placeholder="${t('console.filter.search')}" aria-label="${t('console.filter.search')}" maxlength="200" />
    <label
      >${t('console.filter.status')}
      <select name="status">
        ${option('active', t('console.filter.active'), query.status === 'active')} ${STATUSES.map((status) => option(status, t(`status.${status}`), query.status === status))}
        ${option('all', t('console.filter.all'), query.status === 'all')}
      </select></label
    >
    <label
      >${t('console.filter.priority')}
      <select name="priority">
        ${option('', t('console.filter.any'), !query.priority)} ${PRIORITIES.map((priority) => option(priority, t(`priority.${priority}`), query.priority === priority))}
      </select></label
    >
    <label
      >${t('console.filter.channel')}
      <select name="channel">
        ${option('', t('console.filter.any'), !query.channel)} ${CHANNEL_NAMES.map((channel) => option(channel, channel, query.channel === channel))}
      </select></label
    >
    <label
      >${t('console.filter.lang')}
      <select name="lang">
        ${option('', t('console.filter.any'), !query.lang)} ${LANGS.map((lang) => option(lang, t(`console.lang.${lang}`), query.lang === lang))}
      </select></label
    >
    <label
      >${t('console.filter.tag')}
      <input name="tag" value="${query.tag}" list="tags-in-use" maxlength="32" size="10" />
      <datalist id="tags-in-use">${tagsInUse.map((tag) => html`<option value="${tag}"></option>`)}</datalist></label
    >
    <label><input type="checkbox" name="mine" value="1" ${query.mine ? html`checked` : ''} /> ${t('console.filter.mine')}</label>
    <label><input type="checkbox" name="unassigned" value="1" ${query.unassigned ? html`checked` : ''} /> ${t('console.filter.unassigned')}</label>
    <button type="submit">${t('console.filter.apply')}</button>
  </form>`;
}

/** `/desk`: the filters, one page of tickets (`next`: where the next page starts), and a switch for desktop notifications of urgent tickets. */
export function inboxPage(frame: PageFrame, query: InboxQuery, tagsInUse: readonly string[], rows: SafeHtml, next?: string): SafeHtml {
  const { t } = frame;
  const body = html`<div class="inbox-head">
      <h1>${t('console.inbox')}</h1>
      <button type="button" id="notify" hidden>${t('console.notify.enable')}</button>
    </div>
    ${filters(query, tagsInUse, frame)}
    <table class="inbox">
      <thead>
        <tr>
          <th>${t('console.column.ticket')}</th>
          <th>${t('console.column.priority')}</th>
          <th>${t('console.column.status')}</th>
          <th>${t('console.column.user')}</th>
          <th>${t('console.column.summary')}</th>
          <th>${t('console.column.sla')}</th>
        </tr>
      </thead>
      <tbody id="rows">
        ${rows}
      </tbody>
    </table>
    <nav class="pager">
      ${query.after ? html`<a href="${inboxHref(query)}">${t('console.page.first')}</a>` : ''} ${next ? html`<a class="next" href="${inboxHref(query, next)}">${t('console.page.next')}</a>` : ''}
    </nav>`;
  return page(frame, body);
}
