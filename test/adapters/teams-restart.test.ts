import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { FakeConnector, type CardButton, type PostedActivity } from '../support/fake-connector.js';
import { tempDir } from '../support/temp.js';

function skipButton(replies: PostedActivity[]): CardButton | undefined {
  return replies.flatMap((reply) => reply.attachments?.flatMap((attachment) => attachment.content.buttons ?? []) ?? []).find((button) => button.value?.payload === 'skip');
}

describe('Teams proactive delivery across a restart', () => {
  const temp = tempDir();
  const cliEnv = { DATABASE_PATH: `${temp.dir}/bot.sqlite`, AGENT_IDS: 'cli:alice' };
  let connector: FakeConnector;

  beforeAll(async () => {
    connector = await FakeConnector.start();
  });
  afterAll(async () => {
    await connector.close();
    temp.cleanup();
  });

  it('reaches the user with an agent reply written while the bot was down, from the reference in the database', async () => {
    const user = { id: '29:restart-user', name: 'Rae' };
    const chat = connector.conversation({ id: 'a:personal-restart', user });
    const first = await startTestApp({ AGENT_IDS: 'cli:alice' }, temp.dir);
    const post = async (activity: Record<string, unknown>) => {
      const before = chat.replies().length;
      expect((await chat.send(first.url, activity)).status).toBe(200);
      return chat.replies().slice(before);
    };
    let replies = await post(chat.message('/human'));
    for (let step = 0; step < 6 && !replies.some((reply) => /ticket T-\d+/.test(reply.text ?? '')); step++) {
      replies = await post(chat.press(skipButton(replies)!));
    }
    const [ticket] = await first.services.desk.list({ status: ['open'] });
    expect(ticket).toMatchObject({ channel: 'teams', userId: user.id });
    await first.dispose();

    // The agent answers from the CLI desk, another process, while the bot is down.
    const reply = await runCli(['escalations', 'reply', String(ticket!.id), '--agent', 'alice', 'Sorry for the wait, I am on it.'], cliEnv);
    expect(reply.code).toBe(0);
    const sentBefore = chat.replies().length;
    const second = await startTestApp({ AGENT_IDS: 'cli:alice' }, temp.dir);
    try {
      await second.drainOutbox();
      expect(
        chat
          .replies()
          .slice(sentBefore)
          .map((reply) => reply.text),
      ).toEqual(['alice has joined the conversation.', 'alice: Sorry for the wait, I am on it.']);
      expect(await second.services.outbox.pendingCount()).toBe(0);

      await second.services.desk.resolve(ticket!.id, { channel: 'cli', userId: 'alice', name: 'alice' });
      await second.drainOutbox();
      expect(chat.replies().at(-1)!.text).toMatch(/has been resolved/);
    } finally {
      await second.dispose();
    }
  });
});
