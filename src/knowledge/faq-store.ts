import { asc, eq, max } from 'drizzle-orm';
import type { Lang } from '../contracts/index.js';
import type { Engine } from '../db/index.js';
import type { FaqEntry } from '../nlu/knowledge-base.js';
import { TRAINING_LANGS } from '../nlu/training-data.js';
import { lockKnowledge, recordEdit } from './audit.js';
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
 * Every method is asynchronous; edits are transactions of their own (joining the caller's, if any).
 */
export class FaqStore {
  constructor(private readonly engine: Engine) {}

  /**
   * Seeds the entries from the repository's file unless the database has its own already; true when
   * it seeded. Instances starting together on one database take turns (a lock), so one seeds.
   */
  async seedIfEmpty(entries: readonly FaqEntry[], now: Date): Promise<boolean> {
    return this.engine.transaction(async () => {
      await lockKnowledge(this.engine);
      const [seeded, anyEntry] = await this.engine.run(async (db, { faqEntries, knowledgeEdits }) => [
        (await db.select({ id: knowledgeEdits.id }).from(knowledgeEdits).where(eq(knowledgeEdits.action, 'seed_faq')).limit(1))[0],
        (await db.select({ id: faqEntries.id }).from(faqEntries).limit(1))[0],
      ]);
      if (seeded || anyEntry) return false;
      for (const [position, entry] of entries.entries()) await this.#insert(entry, position, FAQ_SEED_ACTOR, now);
      await this.engine.run((db, { knowledgeEdits }) => db.insert(knowledgeEdits).values({ action: 'seed_faq', text: `${entries.length} FAQ entries`, actor: FAQ_SEED_ACTOR, createdAt: now }));
      return true;
    });
  }

  /** Every entry in the file's order (new ones last), in the shape of `data/faq.json`. */
  async entries(): Promise<FaqEntry[]> {
    // The entries first: an entry is created with its questions, so each one read has its questions in the second read.
    const [entries, rows] = await this.engine.run(async (db, { faqEntries, faqQuestions }) => [
      await db.select().from(faqEntries).orderBy(asc(faqEntries.position), asc(faqEntries.id)),
      await db.select().from(faqQuestions).orderBy(asc(faqQuestions.id)),
    ]);
    const questions = new Map<string, Record<Lang, string[]>>();
    for (const row of rows) {
      const byLang = questions.get(row.entryId) ?? { en: [], zh: [] };
      byLang[row.lang].push(row.text);
      questions.set(row.entryId, byLang);
    }
    return entries.map((row) => ({
      id: row.id,
      intent: row.intent,
      questions: questions.get(row.id) ?? { en: [], zh: [] },
      answer: { en: row.answerEn, zh: row.answerZh },
      ...(row.extra ? (JSON.parse(row.extra) as Partial<FaqEntry>) : {}),
    }));
  }

  /** One entry, or undefined. */
  async entry(id: string): Promise<FaqEntry | undefined> {
    return (await this.entries()).find((entry) => entry.id === id);
  }

  /**
   * Replaces an entry's answer in one language (one transaction: the answer, its audit line, the version).
   * @throws KnowledgeEditError for an unknown entry, or an empty, too long answer or one holding a secret.
   */
  async editAnswer(edit: AnswerEdit, now: Date): Promise<void> {
    const lang = checkedLang(edit.lang);
    const answer = checkedText(edit.answer, 'answer', lang);
    await this.engine.transaction(async () => {
      await lockKnowledge(this.engine);
      const entry = await this.#existing(edit.entryId);
      await this.engine.run((db, { faqEntries }) =>
        db
          .update(faqEntries)
          .set({ [lang === 'en' ? 'answerEn' : 'answerZh']: answer, updatedBy: edit.actor, updatedAt: now })
          .where(eq(faqEntries.id, edit.entryId)),
      );
      await recordEdit(this.engine, { action: 'faq_edit_answer', intent: entry.intent, lang, text: answer, faqId: edit.entryId, actor: edit.actor }, now);
    });
  }

  /**
   * Adds a question variant to an entry (one transaction: the question, its audit line, the version).
   * @throws KnowledgeEditError for an unknown entry, a question another entry (or this one) has, or an empty, too long text or one holding a secret.
   */
  async addQuestion(edit: QuestionEdit, now: Date): Promise<void> {
    const lang = checkedLang(edit.lang);
    const text = checkedText(edit.text, 'question', lang);
    await this.engine.transaction(async () => {
      await lockKnowledge(this.engine);
      const entry = await this.#existing(edit.entryId);
      await this.#refuseDuplicateQuestions(lang, [text]);
      await this.engine.run(async (db, { faqEntries, faqQuestions }) => {
        await db.insert(faqQuestions).values({ entryId: edit.entryId, lang, text, createdBy: edit.actor, createdAt: now });
        await db.update(faqEntries).set({ updatedBy: edit.actor, updatedAt: now }).where(eq(faqEntries.id, edit.entryId));
      });
      await recordEdit(this.engine, { action: 'faq_add_question', intent: entry.intent, lang, text, faqId: edit.entryId, actor: edit.actor }, now);
    });
  }

  /**
   * Creates an entry, after every entry of the file (so an intent's default answer stays its first entry's);
   * one transaction: the entry, its questions, its audit line, the version.
   * @throws KnowledgeEditError for an id in use or not kebab-case, an unknown intent, a language
   * without question or answer, or a text that is a duplicate, empty, too long or holds a secret.
   */
  async createEntry(entry: NewEntry, now: Date): Promise<void> {
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
    await this.engine.transaction(async () => {
      await lockKnowledge(this.engine);
      const [existing] = await this.engine.run((db, { faqEntries }) => db.select({ id: faqEntries.id }).from(faqEntries).where(eq(faqEntries.id, id)).limit(1));
      if (existing) throw new KnowledgeEditError('entryExists', { id });
      for (const lang of TRAINING_LANGS) await this.#refuseDuplicateQuestions(lang, questions[lang]);
      const [last] = await this.engine.run((db, { faqEntries }) => db.select({ position: max(faqEntries.position) }).from(faqEntries));
      await this.#insert({ id, intent, questions, answer }, (last?.position ?? -1) + 1, entry.actor, now);
      await recordEdit(this.engine, { action: 'faq_create', intent, text: `${questions.en[0]} / ${questions.zh[0]}`, faqId: id, actor: entry.actor }, now);
    });
  }

  /** Inserts an entry and its questions, its fields other than the file's core ones kept as JSON. Call inside a transaction. */
  async #insert(entry: FaqEntry, position: number, actor: string, now: Date): Promise<void> {
    const { id, intent, questions, answer, ...extra } = entry;
    const rows = TRAINING_LANGS.flatMap((lang) => questions[lang].map((text) => ({ entryId: id, lang, text, createdBy: actor, createdAt: now })));
    await this.engine.run(async (db, { faqEntries, faqQuestions }) => {
      await db.insert(faqEntries).values({
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
      });
      if (rows.length > 0) await db.insert(faqQuestions).values(rows);
    });
  }

  async #existing(id: string): Promise<{ intent: string }> {
    const [entry] = await this.engine.run((db, { faqEntries }) => db.select({ intent: faqEntries.intent }).from(faqEntries).where(eq(faqEntries.id, id)).limit(1));
    if (!entry) throw new KnowledgeEditError('noEntry', { id });
    return entry;
  }

  /**
   * Refuses a question some entry already has in `lang`, ignoring ASCII case (the matcher could not
   * tell the entries apart). Compared here rather than with SQL's `lower()`, which folds only ASCII on
   * SQLite but every letter on Postgres: the same edit is refused on both.
   */
  async #refuseDuplicateQuestions(lang: Lang, texts: readonly string[]): Promise<void> {
    const rows = await this.engine.run((db, { faqQuestions }) =>
      db.select({ entryId: faqQuestions.entryId, text: faqQuestions.text }).from(faqQuestions).where(eq(faqQuestions.lang, lang)).orderBy(asc(faqQuestions.id)),
    );
    for (const text of texts) {
      const other = rows.find((row) => asciiLower(row.text) === asciiLower(text));
      if (other) throw new KnowledgeEditError('duplicateQuestion', { text, lang, entry: other.entryId });
    }
  }
}

/** `text` with ASCII letters in lower case (SQLite's `lower()`; other letters kept). */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
