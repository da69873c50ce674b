/**
 * The bot's decision rules over a ranked prediction: answer, ask which one was meant
 * (clarify), hand to a human (escalate) or say what the bot can help with (fallback).
 * Shared by the brain and by `eval`, so what `eval` measures is what the bot does.
 */
import { policyOf } from '../contracts/index.js';
import type { Prediction } from './classifier.js';
import { OUT_OF_SCOPE } from './training-data.js';

/** What the brain decided to do with a message. */
export type Action = 'answer' | 'clarify' | 'escalate' | 'fallback';

/** Thresholds of the decision, from configuration. */
export interface DecisionPolicy {
  /** Confidence at or above which the top intent is answered. */
  readonly answerThreshold: number;
  /** When the top two intents are closer than this, ask which one was meant. */
  readonly ambiguityMargin: number;
}

/** An escalation jumps the queue and pages a human: below this confidence the bot asks first. */
const ESCALATE_THRESHOLD = 0.7;
/** Below this the classifier's top intents are not worth offering as clarify buttons. */
const CLARIFY_FLOOR = 0.2;

/** What the rules make of a ranked prediction, before the FAQ matcher is consulted. */
export interface Verdict {
  readonly action: Action;
  /** The intent the action is about (the top prediction). */
  readonly top: Prediction;
  /** For `clarify`: the intents to offer as buttons, best first. */
  readonly candidates: readonly Prediction[];
  /** Whether a near-verbatim FAQ question may still override an unsure verdict (the brain's second opinion). */
  readonly faqMayOverride: boolean;
}

/**
 * Applies the rules to `ranked` (best first, at least one prediction; the top 4 are enough):
 * `none` on top → fallback; sure enough and not ambiguous → answer (escalate for
 * intents whose policy escalates, which need at least 0.7); two or more plausible intents → clarify;
 * otherwise clarify with the top one if it is half-way plausible, else fallback.
 */
export function applyRules(ranked: readonly Prediction[], policy: DecisionPolicy): Verdict {
  const [top, second] = ranked as [Prediction, Prediction | undefined];
  const verdict = (action: Action, faqMayOverride: boolean, candidates: readonly Prediction[] = []): Verdict => ({ action, top, candidates, faqMayOverride });
  if (top.label === OUT_OF_SCOPE && top.confidence >= policy.answerThreshold) return verdict('fallback', false);
  if (top.label === OUT_OF_SCOPE || top.confidence < CLARIFY_FLOOR) return verdict('fallback', true);
  const margin = top.confidence - (second?.confidence ?? 0);
  const ambiguous = second !== undefined && second.label !== OUT_OF_SCOPE && margin < policy.ambiguityMargin;
  const escalates = policyOf(top.label).action === 'escalate';
  const sureEnough = top.confidence >= (escalates ? Math.max(ESCALATE_THRESHOLD, policy.answerThreshold) : policy.answerThreshold);
  if (sureEnough && !ambiguous) return verdict(escalates ? 'escalate' : 'answer', false);
  const candidates = ranked.filter((p) => p.label !== OUT_OF_SCOPE && p.confidence >= CLARIFY_FLOOR / 2).slice(0, 3);
  if (candidates.length >= 2) return verdict('clarify', false, candidates);
  return top.confidence >= policy.answerThreshold / 2 ? verdict('clarify', true, [top]) : verdict('fallback', true);
}
