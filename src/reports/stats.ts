/** `part / whole`, rounded to 3 decimals; 0 when there is nothing to divide. */
export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000;
}

/** The nearest-rank percentile `p` (0-100) of `values`; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Customer satisfaction over 1-5 ratings: how many, their average, and the share of 4s and 5s (CSAT). */
export interface Satisfaction {
  readonly responses: number;
  readonly average: number | null;
  readonly csat: number | null;
}

/** The {@link Satisfaction} of `ratings`. */
export function satisfaction(ratings: readonly number[]): Satisfaction {
  if (ratings.length === 0) return { responses: 0, average: null, csat: null };
  const sum = ratings.reduce((total, value) => total + value, 0);
  return { responses: ratings.length, average: Math.round((sum / ratings.length) * 100) / 100, csat: rate(ratings.filter((value) => value >= 4).length, ratings.length) };
}

/** Groups `items` by `key` and maps each group with `of`, keys in sorted order. */
export function groupBy<T, R>(items: readonly T[], key: (item: T) => string, of: (group: T[]) => R): Record<string, R> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return Object.fromEntries([...groups.keys()].sort().map((name) => [name, of(groups.get(name)!)]));
}
