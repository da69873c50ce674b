import { html, type SafeHtml } from '../web/help/html.js';
import { page, type PageFrame } from './layout.js';
import type { ReportView, SatisfactionView } from './operations.js';
import { periodPicker, type ChosenPeriod } from './period-picker.js';

/** The period the reports page covers unless the admin picks another. */
export const REPORT_PERIOD = '7d';

/** Hand-off reasons, in the report's order. */
const REASONS = ['asked', 'failed_twice', 'rejected_answer', 'urgent_intent'] as const;

/** The CSAT breakdowns, and where each is in the report. */
const DIMENSIONS = ['intent', 'lang', 'channel', 'agent'] as const;
const BREAKDOWN = { intent: 'byIntent', lang: 'byLanguage', channel: 'byChannel', agent: 'byAgent' } as const;

function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 1000) / 10}%`;
}

/** A bar chart drawn by Chart.js (`reports.js`) from its `data-chart` attribute (labels, one series). */
function chart(id: string, label: string, labels: readonly string[], values: readonly number[]): SafeHtml {
  return html`<figure class="chart">
    <figcaption>${label}</figcaption>
    <canvas id="${id}" role="img" aria-label="${label}" data-chart="${JSON.stringify({ label, labels, values })}"></canvas>
  </figure>`;
}

function csatTable(title: string, groups: Readonly<Record<string, SatisfactionView>>): SafeHtml {
  return html`<table class="csat">
    <caption>
      ${title}
    </caption>
    <tbody>
      ${Object.entries(groups).map(
        ([name, group]) =>
          html`<tr>
            <th>${name}</th>
            <td>${percent(group.csat)}</td>
            <td>${group.responses}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The reports page (admins) of `period`: the key figures, charts of hand-off reasons and volume by hour, helpfulness and CSAT tables. */
export function reportsPage(report: ReportView, period: ChosenPeriod, frame: PageFrame): SafeHtml {
  const { t } = frame;
  const figures: [string, string][] = [
    [t('console.reports.conversations'), String(report.conversations.total)],
    [t('console.reports.resolution'), percent(report.automatedResolution.rate)],
    [t('console.reports.handoff'), percent(report.handoff.rate)],
    [t('console.reports.fallback'), percent(report.fallback.fallbackRate)],
    [t('console.reports.clarify'), percent(report.fallback.clarifyRate)],
    [t('console.reports.csat'), percent(report.csat.csat)],
    [t('console.reports.firstReply'), `${report.firstReply.p50Minutes ?? '—'} / ${report.firstReply.p90Minutes ?? '—'}`],
    [t('console.reports.breaches'), `${report.firstReply.breaches} / ${report.firstReply.tickets}`],
  ];
  const helpful = Object.entries(report.helpful);
  return page(
    frame,
    html`<section class="reports">
      <h1>${t('console.nav.reports')}</h1>
      ${periodPicker(period, '/desk/reports', t)}
      <dl class="figures">
        ${figures.map(
          ([label, value]) =>
            html`<div>
              <dt>${label}</dt>
              <dd>${value}</dd>
            </div>`,
        )}
      </dl>
      ${chart(
        'chart-reasons',
        t('console.reports.reasons'),
        REASONS.map((reason) => t(`console.reports.reason.${reason}`)),
        REASONS.map((reason) => report.handoff.reasons[reason] ?? 0),
      )}
      ${chart(
        'chart-volume',
        t('console.reports.volume'),
        report.volumeByHour.map((_, hour) => String(hour)),
        report.volumeByHour,
      )}
      <table class="helpful">
        <caption>
          ${t('console.reports.helpful')}
        </caption>
        <thead>
          <tr>
            <th></th>
            <th>${t('console.reports.yes')}</th>
            <th>${t('console.reports.no')}</th>
          </tr>
        </thead>
        <tbody>
          ${helpful.map(
            ([faqId, votes]) =>
              html`<tr>
                <th>${faqId}</th>
                <td>${votes.yes}</td>
                <td>${votes.no}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${DIMENSIONS.map((dimension) => csatTable(t('console.reports.csatBy', { dimension: t(`console.reports.by.${dimension}`) }), report.csat[BREAKDOWN[dimension]]))}
    </section>`,
  );
}
