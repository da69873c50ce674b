import type { Brain } from '../nlu/brain.js';

/**
 * The brain the pipeline uses now. A retrained brain replaces it whole with {@link BrainHolder.swap}:
 * a turn runs synchronously, so it reads one brain from start to end, and the next turn the new one.
 */
export class BrainHolder {
  #current: Brain;
  #generation = 0;

  constructor(initial: Brain) {
    this.#current = initial;
  }

  /** The brain in use. */
  get current(): Brain {
    return this.#current;
  }

  /** How many times the brain was swapped since start. */
  get generation(): number {
    return this.#generation;
  }

  /** Puts a fully built brain in use. */
  swap(next: Brain): void {
    this.#current = next;
    this.#generation += 1;
  }
}
