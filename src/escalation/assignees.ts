import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { agentAccounts } from '../db/schema.js';

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
  constructor(private readonly db: Database) {}

  /** The enabled account with this login, if any. */
  find(login: string): Assignee | undefined {
    const row = this.db
      .select({ login: agentAccounts.login, name: agentAccounts.name, role: agentAccounts.role })
      .from(agentAccounts)
      .where(and(eq(agentAccounts.login, login), isNull(agentAccounts.disabledAt)))
      .get();
    return row && { login: row.login, name: row.name, admin: row.role === 'admin' };
  }
}
