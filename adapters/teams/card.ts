import type { Attachment } from 'botbuilder';
import type { CardActionStyle, DeskCard, Priority } from '../../src/core/index.js';

/** The content type of an Adaptive Card attachment. */
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

const PRIORITY_COLOUR: Record<Priority, string> = { urgent: 'Attention', high: 'Warning', normal: 'Accent' };
const ACTION_STYLE: Record<CardActionStyle, string> = { primary: 'positive', success: 'positive', secondary: 'default' };

/** An Adaptive Card (schema 1.4), as posted, updated and returned to `Action.Execute`. */
export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly $schema: string;
  readonly version: string;
  readonly body: readonly Record<string, unknown>[];
  readonly actions: readonly Record<string, unknown>[];
}

/**
 * Renders the presenter's card model as an Adaptive Card: the title, status and priority, the
 * user's words, the labelled fields and the SLA as a fact set, and the model's actions as
 * `Action.Submit` buttons whose `data` carries the codec payload (Teams posts it back as the
 * `value` of a message activity). Every value is escaped: a user's words never become markdown.
 */
export function renderCard(card: DeskCard): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: plain(card.title), weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: plain(`${card.statusLabel} · ${card.priorityLabel}`), color: card.done ? 'Default' : PRIORITY_COLOUR[card.priority], spacing: 'None', wrap: true },
      { type: 'TextBlock', text: plain(card.description) || '—', wrap: true },
      {
        type: 'FactSet',
        facts: [
          ...card.fields.map((field) => ({ title: plain(field.label), value: plain(field.value) || '—' })),
          { title: plain(card.sla.label), value: `${card.sla.overdue ? '⏰ ' : ''}${plain(card.sla.text)}` },
        ],
      },
    ],
    actions: card.actions.map((action) => ({ type: 'Action.Submit', title: action.label, style: ACTION_STYLE[action.style], data: { payload: action.payload } })),
  };
}

/** An Adaptive Card as a message attachment. */
export function cardAttachment(card: AdaptiveCard): Attachment {
  return { contentType: ADAPTIVE_CARD, content: card };
}

/** Escapes what Adaptive Card markdown would read (emphasis, links, code), so text shows as typed. */
function plain(text: string): string {
  return text.replace(/[\\*_[\]()`~#>]/g, (char) => `\\${char}`);
}
