import { Client } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { FakeDiscord, type FakeUser } from '../support/fake-discord.js';
import { describeWithPostgres, freshPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const KAI: FakeUser = { id: '800000000000000042', username: 'kai' };

describeWithPostgres('Discord slash commands when the database is slow', () => {
  let database: TestPostgresDatabase;
  let fake: FakeDiscord;
  let app: App;
  beforeAll(async () => {
    database = await freshPostgresDatabase();
    fake = await FakeDiscord.start();
    app = await startTestApp(fake.env({ DATABASE_URL: database.url }));
  });
  afterAll(async () => {
    await app?.dispose();
    await fake?.stop();
    await database?.drop();
  });

  it('acknowledges within Discord\'s 3 s ("thinking…") and then fills the reply with the answer', { timeout: 20_000 }, async () => {
    // Another instance's turn of the same user holds the conversation for 2.5 s.
    const other = new Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock(hashtextextended($1, 0))', [`conversation:discord:${KAI.id}`]);
      const asked = await fake.slash(KAI, 'ask', { question: 'how do I deposit USDT?' }, { channelId: fake.generalChannelId });
      const started = Date.now();
      const acknowledged = await fake.waitForCall('the deferred reply', (call) => call.method === 'POST' && call.path === `/interactions/${asked.id}/${asked.token}/callback`);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(acknowledged.body).toMatchObject({ type: 5 });
      setTimeout(() => void other.query('select pg_advisory_unlock_all()'), 500);
      await fake.waitForCall('the answer in the deferred reply', (call) => call.method === 'PATCH' && call.path.endsWith(`/${asked.token}/messages/@original`));
      expect(
        fake
          .answersTo(asked)
          .map((message) => message.content)
          .join('\n'),
      ).toMatch(/deposit/i);
    } finally {
      await other.end();
    }
  });
});
