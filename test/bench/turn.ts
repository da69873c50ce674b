import Sqlite from 'better-sqlite3';
import { loadConfig } from '../../src/config/index.js';
import { SupportBot } from '../../src/core/support-bot.js';
import { RateLimiter } from '../../src/safety/rate-limit.js';
import { createServices, slaPolicy, type Services } from '../../src/services.js';
import { loadDevSet } from '../support/devset.js';
import { tempDir } from '../support/temp.js';

/** The database as `npm start` opens it (background checkpoints); a failed checkpointer fails the bench. */
const SERVER_DATABASE = {
  checkpointInBackground: {
    onError: (error: Error) => {
      throw error;
    },
  },
};

/** Microseconds per call of `run` over `texts`, one call after the other, `passes` times (mean of the timed passes; one untimed pass first warms caches). */
async function microsPerCall(texts: readonly string[], passes: number, run: (text: string, n: number) => unknown): Promise<number> {
  for (const [n, text] of texts.entries()) await run(text, n);
  const started = process.hrtime.bigint();
  let n = texts.length;
  for (let pass = 0; pass < passes; pass++) for (const text of texts) await run(text, n++);
  return Number(process.hrtime.bigint() - started) / 1e3 / (passes * texts.length);
}

/**
 * A turn's cost as a multiple of one bare classification (`IntentClassifier.predict`), both over
 * the dev-set texts in the same process: turns by 400 web visitors (redaction, brain, dialogue,
 * SQLite writes in one transaction) against the classifier alone, alternated three times (median
 * ratio; the database opened as the server opens it). `classificationsPerTurn`: how many `predict` calls a turn makes (second questions,
 * follow-ups, a ticket's status check), counted on one more, untimed pass.
 */
export async function benchTurnCost(): Promise<{ classifyUs: number; turnUs: number; turnsPerClassification: number; rounds: number[]; classificationsPerTurn: number }> {
  const { dir, cleanup } = tempDir();
  // Opened as the server opens it: checkpoints in a worker thread, not inside a turn's commit.
  const services = await createServices(loadConfig({ DATABASE_PATH: `${dir}/turn.sqlite` }), undefined, SERVER_DATABASE);
  const texts = loadDevSet().map((query) => query.text);
  // The per-user flood limit would refuse (cheaply) some turns; the bench measures answered ones.
  const bot = unlimitedBot(services);
  try {
    const rounds: { classifyUs: number; turnUs: number }[] = [];
    for (let round = 0; round < 3; round++) {
      const classifyUs = await microsPerCall(texts, 5, (text) => services.brain.classifier.predict(text));
      const turnUs = await microsPerCall(texts, 3, (text, n) => bot.handle({ channel: 'web', userId: `turn-${n % 400}`, conversation: { visitorId: `turn-${n % 400}` }, text }));
      rounds.push({ classifyUs, turnUs });
    }
    const ratios = rounds.map((round) => round.turnUs / round.classifyUs).sort((a, b) => a - b);
    const middle = rounds.find((round) => round.turnUs / round.classifyUs === ratios[1])!;
    return {
      classifyUs: Math.round(middle.classifyUs),
      turnUs: Math.round(middle.turnUs),
      turnsPerClassification: Math.round(ratios[1]! * 10) / 10,
      rounds: ratios.map((ratio) => Math.round(ratio * 10) / 10),
      classificationsPerTurn: await countClassifications(services, (text, n) => bot.handle({ channel: 'web', userId: `turn-${n % 400}`, conversation: { visitorId: `turn-${n % 400}` }, text }), texts),
    };
  } finally {
    await services.close();
    cleanup();
  }
}

/**
 * An escalated user's turn with `messages` messages in the database: 1,000 conversations (the
 * escalated user's among them, with 10 % of all the messages, all older than the split-secret
 * window) and 10,000 tickets, 3,000 of them open. Per-turn median and p95 of 200 turns.
 */
export async function benchEscalatedTurn(messages = 1_000_000): Promise<{ messages: number; tickets: number; p50Ms: number; p95Ms: number }> {
  const { dir, cleanup } = tempDir();
  const path = `${dir}/escalated.sqlite`;
  const services = await createServices(loadConfig({ DATABASE_PATH: path }), undefined, SERVER_DATABASE);
  const bot = unlimitedBot(services);
  try {
    const user = { channel: 'web' as const, userId: 'escalated', conversation: { visitorId: 'escalated' } };
    const first = await bot.process({ ...user, text: 'someone stole all the funds from my wallet, my account was hacked' });
    if (!first.escalation) throw new Error('escalated-turn bench: the first message did not open a ticket');
    const { conversationId } = await services.queue.row(first.escalation.id);
    const sqlite = new Sqlite(path);
    const old = Date.now() - 30 * 86_400_000;
    sqlite.transaction(() => {
      const insertUser = sqlite.prepare("insert into users (id, channel, channel_user_id, last_seen_at, created_at) values (?, 'web', ?, ?, ?)");
      const insertConversation = sqlite.prepare("insert into conversations (user_id, channel, reference, state, created_at, updated_at) values (?, 'web', '{}', '{}', ?, ?)");
      const conversations = [conversationId];
      for (let n = 1; n < 1000; n++) {
        insertUser.run(`web:filler-${n}`, `filler-${n}`, old, old);
        conversations.push(Number(insertConversation.run(`web:filler-${n}`, old, old).lastInsertRowid));
      }
      const insertTicket = sqlite.prepare(
        "insert into escalations (number, status, priority, channel, user_id, conversation_id, reference, lang, intent, category, user_text, summary, details, created_at, updated_at, sla_due_at) values (?, ?, 'normal', 'web', ?, ?, '{}', 'en', 'other.human', 'other', 'x', 'x', '{}', ?, ?, ?)",
      );
      for (let n = 0; n < 10_000; n++) insertTicket.run(`F-${n}`, n < 3000 ? 'open' : 'resolved', `web:filler-${1 + (n % 999)}`, conversations[1 + (n % 999)], old + n, old + n, old + n);
      const insertMessage = sqlite.prepare("insert into messages (conversation_id, sender, text, created_at) values (?, ?, 'an older message of some length, as users write them', ?)");
      for (let n = 0; n < messages; n++) insertMessage.run(n % 10 === 0 ? conversationId : conversations[1 + (n % 999)], n % 2 ? 'bot' : 'user', old + n);
    })();
    sqlite.close();
    const texts = ['any news on my case?', '还没有人回复我吗', 'the transaction id is 0x' + 'ab'.repeat(32), 'hello?'];
    const timings: number[] = [];
    for (let n = 0; n < 220; n++) {
      const started = process.hrtime.bigint();
      await bot.handle({ ...user, text: texts[n % texts.length]! });
      if (n >= 20) timings.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    if (!(await services.queue.activeFor(conversationId))) throw new Error('escalated-turn bench: the ticket is no longer active');
    timings.sort((a, b) => a - b);
    const at = (p: number) => Math.round(timings[Math.min(timings.length - 1, Math.floor(p * timings.length))]! * 1000) / 1000;
    return { messages, tickets: 10_001, p50Ms: at(0.5), p95Ms: at(0.95) };
  } finally {
    await services.close();
    cleanup();
  }
}

/** `IntentClassifier.predict` calls per `run` over `texts` (the classifier counted on this pass only). */
async function countClassifications(services: Services, run: (text: string, n: number) => Promise<unknown>, texts: readonly string[]): Promise<number> {
  const classifier = services.brain.classifier;
  const predict = classifier.predict.bind(classifier);
  let calls = 0;
  classifier.predict = (...args) => {
    calls++;
    return predict(...args);
  };
  try {
    for (const [n, text] of texts.entries()) await run(text, n);
  } finally {
    classifier.predict = predict;
  }
  return Math.round((calls / texts.length) * 100) / 100;
}

/** The pipeline over `services` without the per-user flood limit, which would refuse (cheaply) some of a bench's turns. */
function unlimitedBot(services: Services): SupportBot {
  return new SupportBot({
    engine: services.engine,
    brain: services.brain,
    tickets: services.tickets,
    queue: services.queue,
    sla: slaPolicy(loadConfig({})),
    rateLimiter: new RateLimiter({ capacity: 1e9, perSecond: 1e9 }),
  });
}
