import type { AgentAccount, AgentAccounts } from './accounts.js';
import type { AgentSessions, OpenSession } from './sessions.js';

/** An agent signed in on the console: their account and their session. */
export interface SignedInAgent {
  readonly account: AgentAccount;
  readonly session: OpenSession;
}

/**
 * Sign-in for the agents' console: credentials in, a session token out; a token back in, the
 * signed-in agent out (while the session lives and the account is enabled). Whether the agent
 * may work tickets is the desk's business (`AGENT_IDS` for `web:<login>`), not this.
 */
export class ConsoleAuth {
  constructor(
    private readonly accounts: AgentAccounts,
    private readonly sessions: AgentSessions,
  ) {}

  /** Checks the credentials and opens a session; undefined for any wrong credential (no reason given). */
  async signIn(login: string, password: string): Promise<{ token: string; agent: SignedInAgent } | undefined> {
    const account = await this.accounts.verify(login, password);
    if (!account) return undefined;
    const token = await this.sessions.open(account.id);
    const session = await this.sessions.find(token);
    return session && { token, agent: { account, session } };
  }

  /** The agent a session token belongs to, if the session lives and the account is enabled. */
  async session(token: string): Promise<SignedInAgent | undefined> {
    const session = await this.sessions.find(token);
    const account = session && (await this.accounts.enabled(session.accountId));
    return account && session && { account, session };
  }

  /** Ends a session. */
  async signOut(token: string): Promise<void> {
    await this.sessions.close(token);
  }
}
