import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { agentAccounts, agentSessions } from '../db/schema.js';
import type { Lang } from '../contracts/index.js';
import { DECOY_HASH, hashPassword, verifyPassword } from './password.js';

/** What an agent may do on the console beyond working tickets: `admin` manages the console (pages to come). */
export type AgentRole = 'agent' | 'admin';

/** An agent's console account as the console and `agents list` see it (never the password hash). */
export interface AgentAccount {
  readonly id: number;
  /** The sign-in name; the agent acts as `web:<login>`. */
  readonly login: string;
  /** The name users see ("Alice has joined"). */
  readonly name: string;
  readonly role: AgentRole;
  /** The console's language for this agent; null: `DESK_LANG`. */
  readonly lang: Lang | null;
  readonly disabled: boolean;
  readonly createdAt: string;
}

/** Why an account change was refused; the message says what to do. */
export class AccountError extends Error {
  override readonly name = 'AccountError';

  constructor(
    readonly code: 'exists' | 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** Logins: 1-32 lower-case letters, digits, `.` and `_`, starting with a letter: never equal to a web visitor id (longer, mixed case). */
const LOGIN = /^[a-z][a-z0-9._]{0,31}$/;
/** NIST SP 800-63B: at least 8; agents get 12. The upper bound keeps a request from hashing megabytes. */
const PASSWORD_LENGTH = { min: 12, max: 1024 } as const;

type AccountRow = typeof agentAccounts.$inferSelect;

function toAccount(row: AccountRow): AgentAccount {
  return {
    id: row.id,
    login: row.login,
    name: row.name,
    role: row.role,
    lang: row.lang === 'zh' || row.lang === 'en' ? row.lang : null,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

function checkPassword(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_LENGTH.min || length > PASSWORD_LENGTH.max) throw new AccountError('invalid', `the password must be ${PASSWORD_LENGTH.min} to ${PASSWORD_LENGTH.max} characters`);
}

/**
 * The console's agent accounts (created and managed by `agents …` on the command line; there is
 * no default account and no default password). Passwords are kept as scrypt hashes only; a new
 * password or a disabled account ends the account's sessions.
 */
export class AgentAccounts {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates an account. @throws AccountError 'invalid' (login, name, password) or 'exists'. */
  async add(input: { login: string; name: string; role: AgentRole; lang?: Lang; password: string }): Promise<AgentAccount> {
    if (!LOGIN.test(input.login)) throw new AccountError('invalid', 'the login must be 1-32 lower-case letters, digits, . or _, starting with a letter');
    const name = input.name.trim();
    if (!name || name.length > 64 || /[\p{Cc}\p{Cf}]/u.test(name)) throw new AccountError('invalid', 'the name must be 1-64 printable characters');
    checkPassword(input.password);
    if (this.#row(input.login)) throw new AccountError('exists', `an account "${input.login}" already exists`);
    const passwordHash = await hashPassword(input.password);
    const now = this.clock();
    const row = this.db
      .insert(agentAccounts)
      .values({ login: input.login, name, role: input.role, lang: input.lang ?? null, passwordHash, createdAt: now, updatedAt: now })
      .returning()
      .get();
    return toAccount(row);
  }

  /** Sets a new password and signs the account out everywhere. @throws AccountError 'not_found' or 'invalid'. */
  async setPassword(login: string, password: string): Promise<void> {
    checkPassword(password);
    const row = this.#existing(login);
    const passwordHash = await hashPassword(password);
    this.db.transaction((tx) => {
      tx.update(agentAccounts).set({ passwordHash, updatedAt: this.clock() }).where(eq(agentAccounts.id, row.id)).run();
      tx.delete(agentSessions).where(eq(agentSessions.accountId, row.id)).run();
    });
  }

  /** Disables an account and ends its sessions at once. @throws AccountError 'not_found'. */
  disable(login: string): void {
    const row = this.#existing(login);
    this.db.transaction((tx) => {
      tx.update(agentAccounts)
        .set({ disabledAt: row.disabledAt ?? this.clock(), updatedAt: this.clock() })
        .where(eq(agentAccounts.id, row.id))
        .run();
      tx.delete(agentSessions).where(eq(agentSessions.accountId, row.id)).run();
    });
  }

  /** Sets the console's language for an account. */
  setLang(id: number, lang: Lang): void {
    this.db.update(agentAccounts).set({ lang, updatedAt: this.clock() }).where(eq(agentAccounts.id, id)).run();
  }

  /** Every account, by login. */
  list(): AgentAccount[] {
    return this.db.select().from(agentAccounts).orderBy(asc(agentAccounts.login)).all().map(toAccount);
  }

  /** An account by id (a session's), if it is still enabled. */
  enabled(id: number): AgentAccount | undefined {
    const row = this.db.select().from(agentAccounts).where(eq(agentAccounts.id, id)).get();
    return row && row.disabledAt === null ? toAccount(row) : undefined;
  }

  /**
   * The enabled account these credentials belong to, or undefined, whatever was wrong (unknown
   * login, wrong password, disabled): the time taken does not tell either.
   */
  async verify(login: string, password: string): Promise<AgentAccount | undefined> {
    const row = LOGIN.test(login) ? this.#row(login) : undefined;
    const matches = await verifyPassword(password.slice(0, PASSWORD_LENGTH.max * 4), row?.passwordHash ?? DECOY_HASH);
    return row && matches && row.disabledAt === null ? toAccount(row) : undefined;
  }

  #row(login: string): AccountRow | undefined {
    return this.db.select().from(agentAccounts).where(eq(agentAccounts.login, login)).get();
  }

  #existing(login: string): AccountRow {
    const row = this.#row(login);
    if (!row) throw new AccountError('not_found', `no account "${login}"`);
    return row;
  }
}
