import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, TimestampStyles, time } from 'discord.js';
import type { CardActionStyle, DeskCard, Priority } from '../../src/core/index.js';
import { clip, plain } from './render.js';

const PRIORITY_COLOUR: Record<Priority, number> = { urgent: 0xed4245, high: 0xe67e22, normal: 0x3498db };
const DONE_COLOUR = 0x95a5a6;
const BUTTON_STYLE: Record<CardActionStyle, ButtonStyle> = { primary: ButtonStyle.Primary, success: ButtonStyle.Success, secondary: ButtonStyle.Secondary };
const MAX_FIELD = 1024;
const MAX_FIELDS = 25;
const MAX_DESCRIPTION = 4096;
const MAX_TITLE = 256;
const MAX_AUTHOR = 256;

/** A ticket card as Discord shows it: an embed and a row of buttons, ready for `send`, `edit` or `update`. */
export interface DiscordCard {
  readonly embeds: EmbedBuilder[];
  readonly components: ActionRowBuilder<ButtonBuilder>[];
}

/**
 * Renders the presenter's card model: an embed coloured by priority (grey once done), status and
 * priority on top, the fields as the model lists them, the SLA as Discord timestamps, and the
 * model's actions as buttons. Every value is escaped.
 */
export function renderCard(card: DeskCard): DiscordCard {
  const due = new Date(card.sla.dueAt);
  const fields = [
    ...card.fields.map((field) => ({ name: clip(plain(field.label), 256), value: clip(plain(field.value), MAX_FIELD) || '—', inline: field.short })),
    { name: card.sla.label, value: `${card.sla.overdue ? '⏰ ' : ''}${time(due, TimestampStyles.ShortDateTime)} (${time(due, TimestampStyles.RelativeTime)})`, inline: true },
  ];
  const embed = new EmbedBuilder()
    .setAuthor({ name: clip(`${card.statusLabel} · ${card.priorityLabel}`, MAX_AUTHOR) })
    .setTitle(clip(plain(card.title), MAX_TITLE))
    .setColor(card.done ? DONE_COLOUR : PRIORITY_COLOUR[card.priority])
    .setDescription(clip(plain(card.description) || '—', MAX_DESCRIPTION))
    .addFields(fields.slice(0, MAX_FIELDS));
  const buttons = card.actions.map((action) => new ButtonBuilder().setCustomId(action.payload).setLabel(action.label).setStyle(BUTTON_STYLE[action.style]));
  return { embeds: [embed], components: buttons.length ? [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons)] : [] };
}
