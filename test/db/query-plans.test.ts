import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/index.js';
import { ConversationStore } from '../../src/dialogue/store.js';
import { assembleTickets } from '../../src/escalation/desk.js';
import { Outbox } from '../../src/escalation/outbox.js';
import { tempDir } from '../support/temp.js';

/**
 * Every query on the hot path of a turn (and the outbox's claim) is answered from an index:
 * `EXPLAIN QUERY PLAN` of the statements the stores actually prepare, so a dropped index or a
 * rewritten query that scans a table fails here rather than slowing down a busy bot. SQLite's
 * plans only: the stores run on SQLite's engine over the file opened here.
 */
describe('query plans of the hot queries', () => {
  const temp = tempDir();
  let handle: DatabaseHandle;
  const prepared: string[] = [];

  beforeAll(async () => {
    handle = openDatabase(`${temp.dir}/plans.sqlite`);
    const prepare = handle.sqlite.prepare.bind(handle.sqlite);
    // Records what the stores prepare (when first run, and per call), then prepares it as usual.
    handle.sqlite.prepare = (source: string) => {
      prepared.push(source);
      return prepare(source);
    };
    const { engine } = handle;
    const store = new ConversationStore(engine);
    const { lifecycle, queue } = assembleTickets(engine, { sla: { chatMinutes: 15, emailHours: 24 }, agents: [] });
    const outbox = new Outbox(engine);
    const now = new Date();
    // Statements are prepared when first run: a turn that opens a ticket, and one that writes to it.
    await engine.transaction(async () => {
      const conversation = await store.open('web', 'visitor-1', { visitorId: 'visitor-1' }, 'Ann', now);
      await store.seen(conversation.id, 'm1');
      await store.recentUserMessages(conversation.id, new Date(now.getTime() - 60_000), 8);
      await store.append(conversation.id, { sender: 'user', text: 'hello', platformMessageId: 'm1' }, now);
      await queue.activeFor(conversation.id);
      await lifecycle.create({ conversation, intent: 'agent.request', userText: 'hello', details: {}, lang: 'en' }, now);
    });
    // The next turn of the escalated user: their conversation, their ticket and its place in the queue.
    const escalated = await store.find('web', 'visitor-1');
    await queue.activeFor(escalated!.id);
    await queue.transcript(1);
    await outbox.claimDue(['web', 'telegram'], now, { leaseMs: 1000, limit: 10 });
  });
  afterAll(async () => {
    await handle.engine.close();
    temp.cleanup();
  });

  /** The plan of the one prepared statement containing every fragment, as SQLite's detail lines. */
  function planOf(...fragments: string[]): string[] {
    const plans = plansOf(...fragments);
    expect(plans, `one statement with ${fragments.join(' … ')}`).toHaveLength(1);
    return plans[0]!;
  }

  /** The plans of every prepared statement containing every fragment (at least one). */
  function plansOf(...fragments: string[]): string[][] {
    const matches = [...new Set(prepared.filter((source) => fragments.every((fragment) => source.includes(fragment))))];
    expect(matches.length, `a statement with ${fragments.join(' … ')}`).toBeGreaterThan(0);
    return matches.map((source) => {
      const parameters = (source.match(/\?/g) ?? []).map(() => 1);
      return handle.sqlite
        .prepare(`explain query plan ${source}`)
        .all(...parameters)
        .map((row) => (row as { detail: string }).detail);
    });
  }

  const scans = (plan: readonly string[]) => plan.filter((line) => /^SCAN (?!CONSTANT ROW)/.test(line));

  it("finds a user's conversation and a redelivered message by index", () => {
    // The whole conversation (a new reference) and only its state (a turn): both by the user's index.
    const conversation = plansOf('from "conversations" where "conversations"."user_id" = ?');
    expect(conversation).toHaveLength(2);
    for (const plan of conversation) expect(plan.join('\n')).toContain('USING INDEX conversations_user_idx');
    const seen = planOf('"messages"."platform_message_id" = ?');
    expect(seen.join('\n')).toMatch(/USING (COVERING )?INDEX messages_platform_idx/);
    expect(scans([...conversation.flat(), ...seen])).toEqual([]);
  });

  it("reads the split-secret window from the conversation + sender + time index, not the conversation's whole history", () => {
    const plan = planOf('"messages"."sender" = ?', '"messages"."created_at" >= ?');
    expect(plan.join('\n')).toContain('USING INDEX messages_sender_window_idx (conversation_id=? AND sender=? AND created_at>?)');
    expect(scans(plan)).toEqual([]);
  });

  it("finds an escalated user's active ticket by conversation and status", () => {
    const plan = planOf('from "escalations" where ("escalations"."conversation_id" = ? and "escalations"."status" in');
    expect(plan.join('\n')).toContain('USING INDEX escalations_conversation_idx (conversation_id=? AND status=?)');
    expect(scans(plan)).toEqual([]);
  });

  it("counts a ticket's place in the queue from the queue index alone", () => {
    const plan = planOf('select count(*) from "escalations"');
    expect(plan.join('\n')).toContain('USING COVERING INDEX escalations_queue_idx (status=?)');
    expect(scans(plan)).toEqual([]);
  });

  it("reads a ticket's transcript from the escalation index, which holds only messages that belong to a ticket", () => {
    const plan = planOf('from "messages" where "messages"."escalation_id" = ?');
    expect(plan.join('\n')).toContain('USING INDEX messages_escalation_idx (escalation_id=?)');
    expect(scans(plan)).toEqual([]);
    // Partial: a message outside any ticket, or without a platform id (most of them), adds no entry to either.
    const definition = (index: string) => (handle.sqlite.prepare('select sql from sqlite_master where name = ?').get(index) as { sql: string }).sql;
    expect(definition('messages_escalation_idx')).toMatch(/WHERE "messages"."escalation_id" is not null$/);
    expect(definition('messages_platform_idx')).toMatch(/WHERE "messages"."platform_message_id" is not null$/);
  });

  it("attaches a new ticket's transcript in one statement over the conversation's index", () => {
    const plan = planOf('update "messages" set "escalation_id"');
    expect(plan.join('\n')).toContain('USING INDEX messages_conversation_idx (conversation_id=?)');
    expect(scans(plan)).toEqual([]);
  });

  it("claims the outbox's due rows in id order from the pending index, without sorting the backlog", () => {
    const plan = planOf('from "outbox" where ("outbox"."status" = ?');
    expect(plan.join('\n')).toContain('USING INDEX outbox_pending_idx (status=?)');
    expect(plan.join('\n')).toContain('USING COVERING INDEX outbox_lane_idx');
    expect(plan.filter((line) => line.includes('TEMP B-TREE'))).toEqual([]);
    expect(scans(plan)).toEqual([]);
  });
});
