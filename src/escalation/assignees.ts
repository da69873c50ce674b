import { and, eq, isNull } from 'drizzle-orm';
import type { Engine } from '../db/index.js';

/** A console account a ticket may be assigned to: the name users see and its role. */
export interface Assignee {
  readonly login: string;
  readonly name: string;
  readonly admin: boolean;
}

/**
 * The console's enabled accounts as the desk reads them when a ticket is assigned: who may be
 * given a ticket (`web:<login>`) and whether an assigner is an admin. (The accounts themselves
 * are managed by `agents …`; this only reads them.)
 */
export class Assignees {
  constructor(private readonly engine: Engine) {}

  /** The enabled account with this login, if any (inside the caller's transaction when there is one). */
  async find(login: string): Promise<Assignee | undefined> {
    const [row] = await this.engine.run((db, t) =>
      db
        .select({ login: t.agentAccounts.login, name: t.agentAccounts.name, role: t.agentAccounts.role })
        .from(t.agentAccounts)
        .where(and(eq(t.agentAccounts.login, login), isNull(t.agentAccounts.disabledAt)))
        .limit(1),
    );
    return row && { login: row.login, name: row.name, admin: row.role === 'admin' };
  }
}
