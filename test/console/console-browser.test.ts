import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { addAgent, PASSWORD } from './helpers.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** Signs in through the form (Enter submits) and waits for the inbox. */
async function signIn(page: Page, url: string, login: string): Promise<void> {
  await page.goto(`${url}/desk`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', PASSWORD);
  await page.press('input[name=password]', 'Enter');
  await page.locator('table.inbox').waitFor();
}

/** A user of the web chat in their own browser context writes `text` and waits for the ticket notice. */
async function userOpensTicket(browser: Browser, url: string, text: string, locale: string): Promise<{ page: Page; number: string }> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
  const notice = page.locator('.msg--bot', { hasText: /T-\d+/ }).first();
  await notice.waitFor();
  return { page, number: /T-\d+/.exec((await notice.textContent()) ?? '')![0] };
}

/** A normal-priority ticket through the web chat's API: asks for a human, skips the hand-off questions. */
async function normalTicket(url: string): Promise<string> {
  const visitor = await newVisitor(url);
  let replies = await webSay(url, visitor, { text: 'I want to talk to a human agent please', lang: 'en' });
  for (let step = 0; step < 8 && !replies.some((reply) => reply.escalation); step++) replies = await webSay(url, visitor, { text: 'skip', lang: 'en' });
  return replies.find((reply) => reply.escalation)!.escalation!.number;
}

describe("the agents' console in a real browser", () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:*,cli:*', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' });
    await addAgent(app.dir, 'alice', { name: 'Alice', role: 'admin' });
    await addAgent(app.dir, 'li', { name: '小李', lang: 'zh' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('refuses a wrong password in the form', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/desk`);
    await page.fill('input[name=login]', 'alice');
    await page.fill('input[name=password]', 'not the password at all');
    await page.press('input[name=password]', 'Enter');
    await page.locator('.sign-in .error').waitFor();
    expect(await page.locator('.sign-in .error').textContent()).toBe('Sign-in failed.');
    await page.close();
  });

  it('an agent signs in, a new urgent ticket appears live first in the inbox, the agent claims and replies, the user sees the reply live, the agent resolves', async () => {
    const normal = await normalTicket(app.url);
    const console = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const refused: string[] = [];
    const dialogs: string[] = [];
    console.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    console.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(console, app.url, 'alice');
    await console.locator('a.number', { hasText: normal }).waitFor();

    // A user opens an urgent ticket, with HTML in their words; the inbox shows it without a reload.
    await console.evaluate(() => Object.assign(window, { sameDocument: true }));
    const urgent = await userOpensTicket(browser, app.url, 'my account was hacked, all my USDT is gone <img src=x onerror="alert(1)">', 'en-US');
    await app.pollDesks();
    await console.locator('a.number', { hasText: urgent.number }).waitFor();
    expect(await console.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const order = await console.locator('#rows a.number').allTextContents();
    expect(order.indexOf(urgent.number)).toBeLessThan(order.indexOf(normal));
    expect(await console.locator('tr.prio-urgent time.sla').first().textContent()).toMatch(/left|overdue/);
    await console.screenshot({ path: `${app.dir}/inbox.png` });

    // Open it by its number, claim, reply.
    await console.click(`a.number:text("${urgent.number}")`);
    await console.waitForURL(new RegExp(`/desk/tickets/${urgent.number}$`));
    expect(await console.locator('.description').textContent()).toContain('<img src=x onerror="alert(1)">');
    expect(await console.locator('.description img').count()).toBe(0);
    await console.click('.action-claim button');
    await console.locator('.notice', { hasText: `You have claimed ${urgent.number}.` }).waitFor();
    await console.fill('textarea[name=text] >> nth=0', 'Hello, I am Alice. Your withdrawals are frozen now.');
    await console.click('form.reply button:text("Send")');
    await console.locator('.notice', { hasText: 'on its way' }).waitFor();
    await app.drainOutbox();
    await urgent.page.locator('.msg--agent', { hasText: 'Your withdrawals are frozen now.' }).waitFor();

    // The user answers; the ticket page shows it live.
    await urgent.page.fill('#input', 'Thank you, I changed my password');
    await urgent.page.press('#input', 'Enter');
    await app.pollDesks();
    await console.locator('.transcript .from-user', { hasText: 'I changed my password' }).waitFor();
    expect(await console.locator('.transcript .decision').count()).toBeGreaterThan(0);
    await console.screenshot({ path: `${app.dir}/ticket.png`, fullPage: true });

    await console.fill('.action-resolve input[name=note]', 'Account frozen, password changed');
    await console.click('.action-resolve button');
    await console.locator('.notice', { hasText: 'is resolved' }).waitFor();
    expect(await app.services.desk.view(urgent.number)).toMatchObject({ status: 'resolved', agentId: 'web:alice', resolutionNote: 'Account frozen, password changed' });
    expect(refused).toEqual([]);
    expect(dialogs).toEqual([]);
    await urgent.page.context().close();
    await console.close();
  });

  it('the same in Chinese: a Chinese user, an agent whose console is in Chinese', async () => {
    const desk = await browser.newPage();
    await signIn(desk, app.url, 'li');
    expect(await desk.locator('h1').textContent()).toBe('收件箱');
    const user = await userOpensTicket(browser, app.url, '我的账户被盗了,币全没了', 'zh-CN');
    await app.pollDesks();
    await desk.locator('a.number', { hasText: user.number }).click();
    await desk.click('.action-claim button');
    await desk.locator('.notice', { hasText: `您已认领${user.number}` }).waitFor();
    await desk.fill('form.reply textarea', '您好，我是小李，正在核查您的账户。');
    await desk.click('form.reply button');
    await app.drainOutbox();
    await user.page.locator('.msg--agent', { hasText: '正在核查您的账户' }).waitFor();
    await desk.screenshot({ path: `${app.dir}/ticket-zh.png`, fullPage: true });
    await user.page.context().close();
    await desk.close();
  });
});
