import { detectLanguage, INTENT_IDS, type Lang } from '../../src/core/index.js';
import { html, type SafeHtml } from '../web/help/html.js';
import { csrfField, page, type PageFrame } from './layout.js';
import type { MissedGroupView } from './operations.js';
import { periodFields, periodPicker, type ChosenPeriod } from './period-picker.js';
import type { ReviewAction, ReviewDraft } from './review-actions.js';
import type { Say } from './texts.js';

/** The period the review page covers unless the admin picks another. */
export const REVIEW_PERIOD = '30d';

/** What the review page shows: the groups of a period, the pickers' choices, and an edit being retried. */
export interface ReviewModel {
  readonly groups: readonly MissedGroupView[];
  readonly period: ChosenPeriod;
  /** The FAQ entries, for the "add as a question" picker. */
  readonly entries: readonly { readonly id: string; readonly intent: string }[];
  /** A refused edit: shown again in its group's form, exactly as typed, with the reason. */
  readonly refused?: { readonly draft: ReviewDraft; readonly reason: string };
  /** What the last action did. */
  readonly notice?: string;
}

type Frame = PageFrame & { agent: NonNullable<PageFrame['agent']> };

/**
 * The review page (admins): groups of similar missed questions, largest first, each dismissible
 * or turned into knowledge: a training phrase of an intent, a question of an FAQ entry, or a new
 * FAQ entry (answers in both languages). A refused edit comes back in its form with the reason.
 */
export function reviewPage(model: ReviewModel, frame: Frame): SafeHtml {
  const { t } = frame;
  const { groups, refused } = model;
  // A refused edit whose group is gone (dismissed meanwhile) still comes back, on its own.
  const shown = refused && !groups.some((group) => group.ids.join(',') === refused.draft.ids) ? [orphanGroup(refused.draft), ...groups] : groups;
  return page(
    frame,
    html`<section class="review">
      <h1>${t('console.nav.review')}</h1>
      ${periodPicker(model.period, '/desk/review', t)} ${model.notice ? html`<p class="notice" role="status">${model.notice}</p>` : ''}
      ${refused ? html`<p class="error" role="alert">${t('console.review.refused', { reason: refused.reason })}</p>` : ''}
      ${
        shown.length === 0
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
                ${shown.map((group) => groupRow(group, model, frame))}
              </tbody>
            </table>`
      }
    </section>`,
  );
}

function groupRow(group: MissedGroupView, model: ReviewModel, frame: Frame): SafeHtml {
  const { t } = frame;
  const ids = group.ids.join(',');
  const draft = model.refused?.draft.ids === ids ? model.refused.draft : undefined;
  const form = (action: ReviewAction, title: string, fields: SafeHtml) =>
    html`<details class="act" ${draft?.action === action ? 'open' : ''}>
      <summary>${title}</summary>
      <form method="post" action="/desk/review/${action}" data-action="${action}">
        ${csrfField(frame.agent.csrfToken)}${periodFields(model.period)}<input type="hidden" name="ids" value="${ids}" />
        ${fields}
        <button type="submit">${t('console.review.save')}</button>
      </form>
    </details>`;
  // What each field starts with: the admin's text after a refusal, else the group's best guess.
  const example = group.examples[0] ?? '';
  const lang: Lang = detectLanguage(example) === 'zh' ? 'zh' : 'en';
  const value = (action: ReviewAction, name: string, guess: string) => (draft?.action === action ? (draft.fields[name] ?? '') : guess);
  const closestFaq = group.closestFaq?.id ?? '';
  return html`<tr class="group" data-ids="${ids}">
    <td class="count">${group.count}</td>
    <td>
      <ul>
        ${group.examples.map((text) => html`<li>${text}</li>`)}
      </ul>
    </td>
    <td>${group.closestIntent.intent} (${group.closestIntent.confidence})<br /><small>${group.closestFaq?.id ?? '—'}</small></td>
    <td class="actions">
      <form method="post" action="/desk/review/dismiss">
        ${csrfField(frame.agent.csrfToken)}${periodFields(model.period)}<input type="hidden" name="ids" value="${ids}" /><button type="submit">${t('console.review.dismiss')}</button>
      </form>
      ${form(
        'add-phrase',
        t('console.review.addPhrase'),
        html`${select('intent', t('console.review.intent'), INTENT_IDS, value('add-phrase', 'intent', group.closestIntent.intent))}
        ${select('lang', t('console.review.lang'), ['en', 'zh'], value('add-phrase', 'lang', lang))} ${textField('text', t('console.review.text'), value('add-phrase', 'text', example))}`,
      )}
      ${form(
        'add-question',
        t('console.review.addQuestion'),
        html`${select(
          'entry',
          t('console.review.entry'),
          model.entries.map((entry) => entry.id),
          value('add-question', 'entry', closestFaq),
        )}
        ${select('lang', t('console.review.lang'), ['en', 'zh'], value('add-question', 'lang', lang))} ${textField('text', t('console.review.text'), value('add-question', 'text', example))}`,
      )}
      ${form(
        'create-entry',
        t('console.review.createEntry'),
        createFields(t, (name, guess) => value('create-entry', name, guess), group.closestIntent.intent, lang === 'en' ? example : '', lang === 'zh' ? example : ''),
      )}
    </td>
  </tr>`;
}

/** The "create an FAQ entry" form's fields: id, intent, a question and the answer in each language (all required). */
function createFields(t: Say, value: (name: string, guess: string) => string, intent: string, questionEn: string, questionZh: string): SafeHtml {
  return html`${textField('id', t('console.review.entryId'), value('id', ''), html`pattern="[a-z0-9]+(-[a-z0-9]+)*"`)}
    ${select('intent', t('console.review.intent'), INTENT_IDS, value('intent', intent))} ${textField('questionEn', t('console.review.questionEn'), value('questionEn', questionEn))}
    ${textField('questionZh', t('console.review.questionZh'), value('questionZh', questionZh))}
    <label>${t('console.review.answerEn')} <textarea name="answerEn" rows="3" maxlength="4000" required>${value('answerEn', '')}</textarea></label>
    <label>${t('console.review.answerZh')} <textarea name="answerZh" rows="3" maxlength="4000" required lang="zh">${value('answerZh', '')}</textarea></label>`;
}

function select(name: string, label: string, options: readonly string[], selected: string): SafeHtml {
  return html`<label
    >${label}
    <select name="${name}" required>
      ${options.map((option) => html`<option value="${option}" ${option === selected ? 'selected' : ''}>${option}</option>`)}
    </select></label
  >`;
}

function textField(name: string, label: string, value: string, extra: SafeHtml | '' = ''): SafeHtml {
  return html`<label>${label} <input type="text" name="${name}" value="${value}" maxlength="500" required ${extra} /></label>`;
}

/** A refused edit's group when it is no longer among the open ones: its ids and the typed text. */
function orphanGroup(draft: ReviewDraft): MissedGroupView {
  const example = draft.fields.text ?? draft.fields.questionEn ?? draft.fields.questionZh ?? '';
  return {
    count: draft.ids.split(',').filter(Boolean).length,
    ids: draft.ids.split(',').filter(Boolean).map(Number),
    examples: example ? [example] : [],
    closestIntent: { intent: 'none', confidence: 0 },
    closestFaq: null,
  };
}
