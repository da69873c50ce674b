import type { InlineKeyboardMarkup } from 'grammy/types';
import type { DeskCard, Priority, TicketStatus } from '../../src/core/index.js';
import { escapeHtml } from './render.js';

const PRIORITY_MARK: Record<Priority, string> = { urgent: '🔴', high: '🟠', normal: '🟢' };
const STATUS_MARK: Record<TicketStatus, string> = { open: '⏳', claimed: '🙋', resolved: '✅', closed: '✖️' };

/** A ticket card as posted in the agent group: the card model in HTML, its actions as buttons. */
export interface Card {
  readonly html: string;
  readonly keyboard: InlineKeyboardMarkup;
}

/** Renders the presenter's card model for the agent group; every value is escaped. */
export function renderCard(card: DeskCard): Card {
  const lines = [
    `${PRIORITY_MARK[card.priority]} <b>${escapeHtml(card.title)}</b>`,
    `${STATUS_MARK[card.status]} <b>${escapeHtml(card.statusLabel)}</b> · ${escapeHtml(card.priorityLabel)}`,
    ...card.fields.map((field) => `<b>${escapeHtml(field.label)}:</b> ${escapeHtml(field.value)}`),
    `<b>${escapeHtml(card.sla.label)}:</b> ${card.sla.overdue ? '⏰ ' : ''}${escapeHtml(card.sla.text)}`,
  ];
  const buttons = card.actions.map((action) => ({ text: action.label, callback_data: action.payload }));
  return { html: lines.join('\n'), keyboard: { inline_keyboard: [buttons] } };
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
  parseCard: (ref: string): { chatId: number; messageId: number } | undefined => {
    const match = /^(-?\d+):(\d+)$/.exec(ref);
    return match ? { chatId: Number(match[1]), messageId: Number(match[2]) } : undefined;
  },
  /** The forum topic of a topic reference. */
  parseTopic: (ref: string): number | undefined => {
    const match = /^-?\d+:topic:(\d+)$/.exec(ref);
    return match ? Number(match[1]) : undefined;
  },
};
