/**
 * Tickets as every desk sees them (the chat desks, the CLI's `--json`, the web API): plain
 * values, not database rows, with timestamps in ISO 8601.
 */
import type { Priority } from './intents.js';
import type { ChannelName, Lang } from './messages.js';

/** Where a ticket stands: `open → claimed → resolved`, or `closed` by the user. */
export type TicketStatus = 'open' | 'claimed' | 'resolved' | 'closed';

/** An escalation as the desks see it. */
export interface EscalationView {
  readonly id: number;
  readonly number: string;
  readonly status: TicketStatus;
  readonly priority: Priority;
  readonly channel: ChannelName;
  /** The user's id on their channel. */
  readonly userId: string;
  readonly displayName: string | null;
  readonly lang: Lang;
  readonly intent: string;
  readonly category: string;
  readonly summary: string;
  readonly userText: string;
  /** The details collected before the hand-off, by {@link DetailStep} (e.g. `transactionId`). */
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

/** An entry of a ticket's audit trail (internal notes included), as `escalations show --json` prints it. */
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

/** Filters for the agents' queue. */
export interface QueueFilter {
  readonly status?: readonly TicketStatus[];
  readonly priority?: Priority;
  readonly channel?: ChannelName;
  /** The claiming agent's display name. */
  readonly agent?: string;
}

/** An agent acting on tickets: a CLI user (`cli`, `alice`) or a platform user in an agent group. */
export interface AgentActor {
  readonly channel: ChannelName;
  readonly userId: string;
  /** The name users see ("Alice has joined"). */
  readonly name: string;
}

/** Who caused a ticket change: an agent on a desk, the ticket's user, or the bot itself (deliveries, SLA timers). */
export type Actor =
  { readonly kind: 'agent'; readonly channel: ChannelName; readonly userId: string } | { readonly kind: 'user'; readonly channel: ChannelName; readonly userId: string } | { readonly kind: 'system' };
