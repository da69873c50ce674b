import type { escalations } from '../db/schema.js';
import type { ChannelName, EscalationView, Lang } from '../contracts/index.js';

/** A stored ticket row. */
export type EscalationRow = typeof escalations.$inferSelect;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Turns a stored row into its view; the key order is the CLI's `--json` output, keep it. */
export function toView(row: EscalationRow, queuePosition: number | null): EscalationView {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    priority: row.priority,
    channel: row.channel as ChannelName,
    userId: row.userId.slice(row.channel.length + 1),
    displayName: row.displayName,
    lang: langOf(row),
    intent: row.intent,
    category: row.category,
    summary: row.summary,
    userText: row.userText,
    details: row.details,
    agent: row.agent,
    agentId: row.agentId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    claimedAt: iso(row.claimedAt),
    resolvedAt: iso(row.resolvedAt),
    slaDueAt: row.slaDueAt.toISOString(),
    queuePosition,
    resolutionNote: row.resolutionNote,
    rating: row.rating,
  };
}

/** The language of a ticket's user. */
export function langOf(row: Pick<EscalationRow, 'lang'>): Lang {
  return row.lang === 'zh' ? 'zh' : 'en';
}
