/** Markup that may be inserted as it is: made by {@link html}, so every value in it was escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
}

/** What {@link html} accepts in a `${}`: text (escaped), markup, lists of either; nothing for `undefined`, `null`, `false`. */
export type HtmlValue = SafeHtml | string | number | readonly HtmlValue[] | undefined | null | false;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an HTML element or a quoted attribute value. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return String(value);
  return value.map(render).join('');
}

/**
 * A template tag for markup: every value is escaped unless it is already {@link SafeHtml}, so
 * user input (the search query) can only ever be text.
 * @example html`<p>${query}</p>` // query "<script>" renders as &lt;script&gt;
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, string, i) => out + string + (i < values.length ? render(values[i]) : ''), ''));
}
