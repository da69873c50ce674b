/**
 * Follow-ups: a short message that leans on the previous turn ("and deposits?", "那充值呢?",
 * "how long?"), and how to rewrite it as a question of its own.
 */
import { readFileSync } from 'node:fs';
import type { Lang } from '../contracts/index.js';
import { hanCount, wordCount } from './clauses.js';
import { normalizeText } from './normalize.js';

// Follow-ups: short, and either opening with a connective or only asking "how long / why / …".
const FOLLOW_UP_MAX_WORDS = 5;
const FOLLOW_UP_MAX_HAN = 8;
const EN_FOLLOW_UP = /^(?:and|also|what about|how about|same for|same with|what if|but|or|then|so)\b|^(?:how long|how much|how many|how come|why|when|where|which)\b/;
const ZH_FOLLOW_UP = /^(?:那|那么|还有|另外|如果|要是)|呢$|多久|多长时间|几天|为什么|怎么办|多少钱|手续费|在哪/;

/** A topic a follow-up can swap into the previous question, by language; the first form is swapped in. */
export type Topic = Readonly<Record<Lang, readonly string[]>>;

/** The default location of the topics file. */
export const DEFAULT_TOPICS_PATH = new URL('../../intents/topics.json', import.meta.url);

/** Loads the swappable topics of `intents/topics.json`. */
export function loadTopics(path: URL | string = DEFAULT_TOPICS_PATH): Topic[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { topics: Topic[] }).topics;
}

/** Whether a message is short and reads like a follow-up of the previous turn rather than a question of its own. */
export function looksLikeFollowUp(text: string): boolean {
  const normalized = normalizeText(text);
  if (!normalized) return false;
  const han = hanCount(normalized);
  if (han > 0) return han <= FOLLOW_UP_MAX_HAN && ZH_FOLLOW_UP.test(normalized);
  return wordCount(normalized) <= FOLLOW_UP_MAX_WORDS && EN_FOLLOW_UP.test(normalized);
}

function mentions(text: string, form: string, lang: Lang): boolean {
  return lang === 'zh' ? text.includes(form) : new RegExp(`\\b${form}\\b`).test(text);
}

/**
 * The follow-up as a question of its own, when it names a topic and the previous question
 * is about another one: "and deposits?" after "my withdrawal has not arrived" becomes
 * "my deposit has not arrived"; "那充值呢?" after "提现还没到账" becomes "充值还没到账".
 * Undefined when there is nothing to swap.
 */
export function swapTopic(followUp: string, previous: string, topics: readonly Topic[]): string | undefined {
  const asked = normalizeText(followUp);
  const before = normalizeText(previous);
  const lang: Lang = hanCount(before) > 0 ? 'zh' : 'en';
  const askedLang: Lang = hanCount(asked) > 0 ? 'zh' : 'en';
  const wanted = topics.find((topic) => topic[askedLang].some((form) => mentions(asked, form, askedLang)));
  if (!wanted) return undefined;
  for (const topic of topics) {
    if (topic === wanted) continue;
    // Longest forms first, so "withdrawal" is replaced before "withdraw".
    const forms = [...topic[lang]].sort((a, b) => b.length - a.length).filter((form) => mentions(before, form, lang));
    if (forms.length === 0) continue;
    const pattern = new RegExp(forms.map((form) => (lang === 'zh' ? form : `\\b${form}\\b`)).join('|'), 'g');
    return before.replace(pattern, wanted[lang][0]!);
  }
  return undefined;
}
