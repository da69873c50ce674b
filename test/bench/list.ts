import Sqlite from 'better-sqlite3';
import { loadConfig } from '../../src/config/index.js';
import { createServices } from '../../src/services.js';
import { tempDir } from '../support/temp.js';

/** Milliseconds of `escalations list` (the desk's `list()`, every ticket as a view with its queue position): median of 3. */
async function timeList(list: () => Promise<unknown[]>): Promise<{ ms: number; rows: number }> {
  const runs: number[] = [];
  let rows = 0;
  for (let n = 0; n < 3; n++) {
    const started = performance.now();
    rows = (await list()).length;
    runs.push(performance.now() - started);
  }
  return { ms: Math.round(runs.sort((a, b) => a - b)[1]! * 10) / 10, rows };
}

/** One size of the `escalationsList` section. */
interface ListResult {
  tickets: number;
  openMs: number;
  noneOpenMs: number;
  openCostMs: number;
  firstPageMs: number;
  middlePageMs: number;
}

/**
 * `escalations list` over 1k, 10k and 100k tickets, with 3,000 of them open (all of the 1k) and with none open;
 * and a page of 100 (`--limit 100`), the first and one in the middle of the queue (`--cursor`).
 */
export async function benchList(sizes: readonly number[] = [1_000, 10_000, 100_000]): Promise<ListResult[]> {
  const results: ListResult[] = [];
  // One size after the other: sizes measured at once would share the machine.
  for (const tickets of sizes) {
    const { dir, cleanup } = tempDir();
    const path = `${dir}/list.sqlite`;
    const services = await createServices(loadConfig({ DATABASE_PATH: path }));
    try {
      const sqlite = new Sqlite(path);
      const old = Date.now() - 86_400_000;
      const priorities = ['urgent', 'high', 'normal', 'normal'];
      sqlite.transaction(() => {
        sqlite.prepare("insert into users (id, channel, channel_user_id, last_seen_at, created_at) values ('web:lister', 'web', 'lister', ?, ?)").run(old, old);
        const conversation = sqlite
          .prepare("insert into conversations (user_id, channel, reference, state, created_at, updated_at) values ('web:lister', 'web', '{}', '{}', ?, ?)")
          .run(old, old).lastInsertRowid;
        const insert = sqlite.prepare(
          "insert into escalations (number, status, priority, channel, user_id, conversation_id, reference, lang, intent, category, user_text, summary, details, created_at, updated_at, sla_due_at) values (?, 'resolved', ?, 'web', 'web:lister', ?, '{\"visitorId\":\"lister\"}', 'en', 'account.locked', 'account', 'my account is locked', 'Account locked: my account is locked', '{}', ?, ?, ?)",
        );
        for (let n = 0; n < tickets; n++) insert.run(`T-${1000 + n}`, priorities[n % 4], conversation, old + n, old + n, old + n);
      })();
      const noneOpen = await timeList(() => services.queue.list());
      // 3,000 tickets spread over the table, open.
      const step = Math.max(1, Math.floor(tickets / 3000));
      sqlite.prepare(`update escalations set status = 'open' where id in (select id from escalations where id % ${step} = 0 limit 3000)`).run();
      sqlite.close();
      const open = await timeList(() => services.queue.list());
      const firstPage = await timeList(async () => (await services.queue.page({}, 100)).tickets);
      // The cursor of the ticket halfway down the queue: where a desk paging through it would be.
      const { next: middle } = await services.queue.page({}, Math.floor(tickets / 2));
      const middlePage = await timeList(async () => (await services.queue.page({}, 100, middle)).tickets);
      results.push({
        tickets,
        openMs: open.ms,
        noneOpenMs: noneOpen.ms,
        openCostMs: Math.round((open.ms - noneOpen.ms) * 10) / 10,
        firstPageMs: firstPage.ms,
        middlePageMs: middlePage.ms,
      });
    } finally {
      await services.close();
      cleanup();
    }
  }
  return results;
}
