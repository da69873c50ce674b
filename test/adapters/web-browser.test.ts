import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/services.js';
import { launchChromium } from '../support/browser.js';
import { startTestApp, testConfig } from '../support/app.js';
import { tempDir } from '../support/temp.js';

describe('web live chat in a real browser', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
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
    const [ticket] = (await app.services.desk.list({ status: ['open'] })).filter((t) => t.userId === visitorId);
    expect(ticket?.priority).toBe('urgent');
    // Whether or not the page's event stream is connected yet, it resumes after the history it loaded.
    await app.services.desk.reply(ticket!.id, { channel: 'cli', userId: 'li', name: '小李' }, '您好,我正在核查您的账户。');
    await app.drainOutbox();
    await page.locator('.msg--agent', { hasText: '我正在核查您的账户' }).waitFor();
    expect(await page.locator('#banner').textContent()).toContain('小李');
    await page.screenshot({ path: `${app.dir}/chat.png` });
    await page.close();
  });

  it('gets a visitor id from the server, and a new one in place of an id the server did not issue', async () => {
    const page = await browser.newPage();
    // Counted as they are asked for (a response body may be gone after the reload).
    let asked = 0;
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/chat/visitors')) asked++;
    });
    await page.goto(`${app.url}/`);
    // The first load's id is stored before it is replaced (else its late answer would overwrite the made-up one).
    await page.waitForFunction(() => localStorage.getItem('support-visitor-id') !== null);
    await page.evaluate(() => localStorage.setItem('support-visitor-id', 'v-0123456789abcdef01234567'));
    await page.reload();
    await page.fill('#input', 'how do I enable 2FA?');
    await page.press('#input', 'Enter');
    await page.locator('.msg--bot').first().waitFor();
    const visitorId = await page.evaluate(() => localStorage.getItem('support-visitor-id'));
    // The made-up id was replaced by one the server issued: the server accepts it.
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(visitorId).not.toBe('v-0123456789abcdef01234567');
    expect((await fetch(`${app.url}/api/chat/history?visitorId=${visitorId}`)).status).toBe(200);
    expect((await app.services.bot.history({ channel: 'web', userId: visitorId! })).map((message) => message.text)).toContain('how do I enable 2FA?');
    expect(await page.locator('.msg--warning').count()).toBe(0);
    await page.close();
  });
});

describe('web live chat in a real browser, across a restart of the bot', () => {
  const temp = tempDir();
  let browser: Browser;
  let app: Awaited<ReturnType<typeof startTestApp>> | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
    temp.cleanup();
  });

  it('shows the agent replies queued while the bot was down on the open page, without a reload and without duplicates', async () => {
    const agent = { channel: 'cli' as const, userId: 'li', name: '小李' };
    app = await startTestApp({}, temp.dir);
    const port = new URL(app.url).port;
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.fill('#input', 'my account was hacked and my USDT is gone');
    await page.press('#input', 'Enter');
    await page.locator('.msg--bot', { hasText: 'T-' }).first().waitFor();
    const visitorId = await page.evaluate(() => localStorage.getItem('support-visitor-id'));
    const [ticket] = (await app.services.desk.list({ status: ['open'] })).filter((t) => t.userId === visitorId);
    await app.services.desk.reply(ticket!.id, agent, 'Live: I am on it.');
    await app.drainOutbox();
    await page.locator('.msg--agent', { hasText: 'Live: I am on it.' }).waitFor();
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    await app.dispose();
    app = undefined;
    // While the bot is down, the agent answers from another process on the same database.
    const desk = await createServices(testConfig(temp.dir));
    await desk.desk.reply(ticket!.id, agent, 'While you were away: withdrawals are frozen.');
    await desk.desk.reply(ticket!.id, agent, 'Please change your password now.');
    await desk.close();
    // Back on the same address; the outbox delivers the queued replies as it starts.
    app = await startTestApp({ PORT: port }, temp.dir);
    await app.drainOutbox();

    await page.locator('.msg--agent', { hasText: 'Please change your password now.' }).waitFor();
    await app.services.desk.reply(ticket!.id, agent, 'Live again: done.');
    await app.drainOutbox();
    await page.locator('.msg--agent', { hasText: 'Live again: done.' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const agentTexts = await page.locator('.msg--agent').evaluateAll((items) => items.map((item) => item.lastChild?.textContent));
    expect(agentTexts).toEqual(['Live: I am on it.', 'While you were away: withdrawals are frozen.', 'Please change your password now.', 'Live again: done.']);
    await page.close();
  });
});
