import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../src/db/index.js';
import { createServices, type Services } from '../../src/services.js';
import { testConfig } from '../support/app.js';
import { tempDir } from '../support/temp.js';
import type { IncomingMessage } from '../../src/contracts/index.js';
import { sqliteEngineOf, sqliteOf } from '../support/sqlite.js';

describe('SupportBot pipeline', () => {
  let services: Services;
  let cleanup: () => void;
  let dbPath: string;

  beforeAll(async () => {
    const temp = tempDir();
    cleanup = temp.cleanup;
    const config = testConfig(temp.dir);
    dbPath = config.databasePath;
    services = await createServices(config);
  });
  afterAll(async () => {
    await services.close();
    cleanup();
  });

  const message = (userId: string, text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
    channel: 'web',
    userId,
    conversation: { visitorId: userId },
    text,
    ...extra,
  });

  it('answers a question and stores both sides of the conversation', async () => {
    const replies = await services.bot.handle(message('pipeline-1', 'I forgot my password, how do I reset it?'));
    expect(replies[0]).toMatchObject({ kind: 'answer' });
    expect(replies[0]!.text).toMatch(/reset/i);
    expect(replies[1]?.suggestions?.map((s) => s.payload)).toEqual(expect.arrayContaining(['feedback:yes', 'feedback:no']));
    const stored = sqliteOf(services).select().from(tables.messages).all();
    expect(stored.map((row) => row.sender)).toEqual(['user', 'bot', 'bot']);
    expect(stored[0]!.text).toBe('I forgot my password, how do I reset it?');
    expect(stored[1]!.intent).toBe('account.forgot_password');
  });

  it('answers in the language the user writes in', async () => {
    const [reply] = await services.bot.handle(message('pipeline-2', '忘记密码了怎么办'));
    expect(reply!.text).toMatch(/[\u4e00-\u9fff]/);
    expect(reply!.text).toMatch(/密码/);
  });

  it('keeps a Chinese conversation in Chinese through the hand-off questions', async () => {
    const user = 'pipeline-zh';
    await services.bot.handle(message(user, '我的提现一直没到账'));
    let replies = await services.bot.handle(message(user, '转人工'));
    for (let i = 0; i < 6 && !replies.some((reply) => reply.kind === 'escalation'); i++) {
      const asksEmail = replies.at(-1)!.text.includes('注册邮箱');
      replies = await services.bot.handle(message(user, asksEmail ? 'li@example.com' : '跳过'));
    }
    const ticket = replies.find((reply) => reply.kind === 'escalation')!;
    expect(ticket.text).toMatch(/已为您创建工单 T-\d+/);
  });

  it('handles a redelivered platform message once', async () => {
    const first = await services.bot.handle(message('pipeline-3', 'hello', { messageId: 'update-77' }));
    const again = await services.bot.handle(message('pipeline-3', 'hello', { messageId: 'update-77' }));
    expect(first.length).toBeGreaterThan(0);
    expect(again).toEqual([]);
  });

  it('refuses an over-long message without storing it', async () => {
    const before = sqliteOf(services).select().from(tables.messages).all().length;
    const [reply] = await services.bot.handle(message('pipeline-4', 'x'.repeat(5000)));
    expect(reply).toMatchObject({ kind: 'warning' });
    expect(reply!.text).toMatch(/too long/);
    expect(sqliteOf(services).select().from(tables.messages).all().length).toBe(before);
  });

  it('warns about a seed phrase and never writes it to the database file', async () => {
    const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
    const replies = await services.bot.handle(message('pipeline-5', `my wallet is empty, here is my seed: ${phrase}`));
    expect(replies[0]).toMatchObject({ kind: 'warning' });
    expect(replies[0]!.text).toMatch(/never share/i);
    sqliteEngineOf(services).connection.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(dbPath).toString('utf8');
    expect(bytes).not.toContain('sausage worth useful');
    expect(bytes).toContain('[redacted: seed phrase]');
  });
});
