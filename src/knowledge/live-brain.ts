import type { SupportLinks } from '../config/index.js';
import { Brain, type DecisionPolicy } from '../nlu/brain.js';
import { IntentClassifier, type LabelledText } from '../nlu/classifier.js';
import { FaqMatcher } from '../nlu/faq-matcher.js';
import { knowledgeBaseOf, type FaqEntry, type KnowledgeBase } from '../nlu/knowledge-base.js';
import { trainingExamples, type IntentPhrases } from '../nlu/training-data.js';
import type { Topic } from '../nlu/follow-up.js';

/** What a brain is built from besides its knowledge: the decision thresholds and the configured links. */
export interface BrainSettings {
  readonly policy: DecisionPolicy;
  readonly links: SupportLinks;
}

/** The live knowledge's FAQ and the classifier's training set built from it and the phrases. */
export function liveKnowledge(phrases: IntentPhrases, faq: readonly FaqEntry[], links: SupportLinks): { knowledgeBase: KnowledgeBase; examples: LabelledText[] } {
  const knowledgeBase = knowledgeBaseOf(faq, links);
  return { knowledgeBase, examples: trainingExamples(phrases, knowledgeBase) };
}

/** A brain of `classifier` answering from `knowledgeBase` (its FAQ matcher built for it). */
export function brainOf(classifier: IntentClassifier, knowledgeBase: KnowledgeBase, policy: DecisionPolicy, topics?: readonly Topic[]): Brain {
  return new Brain(classifier, knowledgeBase, new FaqMatcher(knowledgeBase), policy, topics);
}

/** Trains a brain on the live phrases and FAQ, here on this thread (at start; the running bot retrains in a worker). */
export function buildBrain(settings: BrainSettings, phrases: IntentPhrases, faq: readonly FaqEntry[]): Brain {
  const { knowledgeBase, examples } = liveKnowledge(phrases, faq, settings.links);
  return brainOf(IntentClassifier.train(examples), knowledgeBase, settings.policy);
}
