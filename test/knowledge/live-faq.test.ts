import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { openEngine } from '../../src/db/open.js';
import { RetrainLog } from '../../src/knowledge/retrain-log.js';
import { Retrainer } from '../../src/knowledge/retrainer.js';
import { KnowledgeStore } from '../../src/knowledge/store.js';
import { KnowledgeWatcher } from '../../src/knowledge/watcher.js';
import { createLogger } from '../../src/log.js';
import { readFaqFile } from '../../src/nlu/knowledge-base.js';
import { readIntentFiles } from '../../src/nlu/training-data.js';
import { createServices, type Services } from '../../src/services.js';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { loadDevSet } from '../support/devset.js';
import { describeEachEngine } from '../support/engines.js';
import { tempDir } from '../support/temp.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** A valid BIP39 seed phrase (the all-"abandon" test vector): a secret the knowledge base must refuse. */
const SEED_PHRASE = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/** The CLI's environment for `config`'s database: Postgres's URL when it has one, else the SQLite file. */
function cliEnv(config: Config, env: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_PATH: config.databasePath, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : {}), LOG_LEVEL: 'silent', ...env };
}

describe('live FAQ', { timeout: 120_000 }, () => {
  let app: App;
  let env: Record<string, string>;
  const ask = async (text: string) => (await webSay(app.url, await newVisitor(app.url), { text }))[0]!;

  beforeAll(async () => {
    // Polling effectively off: the test checks for edits itself, as the poll would.
    app = await startTestApp({ KB_POLL_SECONDS: '3600' });
    env = { DATABASE_PATH: `${app.dir}/bot.sqlite`, LOG_LEVEL: 'silent', USER: 'ann' };
  });
  afterAll(() => app?.dispose());

  it("answers with an edited answer without a restart, and with the classifier it had (no retrain for an answer's edit)", async () => {
    const before = await ask('I forgot my password');
    expect(before).toMatchObject({ kind: 'answer', text: expect.stringContaining('Forgot password') });
    const zhBefore = await ask('忘记密码怎么办');
    const classifier = app.services.brains.current.classifier;

    const answer = 'Tap "Forgot password" on the sign-in screen.\nThe reset link is valid for 30 minutes.';
    const edit = await runCli(['kb', 'faq', 'edit', 'forgot-password', '--lang', 'en', '--answer-stdin'], env, `${answer}\n`);
    expect(edit).toMatchObject({ code: 0, stderr: '' });
    expect(await app.checkKnowledge()).toBe(true);

    expect(await ask('I forgot my password')).toMatchObject({ kind: 'answer', text: answer });
    expect(await ask('忘记密码怎么办')).toMatchObject({ kind: 'answer', text: zhBefore.text });
    expect(app.services.brains.current.classifier).toBe(classifier);
    const [audit] = JSON.parse((await runCli(['kb', 'history', '--json', '--limit', '1'], env)).stdout);
    expect(audit).toMatchObject({ action: 'faq_edit_answer', faqId: 'forgot-password', lang: 'en', actor: 'cli:ann', text: answer });
    expect(new Date(audit.at).toISOString()).toBe(audit.at);
  });

  it('answers a new entry and a question added to an entry after a retrain, without a restart', async () => {
    const loan = 'can I borrow against my crypto';
    expect((await ask(loan)).kind).not.toBe('answer');
    const created = await runCli(
      [
        'kb',
        'faq',
        'create',
        'crypto-loans',
        '--intent',
        'usage.how_to',
        '--question-en',
        'do you offer crypto loans',
        '--question-en',
        loan,
        '--question-zh',
        '可以用加密货币抵押借款吗',
        '--answer-en',
        'We do not offer loans.',
        '--answer-zh',
        '我们不提供借贷服务。',
      ],
      env,
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const added = await runCli(['kb', 'faq', 'add-question', 'crypto-loans', '--lang', 'zh', '你们有加密货币贷款吗'], env);
    expect(added.code).toBe(0);
    expect(await app.checkKnowledge()).toBe(true);

    expect(await ask(loan)).toMatchObject({ kind: 'answer', text: 'We do not offer loans.' });
    expect(await ask('你们有加密货币贷款吗')).toMatchObject({ kind: 'answer', text: '我们不提供借贷服务。' });
    const shown = JSON.parse((await runCli(['kb', 'faq', 'show', 'crypto-loans', '--json'], env)).stdout);
    expect(shown).toEqual({
      id: 'crypto-loans',
      intent: 'usage.how_to',
      questions: { en: ['do you offer crypto loans', loan], zh: ['可以用加密货币抵押借款吗', '你们有加密货币贷款吗'] },
      answer: { en: 'We do not offer loans.', zh: '我们不提供借贷服务。' },
    });
    const listed = JSON.parse((await runCli(['kb', 'faq', 'list', '--json'], env)).stdout) as { id: string }[];
    expect(listed.at(-1)!.id).toBe('crypto-loans');
  });

  it('refuses edits that would break the brain or leak a secret, with exit code 2, the reason, and nothing changed', async () => {
    const version = () => app.services.knowledge.version();
    const start = await version();
    const refused = async (args: string[], reason: RegExp) => expect(await runCli(['kb', 'faq', ...args], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(reason) });
    const create = (id: string, overrides: Record<string, string> = {}) => {
      const fields = { '--intent': 'usage.how_to', '--question-en': `what is ${id}`, '--question-zh': `${id} 是什么`, '--answer-en': 'An answer.', '--answer-zh': '一个答案。', ...overrides };
      return ['create', id, ...Object.entries(fields).flat()];
    };
    await refused(['edit', 'forgot-password', '--lang', 'en', '--answer', '  '], /refused: the en answer is empty/);
    await refused(['edit', 'no-such-entry', '--lang', 'en', '--answer', 'Hello.'], /no FAQ entry "no-such-entry"/);
    await refused(['edit', 'forgot-password', '--lang', 'zh', '--answer', `请保存好助记词：${SEED_PHRASE}`], /holds a secret \(seed phrase\)/);
    await refused(['edit', 'forgot-password', '--lang', 'en', '--answer', 'x'.repeat(4_001)], /longer than 4000 characters/);
    await refused(create('staking', { '--intent': 'staking.rewards' }), /"staking.rewards" is not an intent of the taxonomy/);
    await refused(create('staking', { '--answer-zh': '' }), /the zh answer is empty: a FAQ entry needs an answer in both languages/);
    await refused(create('staking', { '--question-zh': ' ' }), /needs at least one zh question/);
    await refused(create('forgot-password'), /already a FAQ entry "forgot-password"/);
    await refused(create('Not Kebab'), /kebab-case/);
    await refused(create('staking', { '--question-en': 'I forgot my password' }), /already a en question of the FAQ entry "forgot-password"/);
    await refused(['add-question', 'forgot-password', '--lang', 'en', 'how do i reset my password?'], /already a en question/);
    await refused(['add-question', 'forgot-password', '--lang', 'en', `my seed is ${SEED_PHRASE}`], /holds a secret/);
    await refused(['add-question', 'forgot-password', '--lang', 'en', 'y'.repeat(501)], /longer than 500 characters/);
    expect(await version()).toBe(start);
    expect((await runCli(['kb', 'faq', 'show', 'staking'], env)).code).toBe(2);
  });
});

describeEachEngine('the FAQ seeded from data/faq.json', (engine) => {
  it('is seeded once, audited as a seed: an edit survives a restart', { timeout: 60_000 }, async () => {
    const config = await engine.config();
    const first = await createServices(config);
    try {
      expect(await first.knowledge.faq.entries()).toEqual(readFaqFile());
      await first.knowledge.faq.editAnswer({ entryId: 'wrong-password', lang: 'zh', answer: '请检查大小写和键盘布局。', actor: 'cli:ann' }, new Date());
    } finally {
      await first.close();
    }

    const again = await createServices(config);
    try {
      expect((await again.knowledge.faq.entry('wrong-password'))!.answer.zh).toBe('请检查大小写和键盘布局。');
      expect(again.brain.decide('密码明明是对的却提示错误', 'zh')).toMatchObject({ faqId: 'wrong-password', reply: '请检查大小写和键盘布局。' });
      const history = JSON.parse((await runCli(['kb', 'history', '--json'], cliEnv(config))).stdout) as { action: string; actor: string; text: string }[];
      expect(history.filter((edit) => edit.action === 'seed_faq')).toEqual([expect.objectContaining({ actor: 'seed:data/faq.json', text: `${readFaqFile().length} FAQ entries` })]);
    } finally {
      await again.close();
    }
  });
});

describeEachEngine('kb export', (engine) => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it('writes the FAQ and phrases in the repository format, and a database seeded from the export exports the same bytes', { timeout: 60_000 }, async () => {
    const env = cliEnv(await engine.config());
    const first = `${temp.dir}/first`;
    expect((await runCli(['kb', 'export', '--dir', first], env)).code).toBe(0);
    expect(JSON.parse(readFileSync(`${first}/data/faq.json`, 'utf8'))).toEqual(JSON.parse(readFileSync(new URL('../../data/faq.json', import.meta.url), 'utf8')));
    for (const lang of ['en', 'zh']) expect(readFileSync(`${first}/intents/${lang}.json`, 'utf8')).toBe(readFileSync(new URL(`../../intents/${lang}.json`, import.meta.url), 'utf8'));

    const edits = [
      ['kb', 'faq', 'edit', 'forgot-password', '--lang', 'zh', '--answer', '请在登录页点击“忘记密码”。\n链接 30 分钟内有效。'],
      ['kb', 'faq', 'add-question', 'wrong-password', '--lang', 'en', 'password keeps being rejected'],
      [
        'kb',
        'faq',
        'create',
        'crypto-loans',
        '--intent',
        'usage.how_to',
        '--question-en',
        'crypto loans?',
        '--question-zh',
        '加密货币贷款？',
        '--answer-en',
        'No loans.',
        '--answer-zh',
        '不提供贷款。',
      ],
      ['kb', 'add-phrase', '--intent', 'support.contact', '--lang', 'en', 'where is your support desk'],
    ];
    for (const edit of edits) expect((await runCli(edit, env)).code).toBe(0);
    const edited = `${temp.dir}/edited`;
    expect((await runCli(['kb', 'export', '--dir', edited], env)).code).toBe(0);
    const faq = JSON.parse(readFileSync(`${edited}/data/faq.json`, 'utf8')) as { entries: { id: string; followUp?: string }[] };
    expect(faq.entries.at(-1)).toEqual({ id: 'crypto-loans', intent: 'usage.how_to', questions: { en: ['crypto loans?'], zh: ['加密货币贷款？'] }, answer: { en: 'No loans.', zh: '不提供贷款。' } });
    expect(faq.entries.filter((entry) => entry.followUp).length).toBeGreaterThan(0);

    // A fresh database seeded from the export: its export is byte for byte the same.
    const freshConfig = await engine.config();
    const fresh = await openEngine(freshConfig);
    try {
      const store = new KnowledgeStore(fresh);
      await store.seedIfEmpty(readIntentFiles(pathToFileURL(`${edited}/intents/`)), new Date());
      await store.faq.seedIfEmpty(readFaqFile(`${edited}/data/faq.json`), new Date());
    } finally {
      await fresh.close();
    }
    const again = `${temp.dir}/again`;
    expect((await runCli(['kb', 'export', '--dir', again], cliEnv(freshConfig))).code).toBe(0);
    for (const file of ['data/faq.json', 'intents/en.json', 'intents/zh.json']) expect(readFileSync(`${again}/${file}`, 'utf8')).toBe(readFileSync(`${edited}/${file}`, 'utf8'));
  });
});

/** The retrainer, telling the test when a retrain has started (the knowledge it trains on read). */
class ObservedRetrainer extends Retrainer {
  onTrain: () => void = () => {};

  override train(...args: Parameters<Retrainer['train']>): ReturnType<Retrainer['train']> {
    this.onTrain();
    return super.train(...args);
  }
}

describeEachEngine('a retrain scored on the dev set before it goes live', (engine) => {
  const retrainer = new ObservedRetrainer();
  let config: Config;
  let services: Services;
  let watcher: KnowledgeWatcher;
  const lines: Record<string, unknown>[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  beforeAll(async () => {
    config = await engine.config();
    services = await createServices(config);
    watcher = new KnowledgeWatcher({
      store: services.knowledge,
      holder: services.brains,
      retrainer,
      retrains: new RetrainLog(services.engine),
      logger: createLogger('info', capture),
      settings: { policy: config.nlu, links: {} },
      pollMs: 3_600_000,
      snapshot: services.knowledgeSnapshot,
    });
  }, 60_000);
  afterAll(async () => {
    await watcher?.stop();
    await services?.close();
  });

  it('warns with both scores and records them when an edit set makes the brain worse', { timeout: 120_000 }, async () => {
    // A deliberately bad edit set: the dev set's withdrawal questions taught as a greeting.
    const wrong = loadDevSet().filter((query) => query.intent === 'withdrawal.not_received');
    for (const query of wrong) await services.knowledge.addPhrase({ intent: 'smalltalk.greeting', lang: query.lang, text: query.text, actor: 'cli:mallory' }, new Date());
    const generation = services.brains.generation;
    expect(await watcher.check()).toBe(true);

    const warning = lines.find((line) => line.level === 40);
    expect(warning).toMatchObject({ version: await services.knowledge.version(), msg: expect.stringMatching(/scores worse on the dev set/) });
    expect(warning!.newScore as number).toBeLessThan(warning!.currentScore as number);
    // Reported before it went live: the warning comes before the swap's line.
    const swapped = lines.findIndex((line) => /swapped in/.test(String(line.msg)));
    expect(lines.indexOf(warning!)).toBeLessThan(swapped);
    expect(services.brains.generation).toBe(generation + 1);

    const status = JSON.parse((await runCli(['kb', 'status', '--json'], cliEnv(config))).stdout);
    expect(status.lastRetrain).toMatchObject({ version: warning!.version, worse: true, scores: { candidate: { overall: warning!.newScore }, current: { overall: warning!.currentScore } } });
    const text = (await runCli(['kb', 'status'], cliEnv(config))).stdout;
    expect(text).toContain(`dev set ${String(warning!.newScore)} (was ${String(warning!.currentScore)}): WORSE`);
  });

  it('a check that joins a retrain in progress returns only once an edit made meanwhile is live too', { timeout: 120_000 }, async () => {
    await services.knowledge.addPhrase({ intent: 'account.locked', lang: 'en', text: 'my vault is frozen solid', actor: 'cli:ann' }, new Date());
    const training = new Promise<void>((resolve) => (retrainer.onTrain = resolve));
    const first = watcher.check();
    await training;
    // Made while the first check retrains in the worker, on knowledge read before this edit.
    await services.knowledge.faq.editAnswer({ entryId: 'account-locked', lang: 'en', answer: 'Your account is locked: wait 30 minutes.', actor: 'cli:ann' }, new Date());
    expect(await watcher.check()).toBe(true);
    await first;
    expect(watcher.version).toBe(await services.knowledge.version());
    const decision = services.brains.current.decide('my vault is frozen solid', 'en');
    expect(decision).toMatchObject({ action: 'answer', faqId: 'account-locked', reply: 'Your account is locked: wait 30 minutes.' });
  });
});
