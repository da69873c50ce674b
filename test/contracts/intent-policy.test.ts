import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INTENT_IDS, INTENT_POLICY, policyOf } from '../../src/contracts/index.js';
import { say } from '../../src/contracts/index.js';

const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));

describe('the intent taxonomy and its policy table', () => {
  it('has one policy per intent of DESIGN.md, and the training data and FAQ use only those intents', () => {
    expect(Object.keys(INTENT_POLICY).sort()).toEqual([...INTENT_IDS].sort());
    const trained = [...Object.keys(read('intents/en.json')), ...Object.keys(read('intents/zh.json'))];
    const faq = (read('data/faq.json') as { entries: { intent: string }[] }).entries.map((entry) => entry.intent);
    for (const intent of [...trained, ...faq].filter((key) => !key.startsWith('_'))) expect(INTENT_IDS).toContain(intent);
  });

  it('names every intent for agents and users in both languages', () => {
    for (const id of INTENT_IDS) for (const lang of ['en', 'zh'] as const) expect(say(lang, `intent.${id}`)).not.toBe('');
  });

  it('holds the rules of DESIGN.md: a compromised account escalates at once as urgent, missing funds are high, a request for a human escalates', () => {
    expect(INTENT_POLICY['security.account_compromised']).toMatchObject({ action: 'escalate', priority: 'urgent' });
    expect(INTENT_POLICY['transaction.pending']).toMatchObject({ action: 'answer', priority: 'high', followUp: 'ask_transaction_id' });
    expect(INTENT_POLICY['withdrawal.not_received']).toMatchObject({ action: 'answer', priority: 'high' });
    expect(INTENT_POLICY['agent.request']).toMatchObject({ action: 'escalate', kind: 'request' });
    expect(INTENT_POLICY['transaction.pending'].handoff).toContain('transactionId');
    expect(INTENT_POLICY['account.locked'].handoff).not.toContain('transactionId');
    expect(INTENT_POLICY['smalltalk.thanks'].askFeedback).toBe(false);
    // A label outside the taxonomy (a BANKING77 category under `eval`) is a plain question.
    expect(policyOf('card_arrival')).toMatchObject({ action: 'answer', priority: 'normal', kind: 'problem' });
  });
});
