import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWorld, payloads, type ChatWorld } from '../dialogue/chat.js';

// The brain's follow-up and two-question decisions, as a user meets them through the pipeline.
describe('the pipeline with a conversation around each message', () => {
  let world: ChatWorld;
  beforeAll(async () => {
    world = await chatWorld();
  });
  afterAll(() => world.close());

  it.each([
    ['en', 'I forgot my password and my withdrawal is stuck', /reset/i, /withdraw/i],
    ['zh', '忘记密码了,还有提现没到账', /密码/, /提现/],
  ] as const)('answers both questions of one message (%s), then asks once whether it helped', async (_lang, text, first, second) => {
    const user = world.user(`two-${_lang}`);
    const turn = await user.say(text);
    const answers = turn.replies.filter((reply) => reply.kind === 'answer').map((reply) => reply.text);
    expect(answers).toHaveLength(2);
    expect(answers.some((answer) => first.test(answer))).toBe(true);
    expect(answers.some((answer) => second.test(answer))).toBe(true);
    expect(payloads(turn).filter((payload) => payload.startsWith('feedback:'))).toEqual(['feedback:yes', 'feedback:no']);
    expect(turn.replies.at(-1)!.kind).toBe('prompt');
  });

  it.each([
    ['en', 'my withdrawal has not arrived', 'and deposits?'],
    ['zh', '我的提现还没到账', '那充值呢?'],
  ] as const)('reads a short follow-up right after an answer in its context (%s)', async (_lang, question, followUp) => {
    const user = world.user(`follow-${_lang}`);
    expect((await user.say(question)).decision?.intent).toBe('withdrawal.not_received');
    const turn = await user.say(followUp);
    expect(turn.decision).toMatchObject({ intent: 'transaction.pending', action: 'answer', contextual: true });
  });

  it('reads the same words as a new question when no answer came just before', async () => {
    const user = world.user('no-context');
    const turn = await user.say('and deposits?');
    expect(turn.decision?.contextual).toBeUndefined();
  });
});
