import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT, chatWorld, type ChatUser, type ChatWorld } from './chat.js';

/** Words that are the same in both languages: product names, codes, commands, placeholders. */
const PRODUCT_WORDS = /\b(?:TokenIM|2FA|USDT|BTC|ETH|TxID|ID|app|App|APP|bug|Telegram|Discord|Twitter|T-\d+)\b|\/\w+(?: (?:zh|en))?|0x[0-9a-f…]+|\S+@\S+|https?:\/\/\S+|\[redacted: [a-z ]+\]/g;
/** Two English words in a row is a sentence fragment a Chinese reader should not get. */
const ENGLISH_RUN = /[A-Za-z]{2,}[\s,.'’-]+[A-Za-z]{2,}/;
const HAN = /\p{Script=Han}/u;

/** Everything a user sees in a conversation: every reply text and every button label. */
function seen(user: ChatUser, run: (user: ChatUser) => void): string[] {
  const shown: string[] = [];
  const original = { say: user.say, press: user.press };
  const record = (result: ReturnType<ChatUser['say']>) => {
    for (const reply of result.replies) shown.push(reply.text, ...(reply.suggestions ?? []).map((s) => s.label));
    return result;
  };
  run({ ...user, say: (text) => record(original.say(text)), press: (payload) => record(original.press(payload)) });
  return shown;
}

/** One walk through every kind of reply, with questions in both languages. */
function walk(world: ChatWorld, first: 'zh' | 'en') {
  return (user: ChatUser) => {
    user.say(`/lang ${first}`);
    user.say('how do I enable 2fa');
    user.say('no');
    user.press('no_human');
    user.say('怎么开启两步验证');
    user.press('feedback:no');
    user.say('will bitcoin go up tomorrow');
    user.say('今天天气怎么样');
    user.press('no_human');
    user.say('help me');
    user.say('ok');
    user.say('my twitter got hacked');
    user.say('/foo');
    user.say('/status');
    user.say('my USDT deposit has not arrived');
    user.say('/human');
    user.say('yes');
    user.say('/status');
    user.say('not sure');
    user.say('no error');
    user.say('hmm');
    user.say('order 12');
    user.say('skip');
    user.say('bad email');
    user.say('ann@example.com');
    user.say('hello? anyone?');
    user.say('转人工');
    const ticket = user.ticket()!;
    world.services.desk.resolve(ticket.id, AGENT, 'done');
    user.say('10');
    user.say('still not solved');
    user.say('yes');
    user.say('/cancel');
    user.say('/help');
  };
}

describe('one language per conversation turn', () => {
  let world: ChatWorld;
  beforeAll(() => {
    world = chatWorld();
  });
  afterAll(() => world.close());

  it('never shows an English sentence to a user who pinned Chinese', () => {
    const shown = seen(world.user('pure-zh'), walk(world, 'zh'));
    expect(shown.length).toBeGreaterThan(40);
    const english = shown.filter((text) => ENGLISH_RUN.test(text.replace(PRODUCT_WORDS, ' ')));
    expect(english).toEqual([]);
  });

  it('never shows Chinese to a user who pinned English', () => {
    const shown = seen(world.user('pure-en'), walk(world, 'en'));
    expect(shown.length).toBeGreaterThan(40);
    // "/lang" offers both languages by design; everything else is English only.
    expect(shown.filter((text) => HAN.test(text))).toEqual([]);
  });
});
