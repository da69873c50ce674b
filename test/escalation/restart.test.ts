import { afterAll, describe, expect, it } from 'vitest';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

describe('restart safety', () => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it('keeps open tickets, the dialogue step and undelivered agent replies across a restart', async () => {
    const env = { AGENT_IDS: 'cli:alice' };
    const cliEnv = { DATABASE_PATH: `${temp.dir}/bot.sqlite`, AGENT_IDS: 'cli:alice' };
    const first = await startTestApp(env, temp.dir);
    // Visitor ids issued before the restart are still recognised after it.
    const [a, b] = [await newVisitor(first.url), await newVisitor(first.url)];
    // One user already has a claimed ticket; another is half-way through the detail dialogue.
    await webSay(first.url, a, { text: 'my account got hacked' });
    const [ticket] = first.services.desk.list({ status: ['open'] });
    first.services.desk.claim(ticket!.id, { channel: 'cli', userId: 'alice', name: 'alice' });
    await first.drainOutbox();
    await webSay(first.url, b, { text: 'I need to speak to a human agent' });
    const asked = await webSay(first.url, b, { text: 'login page says error 1003' });
    expect(asked.at(-1)!.text).toMatch(/When did it happen/);
    await first.dispose();

    // While the bot is down, the agent answers from the CLI desk: the reply waits in the outbox.
    const reply = await runCli(['escalations', 'reply', String(ticket!.id), '--agent', 'alice', 'We locked your account to keep it safe.'], cliEnv);
    expect(reply.code).toBe(0);

    const second = await startTestApp(env, temp.dir);
    try {
      const next = await webSay(second.url, b, { text: 'yesterday evening' });
      expect(next.at(-1)!.text).toMatch(/error message/);
      expect(second.services.desk.list({ status: ['claimed'] })[0]).toMatchObject({ id: ticket!.id, agent: 'alice' });
      await second.drainOutbox();
      expect(second.services.outbox.pendingCount()).toBe(0);
      const history = (await (await fetch(`${second.url}/api/chat/history?visitorId=${a}`)).json()).messages as { from: string; text: string }[];
      expect(history.at(-1)).toMatchObject({ from: 'agent', text: 'We locked your account to keep it safe.' });
    } finally {
      await second.dispose();
    }
  });
});
