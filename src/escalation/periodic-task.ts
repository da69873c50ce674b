/**
 * An async job run every `intervalMs` and on demand, never overlapping itself: a call while
 * a run is in progress shares that run. The timer does not keep the process alive. A run the
 * timer started that rejects is handed to `onError` (the job should catch and log its own
 * failures; this is the backstop): no rejection escapes a timer tick.
 */
export class PeriodicTask<T> {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<T> | undefined;

  constructor(
    private readonly job: () => Promise<T>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Starts the timer (idempotent). */
  start(): void {
    this.#timer ??= setInterval(() => this.runQuietly(), this.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress (whether it succeeds or not). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** Runs the job now, or joins the run in progress. */
  run(): Promise<T> {
    this.#running ??= this.job().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** {@link run}, for callers that do not wait (a timer, a nudge): a rejection goes to `onError`. */
  runQuietly(): void {
    this.run().catch((error: unknown) => this.onError(error));
  }
}
