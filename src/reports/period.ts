/** Milliseconds per unit of a period such as `7d`, `24h` or `30m`. */
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** The window a report covers: `[since, until)`. */
export interface Period {
  readonly since: Date;
  readonly until: Date;
}

/**
 * The period ending at `until` that `spec` names: a duration (`7d`, `24h`, `90m`, `2w`) or a past
 * ISO date (`2026-11-01`); undefined when it is neither.
 */
export function parsePeriod(spec: string, until: Date): Period | undefined {
  const duration = /^(\d+)([mhdw])$/.exec(spec.trim());
  if (duration) return { since: new Date(until.getTime() - Number(duration[1]) * UNIT_MS[duration[2]!]!), until };
  const date = Date.parse(spec);
  if (Number.isNaN(date) || date >= until.getTime()) return undefined;
  return { since: new Date(date), until };
}
