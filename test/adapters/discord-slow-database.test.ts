import { Client } from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestApp } from '../support/app.js';
import { FakeDiscord, type FakeMessage, type FakeUser } from '../support/fake-discord.js';
import { describeWithPostgres, freshPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const KAI: FakeUser = { id: '800000000000000042', username: 'kai' };
const LEA: FakeUser = { id: '800000000000000043', username: 'lea' };
const ALICE: FakeUser = { id: '800000000000000010', username: 'alice', globalName: 'Alice' };

/** Holds a user's conversation from another connection (as another instance's turn of theirs does) until `release`. */
async function holdConversation(url: string, userId: string): Promise<{ release(): Promise<void> }> {
  const other = new Client({ connectionString: url });
  await other.connect();
  await other.query('select pg_advisory_lock(hashtextextended($1, 0))', [`conversation:discord:${userId}`]);
  return { release: () => other.end() };
}

describeWithPostgres('Discord slash commands when the database is slow', () => {
  let database: TestPostgresDatabase;
  let fake: FakeDiscord;
  let app: App;
  beforeAll(async () => {
    database = await freshPostgresDatabase();
    fake = await FakeDiscord.start();
    app = await startTestApp(fake.env({ DATABASE_URL: database.url, AGENT_IDS: `discord:${ALICE.id},cli:*` }));
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

  it("acknowledges an agent's press on a ticket card within 3 s, then updates the card in place", { timeout: 20_000 }, async () => {
    await fake.dm(LEA, 'my account was hacked and someone stole my coins');
    const ticket = await vi.waitFor(
      async () => {
        const found = (await app.services.desk.list()).find((row) => row.channel === 'discord' && row.userId === LEA.id);
        if (!found) throw new Error('no ticket yet');
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    let card: FakeMessage | undefined;
    for (let tries = 0; !card && tries < 50; tries++) {
      await app.pollDesks();
      card = fake.messagesIn(fake.agentChannelId).find((message) => JSON.stringify(message.embeds).includes(ticket.number));
      if (!card) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const held = await holdConversation(database.url, LEA.id);
    try {
      const pressed = await fake.press(ALICE, card!, `desk:claim:${ticket.id}`);
      const started = Date.now();
      const acknowledged = await fake.waitForCall('the deferred update', (call) => call.method === 'POST' && call.path === `/interactions/${pressed.id}/${pressed.token}/callback`);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(acknowledged.body).toMatchObject({ type: 6 });
      setTimeout(() => void held.release(), 500);
      await fake.waitForCall('the card edited', (call) => call.method === 'PATCH' && call.path.endsWith(`/${pressed.token}/messages/@original`));
      expect(card!.components.flatMap((row) => row.components.map((button) => button.custom_id))).toEqual([`desk:resolve:${ticket.id}`]);
      expect(await app.services.desk.view(ticket.id)).toMatchObject({ status: 'claimed', agent: 'Alice' });
    } finally {
      await held.release().catch(() => undefined);
    }
  });
});
