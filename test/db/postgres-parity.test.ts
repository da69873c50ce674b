import { join } from 'node:path';
import { asc, eq, getTableName, is, SQL, type Column, type Table } from 'drizzle-orm';
import { getTableConfig as getPgTableConfig, PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteTableConfig, SQLiteBaseInteger, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/index.js';
import * as pgSchema from '../../src/db/pg-schema.js';
import { openPostgres, type PostgresHandle } from '../../src/db/postgres.js';
import * as sqliteSchema from '../../src/db/schema.js';
import { describeWithPostgres, freshPostgresDatabase, type TestPostgresDatabase } from '../support/postgres.js';
import { tempDir } from '../support/temp.js';

/**
 * Column types that hold the same JavaScript values on both engines, by drizzle's column class. A type missing
 * here fails the test: decide its Postgres counterpart, add both, and check the round trip below.
 */
const SAME_VALUES: Record<string, string> = {
  SQLiteText: 'text',
  PgText: 'text',
  SQLiteInteger: 'integer',
  PgInteger: 'integer',
  // Epoch milliseconds: past a 32-bit integer on Postgres; SQLite's integers are 64-bit already.
  PgBigInt53: 'integer',
  SQLiteReal: 'double',
  PgDoublePrecision: 'double',
  SQLiteTimestamp: 'Date',
  PgTimestamp: 'Date',
  SQLiteTextJson: 'JSON',
  PgJsonb: 'JSON',
  SQLiteBoolean: 'boolean',
  PgBoolean: 'boolean',
};

/** What both engines must agree on about a column. */
interface ColumnShape {
  name: string;
  values: string;
  notNull: boolean;
  primary: boolean;
  /** An id the database numbers when an insert leaves it out: SQLite's `integer` primary key (the rowid), Postgres's identity. */
  generatedId: boolean;
  /** A literal default (`0`) as it is; an SQL expression (each engine's "now") as `expression`; none: undefined. */
  defaultValue: unknown;
  enumValues: string[] | undefined;
}

/** What both engines must agree on about a table. */
interface TableShape {
  columns: ColumnShape[];
  primaryKeys: string[][];
  indexes: { name: string; unique: boolean; columns: string[] }[];
  /** Actions unset mean `no action` on both engines (drizzle's Postgres tables say so, its SQLite tables leave them unset). */
  foreignKeys: { columns: string[]; table: string; foreignColumns: string[]; onDelete: string; onUpdate: string }[];
}

function columnShape(column: Column, generatedId: boolean): ColumnShape {
  const values = SAME_VALUES[column.columnType];
  if (!values) throw new Error(`${column.name}: no counterpart known for ${column.columnType} (add it to SAME_VALUES)`);
  const { name, notNull, primary, enumValues } = column;
  const defaultValue = is(column.default, SQL) ? 'expression' : column.default;
  return { name, values, notNull, primary, generatedId, defaultValue, enumValues };
}

const names = (columns: { name: string }[]) => columns.map((column) => column.name);
const byName = <T extends { name: string }>(items: T[]) => items.sort((a, b) => a.name.localeCompare(b.name));

/** What `getTableConfig` of either dialect gives, as far as the shape needs it. */
interface AnyTableConfig {
  columns: Column[];
  primaryKeys: { columns: Column[] }[];
  indexes: { config: { name?: string; unique: boolean; columns: unknown[] } }[];
  foreignKeys: { reference(): { columns: Column[]; foreignColumns: Column[]; foreignTable: Table }; onDelete?: string; onUpdate?: string }[];
}

function tableShape(config: AnyTableConfig, generatedId: (column: Column) => boolean): TableShape {
  return {
    columns: byName(config.columns.map((column) => columnShape(column, generatedId(column)))),
    primaryKeys: config.primaryKeys.map((key) => names(key.columns)),
    indexes: byName(config.indexes.map(({ config: index }) => ({ name: index.name ?? '', unique: index.unique, columns: names(index.columns as Column[]) }))),
    foreignKeys: config.foreignKeys.map((key) => {
      const reference = key.reference();
      return {
        columns: names(reference.columns),
        table: getTableName(reference.foreignTable),
        foreignColumns: names(reference.foreignColumns),
        onDelete: key.onDelete ?? 'no action',
        onUpdate: key.onUpdate ?? 'no action',
      };
    }),
  };
}

const sqliteShape = (table: SQLiteTable) => tableShape(getSqliteTableConfig(table), (column) => is(column, SQLiteBaseInteger) && column.primary);
const pgShape = (table: PgTable) => tableShape(getPgTableConfig(table), (column) => is(column, PgColumn) && column.generatedIdentity !== undefined);

const byTableName = <T extends Table>(tables: T[]) => new Map(tables.map((table) => [getTableName(table), table]));
const SQLITE_TABLES = byTableName(Object.values(sqliteSchema).filter((value) => is(value, SQLiteTable)));
const PG_TABLES = byTableName(Object.values(pgSchema).filter((value) => is(value, PgTable)));

/** The schema's tables by export name, as their rows read. */
type Rows<Schema> = { [Name in keyof Schema as Schema[Name] extends Table ? Name : never]: Schema[Name] extends Table ? Schema[Name]['$inferSelect'] : never };
/** The schema's tables by export name, as their inserts take them. */
type Inserts<Schema> = { [Name in keyof Schema as Schema[Name] extends Table ? Name : never]: Schema[Name] extends Table ? Schema[Name]['$inferInsert'] : never };

describe('the Postgres schema mirrors the SQLite one', () => {
  it('has the same tables, under the same export names', () => {
    expect([...PG_TABLES.keys()].sort()).toEqual([...SQLITE_TABLES.keys()].sort());
    expect(Object.keys(pgSchema).sort()).toEqual(Object.keys(sqliteSchema).sort());
  });

  it.each([...SQLITE_TABLES.keys()])('%s: same columns (name, type, nullability, defaults, enum), keys, indexes and foreign keys', (name) => {
    const pgTable = PG_TABLES.get(name);
    expect(pgTable, `${name} is missing from pg-schema.ts`).toBeDefined();
    expect(pgShape(pgTable!)).toEqual(sqliteShape(SQLITE_TABLES.get(name)!));
  });

  it('gives stores the same TypeScript rows and inserts on both engines', () => {
    // Checked by the compiler (`tsc`, which covers the tests); the assertion below keeps the test from passing empty.
    expectTypeOf<Rows<typeof pgSchema>>().toEqualTypeOf<Rows<typeof sqliteSchema>>();
    expectTypeOf<Inserts<typeof pgSchema>>().toEqualTypeOf<Inserts<typeof sqliteSchema>>();
    expect(Object.keys(pgSchema)).toContain('users');
  });
});

const at = (iso: string) => new Date(iso);

/**
 * A representative row for every table, in foreign-key order: every column set once, nulls left where
 * a column allows them, JSON with nesting and Chinese text, a fractional score. Ids are left to the database
 * (but `knowledge_version`'s, always 1), so foreign keys can name them: 1, 2…
 */
const ROWS: { [Name in keyof Inserts<typeof sqliteSchema>]: Inserts<typeof sqliteSchema>[Name][] } = {
  users: [
    { id: 'telegram:42', channel: 'telegram', channelUserId: '42', displayName: '小王', lang: 'zh', createdAt: at('2026-11-29T10:00:00.001Z'), lastSeenAt: at('2026-11-29T10:05:00.999Z') },
    { id: 'web:v-1', channel: 'web', channelUserId: 'v-1', createdAt: at('2026-11-29T10:00:00Z'), lastSeenAt: at('2026-11-29T10:00:00Z') },
  ],
  conversations: [
    {
      userId: 'telegram:42',
      channel: 'telegram',
      reference: { chatId: 42, thread: { id: 7, title: '提现' } },
      state: { kind: 'idle', history: [1, 2.5, null] },
      createdAt: at('2026-11-29T10:00:00Z'),
      updatedAt: at('2026-11-29T10:05:00Z'),
    },
    { userId: 'web:v-1', channel: 'web', reference: { visitorId: 'v-1' }, state: {}, createdAt: at('2026-11-29T10:00:00Z'), updatedAt: at('2026-11-29T10:00:00Z') },
  ],
  escalations: [
    {
      number: 'T-0001',
      status: 'claimed',
      priority: 'urgent',
      channel: 'telegram',
      userId: 'telegram:42',
      conversationId: 1,
      displayName: '小王',
      reference: { chatId: 42 },
      lang: 'zh',
      intent: 'withdrawal_missing',
      category: 'withdrawal',
      userText: '我的提现还没到账',
      summary: 'withdrawal missing',
      details: { txid: '0xabc', amount: '1.5 ETH' },
      agent: 'Alice',
      agentId: 'telegram:7',
      createdAt: at('2026-11-29T10:01:00Z'),
      updatedAt: at('2026-11-29T10:02:00Z'),
      claimedAt: at('2026-11-29T10:02:00Z'),
      slaDueAt: at('2026-11-29T10:16:00Z'),
      rating: 5,
    },
  ],
  messages: [
    {
      conversationId: 1,
      escalationId: 1,
      sender: 'user',
      text: '我的提现还没到账',
      intent: 'withdrawal_missing',
      confidence: 87,
      action: 'escalate',
      platformMessageId: 'm-1',
      createdAt: at('2026-11-29T10:01:00Z'),
    },
    { conversationId: 1, sender: 'agent', agent: 'Alice', text: 'Looking into it', createdAt: at('2026-11-29T10:03:00Z') },
  ],
  escalationEvents: [{ escalationId: 1, actor: 'telegram:7', action: 'claim', note: 'on it', createdAt: at('2026-11-29T10:02:00Z') }],
  outbox: [
    {
      escalationId: 1,
      channel: 'telegram',
      reference: { chatId: 42 },
      payload: { text: '已收到', buttons: [{ label: 'OK' }] },
      status: 'pending',
      nextAttemptAt: at('2026-11-29T10:03:00Z'),
      createdAt: at('2026-11-29T10:03:00Z'),
    },
    {
      channel: 'web',
      reference: { visitorId: 'v-1' },
      payload: { text: 'maintenance' },
      status: 'delivered',
      attempts: 2,
      nextAttemptAt: at('2026-11-29T11:00:00Z'),
      lastError: 'timeout',
      createdAt: at('2026-11-29T11:00:00Z'),
      deliveredAt: at('2026-11-29T11:00:01Z'),
      dedupeKey: 'notice:1:web:v-1',
    },
  ],
  unansweredQuestions: [
    {
      channel: 'web',
      text: 'what is staking?',
      lang: 'en',
      intent: 'staking',
      confidence: 31,
      reason: 'clarify',
      createdAt: at('2026-11-29T09:00:00Z'),
      dismissedAt: at('2026-11-29T12:00:00Z'),
      dismissedBy: 'cli:alice',
    },
  ],
  trainingPhrases: [{ intent: 'withdrawal_missing', lang: 'zh', text: '提现没到', createdBy: 'seed', createdAt: at('2026-11-29T08:00:00Z') }],
  knowledgeEdits: [{ action: 'faq_edit_answer', intent: 'fees', lang: 'en', text: 'old answer', faqId: 'fees-1', actor: 'web:admin', createdAt: at('2026-11-29T08:00:00Z') }],
  faqEntries: [
    {
      id: 'fees-1',
      intent: 'fees',
      position: 0,
      answerEn: 'Fees are…',
      answerZh: '手续费…',
      extra: '{"followUp":["withdrawal"]}',
      createdBy: 'seed',
      createdAt: at('2026-11-29T08:00:00Z'),
      updatedBy: 'web:admin',
      updatedAt: at('2026-11-29T08:30:00Z'),
    },
  ],
  faqQuestions: [{ entryId: 'fees-1', lang: 'en', text: 'How much are the fees?', createdBy: 'seed', createdAt: at('2026-11-29T08:00:00Z') }],
  knowledgeRetrains: [{ version: 3, candidateScore: 0.8734126984126984, currentScore: 0.86, details: '{"inScope":0.9}', examples: 1200, trainMs: 845, createdAt: at('2026-11-29T08:31:00Z') }],
  knowledgeVersion: [{ id: 1, version: 3, updatedAt: at('2026-11-29T08:30:00Z') }],
  deskCards: [{ escalationId: 1, channel: 'telegram', cardRef: '-100123:55', createdAt: at('2026-11-29T10:01:01Z') }],
  deskCursors: [{ channel: 'telegram', lastEventId: 1 }],
  notices: [
    {
      kind: 'maintenance',
      textEn: 'Maintenance tonight',
      textZh: '今晚维护',
      startsAt: at('2026-11-30T00:00:00Z'),
      endsAt: at('2026-11-30T02:00:00Z'),
      recipients: 1,
      createdAt: at('2026-11-29T11:00:00Z'),
    },
  ],
  noticeSubscriptions: [{ userId: 'web:v-1', createdAt: at('2026-11-29T10:00:00Z') }],
  emailOptOuts: [{ address: 'user@example.com', createdAt: at('2026-11-29T10:00:00Z') }],
  agentAccounts: [
    {
      login: 'alice',
      name: 'Alice',
      role: 'admin',
      lang: 'zh',
      passwordHash: 'scrypt$…',
      disabledAt: at('2026-11-29T12:00:00Z'),
      createdAt: at('2026-11-29T07:00:00Z'),
      updatedAt: at('2026-11-29T12:00:00Z'),
    },
  ],
  agentSessions: [{ tokenHash: 'sha256-of-token', accountId: 1, createdAt: at('2026-11-29T07:10:00Z'), lastSeenAt: at('2026-11-29T07:20:00Z') }],
  ticketTags: [{ escalationId: 1, tag: '退款', createdAt: at('2026-11-29T10:04:00Z') }],
  cannedReplies: [{ title: 'Greeting', textEn: 'Hello!', textZh: '你好！', updatedBy: 'web:alice', createdAt: at('2026-11-29T07:00:00Z'), updatedAt: at('2026-11-29T07:00:00Z') }],
  instanceSecrets: [{ name: 'visitor', value: 'c2VjcmV0LWtleS1ieXRlcw', createdAt: at('2026-11-29T06:00:00Z') }],
  rateBuckets: [{ key: 'telegram:42', tokens: 18.25, updatedAt: 1_795_000_000_123, verdict: 'ok' }],
};

/** Every table's rows, read back in primary-key order. */
type Dump = Record<string, unknown[]>;

async function insertAndDump(insert: (name: string, rows: unknown[]) => Promise<void>, read: (name: string) => Promise<unknown[]>): Promise<Dump> {
  for (const [name, rows] of Object.entries(ROWS)) await insert(name, rows);
  const dump: Dump = {};
  for (const name of Object.keys(ROWS)) dump[name] = await read(name);
  return dump;
}

describeWithPostgres('a row reads back the same from Postgres as from SQLite', () => {
  const temp = tempDir();
  let sqlite: DatabaseHandle;
  let database: TestPostgresDatabase;
  let postgres: PostgresHandle;

  beforeAll(async () => {
    sqlite = openDatabase(join(temp.dir, 'bot.sqlite'));
    database = await freshPostgresDatabase();
    postgres = await openPostgres(database.url);
  });
  afterAll(async () => {
    sqlite?.close();
    await postgres?.close();
    await database?.drop();
    temp.cleanup();
  });

  it('has a representative row for every table', () => {
    expect(Object.keys(ROWS).sort()).toEqual(Object.keys(sqliteSchema).sort());
  });

  it('every table: the same values and JavaScript types (Dates as Date, JSON as objects, null where unset)', async () => {
    const sqliteTable = (name: string) => sqliteSchema[name as keyof typeof sqliteSchema] as SQLiteTable;
    const pgTable = (name: string) => pgSchema[name as keyof typeof pgSchema] as PgTable;
    const primaryKeyOrder = (columns: Column[]) => columns.filter((column) => column.primary).map((column) => asc(column));

    const fromSqlite = await insertAndDump(
      async (name, rows) => void sqlite.db.insert(sqliteTable(name)).values(rows).run(),
      async (name) =>
        sqlite.db
          .select()
          .from(sqliteTable(name))
          .orderBy(...primaryKeyOrder(getSqliteTableConfig(sqliteTable(name)).columns))
          .all(),
    );
    const fromPostgres = await insertAndDump(
      async (name, rows) => void (await postgres.db.insert(pgTable(name)).values(rows)),
      async (name) =>
        postgres.db
          .select()
          .from(pgTable(name))
          .orderBy(...primaryKeyOrder(getPgTableConfig(pgTable(name)).columns)),
    );

    expect(fromPostgres).toEqual(fromSqlite);
    // toEqual compares a Date with a Date, an object with an object: check the types were not both strings.
    expect(fromPostgres.users![0]).toMatchObject({ createdAt: expect.any(Date), lastSeenAt: expect.any(Date) });
    expect(fromPostgres.conversations![0]).toMatchObject({ reference: { chatId: 42, thread: { id: 7, title: '提现' } } });
    expect(fromPostgres.knowledgeRetrains![0]).toMatchObject({ candidateScore: 0.8734126984126984 });
  });

  it('a created_at left to its default reads as a Date on both', async () => {
    sqlite.db.insert(sqliteSchema.emailOptOuts).values({ address: 'default@example.com' }).run();
    await postgres.db.insert(pgSchema.emailOptOuts).values({ address: 'default@example.com' });
    const [fromSqlite] = sqlite.db.select().from(sqliteSchema.emailOptOuts).where(eq(sqliteSchema.emailOptOuts.address, 'default@example.com')).all();
    const [fromPostgres] = await postgres.db.select().from(pgSchema.emailOptOuts).where(eq(pgSchema.emailOptOuts.address, 'default@example.com'));
    expect(fromSqlite!.createdAt).toBeInstanceOf(Date);
    expect(fromPostgres!.createdAt).toBeInstanceOf(Date);
    expect(Number.isNaN(fromPostgres!.createdAt.getTime())).toBe(false);
  });
});
