/** The kinds of secret the bot refuses to keep (each is shown as `[redacted: <kind>]`). */
export type SecretKind = 'seed phrase' | 'private key' | 'password' | 'authenticator key';

/** A secret's place in the detection text: [start, end) in UTF-16 units. */
export interface Finding {
  readonly start: number;
  readonly end: number;
  readonly kind: SecretKind;
  /** A key-shaped string without any label: it may have been a transaction ID. */
  readonly unexplained?: boolean;
}

/** The NFKC-normalised text, with each of its UTF-16 units mapped back to the original's. */
export interface DetectionView {
  readonly text: string;
  /** For each unit of `text`: where its source character starts in the original. */
  readonly start: readonly number[];
  /** For each unit of `text`: where its source character ends in the original. */
  readonly end: readonly number[];
}

const INVISIBLE = /^\p{Cf}$/u;

/**
 * Normalises character by character so offsets map back: users type full-width letters, digits
 * and colons (Chinese IMEs), no-break and ideographic spaces; invisible format characters
 * (zero-width spaces) are dropped so they cannot hide a word from the word lists.
 */
export function detectionView(text: string): DetectionView {
  let normalized = '';
  const start: number[] = [];
  const end: number[] = [];
  let offset = 0;
  for (const char of text) {
    const mapped = INVISIBLE.test(char) ? '' : char.normalize('NFKC');
    normalized += mapped;
    for (let i = 0; i < mapped.length; i++) {
      start.push(offset);
      end.push(offset + char.length);
    }
    offset += char.length;
  }
  return { text: normalized, start, end };
}

/**
 * Replaces the findings (in view offsets) in the original text, overlapping ones by a single
 * placeholder named after the first secret in it; returns the kinds once each, in order.
 */
export function replaceFindings(text: string, view: DetectionView, findings: readonly Finding[]): { text: string; found: SecretKind[] } {
  const found: SecretKind[] = [];
  let result = '';
  let copied = 0;
  for (const span of mergeSpans(findings)) {
    for (const kind of span.kinds) if (!found.includes(kind)) found.push(kind);
    const start = view.start[span.start]!;
    const end = view.end[span.end - 1]!;
    result += `${text.slice(copied, start)}[redacted: ${span.kinds[0]}]`;
    copied = end;
  }
  return { text: result + text.slice(copied), found };
}

function mergeSpans(findings: readonly Finding[]): { start: number; end: number; kinds: SecretKind[] }[] {
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const spans: { start: number; end: number; kinds: SecretKind[] }[] = [];
  for (const finding of sorted) {
    const last = spans[spans.length - 1];
    if (last && finding.start < last.end) {
      last.end = Math.max(last.end, finding.end);
      if (!last.kinds.includes(finding.kind)) last.kinds.push(finding.kind);
    } else {
      spans.push({ start: finding.start, end: finding.end, kinds: [finding.kind] });
    }
  }
  return spans;
}
