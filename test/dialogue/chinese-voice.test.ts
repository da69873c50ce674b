import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../../data/${file}`, import.meta.url), 'utf8'));
const messages = read('messages.json') as Record<'zh' | 'en', Record<string, string>>;
const faq = read('faq.json') as { entries: { id: string; answer: Record<'zh' | 'en', string> }[] };

/** Every Chinese text the bot says: messages and FAQ answers (question variants are the users' words). */
const texts: [string, string][] = [
  ...Object.entries(messages.zh).map(([key, text]): [string, string] => [`messages.${key}`, text]),
  ...faq.entries.map((entry): [string, string] => [`faq.${entry.id}`, entry.answer.zh]),
];
/** Placeholders filled as the bot fills them: numbers for counts, a ticket number, a link. */
const filled = (text: string) => text.replace(/\{(position|minutes|hours|max|step|total)\}/g, '2').replace(/\{\{?(\w+)\}?\}/g, 'T-1001');

const HALF_WIDTH_NEXT_TO_HAN = /\p{Script=Han}[,.!?;:()]|[,!?;:()]\p{Script=Han}/u;
// "预计 约 15 分钟 内", "第 2 位": spaces between Chinese words, or around a number; codes ("T-1001 已", "例如 0x3f…") may keep theirs.
const STRAY_SPACE = /\p{Script=Han}[ \t]+\p{Script=Han}|\p{Script=Han}[ \t]+\d+(?![\w.…-])|(?<![\w.-])\d+[ \t]+\p{Script=Han}/u;

describe('one voice in Chinese', () => {
  it.each(texts)('%s addresses the user as 您', (_key, text) => {
    expect(text).not.toMatch(/你/);
  });

  it.each(texts)('%s uses full-width punctuation', (_key, text) => {
    expect(filled(text)).not.toMatch(HALF_WIDTH_NEXT_TO_HAN);
  });

  it.each(texts)('%s has no stray spaces between Chinese words and numbers', (_key, text) => {
    expect(filled(text)).not.toMatch(STRAY_SPACE);
  });

  it('covers every message and every FAQ answer', () => {
    expect(texts.length).toBe(Object.keys(messages.zh).length + faq.entries.length);
    expect(Object.keys(messages.zh).sort()).toEqual(Object.keys(messages.en).sort());
  });
});
