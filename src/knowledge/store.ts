import { and, asc, eq, sql } from 'drizzle-orm';
import type { Lang } from '../contracts/index.js';
import type { Database } from '../db/index.js';
import { knowledgeEdits, knowledgeVersion, trainingPhrases } from '../db/schema.js';
import type { FaqEntry } from '../nlu/knowledge-base.js';
import type { IntentPhrases } from '../nlu/training-data.js';
import { recordEdit } from './audit.js';
import { checkedIntent, checkedLang, checkedText } from './edit-checks.js';
import { KnowledgeEditError } from './errors.js';
import { FaqStore } from './faq-store.js';

/** Who seeded the knowledge base from the repository's files. */
export const SEED_ACTOR = 'seed:intents/';

/** A phrase edit: which intent, in which language, what text, and who made it (`cli:ann`, `web:ann`). */
export interface PhraseEdit {
  readonly intent: string;
  readonly lang: Lang;
  readonly text: string;
  readonly actor: string;
}

/** One line of the edit history. */
export interface KnowledgeEditRecord {
  readonly id: number;
  readonly action: string;
  readonly intent: string | null;
  readonly lang: string | null;
  readonly text: string | null;
  /** The FAQ entry a FAQ edit changed. */
  readonly faqId: string | null;
  readonly actor: string;
  readonly at: Date;
}

/** What the brain is built from, read at one moment: the version, the training phrases and the FAQ. */
export interface KnowledgeSnapshot {
  readonly version: number;
  readonly phrases: IntentPhrases;
  readonly faq: readonly FaqEntry[];
}

/**
 * The live knowledge base's training phrases in the database: seeded once from `intents/`, then
 * edited by agents (each edit audited with who and when, and raising the version the running bot
 * polls). Edits that would break the brain are refused with {@link KnowledgeEditError}.
 */
export class KnowledgeStore {
  /** The live FAQ entries and their edits. */
  readonly faq: FaqStore;

  constructor(private readonly db: Database) {
    this.faq = new FaqStore(db);
  }

  /** Seeds the phrases from the repository's files unless the database has its own already; true when it seeded. */
  seedIfEmpty(phrases: IntentPhrases, now: Date): boolean {
    return this.db.transaction(
      (tx) => {
        const claimed = tx.insert(knowledgeVersion).values({ id: 1, version: 1, updatedAt: now }).onConflictDoNothing().returning({ id: knowledgeVersion.id }).all();
        if (claimed.length === 0) return false;
        const rows = (['en', 'zh'] as const).flatMap((lang) =>
          Object.entries(phrases[lang]).flatMap(([intent, texts]) => texts.map((text) => ({ intent, lang, text, createdBy: SEED_ACTOR, createdAt: now }))),
        );
        for (let i = 0; i < rows.length; i += 500)
          tx.insert(trainingPhrases)
            .values(rows.slice(i, i + 500))
            .run();
        tx.insert(knowledgeEdits)
          .values({ action: 'seed', text: `${rows.length} phrases`, actor: SEED_ACTOR, createdAt: now })
          .run();
        return true;
      },
      { behavior: 'immediate' },
    );
  }

  /** The version every edit raises (0 before seeding). */
  version(): number {
    return this.db.select({ version: knowledgeVersion.version }).from(knowledgeVersion).where(eq(knowledgeVersion.id, 1)).get()?.version ?? 0;
  }

  /** The version, phrases and FAQ as one read sees them (no edit half-seen). */
  snapshot(): KnowledgeSnapshot {
    return this.db.transaction(() => ({ version: this.version(), phrases: this.phrases(), faq: this.faq.entries() }));
  }

  /** Every phrase, per language and intent, in the order they were added (the files' order first). */
  phrases(): IntentPhrases {
    const result: Record<Lang, Record<string, string[]>> = { en: {}, zh: {} };
    const rows = this.db.select().from(trainingPhrases).orderBy(asc(trainingPhrases.id)).all();
    for (const row of rows) (result[row.lang][row.intent] ??= []).push(row.text);
    return result;
  }

  /**
   * Adds a training phrase.
   * @throws KnowledgeEditError for an intent outside the taxonomy, an empty, too long or
   * duplicate text, or one holding a secret.
   */
  addPhrase(edit: PhraseEdit, now: Date): void {
    const text = checkedPhrase(edit);
    this.db.transaction(
      (tx) => {
        if (this.#find(edit.intent, edit.lang, text)) throw new KnowledgeEditError('duplicatePhrase', { text, lang: edit.lang, intent: edit.intent });
        tx.insert(trainingPhrases).values({ intent: edit.intent, lang: edit.lang, text, createdBy: edit.actor, createdAt: now }).run();
        recordEdit(this.db, { action: 'add_phrase', intent: edit.intent, lang: edit.lang, text, actor: edit.actor }, now);
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Removes a training phrase.
   * @throws KnowledgeEditError when there is no such phrase, or it is the intent's last in its language.
   */
  removePhrase(edit: PhraseEdit, now: Date): void {
    const text = edit.text.trim();
    this.db.transaction(
      (tx) => {
        const row = this.#find(edit.intent, edit.lang, text);
        if (!row) throw new KnowledgeEditError('notAPhrase', { text, lang: edit.lang, intent: edit.intent });
        const left = tx
          .select({ n: sql<number>`count(*)` })
          .from(trainingPhrases)
          .where(and(eq(trainingPhrases.intent, edit.intent), eq(trainingPhrases.lang, edit.lang)))
          .get()!.n;
        if (left <= 1) throw new KnowledgeEditError('lastPhrase', { lang: edit.lang, intent: edit.intent });
        tx.delete(trainingPhrases).where(eq(trainingPhrases.id, row.id)).run();
        recordEdit(this.db, { action: 'remove_phrase', intent: edit.intent, lang: edit.lang, text, actor: edit.actor }, now);
      },
      { behavior: 'immediate' },
    );
  }

  /** The latest edits, newest first. */
  history(limit = 50): KnowledgeEditRecord[] {
    return this.db
      .select()
      .from(knowledgeEdits)
      .orderBy(sql`${knowledgeEdits.id} desc`)
      .limit(limit)
      .all()
      .map((row) => ({ id: row.id, action: row.action, intent: row.intent, lang: row.lang, text: row.text, faqId: row.faqId, actor: row.actor, at: row.createdAt }));
  }

  #find(intent: string, lang: Lang, text: string): { id: number } | undefined {
    return this.db
      .select({ id: trainingPhrases.id })
      .from(trainingPhrases)
      .where(and(eq(trainingPhrases.intent, intent), eq(trainingPhrases.lang, lang), eq(trainingPhrases.text, text)))
      .get();
  }
}

/** The phrase's text, trimmed, once the edit is known not to break the brain. */
function checkedPhrase(edit: PhraseEdit): string {
  checkedIntent(edit.intent);
  return checkedText(edit.text, 'phrase', checkedLang(edit.lang));
}
