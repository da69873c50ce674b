import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/services.js';
import { runCli } from '../support/cli.js';
import { describeEachEngine } from '../support/engines.js';

/** Four ways of asking one question the bot cannot answer (loans against crypto). */
const LOAN = ['can I get a loan against my crypto', 'do you offer crypto loans', 'do you do crypto loans', 'I want a loan using my crypto'];
/** Misses about other things, one each. */
const OTHERS = ['who won the football match yesterday', 'tell me a joke about cats', 'what is the weather tomorrow'];

describeEachEngine('kb review', (engine) => {
  let env: Record<string, string>;
  let services: Services;

  beforeAll(async () => {
    const config = await engine.config();
    // The CLI on the same database: the SQLite file, or Postgres with DATABASE_URL.
    env = { DATABASE_PATH: config.databasePath, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}), LOG_LEVEL: 'silent' };
    services = await createServices(config);
    // Each asked by someone new on the web chat, through the real pipeline, which records the misses.
    for (const [i, text] of [...LOAN, ...OTHERS].entries()) {
      const { decision } = await services.bot.process({ channel: 'web', userId: `visitor-${i}`, conversation: { visitorId: `visitor-${i}` }, text });
      expect(['fallback', 'clarify']).toContain(decision?.action);
    }
  }, 60_000);
  afterAll(async () => {
    await services?.close();
  });

  it('groups paraphrases of one missed question, with counts, examples and the closest intent', { timeout: 60_000 }, async () => {
    const run = await runCli(['kb', 'review', '--json'], env);
    expect(run.code).toBe(0);
    const groups = JSON.parse(run.stdout) as { count: number; ids: number[]; examples: string[]; reasons: Record<string, number>; closestIntent: { intent: string } }[];
    expect(groups[0]!.count).toBe(LOAN.length);
    expect(LOAN).toContain(groups[0]!.examples[0]);
    expect(groups[0]!.examples.every((example) => LOAN.includes(example))).toBe(true);
    expect(Object.values(groups[0]!.reasons).reduce((a, b) => a + b, 0)).toBe(LOAN.length);
    expect(groups.slice(1).map((group) => group.count)).toEqual(OTHERS.map(() => 1));
    expect(
      groups
        .slice(1)
        .flatMap((group) => group.examples)
        .sort(),
    ).toEqual([...OTHERS].sort());
    expect(typeof groups[0]!.closestIntent.intent).toBe('string');

    // Dismissed questions leave the review; the dismissal is in the edit history.
    const dismiss = await runCli(['kb', 'dismiss', '--agent', 'ann', ...groups[0]!.ids.map(String)], env);
    expect(dismiss).toMatchObject({ code: 0, stdout: `dismissed ${LOAN.length} questions\n` });
    const after = JSON.parse((await runCli(['kb', 'review', '--json'], env)).stdout) as { count: number }[];
    expect(after.map((group) => group.count)).toEqual(OTHERS.map(() => 1));
    const history = JSON.parse((await runCli(['kb', 'history', '--json', '--limit', '1'], env)).stdout) as { action: string; actor: string }[];
    expect(history[0]).toMatchObject({ action: 'dismiss', actor: 'cli:ann' });
    expect((await runCli(['kb', 'review'], env)).stdout).toMatch(/^1x \(fallback 1\)/m);
  });
});
