import type { DeskCard, EscalationDetail, TranscriptLine } from '../../src/core/index.js';
import { html, type SafeHtml } from '../web/help/html.js';
import { csrfField, page, type PageFrame } from './layout.js';
import type { Say } from './texts.js';

/** A ticket as the ticket page shows it: the desk presenter's card, the ticket, its transcript with the bot's decisions. */
export interface TicketModel {
  readonly card: DeskCard;
  readonly ticket: EscalationDetail;
  readonly transcript: readonly TranscriptLine[];
}

function when(iso: string): SafeHtml {
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC</time>`;
}

function speaker(line: TranscriptLine, model: TicketModel, t: Say): string {
  if (line.from === 'user') return model.ticket.displayName ?? t('console.from.user');
  if (line.from === 'agent') return line.agent ?? t('console.from.agent');
  return t('console.from.bot');
}

function transcript(model: TicketModel, t: Say): SafeHtml {
  return html`<ol class="transcript">
    ${model.transcript.map(
      (line) =>
        html`<li class="msg from-${line.from}">
          <div class="meta"><strong>${speaker(line, model, t)}</strong> ${when(line.at)}</div>
          <div class="text">${line.text}</div>
          ${line.intent ? html`<div class="decision">${t('console.ticket.decision', { intent: line.intent, confidence: line.confidence ?? '-', action: line.action ?? '-' })}</div>` : ''}
        </li>`,
    )}
  </ol>`;
}

function audit(model: TicketModel): SafeHtml {
  return html`<table class="audit">
    <tbody>
      ${model.ticket.events.map(
        (event) =>
          html`<tr>
            <td>${when(event.at)}</td>
            <td>${event.actor}</td>
            <td>${event.action}</td>
            <td>${event.note ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function actions(model: TicketModel, csrfToken: string, t: Say): SafeHtml {
  const { card } = model;
  return html`<div class="actions">
    ${card.actions.map(
      (action) =>
        html`<form method="post" action="/desk/tickets/${card.number}/${action.action}" class="action action-${action.action}">
          ${csrfField(csrfToken)}
          ${action.action === 'resolve' ? html`<input name="note" maxlength="2000" placeholder="${t('console.ticket.resolutionNote')}" aria-label="${t('console.ticket.resolutionNote')}" />` : ''}
          <button type="submit" class="${action.style}">${action.label}</button>
        </form>`,
    )}
  </div>`;
}

/** The part of the ticket page that changes with the ticket (served alone for live refreshes): card, actions, conversation, audit trail. */
export function ticketLive(model: TicketModel, frame: PageFrame & { agent: NonNullable<PageFrame['agent']> }): SafeHtml {
  const { t } = frame;
  const { card } = model;
  return html`<div class="card prio-${card.priority}">
      <p class="badges">
        <span class="badge prio-${card.priority}">${card.priorityLabel}</span> <span class="status">${card.statusLabel}</span>
        <span class="sla${card.sla.overdue ? ' overdue' : ''}">${card.sla.label}: ${card.sla.text}</span>
      </p>
      <blockquote class="description">${card.description}</blockquote>
      <h2>${t('console.ticket.details')}</h2>
      <dl class="fields">
        ${card.fields.map(
          (field) =>
            html`<dt>${field.label}</dt>
              <dd>${field.value}</dd>`,
        )}
      </dl>
      ${actions(model, frame.agent.csrfToken, t)}
    </div>
    <section>
      <h2>${t('console.ticket.transcript')}</h2>
      ${transcript(model, t)}
    </section>
    <section>
      <h2>${t('console.ticket.audit')}</h2>
      ${audit(model)}
    </section>`;
}

/** `/desk/tickets/<number>`: the ticket, what the agent may do now, a reply box and a note box. */
export function ticketPage(model: TicketModel, frame: PageFrame & { agent: NonNullable<PageFrame['agent']> }, notice?: { text: string; error: boolean }): SafeHtml {
  const { t } = frame;
  const { card } = model;
  const body = html`<nav class="crumbs"><a href="/desk">← ${t('console.ticket.back')}</a></nav>
    <h1>${card.title}</h1>
    ${notice ? html`<p class="${notice.error ? 'error' : 'notice'}" role="${notice.error ? 'alert' : 'status'}">${notice.text}</p>` : ''}
    <div class="ticket-grid">
      <div id="live">${ticketLive(model, frame)}</div>
      <aside class="compose">
        <form method="post" action="/desk/tickets/${card.number}/reply" class="reply">
          ${csrfField(frame.agent.csrfToken)}
          <label for="reply-text">${t('console.ticket.reply')}</label>
          <textarea id="reply-text" name="text" rows="5" maxlength="4000" required></textarea>
          <button type="submit" class="primary">${t('console.ticket.send')}</button>
        </form>
        <form method="post" action="/desk/tickets/${card.number}/note" class="note">
          ${csrfField(frame.agent.csrfToken)}
          <label for="note-text">${t('console.ticket.note')}</label>
          <textarea id="note-text" name="text" rows="3" maxlength="4000" required></textarea>
          <button type="submit">${t('console.ticket.addNote')}</button>
        </form>
      </aside>
    </div>`;
  return page(frame, body);
}
