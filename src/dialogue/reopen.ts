import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { escalationEvents, escalations } from '../db/schema.js';
import type { ConversationRecord } from './store.js';

/**
 * The user reopens their own resolved or closed ticket ("not solved" → "reopen"): back in the
 * queue, unassigned, audited as a `reopen` by the user so the agent desks refresh its card.
 * `EscalationService.reopen` is for agents only (it checks `AGENT_IDS`); call this inside the
 * pipeline's transaction. Returns false when the ticket is not the user's or still active.
 */
export function reopenByUser(db: Database, escalationId: number, conversation: ConversationRecord, now: Date): boolean {
  const reopened = db
    .update(escalations)
    .set({ status: 'open', agent: null, agentId: null, claimedAt: null, resolvedAt: null, updatedAt: now })
    .where(and(eq(escalations.id, escalationId), eq(escalations.conversationId, conversation.id), inArray(escalations.status, ['resolved', 'closed'])))
    .run();
  if (reopened.changes === 0) return false;
  db.insert(escalationEvents).values({ escalationId, actor: `user:${conversation.userKey}`, action: 'reopen', note: 'by the user', createdAt: now }).run();
  return true;
}
