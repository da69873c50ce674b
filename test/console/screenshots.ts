/**
 * The README's screenshots of the console (`npx tsx test/console/screenshots.ts`): the inbox and a
 * ticket, in English and in Chinese, from the real app in Chromium with a few tickets opened
 * through the web chat. Writes `adapters/console/screenshots/*.png`.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { CannedReplies } from '../../src/agents/canned-replies.js';
import { launchChromium } from '../support/browser.js';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { addAgent, PASSWORD } from './helpers.js';

const OUT = fileURLToPath(new URL('../../adapters/console/screenshots/', import.meta.url));

async function openTicket(url: string, texts: readonly string[], lang: 'en' | 'zh'): Promise<string> {
  const visitor = await newVisitor(url);
  let number: string | undefined;
  for (const text of texts) {
    const replies = await webSay(url, visitor, { text, lang });
    number ??= replies.find((reply) => reply.escalation)?.escalation?.number;
  }
  return number!;
}

async function shoot(browser: Browser, url: string, login: string, ticket: string, lang: 'en' | 'zh'): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}/desk`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', PASSWORD);
  await page.press('input[name=password]', 'Enter');
  await page.locator('table.inbox').waitFor();
  await page.screenshot({ path: `${OUT}/inbox-${lang}.png` });
  await page.click(`a.number:text("${ticket}")`);
  await page.locator('.compose').waitFor();
  await page.screenshot({ path: `${OUT}/ticket-${lang}.png`, fullPage: true });
  await page.close();
}

const app = await startTestApp({ AGENT_IDS: 'web:*', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' });
const browser = await launchChromium();
try {
  mkdirSync(OUT, { recursive: true });
  await addAgent(app.dir, 'alice', { name: 'Alice', role: 'admin' });
  await addAgent(app.dir, 'li', { name: '小李', lang: 'zh' });
  const agent = { channel: 'web' as const, userId: 'alice', name: 'Alice' };
  await openTicket(app.url, ['I want to talk to a human agent please', 'skip', 'skip', 'skip', 'skip', 'skip'], 'en');
  const en = await openTicket(app.url, ['my account was hacked and my USDT is gone', 'It happened last night; I saw a login from another country and a transfer 0x9f2c4e1d7b3a'], 'en');
  const zh = await openTicket(app.url, ['我的账户被盗了，币全没了', '昨晚发现有陌生设备登录'], 'zh');
  await app.services.desk.tag(en, agent, 'stolen-usdt');
  await new CannedReplies(app.services.engine).create(
    { title: 'Account frozen', en: 'I have frozen your account; no one can withdraw from it now.', zh: '我已冻结您的账户，现在任何人都无法从中提币。' },
    'web:alice',
  );
  await app.services.desk.tag(zh, agent, '被盗');
  await app.services.desk.claim(zh, agent);
  await app.services.desk.assign(zh, agent, 'li');
  await shoot(browser, app.url, 'alice', en, 'en');
  await shoot(browser, app.url, 'li', zh, 'zh');
} finally {
  await browser.close();
  await app.dispose();
}
