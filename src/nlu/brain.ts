import type { Lang, Suggestion } from '../core/types.js';
import type { SupportLinks } from '../config/index.js';
import { say } from '../dialogue/messages.js';
import { IntentClassifier, type Prediction } from './classifier.js';
import { FaqMatcher } from './faq-matcher.js';
import { loadKnowledgeBase, type FaqEntry, type FollowUp, type KnowledgeBase } from './knowledge-base.js';
import { replyLanguage } from './language.js';
import { normalizeText } from './normalize.js';
import { loadTrainingData, OUT_OF_SCOPE } from './training-data.js';

/** What the brain decided to do with a message. */
export type Action = 'answer' | 'clarify' | 'escalate' | 'fallback';

/** The brain's verdict on one message: the `classify` CLI prints exactly these fields plus the text. */
export interface Decision {
  readonly lang: Lang;
  readonly intent: string;
  readonly confidence: number;
  readonly action: Action;
  /** The FAQ entry answered (or, for escalations, the entry whose text was shown). */
  readonly faqId: string | null;
  readonly reply: string;
  /** Clarify candidates as buttons (`faq:<id>`). */
  readonly suggestions: readonly Suggestion[];
  readonly followUp?: FollowUp;
}

/** Thresholds of the decision, from configuration. */
export interface DecisionPolicy {
  /** Confidence at or above which the top intent is answered. */
  readonly answerThreshold: number;
  /** When the top two intents are closer than this, ask which one was meant. */
  readonly ambiguityMargin: number;
}

/** Intents that go to a human at once rather than being answered. */
const ESCALATE_INTENTS = new Set(['agent.request', 'security.account_compromised']);
/** An escalation jumps the queue and pages a human: below this confidence the bot asks first. */
const ESCALATE_THRESHOLD = 0.7;
/** Below this the classifier's top intents are not worth offering as clarify buttons. */
const CLARIFY_FLOOR = 0.2;
/** A fuse.js score at or below this is a near-verbatim FAQ question: trusted as a second opinion. */
const FAQ_SECOND_OPINION = 0.15;

/**
 * The bilingual NLU: a classifier over the intent taxonomy, the FAQ matcher for the
 * specific entry, and the decision policy. Pure: text in, decision out.
 */
export class Brain {
  constructor(
    readonly classifier: IntentClassifier,
    readonly knowledgeBase: KnowledgeBase,
    readonly matcher: FaqMatcher,
    readonly policy: DecisionPolicy,
  ) {}

  /** Loads the knowledge base and intents and trains the classifier (well under a second). */
  static load(policy: DecisionPolicy, links: SupportLinks = {}): Brain {
    const knowledgeBase = loadKnowledgeBase(links);
    const classifier = IntentClassifier.train(loadTrainingData(knowledgeBase));
    return new Brain(classifier, knowledgeBase, new FaqMatcher(knowledgeBase), policy);
  }

  /** Decides what to do with `text`; `langHint` is the platform's idea of the user's language. */
  decide(text: string, langHint?: Lang): Decision {
    const lang = replyLanguage(text, langHint);
    if (!normalizeText(text)) return this.#fallback(lang, OUT_OF_SCOPE, 1);
    const ranked = this.classifier.predict(text, 4);
    const [top, second] = ranked as [Prediction, Prediction | undefined];
    const inScope = ranked.filter((prediction) => prediction.label !== OUT_OF_SCOPE);
    if (top.label === OUT_OF_SCOPE && top.confidence >= this.policy.answerThreshold) return this.#fallback(lang, top.label, top.confidence);
    if (top.label === OUT_OF_SCOPE || top.confidence < CLARIFY_FLOOR) {
      return this.#secondOpinion(text, lang, top) ?? this.#fallback(lang, top.label, top.confidence);
    }
    const margin = top.confidence - (second?.confidence ?? 0);
    const ambiguous = second !== undefined && second.label !== OUT_OF_SCOPE && margin < this.policy.ambiguityMargin;
    const sureEnough = top.confidence >= (ESCALATE_INTENTS.has(top.label) ? Math.max(ESCALATE_THRESHOLD, this.policy.answerThreshold) : this.policy.answerThreshold);
    if (sureEnough && !ambiguous) return this.#act(text, lang, top);
    const candidates = inScope.filter((prediction) => prediction.confidence >= CLARIFY_FLOOR / 2).slice(0, 3);
    if (candidates.length >= 2) return this.#clarify(text, lang, top, candidates);
    return this.#secondOpinion(text, lang, top) ?? (top.confidence >= this.policy.answerThreshold / 2
      ? this.#clarify(text, lang, top, [top])
      : this.#fallback(lang, top.label, top.confidence));
  }

  /** The decision for a FAQ entry the user chose by id (a clarify button): its answer, or its escalation. */
  answerEntry(faqId: string, lang: Lang): Decision | undefined {
    const entry = this.knowledgeBase.byId(faqId);
    if (!entry) return undefined;
    if (ESCALATE_INTENTS.has(entry.intent)) return this.#act(entry.questions[lang][0] ?? '', lang, { label: entry.intent, confidence: 1 });
    return this.#answer(entry, lang, entry.intent, 1);
  }

  #act(text: string, lang: Lang, top: Prediction): Decision {
    const entry = this.#bestEntry(text, top.label);
    if (ESCALATE_INTENTS.has(top.label)) {
      return {
        lang,
        intent: top.label,
        confidence: round(top.confidence),
        action: 'escalate',
        faqId: entry?.id ?? null,
        reply: entry ? this.knowledgeBase.answer(entry, lang) : say(lang, 'collectIntro'),
        suggestions: [],
      };
    }
    if (!entry) return this.#fallback(lang, top.label, top.confidence);
    return this.#answer(entry, lang, top.label, top.confidence);
  }

  #answer(entry: FaqEntry, lang: Lang, intent: string, confidence: number): Decision {
    return {
      lang,
      intent,
      confidence: round(confidence),
      action: 'answer',
      faqId: entry.id,
      reply: this.knowledgeBase.answer(entry, lang),
      suggestions: [],
      followUp: entry.followUp,
    };
  }

  #clarify(text: string, lang: Lang, top: Prediction, candidates: readonly Prediction[]): Decision {
    const suggestions = candidates.flatMap((candidate) => {
      const entry = this.#bestEntry(text, candidate.label);
      return entry ? [{ label: entry.questions[lang][0] ?? entry.id, payload: `faq:${entry.id}` }] : [];
    });
    return {
      lang,
      intent: top.label,
      confidence: round(top.confidence),
      action: 'clarify',
      faqId: null,
      reply: say(lang, 'clarify'),
      suggestions: [...suggestions, { label: say(lang, 'button.human'), payload: 'human' }],
    };
  }

  #fallback(lang: Lang, intent: string, confidence: number): Decision {
    return {
      lang,
      intent,
      confidence: round(confidence),
      action: 'fallback',
      faqId: null,
      reply: say(lang, 'fallback'),
      suggestions: [{ label: say(lang, 'button.human'), payload: 'human' }],
    };
  }

  /** A near-verbatim FAQ question overrides an unsure classifier. */
  #secondOpinion(text: string, lang: Lang, top: Prediction): Decision | undefined {
    const [match] = this.matcher.search(text, { limit: 1 });
    if (!match || match.score > FAQ_SECOND_OPINION) return undefined;
    if (ESCALATE_INTENTS.has(match.entry.intent)) return this.#act(text, lang, { label: match.entry.intent, confidence: top.confidence });
    return this.#answer(match.entry, lang, match.entry.intent, Math.max(top.confidence, 1 - match.score));
  }

  /** The entry of `intent` whose questions best match `text`, else the intent's default entry. */
  #bestEntry(text: string, intent: string): FaqEntry | undefined {
    const entries = this.knowledgeBase.forIntent(intent);
    if (entries.length <= 1) return entries[0];
    return this.matcher.search(text, { intent, limit: 1 })[0]?.entry ?? entries[0];
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
