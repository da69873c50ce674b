import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/db/index.js';
import { openEngine } from '../../src/db/open.js';
import { KnowledgeEditError, type RefusalCode } from '../../src/knowledge/errors.js';
import { exportKnowledge } from '../../src/knowledge/export.js';
import { FAQ_SEED_ACTOR } from '../../src/knowledge/faq-store.js';
import { RetrainLog } from '../../src/knowledge/retrain-log.js';
import type { Retrainer } from '../../src/knowledge/retrainer.js';
import type { RetrainScores } from '../../src/knowledge/retrain-worker.js';
import { SEED_ACTOR, KnowledgeStore } from '../../src/knowledge/store.js';
import { UnansweredQuestions } from '../../src/knowledge/unanswered.js';
import { KnowledgeWatcher } from '../../src/knowledge/watcher.js';
import type { BrainHolder } from '../../src/knowledge/brain-holder.js';
import type { Logger } from '../../src/log.js';
import { readFaqFile } from '../../src/nlu/knowledge-base.js';
import { readIntentFiles } from '../../src/nlu/training-data.js';
import { testConfig } from '../support/app.js';
import { describeEachEngine } from '../support/engines.js';
import { tempDir } from '../support/temp.js';

/** A valid BIP39 seed phrase (the all-"abandon" test vector): a secret the knowledge base must refuse. */
const SEED_PHRASE = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

const NOW = new Date('2026-11-20T10:00:00.000Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

/** How many phrases the repository's files hold. */
function phraseCount(phrases: ReturnType<typeof readIntentFiles>): number {
  return Object.values(phrases).reduce((total, byIntent) => total + Object.values(byIntent).reduce((sum, texts) => sum + texts.length, 0), 0);
}

/** A store on `engine`, seeded from the repository's files. */
async function seededStore(engine: Engine): Promise<KnowledgeStore> {
  const store = new KnowledgeStore(engine);
  await store.seedIfEmpty(readIntentFiles(), NOW);
  await store.faq.seedIfEmpty(readFaqFile(), NOW);
  return store;
}

/** `promise`'s refusal code; fails when it resolves or rejects with something else. */
async function refusal(promise: Promise<unknown>): Promise<RefusalCode> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(KnowledgeEditError);
  return (error as KnowledgeEditError).code;
}

/** Dev-set scores as a retrain records them. */
function scores(candidate: number, current: number): RetrainScores {
  const score = (overall: number) => {
    const tally = { overall, inScope: 10, inScopeAccuracy: overall, outOfScope: 2, outOfScopeRejected: 1 };
    return { ...tally, byLang: { en: tally, zh: tally } };
  };
  return { candidate: score(candidate), current: score(current) };
}

describeEachEngine('knowledge store', (engine) => {
  const temp = tempDir();
  afterAll(() => temp.cleanup());

  it('seeds the phrases and the FAQ once, audited as seeds', async () => {
    const db = await engine.open();
    const store = new KnowledgeStore(db);
    expect(await store.version()).toBe(0);
    expect(await store.seedIfEmpty(readIntentFiles(), NOW)).toBe(true);
    expect(await store.faq.seedIfEmpty(readFaqFile(), NOW)).toBe(true);
    expect(await store.seedIfEmpty(readIntentFiles(), later(1))).toBe(false);
    expect(await store.faq.seedIfEmpty(readFaqFile(), later(1))).toBe(false);

    expect(await store.version()).toBe(1);
    expect(await store.phrases()).toEqual(readIntentFiles());
    expect(await store.faq.entries()).toEqual(readFaqFile());
    const history = await store.history();
    expect(history.map(({ action, actor, text, at }) => ({ action, actor, text, at }))).toEqual([
      { action: 'seed_faq', actor: FAQ_SEED_ACTOR, text: `${readFaqFile().length} FAQ entries`, at: NOW },
      { action: 'seed', actor: SEED_ACTOR, text: `${phraseCount(readIntentFiles())} phrases`, at: NOW },
    ]);
  });

  it('seeds once when two instances start on one database (at the same moment, on Postgres)', async () => {
    const config = await engine.config();
    const instances = await Promise.all([openEngine(config), openEngine(config)]);
    try {
      const stores = instances.map((instance) => new KnowledgeStore(instance));
      // Two SQLite connections in one process cannot wait for each other (better-sqlite3 waits synchronously): one after the other there.
      const each = async <T>(work: (store: KnowledgeStore) => Promise<T>): Promise<T[]> => {
        if (engine.dialect === 'postgres') return Promise.all(stores.map(work));
        const results: T[] = [];
        for (const store of stores) results.push(await work(store));
        return results;
      };
      const phrases = await each((store) => store.seedIfEmpty(readIntentFiles(), NOW));
      const faq = await each((store) => store.faq.seedIfEmpty(readFaqFile(), NOW));
      expect(phrases.filter(Boolean)).toHaveLength(1);
      expect(faq.filter(Boolean)).toHaveLength(1);
      expect(await stores[1]!.phrases()).toEqual(readIntentFiles());
      expect(await stores[0]!.faq.entries()).toEqual(readFaqFile());
      expect((await stores[0]!.history()).map((edit) => edit.action)).toEqual(['seed_faq', 'seed']);
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });

  it('adds and removes phrases, each audited and raising the version', async () => {
    const store = await seededStore(await engine.open());
    await store.addPhrase({ intent: 'account.locked', lang: 'en', text: '  my vault   is frozen solid ', actor: 'cli:ann' }, later(1));
    expect(await store.version()).toBe(2);
    expect((await store.phrases()).en['account.locked']!.at(-1)).toBe('my vault is frozen solid');

    await store.removePhrase({ intent: 'account.locked', lang: 'en', text: 'my vault is frozen solid', actor: 'web:bob' }, later(2));
    expect(await store.version()).toBe(3);
    expect(await store.phrases()).toEqual(readIntentFiles());
    const [removed, added] = await store.history(2);
    expect(removed).toMatchObject({ action: 'remove_phrase', intent: 'account.locked', lang: 'en', text: 'my vault is frozen solid', actor: 'web:bob', faqId: null, at: later(2) });
    expect(added).toMatchObject({ action: 'add_phrase', intent: 'account.locked', lang: 'en', text: 'my vault is frozen solid', actor: 'cli:ann', at: later(1) });
    expect(added!.id).toBeLessThan(removed!.id);
  });

  it('refuses phrase edits that would break the brain or leak a secret, changing nothing', async () => {
    const store = await seededStore(await engine.open());
    const edit = (text: string, overrides: Partial<{ intent: string; lang: 'en' | 'zh' }> = {}) => ({ intent: 'account.locked', lang: 'en' as const, text, actor: 'cli:ann', ...overrides });
    const existing = readIntentFiles().en['account.locked']![0]!;
    expect(await refusal(store.addPhrase(edit(existing), NOW))).toBe('duplicatePhrase');
    expect(await refusal(store.addPhrase(edit('hello', { intent: 'staking.rewards' }), NOW))).toBe('unknownIntent');
    expect(await refusal(store.addPhrase(edit('bonjour', { lang: 'fr' as 'en' }), NOW))).toBe('unknownLang');
    expect(await refusal(store.addPhrase(edit('   '), NOW))).toBe('empty');
    expect(await refusal(store.addPhrase(edit('x'.repeat(501)), NOW))).toBe('tooLong');
    expect(await refusal(store.addPhrase(edit(`my seed is ${SEED_PHRASE}`), NOW))).toBe('secret');
    expect(await refusal(store.removePhrase(edit('not a phrase of this intent'), NOW))).toBe('notAPhrase');
    const zh = readIntentFiles().zh['community.forum']!;
    for (const text of zh.slice(1)) await store.removePhrase(edit(text, { intent: 'community.forum', lang: 'zh' }), NOW);
    const version = await store.version();
    expect(await refusal(store.removePhrase(edit(zh[0]!, { intent: 'community.forum', lang: 'zh' }), NOW))).toBe('lastPhrase');
    expect(await store.version()).toBe(version);
    expect((await store.phrases()).zh['community.forum']).toEqual([zh[0]]);
    expect((await store.history(1))[0]).toMatchObject({ action: 'remove_phrase', text: zh.at(-1) });
  });

  it('edits an answer, adds a question and creates an entry, each audited and raising the version', async () => {
    const store = await seededStore(await engine.open());
    const answer = 'Tap "Forgot password".\nThe link is valid for 30 minutes.';
    await store.faq.editAnswer({ entryId: 'forgot-password', lang: 'en', answer: `${answer}\r\n`, actor: 'cli:ann' }, later(1));
    expect(await store.version()).toBe(2);
    expect((await store.faq.entry('forgot-password'))!.answer).toEqual({ en: answer, zh: readFaqFile()[0]!.answer.zh });

    await store.faq.addQuestion({ entryId: 'forgot-password', lang: 'zh', text: '密码 丢了', actor: 'web:wang' }, later(2));
    expect(await store.version()).toBe(3);
    expect((await store.faq.entry('forgot-password'))!.questions.zh.at(-1)).toBe('密码 丢了');

    await store.faq.createEntry(
      {
        id: 'crypto-loans',
        intent: 'usage.how_to',
        questions: { en: ['do you offer crypto loans', 'Can I borrow?'], zh: ['可以借款吗'] },
        answer: { en: 'No loans.', zh: '不提供贷款。' },
        actor: 'cli:ann',
      },
      later(3),
    );
    expect(await store.version()).toBe(4);
    const entries = await store.faq.entries();
    expect(entries.map((entry) => entry.id)).toEqual([...readFaqFile().map((entry) => entry.id), 'crypto-loans']);
    expect(entries.at(-1)).toEqual({
      id: 'crypto-loans',
      intent: 'usage.how_to',
      questions: { en: ['do you offer crypto loans', 'Can I borrow?'], zh: ['可以借款吗'] },
      answer: { en: 'No loans.', zh: '不提供贷款。' },
    });
    // The file's other fields (followUp...) survive the round trip through the database.
    expect(entries.slice(0, -1)).toEqual(readFaqFile().map((entry) => (entry.id === 'forgot-password' ? (entries[0] as typeof entry) : entry)));

    const history = await store.history(3);
    expect(history.map(({ action, faqId, lang, text, actor, at }) => ({ action, faqId, lang, text, actor, at }))).toEqual([
      { action: 'faq_create', faqId: 'crypto-loans', lang: null, text: 'do you offer crypto loans / 可以借款吗', actor: 'cli:ann', at: later(3) },
      { action: 'faq_add_question', faqId: 'forgot-password', lang: 'zh', text: '密码 丢了', actor: 'web:wang', at: later(2) },
      { action: 'faq_edit_answer', faqId: 'forgot-password', lang: 'en', text: answer, actor: 'cli:ann', at: later(1) },
    ]);
    expect(history[0]!.intent).toBe('usage.how_to');
  });

  it('refuses FAQ edits that would break the brain, duplicate a question or leak a secret, changing nothing', async () => {
    const store = await seededStore(await engine.open());
    const version = await store.version();
    const entry = (id: string, overrides: Partial<{ intent: string; en: string[]; zh: string[]; answerEn: string; answerZh: string }> = {}) => {
      const fields = { intent: 'usage.how_to', en: [`what is ${id}`], zh: [`${id} 是什么`], answerEn: 'An answer.', answerZh: '一个答案。', ...overrides };
      return { id, intent: fields.intent, questions: { en: fields.en, zh: fields.zh }, answer: { en: fields.answerEn, zh: fields.answerZh }, actor: 'cli:ann' };
    };
    const answer = (entryId: string, text: string, lang: 'en' | 'zh' = 'en') => store.faq.editAnswer({ entryId, lang, answer: text, actor: 'cli:ann' }, NOW);
    const question = (entryId: string, text: string) => store.faq.addQuestion({ entryId, lang: 'en', text, actor: 'cli:ann' }, NOW);
    expect(await refusal(answer('forgot-password', '  '))).toBe('empty');
    expect(await refusal(answer('no-such-entry', 'Hello.'))).toBe('noEntry');
    expect(await refusal(answer('forgot-password', `请保存好助记词：${SEED_PHRASE}`, 'zh'))).toBe('secret');
    expect(await refusal(answer('forgot-password', 'x'.repeat(4_001)))).toBe('tooLong');
    expect(await refusal(store.faq.createEntry(entry('staking', { intent: 'staking.rewards' }), NOW))).toBe('unknownIntent');
    expect(await refusal(store.faq.createEntry(entry('staking', { answerZh: '' }), NOW))).toBe('answerMissing');
    expect(await refusal(store.faq.createEntry(entry('staking', { zh: [' '] }), NOW))).toBe('questionMissing');
    expect(await refusal(store.faq.createEntry(entry('staking', { en: ['staking?', 'staking?'] }), NOW))).toBe('questionTwice');
    expect(await refusal(store.faq.createEntry(entry('forgot-password'), NOW))).toBe('entryExists');
    expect(await refusal(store.faq.createEntry(entry('Not Kebab'), NOW))).toBe('badEntryId');
    expect(await refusal(store.faq.createEntry(entry('staking', { en: ['I forgot my password'] }), NOW))).toBe('duplicateQuestion');
    expect(await refusal(question('no-such-entry', 'a new question'))).toBe('noEntry');
    expect(await refusal(question('forgot-password', `my seed is ${SEED_PHRASE}`))).toBe('secret');
    expect(await refusal(question('forgot-password', 'y'.repeat(501)))).toBe('tooLong');
    // Another entry's question, in another case: the matcher could not tell the entries apart.
    const duplicate = await question('wrong-password', 'HOW DO I RESET MY PASSWORD?').catch((error: unknown) => error);
    expect(duplicate).toMatchObject({ code: 'duplicateQuestion', details: { entry: 'forgot-password', lang: 'en' } });
    expect(await store.version()).toBe(version);
    expect(await store.faq.entries()).toEqual(readFaqFile());
    expect(await store.faq.entry('staking')).toBeUndefined();
    expect((await store.history()).map((edit) => edit.action)).toEqual(['seed_faq', 'seed']);
  });

  it('reads a snapshot: the version with the phrases and FAQ of that version', async () => {
    const store = await seededStore(await engine.open());
    await store.addPhrase({ intent: 'support.contact', lang: 'zh', text: '怎么找到你们的客服', actor: 'cli:ann' }, later(1));
    await store.faq.editAnswer({ entryId: 'wrong-password', lang: 'zh', answer: '请检查大小写。', actor: 'cli:ann' }, later(2));
    const snapshot = await store.snapshot();
    expect(snapshot).toEqual({ version: 3, phrases: await store.phrases(), faq: await store.faq.entries() });
    expect(snapshot.phrases.zh['support.contact']!.at(-1)).toBe('怎么找到你们的客服');
    expect(snapshot.faq.find((entry) => entry.id === 'wrong-password')!.answer.zh).toBe('请检查大小写。');
  });

  it('exports in the repository format, and a database seeded from the export exports the same bytes', async () => {
    const store = await seededStore(await engine.open());
    const first = join(temp.dir, `${engine.dialect}-first`);
    exportKnowledge(await store.snapshot(), first);
    expect(JSON.parse(readFileSync(join(first, 'data/faq.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(new URL('../../data/faq.json', import.meta.url), 'utf8')));
    for (const lang of ['en', 'zh']) expect(readFileSync(join(first, `intents/${lang}.json`), 'utf8')).toBe(readFileSync(new URL(`../../intents/${lang}.json`, import.meta.url), 'utf8'));

    await store.addPhrase({ intent: 'support.contact', lang: 'en', text: 'where is your support desk', actor: 'cli:ann' }, later(1));
    await store.faq.createEntry(
      { id: 'crypto-loans', intent: 'usage.how_to', questions: { en: ['crypto loans?'], zh: ['加密货币贷款？'] }, answer: { en: 'No loans.', zh: '不提供贷款。' }, actor: 'cli:ann' },
      later(2),
    );
    const edited = join(temp.dir, `${engine.dialect}-edited`);
    const written = exportKnowledge(await store.snapshot(), edited);
    expect(written).toEqual(['data/faq.json', 'intents/en.json', 'intents/zh.json'].map((file) => join(edited, file)));

    const fresh = new KnowledgeStore(await engine.open());
    expect(await fresh.seedIfEmpty(readIntentFiles(pathToFileURL(`${edited}/intents/`)), NOW)).toBe(true);
    expect(await fresh.faq.seedIfEmpty(readFaqFile(join(edited, 'data/faq.json')), NOW)).toBe(true);
    const again = join(temp.dir, `${engine.dialect}-again`);
    exportKnowledge(await fresh.snapshot(), again);
    for (const file of ['data/faq.json', 'intents/en.json', 'intents/zh.json']) expect(readFileSync(join(again, file), 'utf8')).toBe(readFileSync(join(edited, file), 'utf8'));
    expect((await fresh.faq.entries()).at(-1)!.id).toBe('crypto-loans');
  });

  it('records retrains with both dev-set scores, the latest read back', async () => {
    const retrains = new RetrainLog(await engine.open());
    expect(await retrains.last()).toBeUndefined();
    await retrains.record({ version: 2, scores: scores(0.9, 0.8), examples: 1200, trainMs: 512.4, at: later(1) });
    expect(await retrains.last()).toEqual({ version: 2, scores: scores(0.9, 0.8), worse: false, examples: 1200, trainMs: 512, at: later(1) });
    await retrains.record({ version: 3, scores: scores(0.7125, 0.9), examples: 1201, trainMs: 498, at: later(2) });
    expect(await retrains.last()).toEqual({ version: 3, scores: scores(0.7125, 0.9), worse: true, examples: 1201, trainMs: 498, at: later(2) });
  });

  it('lists the open unanswered questions newest first, and dismisses them once, audited', async () => {
    const db = await engine.open();
    const store = await seededStore(db);
    const unanswered = new UnansweredQuestions(db);
    const asked = [
      { text: 'an old question', minutes: -60 * 24 * 40, reason: 'fallback' as const },
      { text: 'can I get a loan', minutes: 1, reason: 'fallback' as const },
      { text: '能借钱吗', minutes: 2, reason: 'clarify' as const },
      { text: 'that did not help', minutes: 3, reason: 'not_helpful' as const },
    ];
    // Written as the pipeline records them (the conversation store is their writer).
    await db.run((d, { unansweredQuestions }) =>
      d.insert(unansweredQuestions).values(asked.map(({ text, minutes, reason }) => ({ channel: 'web', text, lang: /[a-z]/.test(text) ? 'en' : 'zh', reason, createdAt: later(minutes) }))),
    );
    const open = await unanswered.open(later(-60 * 24 * 30));
    expect(open.map(({ text, lang, reason, at }) => ({ text, lang, reason, at }))).toEqual([
      { text: 'that did not help', lang: 'en', reason: 'not_helpful', at: later(3) },
      { text: '能借钱吗', lang: 'zh', reason: 'clarify', at: later(2) },
      { text: 'can I get a loan', lang: 'en', reason: 'fallback', at: later(1) },
    ]);
    expect(await unanswered.open(later(-60 * 24 * 30), 1)).toHaveLength(1);

    const ids = open.slice(1).map((question) => question.id);
    expect(await unanswered.dismiss(ids, 'web:ann', later(5))).toBe(2);
    expect((await unanswered.open(later(-60 * 24 * 30))).map((question) => question.text)).toEqual(['that did not help']);
    expect((await store.history(1))[0]).toMatchObject({ action: 'dismiss', actor: 'web:ann', text: `unanswered questions ${ids.join(', ')}`, at: later(5) });
    // Dismissed already: nothing changes, nothing audited; the version the bot polls is not raised.
    expect(await unanswered.dismiss(ids, 'web:bob', later(6))).toBe(0);
    expect(await unanswered.dismiss([], 'web:bob', later(6))).toBe(0);
    expect((await store.history(1))[0]).toMatchObject({ actor: 'web:ann' });
    expect(await store.version()).toBe(1);
  });
});

describe("the knowledge watcher's poll", () => {
  it('logs a database that cannot be read and tries again at the next poll, never rejecting in its timer', async () => {
    let reads = 0;
    const store = {
      version: async () => {
        reads++;
        throw new Error('connection refused');
      },
    } as unknown as KnowledgeStore;
    const errors: string[] = [];
    const logger = { error: (_fields: unknown, message: string) => errors.push(message), warn: () => {}, info: () => {} } as unknown as Logger;
    const watcher = new KnowledgeWatcher({
      store,
      holder: {} as BrainHolder,
      retrainer: { stop: async () => {} } as unknown as Retrainer,
      retrains: {} as RetrainLog,
      logger,
      settings: { policy: testConfig('/nonexistent').nlu, links: {} },
      pollMs: 10,
      snapshot: { version: 1, phrases: { en: {}, zh: {} }, faq: [] },
    });
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 80));
    await watcher.stop();
    // Unhandled rejections fail the run: none escaped; every poll was logged.
    expect(reads).toBeGreaterThan(1);
    expect(errors.length).toBe(reads);
    expect(errors[0]).toMatch(/could not read it; trying again at the next poll/);
    // Asked directly, the caller hears it.
    await expect(watcher.check()).rejects.toThrow('connection refused');
  });
});
