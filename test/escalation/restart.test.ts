import { afterAll, describe, expect, it } from 'vitest';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { FakeTelegram, until } from '../support/fake-telegram.js';
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
    const [ticket] = await first.services.desk.list({ status: ['open'] });
    await first.services.desk.claim(ticket!.id, { channel: 'cli', userId: 'alice', name: 'alice' });
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
      expect((await second.services.desk.list({ status: ['claimed'] }))[0]).toMatchObject({ id: ticket!.id, agent: 'alice' });
      await second.drainOutbox();
      expect(await second.services.outbox.pendingCount()).toBe(0);
      const history = (await (await fetch(`${second.url}/api/chat/history?visitorId=${a}`)).json()).messages as { from: string; text: string }[];
      expect(history.at(-1)).toMatchObject({ from: 'agent', text: 'We locked your account to keep it safe.' });
    } finally {
      await second.dispose();
    }
  });

  it('gives the rows it was still delivering back on stop, so the next instance on the database sends them at once', async () => {
    const dir = tempDir();
    const telegram = await FakeTelegram.start();
    const env = { AGENT_IDS: 'cli:alice', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot };
    try {
      telegram.addChat({ id: 7301, type: 'private', first_name: 'Waiting' });
      const first = await startTestApp(env, dir.dir);
      await first.services.bot.handle({ channel: 'telegram', userId: '7301', conversation: { chatId: 7301 }, text: 'someone hacked my account and stole all my BTC' });
      const [ticket] = await first.services.desk.list({ channel: 'telegram' });
      // Telegram stalls: the reply is claimed (leased for OUTBOX_LEASE_SECONDS) and its send never returns.
      telegram.holdAfter(0, (params) => params.chat_id === 7301);
      await first.services.desk.reply(ticket!.id, { channel: 'cli', userId: 'alice', name: 'alice' }, 'We froze your account.');
      await until('the send to stall', () => telegram.held === 1);
      await first.dispose();

      telegram.holdAfter(0, () => false);
      const second = await startTestApp(env, dir.dir);
      try {
        expect(await second.drainOutbox()).toBe(1);
        expect(telegram.callsOf('sendMessage').some((call) => call.ok && call.params.chat_id === 7301 && String(call.params.text).includes('We froze your account.'))).toBe(true);
        expect(await second.services.outbox.pendingCount()).toBe(0);
      } finally {
        await second.dispose();
      }
    } finally {
      await telegram.close();
      dir.cleanup();
    }
  });
});
