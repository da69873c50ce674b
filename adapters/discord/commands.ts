import { InteractionContextType, Locale, SlashCommandBuilder, type ChatInputCommandInteraction, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { MAX_MESSAGE_LENGTH, say, type Lang, type MessageHandler, type MessageKey } from '../../src/core/index.js';
import { clip } from './render.js';

/** Discord shows at most 25 autocomplete choices, each name and value at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

/** The slash commands the bot registers at start-up: `/ask`, `/human`, `/status`, `/faq`, `/subscribe`, `/unsubscribe`. */
export function slashCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const described = (name: string, key: MessageKey) =>
    new SlashCommandBuilder().setName(name).setDescription(say('en', key)).setDescriptionLocalizations(localized(key)).setContexts(InteractionContextType.Guild, InteractionContextType.BotDM);
  return [
    described('ask', 'discord.command.ask').addStringOption((option) =>
      option
        .setName('question')
        .setDescription(say('en', 'discord.command.ask.question'))
        .setDescriptionLocalizations(localized('discord.command.ask.question'))
        .setRequired(true)
        .setMaxLength(MAX_MESSAGE_LENGTH),
    ),
    described('human', 'discord.command.human'),
    described('status', 'discord.command.status'),
    described('faq', 'discord.command.faq').addStringOption((option) =>
      option
        .setName('question')
        .setDescription(say('en', 'discord.command.faq.question'))
        .setDescriptionLocalizations(localized('discord.command.faq.question'))
        .setRequired(true)
        .setAutocomplete(true),
    ),
    described('subscribe', 'command.subscribe'),
    described('unsubscribe', 'command.unsubscribe'),
  ].map((command) => command.toJSON());
}

/**
 * What a slash command says to the core. `/human`, `/status`, `/subscribe` and `/unsubscribe`
 * are the core's own text commands; `/faq` carries the FAQ id the user picked from autocomplete, or, when they typed
 * without picking, their words as a question. Undefined for a command this bot does not know.
 */
export function commandInput(interaction: ChatInputCommandInteraction, bot: MessageHandler): { text: string; payload?: string } | undefined {
  switch (interaction.commandName) {
    case 'ask':
      return { text: interaction.options.getString('question', true) };
    case 'human':
      return { text: '/human' };
    case 'status':
    case 'subscribe':
    case 'unsubscribe':
      return { text: `/${interaction.commandName}` };
    case 'faq': {
      const value = interaction.options.getString('question', true);
      return bot.faq('en').some((entry) => entry.id === value) ? { text: '', payload: `faq:${value}` } : { text: value };
    }
    default:
      return undefined;
  }
}

/**
 * Autocomplete for `/faq`: questions containing what the user typed, in their Discord language
 * first and then the other one (a Chinese speaker may type an English term such as "2FA").
 */
export function faqChoices(bot: MessageHandler, typed: string, lang: Lang): { name: string; value: string }[] {
  const needle = typed.trim().toLowerCase();
  const seen = new Set<string>();
  const choices: { name: string; value: string }[] = [];
  for (const language of lang === 'zh' ? (['zh', 'en'] as const) : (['en', 'zh'] as const)) {
    for (const entry of bot.faq(language)) {
      if (seen.has(entry.id) || !entry.question.toLowerCase().includes(needle)) continue;
      seen.add(entry.id);
      choices.push({ name: clip(entry.question, MAX_CHOICE_LENGTH), value: entry.id });
    }
  }
  return choices.slice(0, MAX_CHOICES);
}

/** The language a Discord locale asks for: Chinese for zh-CN and zh-TW, English for the English ones. */
export function langOfLocale(locale: string | null | undefined): Lang | undefined {
  if (!locale) return undefined;
  if (locale.startsWith('zh')) return 'zh';
  return locale.startsWith('en') ? 'en' : undefined;
}

function localized(key: MessageKey): Partial<Record<Locale, string>> {
  return { [Locale.ChineseCN]: say('zh', key), [Locale.ChineseTW]: say('zh', key) };
}
