import { say, type Lang, type MessageKey } from '../contracts/index.js';
import type { KnowledgeBase } from '../nlu/knowledge-base.js';

/** What a stored bot message says about the conversation, recognised by its exact wording. */
export type Signal = 'helpedYes' | 'helpedNo' | 'humanAfterMisses';

const LANGS: readonly Lang[] = ['en', 'zh'];
const SIGNAL_KEYS: Record<Signal, MessageKey> = { helpedYes: 'feedbackYes', helpedNo: 'feedbackNo', humanAfterMisses: 'offerHumanAfterMisses' };

/**
 * Reads stored bot messages: the pipeline's replies to "Did this help?" (yes / no), its offer of a
 * human after two misses, and which FAQ entry an answer was (its text in either language).
 */
export class BotSignals {
  readonly #signals = new Map<string, Signal>();
  readonly #answers = new Map<string, string>();

  constructor(knowledgeBase: KnowledgeBase) {
    for (const lang of LANGS) {
      for (const [signal, key] of Object.entries(SIGNAL_KEYS) as [Signal, MessageKey][]) this.#signals.set(say(lang, key), signal);
      for (const entry of knowledgeBase.entries) this.#answers.set(knowledgeBase.answer(entry, lang), entry.id);
    }
  }

  /** The signal a bot message's text carries, if any. */
  signalOf(text: string): Signal | undefined {
    return this.#signals.get(text);
  }

  /** The FAQ entry a bot message's text is the answer of, if any. */
  faqOf(text: string): string | undefined {
    return this.#answers.get(text);
  }
}
