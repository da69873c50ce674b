import { HANDOFF_REASONS, handoffReason, type HandoffReason } from './handoff-reasons.js';
import { HANDOFF_WINDOW_MS, type History, type TicketFact } from './history.js';
import type { Period } from './period.js';
import { splitSessions, type Session } from './sessions.js';
import type { BotSignals } from './signals.js';
import { groupBy, percentile, rate, satisfaction, type Satisfaction } from './stats.js';

/** The operators' report over a period; README.md ("Reports") defines every figure. */
export interface Report {
  readonly period: { readonly since: string; readonly until: string };
  readonly conversations: { readonly total: number; readonly byChannel: Record<string, number> };
  readonly automatedResolution: { readonly resolved: number; readonly rate: number };
  readonly handoff: { readonly conversations: number; readonly rate: number; readonly tickets: number; readonly reasons: Record<HandoffReason, number> };
  readonly fallback: { readonly decisions: number; readonly fallback: number; readonly fallbackRate: number; readonly clarify: number; readonly clarifyRate: number };
  readonly helpful: Record<string, { readonly yes: number; readonly no: number }>;
  readonly csat: Satisfaction & {
    readonly byIntent: Record<string, Satisfaction>;
    readonly byLanguage: Record<string, Satisfaction>;
    readonly byChannel: Record<string, Satisfaction>;
    readonly byAgent: Record<string, Satisfaction>;
  };
  readonly firstReply: {
    readonly tickets: number;
    readonly replied: number;
    readonly p50Minutes: number | null;
    readonly p90Minutes: number | null;
    readonly withinSla: number;
    readonly breaches: number;
    readonly breachRate: number;
  };
  /** User messages per hour of the day (UTC, index 0-23). */
  readonly volumeByHour: readonly number[];
}

/** Computes the report of `period` from its stored history; `signals` reads the bot's stored wording. */
export function buildReport(history: History, period: Period, signals: BotSignals): Report {
  const sessions = splitSessions(history.messages);
  const inPeriod = (ticket: TicketFact) => ticket.createdAt.getTime() < period.until.getTime();
  const tickets = history.tickets.filter(inPeriod);
  const handedOff = sessions.map((session) => ({ session, tickets: tickets.filter((ticket) => within(ticket, session, 0)) }));
  const reasons = Object.fromEntries(HANDOFF_REASONS.map((reason) => [reason, 0])) as Record<HandoffReason, number>;
  for (const { session, tickets: opened } of handedOff) for (const ticket of opened) reasons[handoffReason(ticket, session, signals)] += 1;
  const decisions = sessions.flatMap((session) => session.turns.flatMap((turn) => (turn.decision ? [turn.decision] : [])));
  const resolved = sessions.filter((session) => resolvedByBot(session, history.tickets, signals)).length;
  const rated = tickets.flatMap((ticket) => (ticket.rating === null ? [] : [{ ...ticket, rating: ticket.rating }]));
  const ratingsOf = (group: { rating: number }[]) => satisfaction(group.map((ticket) => ticket.rating));
  const count = (action: string) => decisions.filter((decision) => decision.action === action).length;
  const volumeByHour = Array.from({ length: 24 }, () => 0);
  for (const message of history.messages) if (message.sender === 'user') volumeByHour[message.at.getUTCHours()]! += 1;
  return {
    period: { since: period.since.toISOString(), until: period.until.toISOString() },
    conversations: {
      total: sessions.length,
      byChannel: groupBy(
        sessions,
        (session) => session.channel,
        (group) => group.length,
      ),
    },
    automatedResolution: { resolved, rate: rate(resolved, sessions.length) },
    handoff: {
      conversations: handedOff.filter((entry) => entry.tickets.length > 0).length,
      rate: rate(handedOff.filter((entry) => entry.tickets.length > 0).length, sessions.length),
      tickets: tickets.length,
      reasons,
    },
    fallback: {
      decisions: decisions.length,
      fallback: count('fallback'),
      fallbackRate: rate(count('fallback'), decisions.length),
      clarify: count('clarify'),
      clarifyRate: rate(count('clarify'), decisions.length),
    },
    helpful: helpfulness(sessions, signals),
    csat: {
      ...ratingsOf(rated),
      byIntent: groupBy(rated, (ticket) => ticket.intent, ratingsOf),
      byLanguage: groupBy(rated, (ticket) => ticket.lang, ratingsOf),
      byChannel: groupBy(rated, (ticket) => ticket.channel, ratingsOf),
      byAgent: groupBy(rated, (ticket) => ticket.agent ?? '(none)', ratingsOf),
    },
    firstReply: firstReplies(tickets, period.until),
    volumeByHour,
  };
}

/** Whether `ticket` was opened in `session` or up to `afterMs` after its last turn. */
function within(ticket: TicketFact, session: Session, afterMs: number): boolean {
  const at = ticket.createdAt.getTime();
  return ticket.conversationId === session.conversationId && at >= session.start.getTime() && at <= session.end.getTime() + afterMs;
}

/** Resolved by the bot: at least one answer, no "No" to "Did this help?", and no hand-off within 24 h. */
function resolvedByBot(session: Session, tickets: readonly TicketFact[], signals: BotSignals): boolean {
  const answered = session.turns.some((turn) => turn.decision?.action === 'answer');
  const rejected = session.turns.some((turn) => turn.messages.some((message) => message.sender === 'bot' && signals.signalOf(message.text) === 'helpedNo'));
  return answered && !rejected && !tickets.some((ticket) => within(ticket, session, HANDOFF_WINDOW_MS));
}

/** "Did this help?" yes / no per FAQ entry: each reply counts for the entry answered last before it. */
function helpfulness(sessions: readonly Session[], signals: BotSignals): Record<string, { yes: number; no: number }> {
  const votes: { faqId: string; helped: boolean }[] = [];
  for (const session of sessions) {
    let faqId = '(unknown)';
    for (const message of session.turns.flatMap((turn) => turn.messages)) {
      if (message.sender !== 'bot') continue;
      const signal = signals.signalOf(message.text);
      if (signal === 'helpedYes' || signal === 'helpedNo') votes.push({ faqId, helped: signal === 'helpedYes' });
      faqId = signals.faqOf(message.text) ?? faqId;
    }
  }
  return groupBy(
    votes,
    (vote) => vote.faqId,
    (group) => ({ yes: group.filter((vote) => vote.helped).length, no: group.filter((vote) => !vote.helped).length }),
  );
}

/** First-reply times (ticket created → first agent message) against each ticket's SLA due time. */
function firstReplies(tickets: readonly TicketFact[], until: Date): Report['firstReply'] {
  const minutes = tickets.flatMap((ticket) => (ticket.firstReplyAt ? [(ticket.firstReplyAt.getTime() - ticket.createdAt.getTime()) / 60_000] : []));
  const breached = tickets.filter((ticket) => (ticket.firstReplyAt ?? until).getTime() > ticket.slaDueAt.getTime());
  const round = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    tickets: tickets.length,
    replied: minutes.length,
    p50Minutes: round(percentile(minutes, 50)),
    p90Minutes: round(percentile(minutes, 90)),
    withinSla: tickets.length - breached.length,
    breaches: breached.length,
    breachRate: rate(breached.length, tickets.length),
  };
}
