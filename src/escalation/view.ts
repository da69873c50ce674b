import type { escalations } from '../db/schema.js';

type EscalationRow = typeof escalations.$inferSelect;

/** An escalation as the desk, the CLI's `--json` and the channels see it (timestamps in ISO 8601). */
export interface EscalationView {
  readonly id: number;
  readonly number: string;
  readonly status: EscalationRow['status'];
  readonly priority: EscalationRow['priority'];
  readonly channel: string;
  /** The user's id on their channel. */
  readonly userId: string;
  readonly displayName: string | null;
  readonly lang: string;
  readonly intent: string;
  readonly category: string;
  readonly summary: string;
  readonly userText: string;
  readonly details: Readonly<Record<string, string>>;
  /** The claiming agent's display name. */
  readonly agent: string | null;
  /** The claiming agent's identity, e.g. `cli:alice`, `telegram:123`. */
  readonly agentId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly claimedAt: string | null;
  readonly resolvedAt: string | null;
  readonly slaDueAt: string;
  /** 1 = next in line; null once claimed or closed. */
  readonly queuePosition: number | null;
  readonly resolutionNote: string | null;
  readonly rating: number | null;
}

/** One message of a ticket's transcript. */
export interface TranscriptMessage {
  readonly from: 'user' | 'agent' | 'bot';
  readonly agent?: string;
  readonly text: string;
  readonly at: string;
}

/** An entry of a ticket's audit trail (internal notes included). */
export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly note: string | null;
  readonly at: string;
}

/** A ticket with its transcript and audit trail, for `escalations show`. */
export interface EscalationDetail extends EscalationView {
  readonly messages: readonly TranscriptMessage[];
  readonly events: readonly AuditEntry[];
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Turns a stored row into its view. */
export function toView(row: EscalationRow, queuePosition: number | null): EscalationView {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    priority: row.priority,
    channel: row.channel,
    userId: row.userId.slice(row.channel.length + 1),
    displayName: row.displayName,
    lang: row.lang,
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
