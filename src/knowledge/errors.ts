/** A knowledge-base edit refused because it would break the brain or duplicate what is there; the message says why. */
export class KnowledgeEditError extends Error {
  override readonly name = 'KnowledgeEditError';
}
