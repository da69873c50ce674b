import type { CannedReply, DeskCard, EscalationDetail, ReplyDraft, TranscriptLine } from '../../src/core/index.js';
import { html, type SafeHtml } from '../web/help/html.js';
import { csrfField, page, type PageFrame } from './layout.js';
import type { Say } from './texts.js';

/** A ticket as the ticket page shows it: the desk presenter's card, the ticket, its transcript with the bot's decisions, its tags. */
export interface TicketModel {
  readonly card: DeskCard;
  readonly ticket: EscalationDetail;
  readonly transcript: readonly TranscriptLine[];
  readonly tags: readonly string[];
}

/** What the ticket page offers the agent to write and do besides the card's actions. */
export interface TicketTools {
  /** The agents the ticket may be given to (empty: this agent may not assign it). */
  readonly assignees: readonly { readonly login: string; readonly name: string }[];
  readonly canned: readonly CannedReply[];
  /** The brain's draft answer to the user's last message, if one matches. */
  readonly draft?: ReplyDraft;
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

function tagsPanel(model: TicketModel, csrfToken: string, t: Say): SafeHtml {
  const number = model.card.number;
  return html`<div class="tags">
    <h2>${t('console.ticket.tags')}</h2>
    <ul class="tag-list">
      ${model.tags.map(
        (tag) =>
          html`<li>
            <form method="post" action="/desk/tickets/${number}/untag">
              ${csrfField(csrfToken)}<input type="hidden" name="tag" value="${tag}" /><span class="tag">${tag}</span>
              <button type="submit" class="remove" aria-label="${t('console.ticket.removeTag', { tag })}" title="${t('console.ticket.removeTag', { tag })}">×</button>
            </form>
          </li>`,
      )}
    </ul>
    <form method="post" action="/desk/tickets/${number}/tag" class="add-tag">
      ${csrfField(csrfToken)}
      <input name="tag" maxlength="32" required placeholder="${t('console.ticket.newTag')}" aria-label="${t('console.ticket.newTag')}" />
      <button type="submit">${t('console.ticket.addTag')}</button>
    </form>
  </div>`;
}

function assignForm(model: TicketModel, tools: TicketTools, csrfToken: string, t: Say): SafeHtml {
  if (tools.assignees.length === 0) return html``;
  return html`<form method="post" action="/desk/tickets/${model.card.number}/assign" class="assign">
    ${csrfField(csrfToken)}
    <label for="assign-to">${t('console.ticket.assign')}</label>
    <select id="assign-to" name="to">
      ${tools.assignees.map((agent) => html`<option value="${agent.login}">${agent.name} (web:${agent.login})</option>`)}
    </select>
    <button type="submit">${t('console.ticket.assignButton')}</button>
  </form>`;
}

/** The brain's draft: shown as a suggestion, inserted into the reply box only when the agent asks. */
function draftPanel(draft: ReplyDraft | undefined, t: Say): SafeHtml {
  if (!draft) return html``;
  return html`<section class="draft" aria-labelledby="draft-heading">
    <h2 id="draft-heading">${t('console.ticket.draft')}</h2>
    <p class="draft-for">${t('console.ticket.draftFor', { question: draft.question })}</p>
    <blockquote id="draft-text" data-faq-id="${draft.faqId}">${draft.text}</blockquote>
    <button type="button" class="insert" data-insert-from="draft-text">${t('console.ticket.draftInsert')}</button>
  </section>`;
}

/** The canned replies in the ticket's language: Insert puts the picked one's text into the reply box (never sends it). */
function cannedPicker(tools: TicketTools, lang: 'en' | 'zh', t: Say): SafeHtml {
  if (tools.canned.length === 0) return html``;
  return html`<label for="canned">${t('console.ticket.canned')}</label>
    <div class="canned-picker">
      <select id="canned">
        <option value="">${t('console.ticket.cannedPick')}</option>
        ${tools.canned.map((reply) => html`<option value="${reply.id}" data-text="${reply.text[lang]}">${reply.title}</option>`)}
      </select>
      <button type="button" id="insert-canned">${t('console.ticket.cannedInsert')}</button>
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
      ${actions(model, frame.agent.csrfToken, t)} ${tagsPanel(model, frame.agent.csrfToken, t)}
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

/** `/desk/tickets/<number>`: the ticket, what the agent may do now, the brain's draft, a reply box (with canned replies), a note box, assignment. */
export function ticketPage(model: TicketModel, tools: TicketTools, frame: PageFrame & { agent: NonNullable<PageFrame['agent']> }, notice?: { text: string; error: boolean }): SafeHtml {
  const { t } = frame;
  const { card } = model;
  const body = html`<nav class="crumbs"><a href="/desk">← ${t('console.ticket.back')}</a></nav>
    <h1>${card.title}</h1>
    ${notice ? html`<p class="${notice.error ? 'error' : 'notice'}" role="${notice.error ? 'alert' : 'status'}">${notice.text}</p>` : ''}
    <div class="ticket-grid">
      <div id="live">${ticketLive(model, frame)}</div>
      <aside class="compose">
        ${draftPanel(tools.draft, t)}
        <form method="post" action="/desk/tickets/${card.number}/reply" class="reply">
          ${csrfField(frame.agent.csrfToken)} ${cannedPicker(tools, model.ticket.lang, t)}
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
        ${assignForm(model, tools, frame.agent.csrfToken, t)}
      </aside>
    </div>`;
  return page(frame, body);
}
