import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { runCli, spawnCli } from '../support/cli.js';
import { describeEachEngine } from '../support/engines.js';
import { tempDir } from '../support/temp.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const QUESTION = 'my vault is frozen solid';

// The contract of issue 16: `kb add-phrase` from another process while the bot runs, and the bot
// answers with the new phrase without a restart, while other users keep chatting.
describe('live knowledge base', { timeout: 120_000 }, () => {
  let app: App;
  let env: Record<string, string>;

  beforeAll(async () => {
    app = await startTestApp({ KB_POLL_SECONDS: '1' });
    env = { DATABASE_PATH: `${app.dir}/bot.sqlite`, LOG_LEVEL: 'silent' };
  });
  afterAll(() => app?.dispose());

  it('answers a question with a phrase an agent added, with no restart, while others keep chatting', async () => {
    const asker = await newVisitor(app.url);
    const before = await webSay(app.url, asker, { text: QUESTION });
    expect(before[0]!.kind).toBe('fallback');
    const locked = await webSay(app.url, await newVisitor(app.url), { text: 'my account is locked' });

    // Others chat throughout: each of their questions is answered the same way before, during and after.
    const others = await Promise.all([newVisitor(app.url), newVisitor(app.url)]);
    const otherQuestions = ['I forgot my password', '我的提现还没到账'];
    const expected = await Promise.all(others.map((visitor, i) => webSay(app.url, visitor, { text: otherQuestions[i]! })));
    let chatting = true;
    const answers: string[][] = [];
    const chat = (async () => {
      while (chatting) {
        const replies = await Promise.all(others.map((visitor, i) => webSay(app.url, visitor, { text: otherQuestions[i]! })));
        answers.push(replies.map((reply) => reply[0]!.text));
        // Paced under the per-user flood limit (one message a second after a burst).
        await new Promise((resolve) => setTimeout(resolve, 1_100));
      }
    })();

    const edit = await spawnCli(['kb', 'add-phrase', '--intent', 'account.locked', '--lang', 'en', '--agent', 'ann', QUESTION], env);
    expect(edit.stderr).toBe('');
    expect(edit.code).toBe(0);
    // The running bot polls every second and retrains in a worker; the contract allows 30 s.
    await vi.waitFor(
      async () => {
        const after = await webSay(app.url, asker, { text: QUESTION });
        expect(after[0]).toMatchObject({ kind: 'answer', text: locked[0]!.text });
      },
      { timeout: 30_000, interval: 250 },
    );
    chatting = false;
    await chat;
    expect(answers.length).toBeGreaterThan(0);
    for (const round of answers) expect(round).toEqual(expected.map((replies) => replies[0]!.text));
    expect(app.services.brains.generation).toBe(1);
    const history = await runCli(['kb', 'history', '--json'], env);
    expect(JSON.parse(history.stdout)[0]).toMatchObject({ action: 'add_phrase', actor: 'cli:ann', intent: 'account.locked', lang: 'en', text: QUESTION });
  });

  it('refuses an edit that would break the brain, with exit code 2 and the reason', async () => {
    const version = (await runCli(['kb', 'history', '--json', '--limit', '1'], env)).stdout;
    const unknown = await runCli(['kb', 'add-phrase', '--intent', 'account.frozen', '--lang', 'en', 'frozen'], env);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/not an intent of the taxonomy/) });
    const empty = await runCli(['kb', 'add-phrase', '--intent', 'account.locked', '--lang', 'zh', '   '], env);
    expect(empty).toMatchObject({ code: 2, stderr: expect.stringMatching(/empty/) });
    const language = await runCli(['kb', 'add-phrase', '--intent', 'account.locked', '--lang', 'fr', 'gelé'], env);
    expect(language.code).toBe(2);
    const duplicate = await runCli(['kb', 'add-phrase', '--intent', 'account.locked', '--lang', 'en', QUESTION], env);
    expect(duplicate).toMatchObject({ code: 2, stderr: expect.stringMatching(/already/) });
    // An intent's last phrase in a language cannot go: the brain needs both languages.
    const phrases = JSON.parse((await runCli(['kb', 'phrases', '--json', '--intent', 'community.forum'], env)).stdout) as Record<'en' | 'zh', Record<string, string[]>>;
    const zh = phrases.zh['community.forum']!;
    for (const text of zh.slice(1)) expect((await runCli(['kb', 'remove-phrase', '--intent', 'community.forum', '--lang', 'zh', text], env)).code).toBe(0);
    const last = await runCli(['kb', 'remove-phrase', '--intent', 'community.forum', '--lang', 'zh', zh[0]!], env);
    expect(last).toMatchObject({ code: 2, stderr: expect.stringMatching(/last zh phrase of community\.forum/) });
    expect((await runCli(['kb', 'history', '--json', '--limit', '1'], env)).stdout).not.toBe(version);
  });
});

// The CLI on the configured database: the SQLite file, or Postgres with DATABASE_URL.
describeEachEngine('kb export', (engine) => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it("round-trips: a fresh database exports the repository's files byte for byte, and an edit lands in its intent", { timeout: 60_000 }, async () => {
    const config = await engine.config();
    const env = { DATABASE_PATH: config.databasePath, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}) };
    const out = `${temp.dir}/exported`;
    expect((await runCli(['kb', 'export', '--dir', out], env)).code).toBe(0);
    for (const lang of ['en', 'zh']) expect(readFileSync(`${out}/intents/${lang}.json`, 'utf8')).toBe(readFileSync(new URL(`../../intents/${lang}.json`, import.meta.url), 'utf8'));

    expect((await runCli(['kb', 'add-phrase', '--intent', 'support.contact', '--lang', 'zh', '怎么找到你们的客服'], env)).code).toBe(0);
    expect((await runCli(['kb', 'export', '--dir', out], env)).code).toBe(0);
    const exported = JSON.parse(readFileSync(`${out}/intents/zh.json`, 'utf8')) as Record<string, string[]>;
    const original = JSON.parse(readFileSync(new URL('../../intents/zh.json', import.meta.url), 'utf8')) as Record<string, string[]>;
    expect(exported).toEqual({ ...original, 'support.contact': [...original['support.contact']!, '怎么找到你们的客服'] });
  });
});
