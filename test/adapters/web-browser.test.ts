import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web-browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

describe.skipIf(!hasChromium)('web live chat in a real browser', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('a visitor types a question and sees the answer, then presses a suggestion button', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await page.goto(`${app.url}/`);
    await page.fill('#input', 'my withdrawal has not arrived yet');
    await page.press('#input', 'Enter');
    const answer = page.locator('.msg--bot').first();
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(/withdraw/i);
    const yes = page.locator('.suggestions button', { hasText: 'Yes' });
    await yes.click();
    await page.locator('.msg--bot', { hasText: 'glad' }).waitFor();
    expect(await page.locator('.msg--user').count()).toBe(2);
    await page.close();
  });

  it('keeps the conversation after a reload and shows an agent joining live', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.fill('#input', '我的账户被盗了,币全没了');
    await page.press('#input', 'Enter');
    await page.locator('.msg--bot', { hasText: '工单' }).first().waitFor();
    await page.reload();
    await page.locator('.msg--user', { hasText: '我的账户被盗了' }).waitFor();
    const visitorId = await page.evaluate(() => localStorage.getItem('support-visitor-id'));
    const [ticket] = app.services.escalations.list({ status: ['open'] }).filter((t) => t.userId === visitorId);
    expect(ticket?.priority).toBe('urgent');
    // Give the page's event stream a moment to connect after the reload.
    await page.waitForFunction(() => document.querySelectorAll('.msg').length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    app.services.escalations.reply(ticket!.id, { channel: 'cli', userId: 'li', name: '小李' }, '您好,我正在核查您的账户。');
    await app.drainOutbox();
    await page.locator('.msg--agent', { hasText: '我正在核查您的账户' }).waitFor();
    expect(await page.locator('#banner').textContent()).toContain('小李');
    await page.screenshot({ path: `${app.dir}/chat.png` });
    await page.close();
  });
});
