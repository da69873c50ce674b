import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT, allText, chatWorld, payloads, type ChatUser, type ChatWorld } from './chat.js';

const HAN = /\p{Script=Han}/u;
const TX = '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060';

/** Answers the hand-off questions with "skip" until the ticket is open. */
async function skipToTicket(user: ChatUser) {
  for (let i = 0; i < 8; i++) {
    const result = await user.press('skip');
    if (result.escalation) return result;
  }
  throw new Error('no ticket after skipping every question');
}

describe('conversation quality', () => {
  let world: ChatWorld;
  beforeAll(async () => {
    world = await chatWorld();
  });
  afterAll(() => world.close());

  describe('one reply language per turn', () => {
    it('answers in the pinned language even when the question is in the other one, feedback prompt included', async () => {
      const zh = world.user('lang-zh');
      await zh.say('/lang zh');
      const answer = await zh.say('how do I enable 2fa');
      expect(answer.replies[0]!.kind).toBe('answer');
      expect(answer.replies[0]!.text).toMatch(/两步验证/);
      expect(answer.replies.at(-1)!.text).toMatch(/有帮助吗/);

      const en = world.user('lang-en');
      await en.say('/lang en');
      const reply = await en.say('怎么开启两步验证');
      expect(reply.replies[0]!.text).toMatch(/two-step verification/i);
      expect(allText(reply)).not.toMatch(HAN);
    });

    it('says "can\'t help", /status and unknown commands in the pinned language', async () => {
      const zh = world.user('lang-zh-2');
      await zh.say('/lang zh');
      expect((await zh.say('what is the weather like in Paris')).replies[0]!.text).toMatch(HAN);
      expect((await zh.say('/status')).replies[0]!.text).toMatch(/没有/);
      const unknown = await zh.say('/foo');
      expect(unknown.replies[0]!.text).toMatch(/\/foo/);
      expect(unknown.replies[0]!.text).toMatch(/可以帮您处理/);
    });

    it('answers an unknown command with the help text in the conversation language', async () => {
      const en = world.user('unknown-en');
      await en.say('hello');
      const unknown = await en.say('/foo');
      expect(unknown.replies).toHaveLength(1);
      expect(unknown.replies[0]!.text).toMatch(/\/foo/);
      expect(unknown.replies[0]!.text).toMatch(/I can help with/);
      const zh = world.user('unknown-zh');
      await zh.say('你好');
      expect((await zh.say('/foo')).replies[0]!.text).toMatch(/可以帮您处理/);
    });

    it('takes commands typed with a full-width slash', async () => {
      const user = world.user('fullwidth');
      await user.say('你好');
      expect((await user.say('／help')).replies[0]!.text).toMatch(/可以帮您处理/);
      const human = await user.say('／human');
      expect(human.replies.at(-1)!.suggestions?.map((s) => s.payload)).toContain('skip');
      expect((await user.say('／status')).replies[0]!.text).toMatch(/还没有|尚未/);
    });
  });

  describe('every user message gets a reply', () => {
    it('acknowledges messages to an open ticket once a minute with its number and place, and shows the status on a typed request for a human', async () => {
      const user = world.user('ack-zh');
      await user.say('/lang zh');
      await user.say('/human');
      const { escalation } = await skipToTicket(user);
      const first = await user.say('客服什么时候来');
      expect(first.replies).toHaveLength(1);
      expect(first.replies[0]!.text).toContain(escalation!.number);
      const second = await user.say('hello?');
      expect(second.replies).toHaveLength(1);
      expect(second.replies[0]!.text).not.toContain(escalation!.number);
      world.advance(61_000);
      expect((await user.say('补充一下:昨天下午发生的')).replies[0]!.text).toContain(escalation!.number);
      const human = await user.say('转人工');
      expect(human.replies[0]!.kind).toBe('status');
      expect(human.replies[0]!.text).toMatch(/等待客服接单/);
      const detail = await world.services.desk.detail(escalation!.id);
      expect(detail.messages.filter((m) => m.from === 'user').map((m) => m.text)).toEqual(expect.arrayContaining(['客服什么时候来', 'hello?', '转人工']));
    });

    it('tells an English user who is handling the claimed ticket', async () => {
      const user = world.user('ack-en');
      await user.say('I need to talk to a human');
      const { escalation } = await skipToTicket(user);
      await world.services.desk.claim(escalation!.id, AGENT);
      const ack = await user.say('any news?');
      expect(ack.replies[0]!.text).toMatch(/alice/);
      expect(ack.replies[0]!.text).toContain(escalation!.number);
    });
  });

  describe('short replies read in context', () => {
    it.each([
      ['有帮助', 'zh', 'yes'],
      ['是的', 'zh', 'yes'],
      ['yes', 'en', 'yes'],
      ['yep', 'en', 'yes'],
      ['不是', 'zh', 'no'],
      ['没有', 'zh', 'no'],
      ['no', 'en', 'no'],
      ['nope', 'en', 'no'],
    ])('"%s" after "Did this help?" acts as the button', async (word, lang, meaning) => {
      const user = world.user(`feedback-${word}`);
      await user.say(lang === 'zh' ? '忘记密码怎么办' : 'I forgot my password');
      const result = await user.say(word);
      expect(result.decision).toBeUndefined();
      if (meaning === 'yes') {
        expect(result.replies[0]!.text).toMatch(lang === 'zh' ? /很高兴/ : /glad/i);
      } else {
        expect(payloads(result)).toEqual(expect.arrayContaining(['human', 'no_human']));
        expect(await user.ticket()).toBeUndefined();
      }
    });

    const resolveTicket = async (id: string, lang: 'zh' | 'en') => {
      const user = world.user(id);
      await user.say(lang === 'zh' ? '转人工' : 'talk to a human');
      const { escalation } = await skipToTicket(user);
      await world.services.desk.resolve(escalation!.id, AGENT, 'done');
      return { user, id: escalation!.id };
    };

    it.each([
      ['五星', 5],
      ['５', 5],
      ['4分', 4],
      ['five stars', 5],
      ['★★★★', 4],
      ['很好', 5],
      ['great', 5],
      ['一般', 3],
    ])('takes the rating "%s" as %i', async (text, rating) => {
      const { user, id } = await resolveTicket(`rate-${text}`, HAN.test(text) ? 'zh' : 'en');
      const thanks = await user.say(text);
      expect(thanks.replies[0]!.text).toMatch(/感谢|Thank you/);
      expect(await world.services.desk.view(id)).toMatchObject({ rating });
    });

    it('re-asks once for an unclear rating, then lets it go', async () => {
      const { user, id } = await resolveTicket('rate-unclear', 'en');
      const again = await user.say('10');
      expect(again.replies[0]!.text).toMatch(/1.*5/);
      expect(payloads(again)).toContain('rate:5');
      const gone = await user.say('11');
      expect(gone.replies[0]!.text).toMatch(/no rating/);
      expect((await world.services.desk.view(id)).rating ?? null).toBeNull();
      expect((await user.say('how do I enable 2FA?')).replies[0]!.kind).toBe('answer');
    });

    it('offers to reopen a resolved ticket when the user says it is not solved', async () => {
      const { user, id } = await resolveTicket('reopen-zh', 'zh');
      const offer = await user.say('问题其实还没解决');
      expect(offer.replies[0]!.text).toMatch(/重新打开/);
      expect(payloads(offer)).toContain('reopen');
      const reopened = await user.press('reopen');
      expect(reopened.replies[0]!.text).toMatch(/已重新打开/);
      expect((await world.services.desk.view(id)).status).toBe('open');
      expect((await user.ticket())?.id).toBe(id);
    });

    it('offers to reopen after the rating too, in English', async () => {
      const { user, id } = await resolveTicket('reopen-en', 'en');
      await user.say('4');
      const offer = await user.say("it's not solved");
      expect(payloads(offer)).toContain('reopen');
      await user.say('yes');
      expect((await world.services.desk.view(id)).status).toBe('open');
    });
  });

  describe('a human offered, not forced', () => {
    it('offers a human after two misses and waits for the choice', async () => {
      const user = world.user('misses-zh');
      await user.say('比特币明天会涨吗');
      const second = await user.say('今天天气怎么样');
      expect(payloads(second)).toEqual(expect.arrayContaining(['human', 'no_human']));
      expect(allText(second)).not.toMatch(/跳过/);
      expect((await user.say('不用了')).replies[0]!.text).toMatch(/好的/);
      expect(await user.ticket()).toBeUndefined();
    });

    it('starts the questions once the user accepts the offer', async () => {
      const user = world.user('misses-en');
      await user.say('will bitcoin go up tomorrow');
      await user.say('what is the weather today');
      const accepted = await user.say('yes');
      expect(payloads(accepted)).toContain('skip');
    });

    it('does not count chit-chat as a miss', async () => {
      const user = world.user('chitchat');
      await user.say('ok');
      const second = await user.say('ok');
      expect(payloads(second)).not.toContain('no_human');
      expect(second.replies).toHaveLength(1);
      expect((await user.say('哈哈')).replies[0]!.text).toMatch(HAN);
    });

    it('offers "talk to a human" / "no thanks" after No 👎 without starting the questions', async () => {
      const user = world.user('no-button');
      await user.say('怎么开启两步验证');
      const no = await user.press('feedback:no');
      expect(no.replies.at(-1)!.suggestions?.map((s) => s.label)).toEqual(['转人工客服', '不用了']);
      expect(allText(no)).not.toMatch(/跳过/);
      expect(payloads(await user.press('human'))).toContain('skip');
    });

    it("answers another platform's hacked account without a ticket", async () => {
      const user = world.user('twitter');
      const reply = await user.say('my twitter got hacked');
      expect(reply.escalation).toBeUndefined();
      expect(await user.ticket()).toBeUndefined();
      expect(reply.replies[0]!.text).toMatch(/Twitter/);
      expect((await user.say('我的微信被盗了')).escalation).toBeUndefined();
      const own = await world.user('own-account').say('someone hacked my account and stole all my BTC');
      expect(own.escalation?.priority).toBe('urgent');
    });
  });

  describe('forgiving hand-off questions', () => {
    it.each(['取消', '算了', 'cancel', 'Cancel'])('"%s" typed during the questions cancels them', async (word) => {
      const user = world.user(`cancel-${word}`);
      await user.say('/human');
      const result = await user.say(word);
      expect(result.replies[0]!.text).toMatch(/取消|cancelled/i);
      expect((await user.say('/status')).replies[0]!.text).toMatch(/没有|no open ticket/i);
    });

    it('skips on "don\'t know", moves on after two re-asks and accepts an order number', async () => {
      const user = world.user('forgiving');
      await user.say('my USDT deposit still has not arrived after 3 hours');
      await user.say('/human');
      await user.say('yes');
      expect((await user.say('not sure')).replies.at(-1)!.text).toMatch(/error message/);
      expect((await user.say("I don't remember")).replies.at(-1)!.text).toMatch(/transaction ID.*order number/i);
      expect((await user.say('order no. 2024112500123')).replies.at(-1)!.text).toMatch(/e-mail/);
      expect((await user.say('ann at example')).replies.at(-1)!.text).toMatch(/doesn't look like an e-mail/);
      expect((await user.say('ann at example dot com')).replies.at(-1)!.text).toMatch(/doesn't look like an e-mail/);
      const moved = await user.say('annexample');
      expect(moved.escalation).toBeDefined();
      expect(moved.escalation!.priority).toBe('high');
      expect((await world.services.desk.view(moved.escalation!.number)).details).toMatchObject({ transactionId: '2024112500123' });
    });

    it('skips on 我不记得了 and 不知道', async () => {
      const user = world.user('dont-know-zh');
      await user.say('/human');
      await user.say('登录不了');
      expect((await user.say('我不记得了')).replies.at(-1)!.text).toMatch(/错误提示/);
      expect((await user.say('不知道')).replies.at(-1)!.text).toMatch(/邮箱/);
    });

    it('shows the step in progress on /status', async () => {
      const user = world.user('status-collecting');
      await user.say('/human');
      await user.say('login fails');
      const status = await user.say('/status');
      expect(status.replies[0]!.text).toMatch(/2/);
      expect(status.replies.at(-1)!.text).toMatch(/When did it happen/);
    });

    it('recognises missing funds described after /human: transaction ID asked, high priority', async () => {
      const user = world.user('funds-after-human');
      await user.say('/human');
      await user.say('我的提现没到账');
      await user.say('昨天');
      await user.say('没有');
      const askTx = await user.say('/status');
      expect(askTx.replies.at(-1)!.text).toMatch(/交易ID/);
      await user.say(`交易ID ${TX}`);
      const created = await user.say('li@example.com');
      expect(created.escalation?.priority).toBe('high');
      expect((await world.services.desk.view(created.escalation!.number)).details).toMatchObject({ transactionId: TX });
    });

    it('does not ask for a transaction ID the user already gave', async () => {
      const user = world.user('tx-given');
      await user.say('/human');
      await user.say(`my withdrawal never arrived, tx ${TX}`);
      const texts: string[] = [];
      for (let i = 0; i < 6 && !(await user.ticket()); i++) texts.push(allText(await user.press('skip')));
      expect(texts.join('\n')).not.toMatch(/transaction ID/i);
      expect(await user.ticket()).toMatchObject({ priority: 'high', details: { transactionId: TX } });
    });
  });

  describe('smaller things', () => {
    it('never offers "did you mean" with one option, nor Hi / Thanks buttons for "help me"', async () => {
      const user = world.user('help-me');
      const result = await user.say('help me');
      const faqButtons = payloads(result).filter((p) => p.startsWith('faq:'));
      expect(faqButtons).not.toEqual(expect.arrayContaining(['faq:greeting']));
      expect(faqButtons).not.toEqual(expect.arrayContaining(['faq:thanks']));
      for (const reply of result.replies) {
        if (reply.kind === 'clarify') expect(reply.suggestions!.filter((s) => s.payload.startsWith('faq:')).length).toBeGreaterThanOrEqual(2);
      }
    });

    it('uses one bot name in the greeting and in /help', async () => {
      for (const [hello, name] of [
        ['你好', /我是(.+?)[，,！!]/],
        ['hello', /I'm the (.+?)[.,!]/],
      ] as const) {
        const user = world.user(`name-${hello}`);
        const greeting = name.exec((await user.say(hello)).replies[0]!.text)?.[1];
        const help = name.exec((await user.say('/help')).replies[0]!.text)?.[1];
        expect(greeting).toBeDefined();
        expect(help).toBe(greeting);
      }
    });

    it('does not invite to a community without a link when none is configured', async () => {
      const reply = (await world.user('tg-group').say('有没有电报群')).replies[0]!.text;
      expect(reply).not.toMatch(/有的|欢迎加入/);
    });

    it('answers the question asked when a seed phrase comes with it, and warns once', async () => {
      const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
      const result = await world.user('seed-recover').say(`help me recover my wallet ${phrase}`);
      const warnings = result.replies.filter((reply) => /never|绝不/i.test(reply.text));
      expect(warnings).toHaveLength(1);
      expect(allText(result)).not.toMatch(/scam/i);
      expect(result.replies.length).toBeGreaterThan(1);
    });
  });
});

describe('after hours', () => {
  let world: ChatWorld;
  beforeAll(async () => {
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    world = await chatWorld({ BUSINESS_HOURS: `${days[(new Date().getUTCDay() + 2) % 7]} 09:00-17:00 UTC` });
  });
  afterAll(() => world.close());

  it('does not say the team was alerted and then that nobody is there, nor give the safety advice twice', async () => {
    for (const text of ['我的账户被盗了,资产全没了', 'my account was hacked and my funds are gone']) {
      const result = await world.user(`away-${text.length}`).say(text);
      expect(result.escalation?.priority).toBe('urgent');
      const all = allText(result);
      expect(all).not.toMatch(/立即通知|alerted our team right away/);
      expect(result.replies.filter((reply) => /2FA|两步验证/.test(reply.text))).toHaveLength(1);
    }
  });
});
