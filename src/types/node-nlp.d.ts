/**
 * The slice of node-nlp (nlp.js v4, no bundled types) that the BANKING77
 * benchmark uses to compare our classifier with it.
 */
declare module 'node-nlp' {
  /** nlp.js's all-in-one manager: NLU training and processing per locale. */
  export class NlpManager {
    constructor(settings?: { languages?: string[]; autoSave?: boolean; nlu?: { log?: boolean } });
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
  }
}
