import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoticeBoard, NoticeError } from '../../src/announcements/notice-board.js';
import { asksIfDown } from '../../src/announcements/relevance.js';
import { decodePayload, encodePayload, say, type IncomingMessage } from '../../src/contracts/index.js';
import { parseCommand } from '../../src/dialogue/commands.js';
import { createServices, type Services } from '../../src/services.js';
import { describeEachEngine } from '../support/engines.js';

const HOUR = 60 * 60_000;

describe('announcement commands and questions', () => {
  it('reads /subscribe and /unsubscribe, full-width too, and the buttons through the codec', () => {
    expect(parseCommand('/subscribe')).toEqual({ name: 'subscribe', argument: '' });
    expect(parseCommand('／ｕｎｓｕｂｓｃｒｉｂｅ')).toEqual({ name: 'unsubscribe', argument: '' });
    expect(decodePayload(encodePayload({ kind: 'subscribe' }))).toEqual({ kind: 'subscribe' });
    expect(decodePayload('unsubscribe')).toEqual({ kind: 'unsubscribe' });
  });

  it('recognises "is it down?" in both languages, and not an ordinary question', () => {
    expect(['is the site down', 'the app is not loading', 'outage?', '平台挂了吗', '无法访问']).toSatisfy((all: string[]) => all.every(asksIfDown));
    expect(asksIfDown('how do I withdraw to my bank')).toBe(false);
  });
});

describeEachEngine('announcements in the pipeline', (engine) => {
  let services: Services;
  let board: NoticeBoard;
  beforeAll(async () => {
    services = await createServices(await engine.config());
    board = new NoticeBoard(services.engine);
  });
  afterAll(async () => {
    await services?.close();
  });
  const message = (userId: string, text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({ channel: 'web', userId, conversation: { visitorId: userId }, text, ...extra });
  const texts = (userId: string, text: string, extra: Partial<IncomingMessage> = {}) => services.bot.handle(message(userId, text, extra));

  it('subscribes and unsubscribes a user, once however often they ask', async () => {
    expect((await texts('ann', '/subscribe')).map((reply) => reply.text)).toEqual([say('en', 'subscribed')]);
    await texts('ann', '／subscribe');
    const subscribers = async () => (await board.publish({ kind: 'update', text: { en: 'New app version', zh: '新版本' }, startsAt: new Date(), endsAt: new Date(Date.now() + HOUR) })).recipients;
    expect(await subscribers()).toBe(1);
    expect((await texts('ann', '/unsubscribe')).map((reply) => reply.text)).toEqual([say('en', 'unsubscribed')]);
    expect(await subscribers()).toBe(0);
  });

  it('counts as in force only the notices that have started and not ended, the latest first', async () => {
    const at = new Date('2031-03-01T12:00:00Z');
    const publish = async (en: string, startsAt: Date, endsAt: Date) => (await board.publish({ kind: 'incident', text: { en, zh: en }, startsAt, endsAt }, new Date(startsAt.getTime() - HOUR))).id;
    const ended = await publish('ended', new Date(at.getTime() - 3 * HOUR), at);
    const earlier = await publish('earlier', new Date(at.getTime() - 2 * HOUR), new Date(at.getTime() + HOUR));
    const later = await publish('later', new Date(at.getTime() - HOUR), new Date(at.getTime() + HOUR));
    const upcoming = await publish('upcoming', new Date(at.getTime() + 1), new Date(at.getTime() + HOUR));
    const inForce = (await board.active(at)).map((notice) => notice.id);
    expect(inForce).toEqual([later, earlier]);
    expect(inForce).not.toContain(ended);
    expect(inForce).not.toContain(upcoming);
    expect((await board.active(new Date(at.getTime() + 1))).map((notice) => notice.id)).toEqual([upcoming, later, earlier]);
  });

  it('offers the subscription button after a maintenance answer, and pressing it subscribes', async () => {
    const replies = await texts('bo', 'when is the next system maintenance?');
    const offered = replies.flatMap((reply) => reply.suggestions ?? []).find((suggestion) => suggestion.payload === 'subscribe');
    expect(offered?.label).toBe(say('en', 'button.subscribe'));
    expect((await texts('bo', '', { payload: offered!.payload })).map((reply) => reply.text)).toEqual([say('en', 'subscribed')]);
    expect(await board.isSubscribed('web:bo')).toBe(true);
  });

  it('answers maintenance, "is it down" and pending-transaction questions with the active maintenance notice first; /status shows it', async () => {
    const notice = await board.publish({
      kind: 'maintenance',
      text: { en: 'Withdrawals are paused for a wallet upgrade.', zh: '钱包升级期间暂停提现。' },
      startsAt: new Date(Date.now() - HOUR),
      endsAt: new Date(Date.now() + HOUR),
    });
    for (const question of ['is the app down?', 'my deposit is still pending', 'when is the next system maintenance?']) {
      const first = (await texts(`q-${question}`, question))[0]!;
      expect(first.text).toContain('Withdrawals are paused for a wallet upgrade.');
    }
    const chinese = (await texts('mei', '网站是不是宕机了，打不开'))[0]!;
    expect(chinese.text).toContain('钱包升级期间暂停提现。');
    expect((await texts('cy', 'how do I enable 2FA?')).some((reply) => reply.text.includes('wallet upgrade'))).toBe(false);
    const status = (await texts('cy', '/status')).map((reply) => reply.text);
    expect(status).toContainEqual(expect.stringContaining(notice.text.en));
    expect(status.at(-1)).toBe(say('en', 'noTicket'));
  });

  it('refuses a notice that has ended, ends before it starts, or has no text', async () => {
    const now = new Date();
    await expect(board.publish({ kind: 'incident', text: { en: 'x', zh: 'x' }, startsAt: now, endsAt: new Date(now.getTime() - 1) })).rejects.toThrow(NoticeError);
    await expect(board.publish({ kind: 'incident', text: { en: ' ', zh: 'x' }, startsAt: now, endsAt: new Date(now.getTime() + HOUR) })).rejects.toThrow(/en text is empty/);
  });
});
