import { eq, sql } from 'drizzle-orm';
import type { Engine } from '../db/index.js';

/** An audited knowledge-base edit: what was done, to what, by whom (`cli:ann`, `web:ann`). */
export interface AuditedEdit {
  readonly action: 'add_phrase' | 'remove_phrase' | 'faq_edit_answer' | 'faq_add_question' | 'faq_create';
  readonly intent?: string;
  readonly lang?: string;
  readonly text?: string;
  readonly faqId?: string;
  readonly actor: string;
}

/**
 * Audits an edit and raises the version the running bot polls. Call it inside the edit's
 * transaction (`engine.transaction`), so the edit, its audit line and the version change together.
 */
export async function recordEdit(engine: Engine, edit: AuditedEdit, now: Date): Promise<void> {
  await engine.run(async (db, { knowledgeEdits, knowledgeVersion }) => {
    await db.insert(knowledgeEdits).values({ action: edit.action, intent: edit.intent, lang: edit.lang, text: edit.text, faqId: edit.faqId, actor: edit.actor, createdAt: now });
    await db
      .update(knowledgeVersion)
      .set({ version: sql`${knowledgeVersion.version} + 1`, updatedAt: now })
      .where(eq(knowledgeVersion.id, 1));
  });
}

/**
 * Makes knowledge-base edits take turns across instances (Postgres; SQLite's write transactions
 * take turns already), so an edit's checks (a duplicate, an intent's last phrase) see every edit
 * committed before it. Call first inside the edit's transaction.
 */
export async function lockKnowledge(engine: Engine): Promise<void> {
  await engine.lock('knowledge-edits');
}
