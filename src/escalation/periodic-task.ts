/**
 * An async job run every `intervalMs` and on demand, never overlapping itself: a call while
 * a run is in progress shares that run. The timer does not keep the process alive.
 */
export class PeriodicTask<T> {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<T> | undefined;

  constructor(
    private readonly job: () => Promise<T>,
    private readonly intervalMs: number,
  ) {}

  /** Starts the timer (idempotent). */
  start(): void {
    this.#timer ??= setInterval(() => void this.run(), this.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Runs the job now, or joins the run in progress. */
  run(): Promise<T> {
    this.#running ??= this.job().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }
}
