/** A report as CSV: one `metric,value` row per figure, nested keys joined with dots (`csat.byChannel.web.average`). */
export function toCsv(report: object): string {
  const rows: string[] = ['metric,value'];
  const walk = (value: unknown, path: string): void => {
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
      return;
    }
    rows.push(`${cell(path)},${cell(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '')}`);
  };
  walk(report, '');
  return `${rows.join('\n')}\n`;
}

/** A CSV cell, quoted when it must be; a leading formula character is defused for spreadsheets. */
function cell(text: string): string {
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
