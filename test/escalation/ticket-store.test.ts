import { expect, it } from 'vitest';
import type { AgentActor, EscalationView } from '../../src/contracts/index.js';
import type { Engine } from '../../src/db/index.js';
import { openEngine } from '../../src/db/open.js';
import { ConversationStore } from '../../src/dialogue/store.js';
import { assembleTickets, type Tickets } from '../../src/escalation/desk.js';
import { Outbox } from '../../src/escalation/outbox.js';
import { decodeQueueCursor, encodeQueueCursor } from '../../src/escalation/queue.js';
import { describeEachEngine, type EngineUnderTest } from '../support/engines.js';

const SLA = { chatMinutes: 15, emailHours: 24 };
const AGENTS = [
  { channel: 'cli', userId: '*' },
  { channel: 'web', userId: 'carol' },
  { channel: 'web', userId: 'dave' },
] as const;
const ALICE: AgentActor = { channel: 'cli', userId: 'alice', name: 'Alice' };
const BOB: AgentActor = { channel: 'cli', userId: 'bob', name: 'Bob' };
const STRANGER: AgentActor = { channel: 'telegram', userId: '999', name: 'Mallory' };

const T0 = new Date('2026-05-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** The ticket stores over one fresh database, and how to open tickets in it as the dialogue does. */
interface World {
  readonly engine: Engine;
  readonly tickets: Tickets;
  readonly conversations: ConversationStore;
  open(visitor: string, options?: { intent?: string; text?: string; name?: string; details?: Record<string, string>; now?: Date }): Promise<EscalationView>;
}

function worldOver(engine: Engine): World {
  const conversations = new ConversationStore(engine);
  const tickets = assembleTickets(engine, { sla: SLA, agents: AGENTS });
  return {
    engine,
    tickets,
    conversations,
    open: (visitor, options = {}) => {
      const now = options.now ?? T0;
      const text = options.text ?? 'I need a human';
      // As the pipeline does: the user's message and the ticket in the turn's one transaction.
      return engine.transaction(async () => {
        const conversation = await conversations.open('web', visitor, { visitorId: visitor }, options.name, now);
        await conversations.append(conversation.id, { sender: 'user', text }, now);
        return tickets.lifecycle.create({ conversation, intent: options.intent ?? 'agent.request', userText: text, details: options.details ?? {}, lang: 'en' }, now);
      });
    },
  };
}

async function fresh(engine: EngineUnderTest): Promise<World> {
  return worldOver(await engine.open());
}

describeEachEngine('ticket stores', (engine) => {
  it('opens a ticket for a conversation: numbered after its id, first in the queue, with its transcript and audit trail', async () => {
    const world = await fresh(engine);
    const ticket = await world.open('ann', { text: 'my deposit is missing', name: 'Ann', details: { email: 'ann@example.com' } });
    expect(ticket).toMatchObject({ number: `T-${1000 + ticket.id}`, status: 'open', priority: 'normal', channel: 'web', userId: 'ann', displayName: 'Ann', queuePosition: 1 });
    expect(ticket.details).toEqual({ email: 'ann@example.com' });
    expect(ticket.createdAt).toBe(T0.toISOString());
    expect(Date.parse(ticket.slaDueAt)).toBe(at(15).getTime());

    const conversation = (await world.conversations.find('web', 'ann'))!;
    expect(await world.tickets.queue.activeFor(conversation.id)).toMatchObject({ id: ticket.id, queuePosition: 1 });
    expect((await world.tickets.queue.transcript(ticket.id)).map((line) => [line.from, line.text])).toEqual([['user', 'my deposit is missing']]);
    const detail = await world.tickets.desk.detail(ticket.number);
    expect(detail.messages.map((message) => message.text)).toEqual(['my deposit is missing']);
    expect(detail.events).toEqual([{ actor: 'user:web:ann', action: 'created', note: 'priority normal', at: T0.toISOString() }]);
    expect(await world.tickets.desk.view(ticket.id)).toEqual(ticket);
    expect(await world.tickets.desk.view(ticket.number.toLowerCase())).toEqual(ticket);
    await expect(world.tickets.desk.view(99_999)).rejects.toMatchObject({ code: 'not_found' });
    await expect(world.tickets.desk.view('99999999999999')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('orders the queue by status, priority, age and id, counts positions the same way everywhere, and pages by cursor', async () => {
    const world = await fresh(engine);
    const older = await world.open('n1', { now: at(0) });
    const high = await world.open('h1', { intent: 'transaction.pending', now: at(1) });
    const urgent = await world.open('u1', { intent: 'security.account_compromised', now: at(2) });
    // Two at the same moment: the id decides.
    const tieA = await world.open('n2', { now: at(3) });
    const tieB = await world.open('n3', { now: at(3) });
    const claimed = await world.open('c1', { intent: 'security.account_compromised', now: at(4) });
    await world.tickets.desk.claim(claimed.id, ALICE);

    const queue = await world.tickets.desk.list();
    expect(queue.map((ticket) => ticket.id)).toEqual([urgent.id, high.id, older.id, tieA.id, tieB.id, claimed.id]);
    expect(queue.map((ticket) => ticket.queuePosition)).toEqual([1, 2, 3, 4, 5, null]);
    // One ticket read alone has the place the whole queue gives it.
    for (const ticket of queue) expect((await world.tickets.desk.view(ticket.id)).queuePosition).toBe(ticket.queuePosition);
    const conversation = (await world.conversations.find('web', 'n3'))!;
    expect((await world.tickets.queue.activeFor(conversation.id))?.queuePosition).toBe(5);
    expect((await world.tickets.desk.list({ status: ['claimed'] })).map((ticket) => ticket.id)).toEqual([claimed.id]);
    expect((await world.tickets.desk.list({ priority: 'high' })).map((ticket) => ticket.id)).toEqual([high.id]);

    const first = await world.tickets.desk.page({}, 2);
    expect(first.tickets.map((ticket) => ticket.id)).toEqual([urgent.id, high.id]);
    // A ticket opened meanwhile, ahead of everything, does not shift the pages after the cursor.
    await world.open('u2', { intent: 'security.account_compromised', now: at(5) });
    const cursor = decodeQueueCursor(encodeQueueCursor(first.next!));
    expect(cursor).toEqual(first.next);
    const second = await world.tickets.desk.page({}, 2, cursor);
    expect(second.tickets.map((ticket) => ticket.id)).toEqual([older.id, tieA.id]);
    const third = await world.tickets.desk.page({}, 2, second.next);
    expect(third.tickets.map((ticket) => ticket.id)).toEqual([tieB.id, claimed.id]);
    const last = await world.tickets.desk.page({}, 2, third.next);
    expect(last).toEqual({ tickets: [] });
    const filtered = await world.tickets.queue.inbox({ status: ['open'], priority: 'normal' }, { limit: 2, after: second.next });
    expect(filtered.map((ticket) => ticket.id)).toEqual([tieB.id]);
  });

  it('searches by number, user, name, transaction id and e-mail, ignoring case, with wildcards taken literally', async () => {
    const world = await fresh(engine);
    const ann = await world.open('visitor-ann', { name: 'Ann Lee', details: { transactionId: '0xABCdef0123', email: 'Ann.Lee@Example.com' } });
    const bob = await world.open('visitor-bob', { name: 'Bob', details: { email: 'bob@example.org' } });
    const search = async (text: string) => (await world.tickets.queue.inbox({ search: text })).map((ticket) => ticket.id);
    expect(await search(ann.number)).toEqual([ann.id]);
    expect(await search(ann.number.toLowerCase())).toEqual([ann.id]);
    expect(await search(String(1000 + bob.id))).toEqual([bob.id]);
    expect(await search('VISITOR-')).toEqual([ann.id, bob.id]);
    expect(await search('ann lee')).toEqual([ann.id]);
    expect(await search('abcDEF01')).toEqual([ann.id]);
    expect(await search('ANN.LEE@EXAMPLE')).toEqual([ann.id]);
    expect(await search('example.org')).toEqual([bob.id]);
    expect(await search('%')).toEqual([]);
    expect(await search('visitor_')).toEqual([]);
    expect(await search('nobody')).toEqual([]);
  });

  it('claims, replies (once per platform message), resolves, rates and reopens through the desk, checking AGENT_IDS', async () => {
    const world = await fresh(engine);
    const { desk, lifecycle } = world.tickets;
    const ticket = await world.open('ann');
    const conversation = (await world.conversations.find('web', 'ann'))!;

    await expect(desk.claim(ticket.id, STRANGER)).rejects.toMatchObject({ code: 'forbidden' });
    expect(desk.isAgent('telegram', '999')).toBe(false);
    expect(await desk.claim(ticket.number, ALICE)).toMatchObject({ status: 'claimed', agent: 'Alice', agentId: 'cli:alice', queuePosition: null });
    expect(await desk.claim(ticket.id, ALICE)).toMatchObject({ status: 'claimed', agent: 'Alice' });
    await expect(desk.claim(ticket.id, BOB)).rejects.toMatchObject({ code: 'conflict', refusal: { reason: 'claimed_by_other' } });
    await expect(desk.reply(ticket.id, BOB, 'hi')).rejects.toMatchObject({ code: 'conflict' });

    await desk.answer(ticket.id, ALICE, 'Looking into it.', { messageId: 'm-1' });
    await desk.answer(ticket.id, ALICE, 'Looking into it.', { messageId: 'm-1' });
    await desk.answer(ticket.id, ALICE, 'note: checked the chain');
    const detail = await desk.detail(ticket.id);
    expect(detail.messages.filter((message) => message.from === 'agent').map((message) => message.text)).toEqual(['Looking into it.']);
    expect(detail.messages.map((message) => message.text)).not.toContain('checked the chain');
    expect(detail.events.map((event) => event.action)).toEqual(['created', 'claim', 'reply', 'note']);
    // What the user should hear waits in the outbox: "Alice has joined", then the reply.
    expect(await new Outbox(world.engine).pendingCount()).toBe(2);

    expect(await desk.resolve(ticket.id, ALICE, 'credited')).toMatchObject({ status: 'resolved', resolutionNote: 'credited', agent: 'Alice' });
    expect(await world.conversations.stateOf(conversation.id)).toMatchObject({ mode: 'rating', escalationId: ticket.id });
    await expect(desk.resolve(ticket.id, ALICE)).rejects.toMatchObject({ code: 'conflict', refusal: { reason: 'already_done' } });
    await expect(desk.reply(ticket.id, ALICE, 'more')).rejects.toMatchObject({ code: 'conflict', refusal: { reason: 'not_active' } });
    await world.engine.transaction(() => lifecycle.rate(ticket.id, conversation, 5, at(30)));
    expect(await desk.view(ticket.id)).toMatchObject({ status: 'resolved', rating: 5, updatedAt: at(30).toISOString() });

    expect(await desk.act('reopen', ticket.id, BOB)).toMatchObject({ status: 'open', agent: null, agentId: null, claimedAt: null, resolvedAt: null, queuePosition: 1 });
    expect(await world.conversations.stateOf(conversation.id)).toMatchObject({ mode: 'escalated', escalationId: ticket.id });
    await expect(desk.reopen(ticket.id, BOB)).rejects.toMatchObject({ code: 'conflict', refusal: { reason: 'still_active' } });
    expect((await desk.detail(ticket.id)).events.map((event) => event.action)).toEqual(['created', 'claim', 'reply', 'note', 'resolve', 'rated', 'reopen']);
  });

  it("follows the user's own changes: writes, cancel, reopen, and a secret scrubbed from the ticket's copies", async () => {
    const world = await fresh(engine);
    const { lifecycle, queue } = world.tickets;
    const ticket = await world.open('ann', { text: 'my seed is alpha beta gamma' });
    const conversation = (await world.conversations.find('web', 'ann'))!;
    await world.engine.transaction(() => lifecycle.userWrote(ticket.id, conversation, 'still waiting, alpha beta', at(5)));
    expect(await queue.view(ticket.id)).toMatchObject({ updatedAt: at(5).toISOString() });
    await world.engine.transaction(() => lifecycle.scrubUserText(conversation.id, [{ before: 'alpha beta', after: '[redacted]' }]));
    const scrubbed = await queue.detail(ticket.id);
    expect(scrubbed.userText).toBe('my seed is [redacted] gamma');
    expect(scrubbed.summary).toContain('[redacted]');
    expect(scrubbed.events.map((event) => event.note)).toEqual(['priority normal', 'still waiting, [redacted]']);

    expect(await world.engine.transaction(() => lifecycle.closeByUser(ticket.id, conversation, at(6)))).toMatchObject({ status: 'closed' });
    expect(await queue.activeFor(conversation.id)).toBeUndefined();
    const other = await world.conversations.open('web', 'bob', { visitorId: 'bob' }, undefined, at(7));
    expect(await world.engine.transaction(() => lifecycle.reopenByUser(ticket.id, other, at(7)))).toBeUndefined();
    expect(await world.engine.transaction(() => lifecycle.reopenByUser(ticket.id, conversation, at(8)))).toMatchObject({ status: 'open', queuePosition: 1 });
    expect(await world.engine.transaction(() => lifecycle.reopenByUser(ticket.id, conversation, at(9)))).toBeUndefined();
  });

  it('hands out the changes after a cursor, oldest first, with each ticket as it is now', async () => {
    const world = await fresh(engine);
    const { queue, desk } = world.tickets;
    expect(await queue.lastEventId()).toBe(0);
    expect(await queue.eventsSince(0)).toEqual([]);
    const ticket = await world.open('ann');
    const start = await queue.lastEventId();
    await desk.claim(ticket.id, ALICE);
    await desk.reply(ticket.id, ALICE, 'On it.');
    await desk.resolve(ticket.id, ALICE, 'done');
    const events = await queue.eventsSince(start);
    expect(events.map((event) => event.type)).toEqual(['claimed', 'agent_reply', 'resolved']);
    expect(events[1]).toMatchObject({ type: 'agent_reply', text: 'On it.', actor: { kind: 'agent', channel: 'cli', userId: 'alice' }, ticket: { id: ticket.id, status: 'resolved' } });
    expect(events.map((event) => event.id)).toEqual([...events.map((event) => event.id)].sort((a, b) => a - b));
    expect(await queue.eventsSince(events[0]!.id, 1)).toEqual([events[1]]);
    expect(await queue.lastEventId()).toBe(events.at(-1)!.id);
    expect((await queue.eventsSince(0)).map((event) => event.type)).toEqual(['opened', 'claimed', 'agent_reply', 'resolved']);
  });

  it('raises each SLA alert once, and closes tickets left waiting on their user', async () => {
    const world = await fresh(engine);
    const { lifecycle, queue } = world.tickets;
    const late = await world.open('ann', { now: at(0) });
    const waiting = await world.open('bob', { now: at(0) });
    await lifecycle.reply(waiting.id, ALICE, 'Are you there?', { now: at(1) });
    expect((await queue.overdue(at(20))).map((ticket) => [ticket.id, ticket.raised])).toEqual([[late.id, []]]);
    expect(await lifecycle.raiseSlaAlerts(at(20))).toBe(1);
    expect((await queue.overdue(at(20)))[0]!.raised).toEqual([1]);
    expect(await lifecycle.raiseSlaAlerts(at(21))).toBe(0);
    expect(await lifecycle.raiseSlaAlerts(at(40))).toBe(1);
    expect((await queue.overdue(at(40)))[0]!.raised).toEqual([1, 2]);

    expect(await queue.waitingOnUser(at(30))).toEqual([waiting.id]);
    expect(await lifecycle.autoCloseWaiting(1, at(30))).toBe(0);
    expect(await lifecycle.autoCloseWaiting(1, at(70))).toBe(1);
    expect(await queue.view(waiting.id)).toMatchObject({ status: 'closed' });
    expect(await lifecycle.autoCloseWaiting(1, at(80))).toBe(0);
  });

  it('tags tickets (normalised, at most ten, audited) and finds them by tag', async () => {
    const world = await fresh(engine);
    const { desk, tags } = world.tickets;
    const a = await world.open('ann');
    const b = await world.open('bob');
    expect(await desk.tag(a.id, ALICE, 'VIP')).toEqual(['vip']);
    expect(await desk.tag(a.id, ALICE, 'vip')).toEqual(['vip']);
    expect(await desk.tag(a.number, ALICE, '退款')).toEqual(['vip', '退款']);
    expect(await desk.tag(b.id, ALICE, 'Zeta')).toEqual(['zeta']);
    expect(await desk.tag(b.id, ALICE, 'alpha')).toEqual(['zeta', 'alpha']);
    await expect(desk.tag(a.id, STRANGER, 'x')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(desk.tag(a.id, ALICE, 'two words')).rejects.toMatchObject({ reason: 'invalid' });
    await expect(desk.tag(99_999, ALICE, 'x')).rejects.toMatchObject({ code: 'not_found' });
    expect(await tags.of([a.id, b.id, 12_345])).toEqual(
      new Map([
        [a.id, ['vip', '退款']],
        [b.id, ['zeta', 'alpha']],
      ]),
    );
    expect(await tags.ticketsWith(' VIP ')).toEqual(new Set([a.id]));
    expect(await tags.inUse()).toEqual(['alpha', 'vip', 'zeta', '退款']);
    expect(await desk.untag(a.id, ALICE, 'VIP')).toEqual(['退款']);
    expect(await desk.untag(a.id, ALICE, 'vip')).toEqual(['退款']);
    expect((await desk.detail(a.id)).events.filter((event) => event.action.endsWith('tag')).map((event) => [event.action, event.note])).toEqual([
      ['tag', 'vip'],
      ['tag', '退款'],
      ['untag', 'vip'],
    ]);
    for (let i = 0; i < 8; i++) await desk.tag(b.id, ALICE, `t${i}`);
    await expect(desk.tag(b.id, ALICE, 'one-more')).rejects.toMatchObject({ reason: 'too_many' });
  });

  it('assigns tickets to enabled console accounts in AGENT_IDS; only the holder or an admin hands a claimed one on', async () => {
    const world = await fresh(engine);
    const { desk } = world.tickets;
    const now = new Date();
    await world.engine.run((db, t) =>
      db.insert(t.agentAccounts).values([
        { login: 'carol', name: 'Carol', role: 'agent', passwordHash: 'x', createdAt: now, updatedAt: now },
        { login: 'dave', name: 'Dave', role: 'admin', passwordHash: 'x', createdAt: now, updatedAt: now },
        { login: 'erin', name: 'Erin', role: 'agent', passwordHash: 'x', createdAt: now, updatedAt: now },
        { login: 'gone', name: 'Gone', role: 'agent', passwordHash: 'x', disabledAt: now, createdAt: now, updatedAt: now },
      ]),
    );
    const ticket = await world.open('ann');
    // erin has an account but no AGENT_IDS entry; gone is disabled; nobody has no account.
    for (const login of ['erin', 'gone', 'nobody']) await expect(desk.assign(ticket.id, ALICE, login)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await desk.assign(ticket.id, ALICE, 'carol')).toMatchObject({ status: 'claimed', agent: 'Carol', agentId: 'web:carol' });
    expect((await desk.detail(ticket.id)).events.at(-1)).toMatchObject({ actor: 'web:carol', action: 'claim', note: 'assigned by cli:alice' });
    await expect(desk.assign(ticket.id, BOB, 'dave')).rejects.toMatchObject({ code: 'conflict', refusal: { reason: 'claimed_by_other' } });
    const dave: AgentActor = { channel: 'web', userId: 'dave', name: 'Dave' };
    expect(await desk.assign(ticket.id, dave, 'dave')).toMatchObject({ agentId: 'web:dave' });
    const carol: AgentActor = { channel: 'web', userId: 'carol', name: 'Carol' };
    await expect(desk.assign(ticket.id, carol, 'carol')).rejects.toMatchObject({ code: 'conflict' });
    expect(await desk.assign(ticket.id, dave, 'carol')).toMatchObject({ agentId: 'web:carol' });
  });

  it('remembers where tickets are shown on each desk and how far each desk has mirrored', async () => {
    const world = await fresh(engine);
    const { desk, bindings } = world.tickets;
    const a = await world.open('ann');
    const b = await world.open('bob');
    await desk.attachCard(a.id, 'telegram', '-100:7');
    await desk.attachCard(a.id, 'telegram', '-100:7');
    await desk.attachCard(a.id, 'telegram', '-100:9');
    await desk.attachCard(b.id, 'discord', 'thread-1');
    expect(await desk.cardsOf(a.id, 'telegram')).toEqual(['-100:7', '-100:9']);
    expect(await desk.cardsOf(a.id, 'discord')).toEqual([]);
    expect((await desk.ticketForCard('discord', 'thread-1'))?.id).toBe(b.id);
    expect(await desk.ticketForCard('telegram', 'thread-1')).toBeUndefined();
    expect(await bindings.deskCursor('telegram')).toBeUndefined();
    await bindings.setDeskCursor('telegram', 5);
    await bindings.setDeskCursor('telegram', 7);
    await bindings.setDeskCursor('discord', 2);
    expect(await bindings.deskCursor('telegram')).toBe(7);
    expect(await bindings.deskCursor('discord')).toBe(2);
  });

  if (engine.dialect === 'postgres') {
    it('gives distinct numbers to tickets two instances open at the same moment, and lets one agent of two claim a ticket', async () => {
      const config = await engine.config();
      const instances = [await openEngine(config, { postgres: { maxConnections: 4 } }), await openEngine(config, { postgres: { maxConnections: 4 } })];
      try {
        const [one, two] = instances.map(worldOver) as [World, World];
        const opened = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).open(`visitor-${i}`)));
        const numbers = opened.map((ticket) => ticket.number);
        expect(new Set(numbers).size).toBe(10);
        for (const ticket of opened) expect(ticket.number).toBe(`T-${1000 + ticket.id}`);
        expect((await one.tickets.desk.list()).map((ticket) => ticket.queuePosition)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        const claims = await Promise.allSettled([one.tickets.desk.claim(opened[0]!.id, ALICE), two.tickets.desk.claim(opened[0]!.id, BOB)]);
        expect(claims.filter((claim) => claim.status === 'fulfilled')).toHaveLength(1);
        expect(claims.find((claim) => claim.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
        expect((await one.tickets.desk.detail(opened[0]!.id)).events.filter((event) => event.action === 'claim')).toHaveLength(1);
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
    });
  }
});
