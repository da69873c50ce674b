import { policyOf, type FollowUp, type Lang, type Suggestion } from '../contracts/index.js';
import type { SupportLinks } from '../config/index.js';
import { say } from '../contracts/index.js';
import { IntentClassifier, type PredictOptions, type Prediction } from './classifier.js';
import { applyRules, type Action, type DecisionPolicy } from './decision-rules.js';
import { FaqMatcher } from './faq-matcher.js';
import { loadKnowledgeBase, type FaqEntry, type KnowledgeBase } from './knowledge-base.js';
import { replyLanguage } from './language.js';
import { normalizeText } from './normalize.js';
import { loadTrainingData, OUT_OF_SCOPE, trainingExamples, type IntentPhrases } from './training-data.js';
import { splitClauses } from './clauses.js';
import { loadTopics, looksLikeFollowUp, swapTopic, type Topic } from './follow-up.js';

export type { Action, DecisionPolicy } from './decision-rules.js';

/** The brain's verdict on one message: the `classify` CLI prints `lang, intent, confidence, action, faqId, reply` plus the text. */
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
  /**
   * A second question asked in the same message ("I forgot my password and my withdrawal is
   * stuck"): its own answer (or escalation), in the same language, to give after this one.
   */
  readonly secondary?: Decision;
  /** True when the message was understood as a follow-up of the previous turn ({@link TurnContext}). */
  readonly contextual?: boolean;
}

/** What the brain may know about the previous turn, to understand a short follow-up ("and deposits?"). */
export interface TurnContext {
  /** The intent last answered. */
  readonly previousIntent?: string;
  /** The FAQ entry last answered. */
  readonly previousFaqId?: string;
  /** The user's previous message (the best context when there is one). */
  readonly previousText?: string;
}

/** A fuse.js score at or below this is a near-verbatim FAQ question: trusted as a second opinion. */
const FAQ_SECOND_OPINION = 0.15;
/** Intents never offered as the second question of a message ("hi, my withdrawal…" is one question). */
const ANSWERED: ReadonlySet<Action> = new Set(['answer', 'escalate']);

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
    /** Topics a follow-up can swap into the previous question (`intents/topics.json`). */
    readonly topics: readonly Topic[] = loadTopics(),
  ) {}

  /**
   * Loads the knowledge base and trains the classifier (well under a second) on the training
   * phrases `phrases` (by default those of `intents/`) and the FAQ's questions.
   */
  static load(policy: DecisionPolicy, links: SupportLinks = {}, phrases?: IntentPhrases): Brain {
    const knowledgeBase = loadKnowledgeBase(links);
    const classifier = IntentClassifier.train(phrases ? trainingExamples(phrases, knowledgeBase) : loadTrainingData(knowledgeBase));
    return new Brain(classifier, knowledgeBase, new FaqMatcher(knowledgeBase), policy);
  }

  /** This brain with another classifier (one retrained on new phrases): same knowledge base, matcher and policy. */
  withClassifier(classifier: IntentClassifier): Brain {
    return new Brain(classifier, this.knowledgeBase, this.matcher, this.policy, this.topics);
  }

  /**
   * Decides what to do with `text`; `langHint` is the platform's idea of the user's language.
   * With `context` (the previous turn), a short follow-up such as "and deposits?" or "那充值呢?"
   * is read together with it; a message that stands on its own is not. A message with two
   * questions gets the second as {@link Decision.secondary}.
   */
  decide(text: string, langHint?: Lang, context?: TurnContext): Decision {
    const lang = replyLanguage(text, langHint);
    if (!normalizeText(text)) return this.#fallback(lang, OUT_OF_SCOPE, 1);
    const alone = this.#decideOne(text, lang);
    const previous = context && this.#previousQuestion(context, lang);
    if (previous && looksLikeFollowUp(text)) {
      const contextual = this.#followUp(text, lang, previous, context?.previousFaqId);
      if (contextual) return { ...contextual, contextual: true };
    }
    return this.#withSecondQuestion(text, lang, alone);
  }

  /**
   * A follow-up read with the previous question: a new topic swapped into it ("and deposits?"),
   * else the two read together, the follow-up weighing more ("how long?" after "my account is
   * locked"). Only an answer counts, and not the previous entry again.
   */
  #followUp(text: string, lang: Lang, previous: string, previousFaqId?: string): Decision | undefined {
    const swapped = swapTopic(text, previous, this.topics);
    const decision = swapped ? this.#decideOne(swapped, lang) : this.#decideOne(text, lang, { context: previous });
    if (decision.action !== 'answer' || (!swapped && decision.faqId === previousFaqId)) return undefined;
    return decision;
  }

  /** The decision for one question, by the rules of `decision-rules.ts` and the FAQ's second opinion. */
  #decideOne(text: string, lang: Lang, options?: PredictOptions): Decision {
    const verdict = applyRules(this.classifier.predict(text, 4, options), this.policy);
    if (verdict.faqMayOverride) {
      const override = this.#secondOpinion(text, lang, verdict.top);
      if (override) return override;
    }
    switch (verdict.action) {
      case 'answer':
      case 'escalate':
        return this.#act(text, lang, verdict.top);
      case 'clarify':
        return this.#clarify(text, lang, verdict.top, verdict.candidates);
      case 'fallback':
        return this.#fallback(lang, verdict.top.label, verdict.top.confidence);
    }
  }

  /**
   * Two questions in one message: each clause decided alone; when two clauses are answered
   * with different in-scope intents, the one the whole message points at (or the first, or an
   * escalation) leads and the other becomes its `secondary`.
   */
  #withSecondQuestion(text: string, lang: Lang, whole: Decision): Decision {
    const clauses = splitClauses(text);
    if (clauses.length < 2) return whole;
    const answered = clauses
      .map((clause) => this.#decideOne(clause, lang))
      .filter((decision) => ANSWERED.has(decision.action) && isSecondQuestion(decision.intent))
      .filter((decision, i, all) => all.findIndex((other) => other.intent === decision.intent) === i);
    if (answered.length < 2) return whole;
    const wholeAnswered = ANSWERED.has(whole.action);
    const lead = wholeAnswered ? answered.find((d) => d.intent === whole.intent) : (answered.find((d) => d.action === 'escalate') ?? answered[0]);
    if (!lead) return whole;
    const secondary = answered.find((d) => d !== lead)!;
    return { ...(wholeAnswered ? whole : lead), secondary };
  }

  /** The previous turn as text to read a follow-up with: the user's words, else the answered entry's question. */
  #previousQuestion(context: TurnContext, lang: Lang): string | undefined {
    if (context.previousText && normalizeText(context.previousText)) return context.previousText;
    const entry = (context.previousFaqId && this.knowledgeBase.byId(context.previousFaqId)) || (context.previousIntent && this.knowledgeBase.forIntent(context.previousIntent)[0]);
    return entry ? entry.questions[lang][0] : undefined;
  }

  /** The decision for a FAQ entry the user chose by id (a clarify button): its answer, or its escalation. */
  answerEntry(faqId: string, lang: Lang): Decision | undefined {
    const entry = this.knowledgeBase.byId(faqId);
    if (!entry) return undefined;
    if (escalates(entry.intent)) return this.#act(entry.questions[lang][0] ?? '', lang, { label: entry.intent, confidence: 1 });
    return this.#answer(entry, lang, entry.intent, 1);
  }

  #act(text: string, lang: Lang, top: Prediction): Decision {
    const entry = this.#bestEntry(text, top.label);
    if (escalates(top.label)) {
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
      followUp: entry.followUp ?? policyOf(entry.intent).followUp,
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
    if (escalates(match.entry.intent)) return this.#act(text, lang, { label: match.entry.intent, confidence: top.confidence });
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

/** Whether an intent goes to a human at once (its policy). */
function escalates(intent: string): boolean {
  return policyOf(intent).action === 'escalate';
}

/** Whether an intent counts as a second question of a message ("hi, my withdrawal…" is one question): not small talk, not out of scope. */
function isSecondQuestion(intent: string): boolean {
  const kind = policyOf(intent).kind;
  return kind !== 'smalltalk' && kind !== 'out_of_scope';
}
