import type { MessageKey } from '../../src/core/index.js';
import { html, type SafeHtml } from '../web/help/html.js';
import type { Say } from './texts.js';

/** The periods the reports and review pages offer; `custom` starts at a date the admin picks. */
export const PERIOD_CHOICES = ['24h', '7d', '30d', 'custom'] as const;

/** One of {@link PERIOD_CHOICES}. */
export type PeriodChoice = (typeof PERIOD_CHOICES)[number];

/** How far back a custom date may go. */
const MAX_CUSTOM_DAYS = 366;
const HOUR_MS = 3_600_000;
const DURATION_MS: Readonly<Record<Exclude<PeriodChoice, 'custom'>, number>> = { '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS };

/** The period a page shows: the choice, the custom date as typed, when it starts, and why the asked one was refused. */
export interface ChosenPeriod {
  readonly choice: PeriodChoice;
  /** The custom start date as the admin typed it (`YYYY-MM-DD`), kept to show again. */
  readonly date: string;
  readonly since: Date;
  readonly error?: MessageKey;
}

/**
 * The period a page's query (`?period=7d`, `?period=custom&since=2026-11-01`) asks for, checked:
 * an unknown choice, or a custom date that is malformed, in the future or over a year ago, falls
 * back to `fallback` with the reason in `error` (the typed date kept).
 */
export function chosenPeriod(query: Readonly<Record<string, unknown>>, fallback: Exclude<PeriodChoice, 'custom'>, now: Date): ChosenPeriod {
  const asked = typeof query.period === 'string' ? query.period : fallback;
  const date = typeof query.since === 'string' ? query.since.trim().slice(0, 10) : '';
  const standard = (choice: Exclude<PeriodChoice, 'custom'>, error?: MessageKey): ChosenPeriod => ({ choice, date, since: new Date(now.getTime() - DURATION_MS[choice]), error });
  if (asked !== 'custom') return asked in DURATION_MS ? standard(asked as Exclude<PeriodChoice, 'custom'>) : standard(fallback, 'console.period.invalid');
  const since = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!since || Number.isNaN(since.getTime()) || since.toISOString().slice(0, 10) !== date) return { ...standard(fallback, 'console.period.badDate'), choice: 'custom' };
  if (since.getTime() > now.getTime()) return { ...standard(fallback, 'console.period.future'), choice: 'custom' };
  if (now.getTime() - since.getTime() > MAX_CUSTOM_DAYS * 24 * HOUR_MS) return { ...standard(fallback, 'console.period.tooOld'), choice: 'custom' };
  return { choice: 'custom', date, since };
}

/** Hidden fields carrying the period through a POST form, so the page comes back with the same period. */
export function periodFields(period: ChosenPeriod): SafeHtml {
  return html`<input type="hidden" name="period" value="${period.choice}" /><input type="hidden" name="since" value="${period.date}" />`;
}

/** The picker: a GET form of the page at `action` with the choices and the custom date; a refused period's reason above it. */
export function periodPicker(period: ChosenPeriod, action: string, t: Say): SafeHtml {
  return html`<form method="get" action="${action}" class="period" aria-label="${t('console.period.label')}">
    ${period.error ? html`<p class="error" role="alert">${t(period.error)}</p>` : ''}
    <label
      >${t('console.period.label')}
      <select name="period">
        ${PERIOD_CHOICES.map((choice) => html`<option value="${choice}" ${period.choice === choice ? 'selected' : ''}>${t(`console.period.${choice}`)}</option>`)}
      </select></label
    >
    <label>${t('console.period.since')} <input type="date" name="since" value="${period.date}" /></label>
    <button type="submit">${t('console.period.show')}</button>
  </form>`;
}
