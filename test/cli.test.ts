import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './support/cli.js';
import { tempDir } from './support/temp.js';

// The CLI is a contract (DESIGN.md): checks and scripts call it exactly like this. Commands run
// in-process through the program; the last test runs the real entry point as its own process.
describe('command line', { timeout: 120_000 }, () => {
  const temp = tempDir();
  const env = { DATABASE_PATH: `${temp.dir}/cli.sqlite` };
  afterAll(() => temp.cleanup());

  it('classify --json prints the decision of one message', async () => {
    const run = await runCli(['classify', '--json', '我的账户被锁定了,怎么解锁'], env);
    expect(run.code).toBe(0);
    const decision = JSON.parse(run.stdout);
    expect(Object.keys(decision).sort()).toEqual(['action', 'confidence', 'faqId', 'intent', 'lang', 'reply', 'text']);
    expect(decision).toMatchObject({ lang: 'zh', intent: 'account.locked', action: 'answer' });
    expect(decision.reply).toMatch(/锁/);
  });

  it('classify --jsonl answers one line per input, in order, and survives a bad line', async () => {
    const input = [{ text: 'my withdrawal was rejected, why?' }, { text: 'what will the price of ETH be next week' }, { text: 'someone stole all my coins, my account is hacked' }]
      .map((line) => JSON.stringify(line))
      .concat(['not json'])
      .join('\n');
    const run = await runCli(['classify', '--jsonl'], env, input);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ text: 'my withdrawal was rejected, why?', lang: 'en', intent: 'withdrawal.not_received', action: 'answer' });
    expect(['fallback', 'clarify']).toContain(lines[1].action);
    expect(lines[2]).toMatchObject({ intent: 'security.account_compromised', action: 'escalate' });
    expect(lines[3]).toMatchObject({ error: 'not valid JSON' });
  });

  it('chat --jsonl runs the full pipeline, tickets included', async () => {
    const input = [
      { user: 'u1', text: 'hello' },
      { user: 'u1', text: 'my account was hacked!' },
      { user: 'u2', text: 'how do I enable 2FA?' },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n');
    const run = await runCli(['chat', '--jsonl'], env, input);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ user: 'u1', intent: 'smalltalk.greeting', action: 'answer' });
    expect(lines[1].escalation).toMatchObject({ priority: 'urgent' });
    expect(lines[1].replies.map((reply: { kind: string }) => reply.kind)).toContain('escalation');
    expect(lines[2]).toMatchObject({ user: 'u2', intent: 'security.account_protection' });
    const list = await runCli(['escalations', 'list', '--json'], env);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ channel: 'cli', userId: 'u1', priority: 'urgent', status: 'open' })]);
  });

  it('chat talks to a terminal user: answers, numbered buttons, commands', async () => {
    const run = await runCli(['chat', '--user', 'ann'], env, 'how do I enable 2FA\n1\n/status\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/bot> Two-step verification/);
    expect(run.stdout).toMatch(/\[1\] Yes/);
    expect(run.stdout).toMatch(/bot> Great, glad I could help!/);
    expect(run.stdout).toMatch(/bot> You have no open ticket/);
  });

  it('eval trains on one CSV and measures on another', async () => {
    const rows = (pairs: [string, string][]) => ['text,category', ...pairs.map(([text, label]) => `"${text}",${label}`)].join('\n');
    writeFileSync(
      `${temp.dir}/train.csv`,
      rows([
        ['my card has not arrived', 'card_arrival'],
        ['when will my card arrive', 'card_arrival'],
        ['card still not delivered', 'card_arrival'],
        ['how do I top up my account', 'top_up'],
        ['add money to my balance', 'top_up'],
        ['top up with a bank transfer', 'top_up'],
      ]),
    );
    writeFileSync(
      `${temp.dir}/test.csv`,
      rows([
        ['is my card arriving soon', 'card_arrival'],
        ['how can I add money', 'top_up'],
      ]),
    );
    const run = await runCli(['eval', '--train', `${temp.dir}/train.csv`, '--test', `${temp.dir}/test.csv`, '--json'], env);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result).sort()).toEqual(['accuracy', 'n', 'p50Us', 'p95Us', 'rssMb', 'trainMs']);
    expect(result.n).toBe(2);
    expect(result.accuracy).toBe(1);
    const missing = await runCli(['eval', '--train', `${temp.dir}/nope.csv`, '--test', `${temp.dir}/test.csv`], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/nope\.csv/);
  });

  it('explains usage errors', async () => {
    const run = await runCli(['classify'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/classify needs a text/);
    const desk = await runCli(['escalations', 'claim', '1'], env);
    expect(desk.code).toBe(2);
    expect(desk.stderr).toMatch(/--agent/);
  });

  it('says why the desk refused in its exit code: 3 not an agent, 4 no such ticket', async () => {
    const stranger = await runCli(['escalations', 'claim', '1', '--agent', 'eve'], { ...env, AGENT_IDS: 'cli:alice' });
    expect(stranger.code).toBe(3);
    expect(stranger.stderr).toMatch(/^error: /);
    const missing = await runCli(['escalations', 'show', 'T-9999'], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^error: .*T-9999/);
  });

  it("runs as its own process: `npm run cli -- <command>` prints and exits with the command's code", async () => {
    const list = await spawnCli(['escalations', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ channel: 'cli', userId: 'u1' })]);
    const missing = await spawnCli(['escalations', 'show', 'T-9999'], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^error: .*T-9999/);
  });
});

/** One parsed object per line of a `--jsonl` run's output. */
function jsonLines(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}
