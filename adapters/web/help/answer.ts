import { html, type SafeHtml } from './html.js';

/**
 * Links in an answer's text: http(s) URLs (up to a space, a bracket or a Chinese character),
 * this bot's own relative help pages (`/help/<id>`), and e-mail addresses. The web chat's
 * `public/app.js` finds links the same way.
 */
const LINK = /https?:\/\/[^\s<>()（）\u3000-\u9fff\uff00-\uffef]+|(?<![\w/])\/help\/[\w-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** Punctuation that ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?'"]+$/;

/** A line of text with its links made clickable. */
function linkify(text: string): SafeHtml[] {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const link = match[0].replace(TRAILING, '');
    const start = match.index;
    parts.push(html`${text.slice(last, start)}`);
    const href = link.includes('@') && !link.includes('/') ? `mailto:${link}` : link;
    parts.push(html`<a href="${href}">${link}</a>`);
    last = start + link.length;
  }
  parts.push(html`${text.slice(last)}`);
  return parts;
}

type Block = { kind: 'p'; line: string } | { kind: 'ol' | 'ul'; items: string[] };

const NUMBERED = /^\s*\d+[.、)]\s*/;
const BULLET = /^\s*[-•]\s+/;

/**
 * An FAQ answer (plain text with line breaks, "1." numbered steps and "-" bullets) as HTML:
 * paragraphs and lists, links clickable, everything else escaped.
 */
export function renderAnswer(text: string): SafeHtml {
  const blocks: Block[] = [];
  for (const line of text.split('\n').filter((line) => line.trim() !== '')) {
    const kind = NUMBERED.test(line) ? 'ol' : BULLET.test(line) ? 'ul' : 'p';
    const previous = blocks.at(-1);
    if (kind === 'p') blocks.push({ kind, line });
    else if (previous?.kind === kind) previous.items.push(line.replace(kind === 'ol' ? NUMBERED : BULLET, ''));
    else blocks.push({ kind, items: [line.replace(kind === 'ol' ? NUMBERED : BULLET, '')] });
  }
  return html`${blocks.map((block) =>
    block.kind === 'p'
      ? html`<p>${linkify(block.line)}</p>`
      : block.kind === 'ol'
        ? html`<ol>
            ${block.items.map((item) => html`<li>${linkify(item)}</li>`)}
          </ol>`
        : html`<ul>
            ${block.items.map((item) => html`<li>${linkify(item)}</li>`)}
          </ul>`,
  )}`;
}
