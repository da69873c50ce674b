import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/index.js';
import { knowledgeEdits, knowledgeVersion } from '../db/schema.js';

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
 * transaction, so the edit, its audit line and the version change together.
 */
export function recordEdit(db: Database, edit: AuditedEdit, now: Date): void {
  db.insert(knowledgeEdits).values({ action: edit.action, intent: edit.intent, lang: edit.lang, text: edit.text, faqId: edit.faqId, actor: edit.actor, createdAt: now }).run();
  db.update(knowledgeVersion)
    .set({ version: sql`${knowledgeVersion.version} + 1`, updatedAt: now })
    .where(eq(knowledgeVersion.id, 1))
    .run();
}
