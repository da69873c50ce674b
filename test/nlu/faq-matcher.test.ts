import { describe, expect, it } from 'vitest';
import { FaqMatcher } from '../../src/nlu/faq-matcher.js';
import { loadKnowledgeBase } from '../../src/nlu/knowledge-base.js';
import { QuestionIndex } from '../../src/nlu/question-index.js';

const words = (text: string) => [...new Set(text.split(' ').filter(Boolean))];

describe('QuestionIndex', () => {
  const index = new QuestionIndex(['reset my password', 'withdrawal not received', 'contact support by email', 'password and withdrawal'], words);

  it('ranks the row holding more (and rarer) query tokens first', () => {
    const hits = index.search('withdrawal not received', 10);
    expect(hits[0]!.row).toBe(1);
    expect(hits.map((hit) => hit.row)).toContain(3);
    expect(hits[0]!.score).toBeLessThan(hits.find((hit) => hit.row === 3)!.score);
  });

  it('forgives a typo in a word it does not know', () => {
    const [best] = index.search('pasword', 10);
    expect([0, 3]).toContain(best!.row);
    expect(best!.score).toBeLessThan(1);
  });

  it('answers a query asked again (its tokens remembered) exactly as the first time, typos included', () => {
    for (const query of ['withdrawal not received', 'pasword', 'reset password withdrawal']) {
      const first = index.search(query, 10);
      expect(index.search(query, 10)).toEqual(first);
    }
    expect(index.search('pasword', 1)).toEqual(index.search('pasword', 10).slice(0, 1));
  });

  it('finds nothing for unrelated words, and respects the limit', () => {
    expect(index.search('weather tomorrow', 10)).toEqual([]);
    expect(index.search('password withdrawal support', 2)).toHaveLength(2);
  });
});

describe('FaqMatcher', () => {
  const matcher = new FaqMatcher(loadKnowledgeBase());

  it('matches a FAQ question asked verbatim with a near-perfect score, in both languages', () => {
    const kb = loadKnowledgeBase();
    for (const entry of kb.entries.slice(0, 10)) {
      for (const lang of ['en', 'zh'] as const) {
        const [match] = matcher.search(entry.questions[lang][0]!, { limit: 1 });
        expect(match!.score).toBeLessThan(0.15);
      }
    }
  });

  it('searches within one intent, one match per entry', () => {
    const matches = matcher.search('my withdrawal has not arrived', { intent: 'withdrawal.not_received', limit: 3 });
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.every((match) => match.entry.intent === 'withdrawal.not_received')).toBe(true);
    expect(new Set(matches.map((match) => match.entry.id)).size).toBe(matches.length);
  });

  it('still finds the entry through a typo', () => {
    expect(matcher.search('how do I enabel two factor authentification', { limit: 3 }).map((match) => match.entry.id)).toContain('enable-2fa');
  });
});
