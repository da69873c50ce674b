import type { Priority } from '../contracts/index.js';

/** How many raised-priority tickets one network address may open in a window. */
export interface PriorityQuotaOptions {
  /** Urgent or high tickets per address per window; `0` turns the cap off. */
  readonly perAddress: number;
  readonly windowMs: number;
}

/** At most this many addresses are tracked; the idlest are forgotten first. */
const MAX_TRACKED = 50_000;

/**
 * Keeps a flood from one address from burying real users: past its quota of urgent and high
 * tickets in the window, a new ticket from that address is opened with normal priority (it is
 * still opened and still answered). In memory, per process, like the message rate limit.
 */
export class PriorityQuota {
  readonly #openedAt = new Map<string, number[]>();

  constructor(private readonly options: PriorityQuotaOptions = { perAddress: 3, windowMs: 60 * 60_000 }) {}

  /**
   * The priority a new ticket from `origin` gets: `wanted`, or `normal` once the address has used
   * its quota of raised priorities. Counts the raised ones it grants.
   */
  grant(origin: string | undefined, wanted: Priority, nowMs: number): Priority {
    if (!origin || wanted === 'normal' || this.options.perAddress === 0) return wanted;
    const recent = (this.#openedAt.get(origin) ?? []).filter((at) => nowMs - at < this.options.windowMs);
    this.#openedAt.delete(origin);
    if (recent.length >= this.options.perAddress) {
      this.#openedAt.set(origin, recent);
      return 'normal';
    }
    recent.push(nowMs);
    this.#openedAt.set(origin, recent);
    if (this.#openedAt.size > MAX_TRACKED) this.#openedAt.delete(this.#openedAt.keys().next().value!);
    return wanted;
  }
}
