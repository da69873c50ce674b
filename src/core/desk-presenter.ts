import {
  encodePayload,
  isIntentId,
  type Actor,
  type ChannelName,
  type DeskAction,
  type DeskError,
  type DeskEvent,
  type EscalationView,
  type Lang,
  type Priority,
  type SlaLevel,
  type TicketStatus,
} from '../contracts/index.js';
import { say, type MessageKey } from '../contracts/index.js';

/** How a desk may style an action's button (Discord's button styles; others may ignore it). */
export type CardActionStyle = 'primary' | 'success' | 'secondary';

/** A button on a ticket card: what it does, its label in the desk's language and its payload. */
export interface CardAction {
  readonly action: DeskAction;
  readonly label: string;
  /** The button's payload (`desk:<action>:<ticket id>`), through the payload codec. */
  readonly payload: string;
  readonly style: CardActionStyle;
}

/** A labelled value of a card. */
export interface CardField {
  readonly label: string;
  readonly value: string;
  /** Short enough to sit beside others (Discord's inline fields). */
  readonly short: boolean;
}

/** A ticket card, platform-free: every desk renders this model and only this. */
export interface DeskCard {
  readonly ticketId: number;
  readonly number: string;
  /** `T-1001 · <summary>`. */
  readonly title: string;
  readonly priority: Priority;
  /** "high priority" / "高优先级". */
  readonly priorityLabel: string;
  readonly status: TicketStatus;
  /** "Open · number 2 in the queue", "Claimed by Alice" ... */
  readonly statusLabel: string;
  /** Resolved or closed: nothing left to do but reopen. */
  readonly done: boolean;
  /** The user's own words. */
  readonly description: string;
  /** The user, the topic, the agent, the collected details (labelled), resolution and rating. */
  readonly fields: readonly CardField[];
  /** The first-reply deadline: its label, the moment, the same in words, and whether it has passed. */
  readonly sla: { readonly label: string; readonly dueAt: string; readonly text: string; readonly overdue: boolean };
  /** The actions any agent may take on the ticket now, by its status. */
  readonly actions: readonly CardAction[];
}

/** A line of a ticket's conversation as a desk shows it: who said it (and on which desk) and what. */
export interface DeskLine {
  readonly speaker: string;
  /** The channel an agent's reply came from (another desk), for "Alice (cli)". */
  readonly via?: ChannelName;
  readonly text: string;
}

/** What a desk does for one ticket change. */
export interface DeskUpdate {
  /** Post the ticket's card (a new ticket), refresh it in place, or leave it. */
  readonly card: 'post' | 'refresh' | 'keep';
  /** A line of the conversation to show under the card: the user's words, or a reply from another desk. */
  readonly message?: DeskLine;
  /** A status line for desks that keep a log under the card (a thread): who claimed, resolved, rated... */
  readonly notice?: string;
  /**
   * An SLA alert every desk posts under the card, once, mentioning its on-call role or person
   * (the desk adds the mention to {@link DeskAlert.text}).
   */
  readonly alert?: DeskAlert;
}

/** A first-reply alert: how late (level 1 overdue, level 2 twice overdue) and what to say. */
export interface DeskAlert {
  readonly level: SlaLevel;
  readonly text: string;
}

const NEXT_ACTIONS: Record<TicketStatus, readonly DeskAction[]> = {
  open: ['claim', 'resolve'],
  claimed: ['resolve'],
  resolved: ['reopen'],
  closed: ['reopen'],
};
const ACTION_STYLE: Record<DeskAction, CardActionStyle> = { claim: 'primary', resolve: 'success', reopen: 'secondary' };
const DETAIL_KEYS: Readonly<Record<string, MessageKey>> = {
  problemType: 'desk.detail.problemType',
  occurredAt: 'desk.detail.occurredAt',
  errorMessage: 'desk.detail.errorMessage',
  transactionId: 'desk.detail.transactionId',
  email: 'desk.detail.email',
};

/**
 * The one desk presenter: turns tickets, their changes and the desk's refusals into what every
 * chat desk shows, in the desk's language (`DESK_LANG`). Telegram, Discord and Teams only render
 * its models, so the same ticket reads the same everywhere.
 */
export class DeskPresenter {
  constructor(
    /** The desk's language. */
    readonly lang: Lang,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A ticket's card. */
  card(ticket: EscalationView): DeskCard {
    const t = (key: MessageKey, vars?: Record<string, string | number>) => say(this.lang, key, vars);
    const fields: CardField[] = [
      { label: t('desk.field.user'), value: t('desk.user', { name: ticket.displayName ?? ticket.userId, channel: ticket.channel }), short: true },
      { label: t('desk.field.topic'), value: this.#topic(ticket.intent), short: true },
      ...(ticket.agent ? [{ label: t('desk.field.agent'), value: ticket.agent, short: true }] : []),
      ...Object.entries(ticket.details).map(([key, value]) => ({ label: DETAIL_KEYS[key] ? t(DETAIL_KEYS[key]) : key, value, short: false })),
      ...(ticket.resolutionNote ? [{ label: t('desk.field.resolution'), value: ticket.resolutionNote, short: false }] : []),
      ...(ticket.rating ? [{ label: t('desk.field.rating'), value: t('desk.rating', { stars: stars(ticket.rating), rating: ticket.rating }), short: true }] : []),
    ];
    const overdue = !ticket.claimedAt && (ticket.status === 'open' || ticket.status === 'claimed') && Date.parse(ticket.slaDueAt) < this.clock().getTime();
    return {
      ticketId: ticket.id,
      number: ticket.number,
      title: `${ticket.number} · ${ticket.summary}`,
      priority: ticket.priority,
      priorityLabel: t('desk.priority', { priority: t(`priority.${ticket.priority}`) }),
      status: ticket.status,
      statusLabel: this.#status(ticket),
      done: ticket.status === 'resolved' || ticket.status === 'closed',
      description: ticket.userText,
      fields,
      sla: { label: t('desk.field.sla'), dueAt: ticket.slaDueAt, text: t(overdue ? 'desk.sla.overdue' : 'desk.sla.due', { time: formatUtc(ticket.slaDueAt) }), overdue },
      actions: NEXT_ACTIONS[ticket.status].map((action) => ({
        action,
        label: this.actionLabel(action),
        payload: encodePayload({ kind: 'desk', action, ticketId: ticket.id }),
        style: ACTION_STYLE[action],
      })),
    };
  }

  /** An action's label ("Claim" / "认领"). */
  actionLabel(action: DeskAction): string {
    return say(this.lang, `desk.action.${action}`);
  }

  /**
   * What the desk on `desk` does for a change: events are matched exhaustively, so a new kind is
   * a compile error here until it is presented. A reply written on this same desk is already there.
   */
  update(event: DeskEvent, desk: ChannelName): DeskUpdate {
    const t = (key: MessageKey, vars?: Record<string, string | number>) => say(this.lang, key, vars);
    const { ticket } = event;
    switch (event.type) {
      case 'opened':
        return { card: 'post' };
      case 'user_message':
        return { card: 'keep', message: { speaker: ticket.displayName ?? ticket.userId, text: event.text } };
      case 'agent_reply':
        if (event.actor.kind === 'agent' && event.actor.channel === desk) return { card: 'keep' };
        return { card: 'keep', message: { speaker: ticket.agent ?? this.#who(event.actor, ticket), via: event.actor.kind === 'agent' ? event.actor.channel : undefined, text: event.text } };
      case 'note':
        // Notes stay on the ticket (`escalations show`); they change nothing on a card.
        return { card: 'keep' };
      case 'claimed':
        return { card: 'refresh', notice: t('desk.event.claimed', { agent: this.#who(event.actor, ticket) }) };
      case 'resolved': {
        const agent = this.#who(event.actor, ticket);
        return { card: 'refresh', notice: event.note ? t('desk.event.resolvedWithNote', { agent, note: event.note }) : t('desk.event.resolved', { agent }) };
      }
      case 'reopened':
        return { card: 'refresh', notice: event.actor.kind === 'user' ? t('desk.event.reopenedByUser') : t('desk.event.reopened', { agent: this.#who(event.actor, ticket) }) };
      case 'closed_by_user':
        return { card: 'refresh', notice: t('desk.event.closedByUser') };
      case 'rated':
        return { card: 'refresh', notice: t('desk.event.rated', { rating: event.rating }) };
      case 'delivery_failed':
        return { card: 'keep', notice: t('desk.event.deliveryFailed', { reason: event.reason }) };
      case 'sla_breached':
        return { card: 'refresh', alert: { level: event.level, text: t(event.level === 2 ? 'desk.event.slaBreachedTwice' : 'desk.event.slaBreached', { time: formatUtc(ticket.slaDueAt) }) } };
      case 'auto_closed':
        return { card: 'refresh', notice: t('desk.event.autoClosed') };
    }
  }

  /** A desk's refusal in the desk's language (the error's own message is English, for the CLI and logs). */
  refusal(error: DeskError): string {
    const { refusal } = error;
    const t = (key: MessageKey, vars?: Record<string, string | number>) => say(this.lang, key, vars);
    switch (refusal.reason) {
      case 'no_ticket':
        return t('desk.error.no_ticket', { ref: refusal.ref });
      case 'not_agent':
        return t('desk.error.not_agent');
      case 'not_assignable':
        return t('desk.error.not_assignable', { who: refusal.who });
      case 'claimed_by_other':
        return t('desk.error.claimed_by_other', { number: refusal.number, agent: refusal.agent });
      case 'not_active':
      case 'already_done':
      case 'still_active':
        return t(`desk.error.${refusal.reason}`, { number: refusal.number, status: t(`status.${refusal.status}`) });
      case 'user_has_other':
        return t('desk.error.user_has_other', { number: refusal.number });
      case 'empty_reply':
      case 'empty_note':
        return t(`desk.error.${refusal.reason}`);
    }
  }

  /** The answer to an agent whose action went through ("You have claimed T-1001..."). */
  done(action: DeskAction, ticket: EscalationView): string {
    return say(this.lang, `desk.done.${action}`, { number: ticket.number });
  }

  /** Refuses someone who is not an agent, without a word about the ticket. */
  notAgent(): string {
    return say(this.lang, 'desk.error.not_agent');
  }

  /** The name an on-call mention shows where the platform needs one (a Teams @mention). */
  oncallName(): string {
    return say(this.lang, 'desk.oncall');
  }

  /** Tells an agent that only text reaches the user. */
  textOnly(): string {
    return say(this.lang, 'desk.textOnly');
  }

  #status(ticket: EscalationView): string {
    const agent = ticket.agent ?? '';
    switch (ticket.status) {
      case 'open':
        return ticket.queuePosition ? say(this.lang, 'desk.status.queued', { position: ticket.queuePosition }) : say(this.lang, 'desk.status.open');
      case 'claimed':
        return say(this.lang, 'desk.status.claimed', { agent });
      case 'resolved':
        return say(this.lang, 'desk.status.resolved', { agent });
      case 'closed':
        return say(this.lang, 'desk.status.closed');
    }
  }

  /** The intent's name for people; an intent outside the taxonomy as it is. */
  #topic(intent: string): string {
    return isIntentId(intent) ? say(this.lang, `intent.${intent}`) : intent;
  }

  /** Who acted: the ticket's agent by name when it was them, else their desk identity. */
  #who(actor: Actor, ticket: EscalationView): string {
    if (actor.kind !== 'agent') return ticket.displayName ?? ticket.userId;
    const id = `${actor.channel}:${actor.userId}`;
    return id === ticket.agentId && ticket.agent ? ticket.agent : id;
  }
}

function stars(rating: number): string {
  return '★'.repeat(rating) + '☆'.repeat(Math.max(0, 5 - rating));
}

/** `2026-05-01 14:30 UTC`: one format every desk and language reads the same. */
function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
