import { readFileSync } from 'node:fs';
import type { FollowUp, Lang } from '../contracts/index.js';
import type { SupportLinks } from '../config/index.js';

/** One FAQ entry of `data/faq.json`, both languages side by side. */
export interface FaqEntry {
  readonly id: string;
  readonly intent: string;
  readonly questions: Readonly<Record<Lang, readonly string[]>>;
  readonly answer: Readonly<Record<Lang, string>>;
  /** What the bot offers after this entry's answer, when not its intent's (`INTENT_POLICY`). */
  readonly followUp?: FollowUp;
}

/** The knowledge base: FAQ entries, looked up by id and by intent. */
export interface KnowledgeBase {
  readonly entries: readonly FaqEntry[];
  byId(id: string): FaqEntry | undefined;
  /** The entries of an intent; the first is its default answer. */
  forIntent(intent: string): readonly FaqEntry[];
  /** The answer of `entry` in `lang`, with configured links filled in. */
  answer(entry: FaqEntry, lang: Lang): string;
}

/** Default wording for links that are not configured, so answers read well either way. */
const LINK_DEFAULTS: Record<Exclude<keyof SupportLinks, 'helpPages'>, Record<Lang, string>> = {
  helpCenter: { en: 'the Help Center on our official website', zh: '官网帮助中心' },
  supportEmail: { en: 'the support e-mail address listed on our official website', zh: '官网公布的客服邮箱' },
  community: { en: 'the official community forum', zh: '官方用户社区和论坛' },
  announcements: { en: 'the official website, our social media and e-mail notices', zh: '官网、官方社交媒体和邮件订阅' },
};

/** How an answer names this bot's own help page for an entry (`{{helpCenter}}` with only `helpPages` set). */
const OWN_HELP_PAGE: Record<Lang, (url: string) => string> = {
  en: (url) => `our Help Center (${url})`,
  zh: (url) => `帮助中心（${url}）`,
};

/** The default location of the knowledge base file. */
export const DEFAULT_FAQ_PATH = new URL('../../data/faq.json', import.meta.url);

/**
 * Reads the entries of a FAQ file in the shape of `data/faq.json`.
 * @throws Error naming the entry that is malformed.
 */
export function readFaqFile(path: URL | string = DEFAULT_FAQ_PATH): FaqEntry[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { entries: FaqEntry[] };
  for (const entry of raw.entries) {
    if (!entry.id || !entry.intent || !entry.answer?.en || !entry.answer?.zh || !entry.questions?.en || !entry.questions?.zh) {
      throw new Error(`faq entry "${entry.id ?? '?'}" needs id, intent, answer.en/zh and questions.en/zh`);
    }
  }
  return raw.entries;
}

/**
 * Loads `data/faq.json`.
 * @throws Error naming the entry that is malformed.
 */
export function loadKnowledgeBase(links: SupportLinks = {}, path: URL | string = DEFAULT_FAQ_PATH): KnowledgeBase {
  return knowledgeBaseOf(readFaqFile(path), links);
}

/** The knowledge base of `entries` (the file's, or the live database's), answers filled in with `links`. */
export function knowledgeBaseOf(entries: readonly FaqEntry[], links: SupportLinks = {}): KnowledgeBase {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const byIntent = new Map<string, FaqEntry[]>();
  for (const entry of entries) byIntent.set(entry.intent, [...(byIntent.get(entry.intent) ?? []), entry]);
  return {
    entries,
    byId: (id) => byId.get(id),
    forIntent: (intent) => byIntent.get(intent) ?? [],
    answer(entry, lang) {
      return entry.answer[lang].replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
        const key = name as keyof typeof LINK_DEFAULTS;
        // The configured help centre wins; else the entry's own page of this bot's help centre.
        if (key === 'helpCenter' && !links.helpCenter && links.helpPages !== undefined) return OWN_HELP_PAGE[lang](`${links.helpPages}/${entry.id}`);
        return links[key] ?? LINK_DEFAULTS[key]?.[lang] ?? whole;
      });
    },
  };
}
