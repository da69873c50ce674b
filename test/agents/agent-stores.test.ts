import { eq, like } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { AccountError, AgentAccounts } from '../../src/agents/accounts.js';
import { CannedReplies, CannedReplyError } from '../../src/agents/canned-replies.js';
import { AgentSessions } from '../../src/agents/sessions.js';
import { NoticeBoard, NoticeError, noticeDeliveryKey } from '../../src/announcements/notice-board.js';
import type { Engine } from '../../src/db/index.js';
import { ConversationStore } from '../../src/dialogue/store.js';
import { EmailRecipients } from '../../src/email/recipients.js';
import { describeEachEngine } from '../support/engines.js';

const PASSWORD = 'correct horse battery staple';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A valid 12-word BIP39 phrase (a public test vector): redacted before it is stored. */
const SEED = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

describeEachEngine('agents, notices and e-mail stores', (engineUnderTest) => {
  let engine: Engine;
  let now = new Date('2026-05-01T08:00:00Z');
  const clock = () => now;
  beforeAll(async () => {
    engine = await engineUnderTest.open();
  });

  it('adds accounts, checks passwords, refuses a duplicate login, lists them by login, sets roles and languages, disables', async () => {
    const accounts = new AgentAccounts(engine, clock);
    const admin = await accounts.add({ login: 'zoe', name: 'Zoe', role: 'admin', lang: 'zh', password: PASSWORD });
    const agent = await accounts.add({ login: 'a.li', name: ' Ali ', role: 'agent', password: PASSWORD });
    expect(admin).toMatchObject({ login: 'zoe', role: 'admin', lang: 'zh', disabled: false, createdAt: now.toISOString() });
    expect(agent).toMatchObject({ login: 'a.li', name: 'Ali', role: 'agent', lang: null });
    await expect(accounts.add({ login: 'zoe', name: 'Zoe 2', role: 'agent', password: PASSWORD })).rejects.toMatchObject({ code: 'exists' });
    // Two at once (two instances): one is added, the other refused.
    const racing = await Promise.allSettled([0, 1].map(() => accounts.add({ login: 'twin', name: 'Twin', role: 'agent', password: PASSWORD })));
    expect(racing.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(racing.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'exists' } });
    await expect(accounts.add({ login: 'Bad', name: 'X', role: 'agent', password: PASSWORD })).rejects.toBeInstanceOf(AccountError);
    await expect(accounts.add({ login: 'short', name: 'X', role: 'agent', password: 'short' })).rejects.toMatchObject({ code: 'invalid' });

    // Code-point order on every engine ('.' before letters, whatever Postgres's locale says).
    expect((await accounts.list()).map((account) => account.login)).toEqual(['a.li', 'twin', 'zoe']);
    expect((await accounts.verify('zoe', PASSWORD))?.id).toBe(admin.id);
    expect(await accounts.verify('zoe', 'wrong password here')).toBeUndefined();
    expect(await accounts.verify('nobody', PASSWORD)).toBeUndefined();

    await accounts.setLang(agent.id, 'en');
    expect((await accounts.enabled(agent.id))?.lang).toBe('en');
    await accounts.disable('a.li');
    await accounts.disable('a.li');
    expect(await accounts.enabled(agent.id)).toBeUndefined();
    expect(await accounts.verify('a.li', PASSWORD)).toBeUndefined();
    expect((await accounts.list()).find((account) => account.login === 'a.li')?.disabled).toBe(true);
    await expect(accounts.disable('nobody')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('opens, finds, expires and closes sessions; a new password or a disabled account ends them', async () => {
    const accounts = new AgentAccounts(engine, clock);
    const sessions = new AgentSessions(engine, { idleMs: 30 * MINUTE, absoluteMs: 8 * HOUR }, clock);
    const { id } = await accounts.add({ login: 'sam', name: 'Sam', role: 'agent', password: PASSWORD });

    const token = await sessions.open(id);
    // Only the hash is stored.
    expect(await engine.run((db, t) => db.select().from(t.agentSessions).where(eq(t.agentSessions.tokenHash, token)))).toEqual([]);
    const found = await sessions.find(token);
    expect(found?.accountId).toBe(id);
    expect(found?.csrfToken).toBeTruthy();
    expect(await sessions.find('not a token')).toBeUndefined();

    // Used every 20 minutes: alive for its 8 hours, then over (the last-seen time is written back).
    for (let step = 0; step < 24; step++) {
      now = new Date(now.getTime() + 20 * MINUTE);
      expect(await sessions.find(token)).toBeDefined();
    }
    now = new Date(now.getTime() + 20 * MINUTE);
    expect(await sessions.find(token)).toBeUndefined();

    const idle = await sessions.open(id);
    now = new Date(now.getTime() + 31 * MINUTE);
    expect(await sessions.find(idle)).toBeUndefined();
    // An expired session's row is gone.
    expect(await engine.run((db, t) => db.select().from(t.agentSessions).where(eq(t.agentSessions.accountId, id)))).toEqual([]);

    const closed = await sessions.open(id);
    await sessions.close(closed);
    expect(await sessions.find(closed)).toBeUndefined();

    const beforePassword = await sessions.open(id);
    await accounts.setPassword('sam', 'another long password');
    expect(await sessions.find(beforePassword)).toBeUndefined();
    expect(await accounts.verify('sam', 'another long password')).toBeDefined();
    const beforeDisable = await sessions.open(id);
    await accounts.disable('sam');
    expect(await sessions.find(beforeDisable)).toBeUndefined();
  });

  it('keeps bilingual canned replies for admins to create, edit and delete, redacting secrets', async () => {
    const canned = new CannedReplies(engine, clock);
    const withdrawal = await canned.create({ title: ' Withdrawal delay ', en: 'It can take an hour.', zh: '可能需要一小时。' }, 'web:zoe');
    expect(withdrawal).toMatchObject({ title: 'Withdrawal delay', text: { en: 'It can take an hour.', zh: '可能需要一小时。' }, updatedBy: 'web:zoe' });
    const seed = await canned.create({ title: 'a seed', en: `Never send ${SEED}`, zh: `不要发送 ${SEED}` }, 'web:zoe');
    expect(seed.text.en).not.toContain('sausage');
    expect(seed.text.zh).not.toContain('sausage');
    const second = await canned.create({ title: 'Withdrawal delay', en: 'Second of the same title.', zh: '同名第二条。' }, 'web:zoe');
    // By title in code-point order (upper case before lower), then oldest first.
    expect((await canned.list()).map((reply) => reply.id)).toEqual([withdrawal.id, second.id, seed.id]);

    now = new Date(now.getTime() + MINUTE);
    const edited = await canned.update(withdrawal.id, { title: 'Withdrawals', en: 'Up to an hour.', zh: '最多一小时。' }, 'web:ann');
    expect(edited).toMatchObject({ id: withdrawal.id, title: 'Withdrawals', updatedBy: 'web:ann', updatedAt: now.toISOString() });
    await expect(canned.update(999_999, { title: 'x', en: 'x', zh: 'x' }, 'web:ann')).rejects.toMatchObject({ code: 'not_found' });
    await expect(canned.create({ title: '', en: 'x', zh: 'x' }, 'web:ann')).rejects.toBeInstanceOf(CannedReplyError);
    await canned.remove(seed.id);
    await expect(canned.remove(seed.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await canned.list()).map((reply) => reply.id)).not.toContain(seed.id);
  });

  it('publishes notices, subscribes and unsubscribes, tells the notices in force, and fans a notice out once per subscriber however often', async () => {
    const board = new NoticeBoard(engine);
    const conversations = new ConversationStore(engine);
    const at = new Date('2031-03-01T12:00:00Z');
    const ann = await conversations.open('web', 'ann', { visitorId: 'ann' }, 'Ann', at);
    const bo = await conversations.open('telegram', '42', { chatId: 42 }, 'Bo', at);
    const cy = await conversations.open('web', 'cy', { visitorId: 'cy' }, 'Cy', at);
    await conversations.saveState(bo.id, { ...bo.state, lang: 'zh' }, at);

    await board.subscribe(ann.userKey, at);
    await board.subscribe(ann.userKey, at);
    await board.subscribe(bo.userKey, at);
    expect(await board.isSubscribed(ann.userKey)).toBe(true);
    expect(await board.isSubscribed(cy.userKey)).toBe(false);

    const publish = (en: string, startsAt: Date, endsAt: Date, kind: 'incident' | 'maintenance' = 'incident') =>
      board.publish({ kind, text: { en, zh: `中文 ${en}` }, startsAt, endsAt }, new Date(startsAt.getTime() - HOUR));
    const notice = await publish('Wallet upgrade', new Date(at.getTime() - HOUR), new Date(at.getTime() + HOUR), 'maintenance');
    expect(notice).toMatchObject({ kind: 'maintenance', recipients: 2, startsAt: new Date(at.getTime() - HOUR).toISOString() });

    /** The outbox rows of the notice, by subscriber. */
    const queued = async (noticeId: number) =>
      (
        await engine.run((db, t) =>
          db
            .select({ key: t.outbox.dedupeKey, payload: t.outbox.payload })
            .from(t.outbox)
            .where(like(t.outbox.dedupeKey, `notice:${noticeId}:%`)),
        )
      )
        .map((row) => ({ key: row.key, text: (row.payload as { replies: { text: string }[] }).replies[0]!.text }))
        .sort((a, b) => (a.key! < b.key! ? -1 : 1));
    const rows = await queued(notice.id);
    expect(rows.map((row) => row.key)).toEqual([noticeDeliveryKey(notice.id, bo.userKey), noticeDeliveryKey(notice.id, ann.userKey)].sort());
    // Each in the subscriber's language, and in their history too.
    expect(rows.find((row) => row.key!.endsWith(bo.userKey))?.text).toContain('中文 Wallet upgrade');
    expect(rows.find((row) => row.key!.endsWith(ann.userKey))?.text).toContain('Wallet upgrade');
    expect((await conversations.history(ann.id)).filter((line) => line.text.includes('Wallet upgrade'))).toHaveLength(1);

    // Again, twice in turn and twice at once: nobody queued twice, the count unchanged.
    expect((await board.fanOut(notice.id, at)).recipients).toBe(2);
    await board.subscribe(cy.userKey, at);
    const both = await Promise.all([board.fanOut(notice.id, at), board.fanOut(notice.id, at)]);
    expect(Math.max(...both.map((view) => view.recipients))).toBe(3);
    expect((await queued(notice.id)).map((row) => row.key)).toHaveLength(3);
    expect((await conversations.history(cy.id)).filter((line) => line.text.includes('Wallet upgrade'))).toHaveLength(1);
    expect((await conversations.history(ann.id)).filter((line) => line.text.includes('Wallet upgrade'))).toHaveLength(1);
    await expect(board.fanOut(999_999, at)).rejects.toBeInstanceOf(NoticeError);

    await board.unsubscribe(cy.userKey);
    await board.unsubscribe(cy.userKey);
    expect(await board.isSubscribed(cy.userKey)).toBe(false);
    const ended = await publish('ended', new Date(at.getTime() - 3 * HOUR), at);
    const later = await publish('later', new Date(at.getTime() - 30 * MINUTE), new Date(at.getTime() + HOUR));
    const upcoming = await publish('upcoming', new Date(at.getTime() + 1), new Date(at.getTime() + HOUR));
    expect(later.recipients).toBe(2);
    expect((await board.active(at)).map((view) => view.id)).toEqual([later.id, notice.id]);
    expect((await board.active(new Date(at.getTime() + 1))).map((view) => view.id)).toEqual([upcoming.id, later.id, notice.id]);
    expect((await board.active(at)).map((view) => view.id)).not.toContain(ended.id);
    expect((await board.activeMaintenance(at)).map((view) => view.id)).toEqual([notice.id]);

    await expect(board.publish({ kind: 'incident', text: { en: ' ', zh: 'x' }, startsAt: at, endsAt: new Date(at.getTime() + HOUR) }, at)).rejects.toThrow(/en text is empty/);
    await expect(board.publish({ kind: 'incident', text: { en: 'x', zh: 'x' }, startsAt: at, endsAt: at }, at)).rejects.toBeInstanceOf(NoticeError);
  });

  it('records e-mail opt-outs once, whatever the case, and tells when a user was last seen', async () => {
    const recipients = new EmailRecipients(engine);
    await recipients.optOut(' Ann@Example.org ');
    await recipients.optOut('ann@example.org');
    expect(await recipients.hasOptedOut('ANN@example.org')).toBe(true);
    expect(await recipients.hasOptedOut('bo@example.org')).toBe(false);
    expect(await engine.run((db, t) => db.select().from(t.emailOptOuts).where(eq(t.emailOptOuts.address, 'ann@example.org')))).toHaveLength(1);

    const seenAt = new Date('2031-04-01T09:30:00Z');
    await new ConversationStore(engine).open('web', 'dee', { visitorId: 'dee' }, undefined, seenAt);
    expect(await recipients.lastSeen('web:dee')).toEqual(seenAt);
    expect(await recipients.lastSeen('web:nobody')).toBeUndefined();
  });

  it("keeps a user's last-seen time to the minute: a message within it leaves the row as it was, a later one or a new name updates it", async () => {
    const recipients = new EmailRecipients(engine);
    const store = new ConversationStore(engine);
    const first = new Date('2031-04-02T10:00:00Z');
    const at = (ms: number) => new Date(first.getTime() + ms);
    const nameOf = async () => (await store.find('web', 'eve'))?.displayName;
    await store.open('web', 'eve', { visitorId: 'eve' }, 'Eve', first);
    await store.open('web', 'eve', { visitorId: 'eve' }, undefined, at(59_000));
    expect(await recipients.lastSeen('web:eve')).toEqual(first);
    expect(await nameOf()).toBe('Eve');
    await store.open('web', 'eve', { visitorId: 'eve' }, 'Eve B.', at(59_500));
    expect(await nameOf()).toBe('Eve B.');
    expect(await recipients.lastSeen('web:eve')).toEqual(at(59_500));
    await store.open('web', 'eve', { visitorId: 'eve' }, '', at(59_500 + MINUTE + 1));
    expect(await recipients.lastSeen('web:eve')).toEqual(at(59_500 + MINUTE + 1));
    expect(await nameOf()).toBe('Eve B.');
  });
});
