import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { Brain } from '../../src/nlu/brain.js';

// Behaviour across a message's questions and across turns, through Brain.decide only.
describe('the brain in a conversation', () => {
  let brain: Brain;
  beforeAll(() => {
    brain = Brain.load(loadConfig({}).nlu);
  });

  describe('two questions in one message', () => {
    it.each([
      ['en', 'I forgot my password and my withdrawal is stuck'],
      ['zh', '忘记密码了,还有提现没到账'],
    ] as const)('answers both (%s), in the language of the message', (lang, text) => {
      const decision = brain.decide(text);
      expect(decision.action).toBe('answer');
      expect(decision.secondary?.action).toBe('answer');
      expect(new Set([decision.intent, decision.secondary?.intent])).toEqual(new Set(['account.forgot_password', 'withdrawal.not_received']));
      for (const part of [decision, decision.secondary!]) {
        expect(part.lang).toBe(lang);
        expect(/[\u4e00-\u9fff]/.test(part.reply)).toBe(lang === 'zh');
      }
    });

    it.each(['how do I deposit and withdraw', 'hi, my withdrawal is stuck', '你好,我的提现还没到账'])('keeps "%s" as one question', (text) => {
      expect(brain.decide(text).secondary).toBeUndefined();
    });
  });

  describe('follow-ups', () => {
    const afterWithdrawal = (lang: 'en' | 'zh') =>
      ({ previousIntent: 'withdrawal.not_received', previousFaqId: 'withdrawal-not-received', previousText: lang === 'en' ? 'my withdrawal has not arrived' : '提现还没到账' }) as const;

    it.each([
      ['en', 'and deposits?'],
      ['zh', '那充值呢?'],
    ] as const)('reads a short %s follow-up with the previous question', (lang, text) => {
      const decision = brain.decide(text, lang, afterWithdrawal(lang));
      expect(decision).toMatchObject({ lang, intent: 'transaction.pending', action: 'answer', faqId: 'deposit-not-credited', contextual: true });
    });

    it('works from the previous entry alone, when the pipeline has no previous text', () => {
      const decision = brain.decide('and deposits?', 'en', { previousIntent: 'withdrawal.not_received', previousFaqId: 'withdrawal-not-received' });
      expect(decision).toMatchObject({ intent: 'transaction.pending', contextual: true });
    });

    it.each([
      ['en', 'how long?', 'my account is locked'],
      ['zh', '要多久?', '账户被锁了'],
    ] as const)('answers a bare "%s" question about the previous topic', (lang, text, previousText) => {
      const context = { previousIntent: 'account.locked', previousFaqId: 'account-locked', previousText };
      const decision = brain.decide(text, lang, context);
      expect(decision).toMatchObject({ intent: 'account.locked', action: 'answer', contextual: true });
      expect(decision.faqId).not.toBe('account-locked');
      // Without the context the same words mean something else.
      expect(brain.decide(text, lang).intent).not.toBe('account.locked');
    });

    it.each([
      ['en', 'how do I enable 2FA?', 'security.account_protection'],
      ['zh', '怎么开启谷歌验证', 'security.account_protection'],
      ['en', 'thanks!', 'smalltalk.thanks'],
      ['zh', '我的账户被锁了', 'account.locked'],
    ] as const)('treats a new topic (%s "%s") as a new question', (lang, text, intent) => {
      const decision = brain.decide(text, lang, afterWithdrawal(lang));
      expect(decision.intent).toBe(intent);
      expect(decision.contextual).toBeUndefined();
      expect(decision).toEqual(brain.decide(text, lang));
    });
  });

  describe('confidence', () => {
    it.each(['the lakers beat the celtics in overtime', 'quiero pedir una pizza grande', '量子纠缠和黑洞蒸发有什么联系'])('is low for "%s", whose words the model has never seen', (text) => {
      const [top] = brain.classifier.predict(text, 1);
      expect(top!.label === 'none' || top!.confidence < 0.5).toBe(true);
      expect(brain.decide(text).action).not.toBe('answer');
    });
  });
});
