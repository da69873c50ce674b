import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { addAgent, PASSWORD } from './helpers.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
const PHONE = { width: 390, height: 844 };

/** Signs in through the form and waits for the inbox. */
async function signIn(page: Page, url: string, login: string): Promise<void> {
  page.setDefaultTimeout(5000);
  await page.goto(`${url}/desk`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', PASSWORD);
  await page.press('input[name=password]', 'Enter');
  await page.locator('table.inbox').waitFor();
}

/** A web visitor's ticket through the chat's API (an urgent one: a hacked account). */
async function openTicket(url: string, text = 'my account was hacked and my USDT is gone', lang: 'en' | 'zh' = 'en'): Promise<string> {
  const visitor = await newVisitor(url);
  const replies = await webSay(url, visitor, { text, lang });
  return replies.find((reply) => reply.escalation)!.escalation!.number;
}

/** Whether the page scrolls sideways. */
function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** Whether an element is shown and lies within the viewport's width. */
async function withinWidth(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  return box !== null && box.width > 0 && box.x >= 0 && box.x + box.width <= PHONE.width;
}

describe("the agents' console in a real browser: notifications, phones, assignment, tags, canned replies, drafts, language", () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:*', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' });
    await addAgent(app.dir, 'alice', { name: 'Alice', role: 'admin' });
    await addAgent(app.dir, 'carol', { name: 'Carol' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('raises a desktop notification for a new urgent ticket', async () => {
    const context: BrowserContext = await browser.newContext();
    await context.grantPermissions(['notifications'], { origin: app.url });
    // Records each notification the page raises (the real constructor still runs).
    await context.addInitScript(() => {
      const Original = window.Notification;
      const raised: { title: string; tag?: string }[] = [];
      class Recorded extends Original {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          raised.push({ title, tag: options?.tag });
        }
      }
      Object.assign(window, { Notification: Recorded, raisedNotifications: raised });
    });
    const page = await context.newPage();
    await signIn(page, app.url, 'carol');
    const ticket = await openTicket(app.url);
    await app.pollDesks();
    await page.locator('a.number', { hasText: ticket }).waitFor();
    await page.waitForFunction(() => (window as unknown as { raisedNotifications: unknown[] }).raisedNotifications.length > 0);
    const raised = await page.evaluate(() => (window as unknown as { raisedNotifications: { title: string; tag?: string }[] }).raisedNotifications);
    expect(raised).toEqual([{ title: `Urgent ticket ${ticket}`, tag: `ticket-${(await app.services.desk.view(ticket)).id}` }]);
    await context.close();
  });

  it('the inbox and a ticket are usable on a phone: no sideways scrolling, the reply box and actions in view', async () => {
    const ticket = await openTicket(app.url, 'my account was hacked <b>and</b> a very long word: 0x4fAbCdEf0123456789aBcDeF0123456789AbCdEf01234567 is my address');
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, app.url, 'carol');
    expect(await scrollsSideways(page)).toBe(false);
    expect(await withinWidth(page, `a.number:text("${ticket}")`)).toBe(true);
    await page.click(`a.number:text("${ticket}")`);
    await page.waitForURL(new RegExp(`/desk/tickets/${ticket}$`));
    expect(await scrollsSideways(page)).toBe(false);
    for (const selector of ['.action-claim button', 'form.reply textarea', 'form.reply button[type=submit]', 'form.add-tag input[name=tag]']) {
      await page.locator(selector).first().scrollIntoViewIfNeeded();
      expect([selector, await page.locator(selector).first().isVisible(), await withinWidth(page, selector)]).toEqual([selector, true, true]);
    }
    await page.click('.action-claim button');
    await page.locator('.notice', { hasText: `You have claimed ${ticket}.` }).waitFor();
    await page.fill('form.reply textarea', 'Hello from a phone.');
    await page.click('form.reply button[type=submit]');
    await page.locator('.notice', { hasText: 'on its way' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    await context.close();
  });

  it("an admin keeps canned replies; an agent inserts one and the FAQ draft into a reply in the user's language, tags the ticket, filters by the tag, assigns it, and switches to Chinese", async () => {
    const admin = await browser.newPage();
    await signIn(admin, app.url, 'alice');
    await admin.click('nav.admin a[href="/desk/canned"]');
    await admin.fill('#canned-new-title', 'Greeting');
    await admin.fill('#canned-new-en', 'Hello, I am looking into it.');
    await admin.fill('#canned-new-zh', '您好，我正在处理。');
    await admin.click('form.canned button.primary');
    await admin.locator('.notice', { hasText: 'Canned reply created.' }).waitFor();
    await admin.close();

    const ticket = await openTicket(app.url, '我的账户被盗了，币全没了', 'zh');
    const page = await browser.newPage();
    await signIn(page, app.url, 'carol');
    await page.click(`a.number:text("${ticket}")`);
    await page.locator('#draft-text').waitFor();
    await page.selectOption('#canned', { label: 'Greeting' });
    expect(await page.inputValue('#reply-text')).toBe('');
    await page.click('#insert-canned');
    expect(await page.inputValue('#reply-text')).toBe('您好，我正在处理。');
    await page.click('button[data-insert-from=draft-text]');
    const draft = (await page.locator('#draft-text').textContent())!;
    expect(draft).toMatch(/[\u4e00-\u9fff]/);
    expect(await page.inputValue('#reply-text')).toBe(`您好，我正在处理。${draft}`);
    // Inserting sends nothing: the ticket is still open and no agent wrote to the user.
    expect((await app.services.desk.view(ticket)).status).toBe('open');
    expect((await app.services.desk.detail(ticket)).messages.some((message) => message.from === 'agent')).toBe(false);

    await page.fill('form.add-tag input[name=tag]', 'VIP');
    await page.click('form.add-tag button');
    await page.locator('.tag-list .tag', { hasText: 'vip' }).waitFor();
    await page.fill('form.add-tag input[name=tag]', '<b>x</b>');
    await page.click('form.add-tag button');
    await page.locator('.error', { hasText: 'A tag is 1-32 letters' }).waitFor();
    expect(await page.locator('.tag-list b').count()).toBe(0);

    await page.selectOption('#assign-to', 'alice');
    await page.click('form.assign button');
    await page.locator('.notice', { hasText: `${ticket} is assigned.` }).waitFor();
    expect(await app.services.desk.view(ticket)).toMatchObject({ status: 'claimed', agentId: 'web:alice', agent: 'Alice' });

    await page.goto(`${app.url}/desk`);
    await page.fill('.filters input[name=tag]', 'vip');
    await page.click('.filters button[type=submit]');
    await page.waitForURL(/tag=vip/);
    expect(await page.locator('#rows a.number').allTextContents()).toEqual([ticket]);
    expect(await page.locator('#rows .tag').allTextContents()).toEqual(['vip']);

    await page.click('form.language button[value=zh]');
    await page.locator('h1', { hasText: '收件箱' }).waitFor();
    expect(page.url()).toContain('tag=vip');
    await page.click(`a.number:text("${ticket}")`);
    await page.locator('form.reply button', { hasText: '发送' }).waitFor();
    await page.click('form.language button[value=en]');
    await page.locator('form.reply button', { hasText: 'Send' }).waitFor();
    await page.close();
  });
});
