import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Lang } from '../contracts/index.js';
import type { Engine, Prepared } from '../db/index.js';
import type { FaqEntry } from '../nlu/knowledge-base.js';
import type { IntentPhrases } from '../nlu/training-data.js';
import { lockKnowledge, recordEdit } from './audit.js';
import { checkedIntent, checkedLang, checkedText } from './edit-checks.js';
import { KnowledgeEditError } from './errors.js';
import { FaqStore } from './faq-store.js';

/** Who seeded the knowledge base from the repository's files. */
export const SEED_ACTOR = 'seed:intents/';

/** How many times {@link KnowledgeStore.snapshot} reads again when an edit lands while it reads. */
const SNAPSHOT_ATTEMPTS = 10;

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
 * polls). Edits that would break the brain are refused with {@link KnowledgeEditError}. Every
 * method is asynchronous; edits are transactions of their own (joining the caller's, if any).
 */
export class KnowledgeStore {
  /** The live FAQ entries and their edits. */
  readonly faq: FaqStore;
  /** The version row (the watcher reads it every poll). */
  readonly #version: Prepared<{ version: number }[]>;

  constructor(private readonly engine: Engine) {
    this.faq = new FaqStore(engine);
    this.#version = engine.prepare('knowledge_store_version', (db, { knowledgeVersion }) => db.select({ version: knowledgeVersion.version }).from(knowledgeVersion).where(eq(knowledgeVersion.id, 1)));
  }

  /**
   * Seeds the phrases from the repository's files unless the database has its own already; true when
   * it seeded. The version row is claimed first (an insert that does nothing when it is there), so of
   * instances starting together on one database exactly one seeds.
   */
  async seedIfEmpty(phrases: IntentPhrases, now: Date): Promise<boolean> {
    return this.engine.transaction(() =>
      this.engine.run(async (db, { knowledgeEdits, knowledgeVersion, trainingPhrases }) => {
        const claimed = await db.insert(knowledgeVersion).values({ id: 1, version: 1, updatedAt: now }).onConflictDoNothing().returning({ id: knowledgeVersion.id });
        if (claimed.length === 0) return false;
        const rows = (['en', 'zh'] as const).flatMap((lang) =>
          Object.entries(phrases[lang]).flatMap(([intent, texts]) => texts.map((text) => ({ intent, lang, text, createdBy: SEED_ACTOR, createdAt: now }))),
        );
        for (let i = 0; i < rows.length; i += 500) await db.insert(trainingPhrases).values(rows.slice(i, i + 500));
        await db.insert(knowledgeEdits).values({ action: 'seed', text: `${rows.length} phrases`, actor: SEED_ACTOR, createdAt: now });
        return true;
      }),
    );
  }

  /** The version every edit raises (0 before seeding). */
  async version(): Promise<number> {
    return (await this.#version())[0]?.version ?? 0;
  }

  /**
   * The version, phrases and FAQ as one moment sees them (no edit half-seen): read, then read again
   * when the version changed meanwhile (every edit raises it in its own transaction). Needs no
   * transaction, so it takes no lock on either engine.
   */
  async snapshot(): Promise<KnowledgeSnapshot> {
    let version = await this.version();
    for (let attempt = 1; ; attempt++) {
      const [phrases, faq] = [await this.phrases(), await this.faq.entries()];
      const after = await this.version();
      // After many attempts (edits landing all the while), the content is at least as new as `version`:
      // a reader that polls the version then sees it raised and reads again.
      if (after === version || attempt >= SNAPSHOT_ATTEMPTS) return { version, phrases, faq };
      version = after;
    }
  }

  /** Every phrase, per language and intent, in the order they were added (the files' order first). */
  async phrases(): Promise<IntentPhrases> {
    const result: Record<Lang, Record<string, string[]>> = { en: {}, zh: {} };
    const rows = await this.engine.run((db, { trainingPhrases }) => db.select().from(trainingPhrases).orderBy(asc(trainingPhrases.id)));
    for (const row of rows) (result[row.lang][row.intent] ??= []).push(row.text);
    return result;
  }

  /**
   * Adds a training phrase (one transaction: the phrase, its audit line, the version).
   * @throws KnowledgeEditError for an intent outside the taxonomy, an empty, too long or
   * duplicate text, or one holding a secret.
   */
  async addPhrase(edit: PhraseEdit, now: Date): Promise<void> {
    const text = checkedPhrase(edit);
    await this.engine.transaction(async () => {
      await lockKnowledge(this.engine);
      if (await this.#find(edit.intent, edit.lang, text)) throw new KnowledgeEditError('duplicatePhrase', { text, lang: edit.lang, intent: edit.intent });
      await this.engine.run((db, { trainingPhrases }) => db.insert(trainingPhrases).values({ intent: edit.intent, lang: edit.lang, text, createdBy: edit.actor, createdAt: now }));
      await recordEdit(this.engine, { action: 'add_phrase', intent: edit.intent, lang: edit.lang, text, actor: edit.actor }, now);
    });
  }

  /**
   * Removes a training phrase (one transaction: the removal, its audit line, the version).
   * @throws KnowledgeEditError when there is no such phrase, or it is the intent's last in its language.
   */
  async removePhrase(edit: PhraseEdit, now: Date): Promise<void> {
    const text = edit.text.trim();
    await this.engine.transaction(async () => {
      await lockKnowledge(this.engine);
      const row = await this.#find(edit.intent, edit.lang, text);
      if (!row) throw new KnowledgeEditError('notAPhrase', { text, lang: edit.lang, intent: edit.intent });
      const [left] = await this.engine.run((db, { trainingPhrases }) =>
        db
          .select({ n: count() })
          .from(trainingPhrases)
          .where(and(eq(trainingPhrases.intent, edit.intent), eq(trainingPhrases.lang, edit.lang))),
      );
      if ((left?.n ?? 0) <= 1) throw new KnowledgeEditError('lastPhrase', { lang: edit.lang, intent: edit.intent });
      await this.engine.run((db, { trainingPhrases }) => db.delete(trainingPhrases).where(eq(trainingPhrases.id, row.id)));
      await recordEdit(this.engine, { action: 'remove_phrase', intent: edit.intent, lang: edit.lang, text, actor: edit.actor }, now);
    });
  }

  /** The latest edits, newest first. */
  async history(limit = 50): Promise<KnowledgeEditRecord[]> {
    const rows = await this.engine.run((db, { knowledgeEdits }) => db.select().from(knowledgeEdits).orderBy(desc(knowledgeEdits.id)).limit(limit));
    return rows.map((row) => ({ id: row.id, action: row.action, intent: row.intent, lang: row.lang, text: row.text, faqId: row.faqId, actor: row.actor, at: row.createdAt }));
  }

  async #find(intent: string, lang: Lang, text: string): Promise<{ id: number } | undefined> {
    const [row] = await this.engine.run((db, { trainingPhrases }) =>
      db
        .select({ id: trainingPhrases.id })
        .from(trainingPhrases)
        .where(and(eq(trainingPhrases.intent, intent), eq(trainingPhrases.lang, lang), eq(trainingPhrases.text, text)))
        .orderBy(asc(trainingPhrases.id))
        .limit(1),
    );
    return row;
  }
}

/** The phrase's text, trimmed, once the edit is known not to break the brain. */
function checkedPhrase(edit: PhraseEdit): string {
  checkedIntent(edit.intent);
  return checkedText(edit.text, 'phrase', checkedLang(edit.lang));
}
