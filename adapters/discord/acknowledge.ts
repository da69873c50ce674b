/** How long the core may take before an interaction is acknowledged: Discord drops one not answered within 3 s. */
const ACKNOWLEDGE_AFTER_MS = 2_000;

/**
 * Waits for `answer`; if it takes longer than 2 s (a busy database), calls `acknowledge` meanwhile
 * (a deferred reply or update, which the answer then fills). Resolves once both are done.
 */
export async function answerInTime<T>(answer: Promise<T>, acknowledge: () => Promise<unknown>): Promise<T> {
  let acknowledging: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    acknowledging = acknowledge().catch(() => undefined);
  }, ACKNOWLEDGE_AFTER_MS);
  try {
    return await answer;
  } finally {
    clearTimeout(timer);
    await acknowledging;
  }
}
