import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { Brain } from '../../src/nlu/brain.js';
import { INTENT_IDS } from '../../src/contracts/index.js';
import { loadDevSet, scoreDevSet } from '../support/devset.js';

describe('the brain', () => {
  let brain: Brain;
  beforeAll(() => {
    brain = Brain.load(loadConfig({}).nlu);
  });

  // The dev set (test/fixtures/devset.jsonl) was written independently of intents/: these are unseen phrasings.
  describe.each(INTENT_IDS.filter((intent) => intent !== 'none'))('%s', (intent) => {
    it.each(['en', 'zh'] as const)('is recognised from unseen %s phrasings', (lang) => {
      const queries = loadDevSet().filter((query) => query.intent === intent && query.lang === lang);
      expect(queries.length).toBeGreaterThanOrEqual(5);
      const recognised = queries.filter((query) => brain.decide(query.text).intent === intent);
      // At most one miss per intent and language.
      expect(recognised.length).toBeGreaterThanOrEqual(queries.length - 1);
    });
  });

  it('keeps the dev-set targets: in-scope accuracy >= 95 %, out-of-scope rejected >= 90 %', () => {
    const score = scoreDevSet(brain, loadDevSet());
    expect(score.inScope).toBeGreaterThanOrEqual(150);
    expect(score.inScopeAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(score.outOfScopeRejected).toBeGreaterThanOrEqual(0.9);
    for (const lang of ['en', 'zh'] as const) {
      expect(score.byLang[lang].inScopeAccuracy).toBeGreaterThanOrEqual(0.95);
      expect(score.byLang[lang].outOfScopeRejected).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('keeps the targets on the harder holdout set too (indirect phrasings, pinyin, other platforms)', () => {
    const score = scoreDevSet(brain, loadDevSet('holdout'));
    expect(score.inScopeAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(score.outOfScopeRejected).toBeGreaterThanOrEqual(0.9);
  });

  it.each(['what is the price of bitcoin today', 'should I buy solana now?', '明天北京天气怎么样', '给我讲个笑话', 'asdfgh jkl', '🙂🙂🙂', ''])('does not answer out-of-scope "%s"', (text) => {
    const decision = brain.decide(text);
    expect(['fallback', 'clarify']).toContain(decision.action);
    expect(decision.faqId).toBeNull();
  });

  it('offers the likely questions as buttons when a query is ambiguous', () => {
    const decision = brain.decide('problem with my account');
    expect(decision.action).toBe('clarify');
    const faqButtons = decision.suggestions.filter((suggestion) => suggestion.payload.startsWith('faq:'));
    expect(faqButtons.length).toBeGreaterThanOrEqual(2);
    expect(decision.suggestions.at(-1)!.payload).toBe('human');
    const chosen = brain.answerEntry(faqButtons[0]!.payload.slice(4), 'en');
    expect(chosen?.action).toBe('answer');
  });

  it('asks before paging a human when "hacked" is only a guess, and escalates when it is clear', () => {
    expect(brain.decide('my money').action).not.toBe('escalate');
    expect(brain.decide('my account was hacked and my funds are gone')).toMatchObject({ action: 'escalate', intent: 'security.account_compromised' });
    expect(brain.decide('转人工')).toMatchObject({ action: 'escalate', intent: 'agent.request' });
  });

  it('picks the specific FAQ entry within an intent, in both languages', () => {
    expect(brain.decide('how do I turn on 2FA').faqId).toBe('enable-2fa');
    expect(brain.decide('怎么开启谷歌验证器').faqId).toBe('enable-2fa');
    expect(brain.decide('有人冒充客服问我要助记词').faqId).toBe('scam-impersonation');
    expect(brain.decide('I sent my withdrawal to the wrong address').faqId).toBe('withdrawal-wrong-address');
  });

  it('answers in the language of the message, and Chinese for mixed Chinese-English', () => {
    expect(brain.decide('my withdrawal has not arrived').lang).toBe('en');
    const mixed = brain.decide('USDT 提现 还没到账');
    expect(mixed).toMatchObject({ lang: 'zh', intent: 'withdrawal.not_received' });
    expect(mixed.reply).toMatch(/[\u4e00-\u9fff]/);
  });

  it('fills configured links into answers', () => {
    const linked = Brain.load(loadConfig({}).nlu, { helpCenter: 'https://help.example.com' });
    const answers = linked.knowledgeBase.entries.map((entry) => linked.knowledgeBase.answer(entry, 'en')).join('\n');
    expect(answers).toContain('https://help.example.com');
    expect(answers).not.toMatch(/\{\{\w+\}\}/);
  });
});
