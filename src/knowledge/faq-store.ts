import { and, asc, eq, sql } from 'drizzle-orm';
import type { Lang } from '../contracts/index.js';
import type { Database } from '../db/index.js';
import { faqEntries, faqQuestions, knowledgeEdits } from '../db/schema.js';
import type { FaqEntry } from '../nlu/knowledge-base.js';
import { TRAINING_LANGS } from '../nlu/training-data.js';
import { recordEdit } from './audit.js';
import { checkedEntryId, checkedIntent, checkedLang, checkedText } from './edit-checks.js';
import { KnowledgeEditError } from './errors.js';

/** Who seeded the FAQ from the repository's file. */
export const FAQ_SEED_ACTOR = 'seed:data/faq.json';

/** A new answer of an entry in one language. */
export interface AnswerEdit {
  readonly entryId: string;
  readonly lang: Lang;
  readonly answer: string;
  readonly actor: string;
}

/** A new question variant of an entry in one language. */
export interface QuestionEdit {
  readonly entryId: string;
  readonly lang: Lang;
  readonly text: string;
  readonly actor: string;
}

/** A new FAQ entry: both languages' questions (at least one each) and answers. */
export interface NewEntry {
  readonly id: string;
  readonly intent: string;
  readonly questions: Readonly<Record<Lang, readonly string[]>>;
  readonly answer: Readonly<Record<Lang, string>>;
  readonly actor: string;
}

/**
 * The live FAQ in the database: seeded once from `data/faq.json`, then edited by agents (each
 * edit audited with who and when, and raising the version the running bot polls). Edits that
 * would break the brain or duplicate what is there are refused with {@link KnowledgeEditError}.
 */
export class FaqStore {
  constructor(private readonly db: Database) {}

  /** Seeds the entries from the repository's file unless the database has its own already; true when it seeded. */
  seedIfEmpty(entries: readonly FaqEntry[], now: Date): boolean {
    return this.db.transaction(
      (tx) => {
        const seeded = tx.select({ id: knowledgeEdits.id }).from(knowledgeEdits).where(eq(knowledgeEdits.action, 'seed_faq')).limit(1).get();
        if (seeded || tx.select({ id: faqEntries.id }).from(faqEntries).limit(1).get()) return false;
        entries.forEach((entry, position) => this.#insert(entry, position, FAQ_SEED_ACTOR, now));
        tx.insert(knowledgeEdits)
          .values({ action: 'seed_faq', text: `${entries.length} FAQ entries`, actor: FAQ_SEED_ACTOR, createdAt: now })
          .run();
        return true;
      },
      { behavior: 'immediate' },
    );
  }

  /** Every entry in the file's order (new ones last), in the shape of `data/faq.json`. */
  entries(): FaqEntry[] {
    const questions = new Map<string, Record<Lang, string[]>>();
    for (const row of this.db.select().from(faqQuestions).orderBy(asc(faqQuestions.id)).all()) {
      const byLang = questions.get(row.entryId) ?? { en: [], zh: [] };
      byLang[row.lang].push(row.text);
      questions.set(row.entryId, byLang);
    }
    return this.db
      .select()
      .from(faqEntries)
      .orderBy(asc(faqEntries.position))
      .all()
      .map((row) => ({
        id: row.id,
        intent: row.intent,
        questions: questions.get(row.id) ?? { en: [], zh: [] },
        answer: { en: row.answerEn, zh: row.answerZh },
        ...(row.extra ? (JSON.parse(row.extra) as Partial<FaqEntry>) : {}),
      }));
  }

  /** One entry, or undefined. */
  entry(id: string): FaqEntry | undefined {
    return this.entries().find((entry) => entry.id === id);
  }

  /**
   * Replaces an entry's answer in one language.
   * @throws KnowledgeEditError for an unknown entry, or an empty, too long answer or one holding a secret.
   */
  editAnswer(edit: AnswerEdit, now: Date): void {
    const lang = checkedLang(edit.lang);
    const answer = checkedText(edit.answer, 'answer', lang);
    this.db.transaction(
      (tx) => {
        const entry = this.#existing(edit.entryId);
        tx.update(faqEntries)
          .set({ [lang === 'en' ? 'answerEn' : 'answerZh']: answer, updatedBy: edit.actor, updatedAt: now })
          .where(eq(faqEntries.id, edit.entryId))
          .run();
        recordEdit(this.db, { action: 'faq_edit_answer', intent: entry.intent, lang, text: answer, faqId: edit.entryId, actor: edit.actor }, now);
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Adds a question variant to an entry.
   * @throws KnowledgeEditError for an unknown entry, a question another entry (or this one) has, or an empty, too long text or one holding a secret.
   */
  addQuestion(edit: QuestionEdit, now: Date): void {
    const lang = checkedLang(edit.lang);
    const text = checkedText(edit.text, 'question', lang);
    this.db.transaction(
      (tx) => {
        const entry = this.#existing(edit.entryId);
        this.#refuseDuplicateQuestion(lang, text);
        tx.insert(faqQuestions).values({ entryId: edit.entryId, lang, text, createdBy: edit.actor, createdAt: now }).run();
        tx.update(faqEntries).set({ updatedBy: edit.actor, updatedAt: now }).where(eq(faqEntries.id, edit.entryId)).run();
        recordEdit(this.db, { action: 'faq_add_question', intent: entry.intent, lang, text, faqId: edit.entryId, actor: edit.actor }, now);
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Creates an entry, after every entry of the file (so an intent's default answer stays its first entry's).
   * @throws KnowledgeEditError for an id in use or not kebab-case, an unknown intent, a language
   * without question or answer, or a text that is a duplicate, empty, too long or holds a secret.
   */
  createEntry(entry: NewEntry, now: Date): void {
    const id = checkedEntryId(entry.id);
    const intent = checkedIntent(entry.intent);
    const questions = { en: [] as string[], zh: [] as string[] };
    for (const lang of TRAINING_LANGS) {
      if (!entry.answer[lang]?.trim()) throw new KnowledgeEditError('answerMissing', { lang });
      const texts = (entry.questions[lang] ?? []).filter((text) => text.trim());
      if (texts.length === 0) throw new KnowledgeEditError('questionMissing', { lang });
      for (const text of texts) {
        const checked = checkedText(text, 'question', lang);
        if (questions[lang].includes(checked)) throw new KnowledgeEditError('questionTwice', { lang, text: checked });
        questions[lang].push(checked);
      }
    }
    const answer = { en: checkedText(entry.answer.en, 'answer', 'en'), zh: checkedText(entry.answer.zh, 'answer', 'zh') };
    this.db.transaction(
      (tx) => {
        if (tx.select({ id: faqEntries.id }).from(faqEntries).where(eq(faqEntries.id, id)).get()) throw new KnowledgeEditError('entryExists', { id });
        for (const lang of TRAINING_LANGS) for (const text of questions[lang]) this.#refuseDuplicateQuestion(lang, text);
        const last =
          tx
            .select({ position: sql<number | null>`max(${faqEntries.position})` })
            .from(faqEntries)
            .get()?.position ?? -1;
        this.#insert({ id, intent, questions, answer }, last + 1, entry.actor, now);
        recordEdit(this.db, { action: 'faq_create', intent, text: `${questions.en[0]} / ${questions.zh[0]}`, faqId: id, actor: entry.actor }, now);
      },
      { behavior: 'immediate' },
    );
  }

  /** Inserts an entry and its questions, its fields other than the file's core ones kept as JSON. */
  #insert(entry: FaqEntry, position: number, actor: string, now: Date): void {
    const { id, intent, questions, answer, ...extra } = entry;
    this.db
      .insert(faqEntries)
      .values({
        id,
        intent,
        position,
        answerEn: answer.en,
        answerZh: answer.zh,
        extra: Object.keys(extra).length > 0 ? JSON.stringify(extra) : null,
        createdBy: actor,
        createdAt: now,
        updatedBy: actor,
        updatedAt: now,
      })
      .run();
    const rows = TRAINING_LANGS.flatMap((lang) => questions[lang].map((text) => ({ entryId: id, lang, text, createdBy: actor, createdAt: now })));
    if (rows.length > 0) this.db.insert(faqQuestions).values(rows).run();
  }

  #existing(id: string): { intent: string } {
    const entry = this.db.select({ intent: faqEntries.intent }).from(faqEntries).where(eq(faqEntries.id, id)).get();
    if (!entry) throw new KnowledgeEditError('noEntry', { id });
    return entry;
  }

  /** Refuses a question some entry already has in `lang` (the matcher could not tell the entries apart). */
  #refuseDuplicateQuestion(lang: Lang, text: string): void {
    const other = this.db
      .select({ entryId: faqQuestions.entryId })
      .from(faqQuestions)
      .where(and(eq(faqQuestions.lang, lang), sql`lower(${faqQuestions.text}) = lower(${text})`))
      .get();
    if (other) throw new KnowledgeEditError('duplicateQuestion', { text, lang, entry: other.entryId });
  }
}
