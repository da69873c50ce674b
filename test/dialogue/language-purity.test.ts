import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT, chatWorld, type ChatUser, type ChatWorld } from './chat.js';

/** Words that are the same in both languages: product names, codes, commands, placeholders. */
const PRODUCT_WORDS = /\b(?:TokenIM|2FA|USDT|BTC|ETH|TxID|ID|app|App|APP|bug|Telegram|Discord|Twitter|T-\d+)\b|\/\w+(?: (?:zh|en))?|0x[0-9a-f…]+|\S+@\S+|https?:\/\/\S+|\[redacted: [a-z ]+\]/g;
/** Two English words in a row is a sentence fragment a Chinese reader should not get. */
const ENGLISH_RUN = /[A-Za-z]{2,}[\s,.'’-]+[A-Za-z]{2,}/;
const HAN = /\p{Script=Han}/u;

/** Everything a user sees in a conversation: every reply text and every button label. */
async function seen(user: ChatUser, run: (user: ChatUser) => Promise<void>): Promise<string[]> {
  const shown: string[] = [];
  const original = { say: user.say, press: user.press };
  const record = (result: Awaited<ReturnType<ChatUser['say']>>) => {
    for (const reply of result.replies) shown.push(reply.text, ...(reply.suggestions ?? []).map((s) => s.label));
    return result;
  };
  await run({ ...user, say: async (text) => record(await original.say(text)), press: async (payload) => record(await original.press(payload)) });
  return shown;
}

/** One walk through every kind of reply, with questions in both languages. */
function walk(world: ChatWorld, first: 'zh' | 'en') {
  return async (user: ChatUser) => {
    await user.say(`/lang ${first}`);
    await user.say('how do I enable 2fa');
    await user.say('no');
    await user.press('no_human');
    await user.say('怎么开启两步验证');
    await user.press('feedback:no');
    await user.say('will bitcoin go up tomorrow');
    await user.say('今天天气怎么样');
    await user.press('no_human');
    await user.say('help me');
    await user.say('ok');
    await user.say('my twitter got hacked');
    await user.say('/foo');
    await user.say('/status');
    await user.say('my USDT deposit has not arrived');
    await user.say('/human');
    await user.say('yes');
    await user.say('/status');
    await user.say('not sure');
    await user.say('no error');
    await user.say('hmm');
    await user.say('order 12');
    await user.say('skip');
    await user.say('bad email');
    await user.say('ann@example.com');
    await user.say('hello? anyone?');
    await user.say('转人工');
    const ticket = (await user.ticket())!;
    await world.services.desk.resolve(ticket.id, AGENT, 'done');
    await user.say('10');
    await user.say('still not solved');
    await user.say('yes');
    await user.say('/cancel');
    await user.say('/help');
  };
}

describe('one language per conversation turn', () => {
  let world: ChatWorld;
  beforeAll(async () => {
    world = await chatWorld();
  });
  afterAll(() => world.close());

  it('never shows an English sentence to a user who pinned Chinese', async () => {
    const shown = await seen(world.user('pure-zh'), walk(world, 'zh'));
    expect(shown.length).toBeGreaterThan(40);
    const english = shown.filter((text) => ENGLISH_RUN.test(text.replace(PRODUCT_WORDS, ' ')));
    expect(english).toEqual([]);
  });

  it('never shows Chinese to a user who pinned English', async () => {
    const shown = await seen(world.user('pure-en'), walk(world, 'en'));
    expect(shown.length).toBeGreaterThan(40);
    // "/lang" offers both languages by design; everything else is English only.
    expect(shown.filter((text) => HAN.test(text))).toEqual([]);
  });
});
