import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { EscalationView } from '../../src/core/channel.js';
import { escapeHtml } from './render.js';

/** What an agent can do with a card's buttons. */
export type CardAction = 'claim' | 'resolve' | 'reopen';

const PRIORITY_MARK: Record<string, string> = { urgent: '🔴', high: '🟠', normal: '🟢' };

/** The details the hand-off dialogue collects, labelled for agents; unknown keys are shown as they are. */
const DETAIL_LABELS: Record<string, string> = {
  problemType: 'Problem',
  occurredAt: 'When',
  errorMessage: 'Error message',
  transactionId: 'Transaction ID',
  email: 'E-mail',
};

const CALLBACK = /^desk:(claim|resolve|reopen):(\d+)$/;

/** A ticket card as posted in the agent group: the ticket in HTML and the buttons its status allows. */
export interface Card {
  readonly html: string;
  readonly keyboard: InlineKeyboardMarkup;
}

/** Renders a ticket as a card for the agent group; every value from the ticket is escaped. */
export function renderCard(ticket: EscalationView): Card {
  const lines = [
    `${PRIORITY_MARK[ticket.priority] ?? '⚪'} <b>${escapeHtml(ticket.number)}</b> · ${escapeHtml(ticket.priority)} priority · ${escapeHtml(ticket.channel)}`,
    statusLine(ticket),
    `<b>User:</b> ${escapeHtml(ticket.displayName ?? ticket.userId)} (${escapeHtml(ticket.channel)})`,
    `<b>Summary:</b> ${escapeHtml(ticket.summary)}`,
    ...Object.entries(ticket.details).map(([key, value]) => `<b>${escapeHtml(DETAIL_LABELS[key] ?? key)}:</b> ${escapeHtml(value)}`),
    `<b>SLA:</b> first reply due ${formatUtc(ticket.slaDueAt)}`,
  ];
  if (ticket.resolutionNote) lines.push(`<b>Resolution:</b> ${escapeHtml(ticket.resolutionNote)}`);
  return { html: lines.join('\n'), keyboard: { inline_keyboard: [buttonsFor(ticket)] } };
}

/** The callback data of a card button (`desk:claim:12`). */
function cardCallback(action: CardAction, escalationId: number): string {
  return `desk:${action}:${escalationId}`;
}

/** Reads a card button's callback data; undefined for anything else. */
export function parseCardCallback(data: string): { action: CardAction; escalationId: number } | undefined {
  const match = CALLBACK.exec(data);
  return match ? { action: match[1] as CardAction, escalationId: Number(match[2]) } : undefined;
}

/**
 * Where a ticket shows in the agent group, as stored with `desk.attachCard`: the card message
 * (`<chat>:<message>`), each user message relayed under it (`<chat>:<message>:user`, so an
 * agent may answer those too), and its forum topic (`<chat>:topic:<thread>`).
 */
export const cardRefs = {
  card: (chatId: number, messageId: number) => `${chatId}:${messageId}`,
  relay: (chatId: number, messageId: number) => `${chatId}:${messageId}:user`,
  topic: (chatId: number, threadId: number) => `${chatId}:topic:${threadId}`,
  /** The chat and message of a card reference; undefined for relays and topics. */
  parseCard(ref: string): { chatId: number; messageId: number } | undefined {
    const match = /^(-?\d+):(\d+)$/.exec(ref);
    return match ? { chatId: Number(match[1]), messageId: Number(match[2]) } : undefined;
  },
  /** The forum topic of a topic reference. */
  parseTopic(ref: string): number | undefined {
    const match = /^-?\d+:topic:(\d+)$/.exec(ref);
    return match ? Number(match[1]) : undefined;
  },
};

function statusLine(ticket: EscalationView): string {
  const agent = escapeHtml(ticket.agent ?? 'an agent');
  switch (ticket.status) {
    case 'open':
      return `⏳ <b>Open</b>${ticket.queuePosition ? ` · number ${ticket.queuePosition} in the queue` : ''}`;
    case 'claimed':
      return `🙋 <b>Claimed</b> by ${agent}`;
    case 'resolved':
      return `✅ <b>Resolved</b> by ${agent}${ticket.rating ? ` · rated ${'★'.repeat(ticket.rating)}${'☆'.repeat(5 - ticket.rating)}` : ''}`;
    default:
      return '✖️ <b>Closed</b> by the user';
  }
}

function buttonsFor(ticket: EscalationView): InlineKeyboardButton[] {
  const button = (text: string, action: CardAction) => ({ text, callback_data: cardCallback(action, ticket.id) });
  switch (ticket.status) {
    case 'open':
      return [button('🙋 Claim', 'claim'), button('✅ Resolve', 'resolve')];
    case 'claimed':
      return [button('✅ Resolve', 'resolve')];
    default:
      return [button('↩️ Reopen', 'reopen')];
  }
}

/** `2025-03-01 14:30 UTC`: agents work across time zones, so the card says which one. */
function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
