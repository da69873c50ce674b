import { eq } from 'drizzle-orm';
import type { Engine } from '../db/index.js';
import type { agentAccounts } from '../db/schema.js';
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

/** Logins in code-point order, the same on every engine (Postgres would compare them by its locale). */
const byLogin = (a: AccountRow, b: AccountRow) => (a.login < b.login ? -1 : a.login > b.login ? 1 : 0);

/**
 * The console's agent accounts (created and managed by `agents …` on the command line; there is
 * no default account and no default password). Passwords are kept as scrypt hashes only; a new
 * password or a disabled account ends the account's sessions.
 */
export class AgentAccounts {
  constructor(
    private readonly engine: Engine,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates an account. @throws AccountError 'invalid' (login, name, password) or 'exists'. */
  async add(input: { login: string; name: string; role: AgentRole; lang?: Lang; password: string }): Promise<AgentAccount> {
    if (!LOGIN.test(input.login)) throw new AccountError('invalid', 'the login must be 1-32 lower-case letters, digits, . or _, starting with a letter');
    const name = input.name.trim();
    if (!name || name.length > 64 || /[\p{Cc}\p{Cf}]/u.test(name)) throw new AccountError('invalid', 'the name must be 1-64 printable characters');
    checkPassword(input.password);
    const exists = () => new AccountError('exists', `an account "${input.login}" already exists`);
    // Checked before the (slow) hash; the unique login decides when two instances add it at once.
    if (await this.#row(input.login)) throw exists();
    const passwordHash = await hashPassword(input.password);
    const now = this.clock();
    const [row] = await this.engine.run((db, t) =>
      db
        .insert(t.agentAccounts)
        .values({ login: input.login, name, role: input.role, lang: input.lang ?? null, passwordHash, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .returning(),
    );
    if (!row) throw exists();
    return toAccount(row);
  }

  /** Sets a new password and signs the account out everywhere. @throws AccountError 'not_found' or 'invalid'. */
  async setPassword(login: string, password: string): Promise<void> {
    checkPassword(password);
    const row = await this.#existing(login);
    const passwordHash = await hashPassword(password);
    await this.engine.transaction(async () => {
      await this.engine.run((db, t) => db.update(t.agentAccounts).set({ passwordHash, updatedAt: this.clock() }).where(eq(t.agentAccounts.id, row.id)));
      await this.#endSessions(row.id);
    });
  }

  /** Disables an account and ends its sessions at once. @throws AccountError 'not_found'. */
  async disable(login: string): Promise<void> {
    await this.engine.transaction(async () => {
      const row = await this.#existing(login);
      await this.engine.run((db, t) =>
        db
          .update(t.agentAccounts)
          .set({ disabledAt: row.disabledAt ?? this.clock(), updatedAt: this.clock() })
          .where(eq(t.agentAccounts.id, row.id)),
      );
      await this.#endSessions(row.id);
    });
  }

  /** Sets the console's language for an account. */
  async setLang(id: number, lang: Lang): Promise<void> {
    await this.engine.run((db, t) => db.update(t.agentAccounts).set({ lang, updatedAt: this.clock() }).where(eq(t.agentAccounts.id, id)));
  }

  /** Every account, by login. */
  async list(): Promise<AgentAccount[]> {
    const rows = await this.engine.run((db, t) => db.select().from(t.agentAccounts));
    return rows.sort(byLogin).map(toAccount);
  }

  /** An account by id (a session's), if it is still enabled. */
  async enabled(id: number): Promise<AgentAccount | undefined> {
    const [row] = await this.engine.run((db, t) => db.select().from(t.agentAccounts).where(eq(t.agentAccounts.id, id)).limit(1));
    return row && row.disabledAt === null ? toAccount(row) : undefined;
  }

  /**
   * The enabled account these credentials belong to, or undefined, whatever was wrong (unknown
   * login, wrong password, disabled): the time taken does not tell either.
   */
  async verify(login: string, password: string): Promise<AgentAccount | undefined> {
    const row = LOGIN.test(login) ? await this.#row(login) : undefined;
    const matches = await verifyPassword(password.slice(0, PASSWORD_LENGTH.max * 4), row?.passwordHash ?? DECOY_HASH);
    return row && matches && row.disabledAt === null ? toAccount(row) : undefined;
  }

  async #row(login: string): Promise<AccountRow | undefined> {
    const [row] = await this.engine.run((db, t) => db.select().from(t.agentAccounts).where(eq(t.agentAccounts.login, login)).limit(1));
    return row;
  }

  async #existing(login: string): Promise<AccountRow> {
    const row = await this.#row(login);
    if (!row) throw new AccountError('not_found', `no account "${login}"`);
    return row;
  }

  /** Deletes an account's sessions (signs it out everywhere). */
  async #endSessions(accountId: number): Promise<void> {
    await this.engine.run((db, t) => db.delete(t.agentSessions).where(eq(t.agentSessions.accountId, accountId)));
  }
}
