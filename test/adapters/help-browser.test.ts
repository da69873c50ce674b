import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startTestApp } from '../support/app.js';

/**
 * A shop's page on another origin that embeds the widget, with CSS that would break an unshielded
 * widget, and a record of its globals before the widget loads.
 */
function hostPage(botUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Some shop</title>
<style>* { font-family: serif !important; } button { display: none !important; } iframe { width: 1px !important; height: 1px !important; } div { background: red; }</style>
<script>window.globalsBefore = Object.keys(window);</script>
</head><body><h1>Some shop</h1><p>Welcome.</p>
<script src="${botUrl}/widget.js" async></script>
</body></html>`;
}

describe('help centre and widget in a real browser', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let shop: Server;
  let shopUrl: string;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
    shop = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostPage(app.url)));
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => shop?.close(resolve));
    await app?.dispose();
  });

  it('finds an English article despite a typo, and opens its page from the results', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${app.url}/help`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // The inline stylesheet is the one the page's CSP allows.
    expect(await page.locator('header.top').evaluate((header) => getComputedStyle(header).backgroundColor)).toBe('rgb(47, 107, 255)');
    await page.fill('input[name=q]', 'how do I enabel two factor');
    await page.press('input[name=q]', 'Enter');
    await page.waitForURL(/\/help\?q=/);
    const first = page.locator('main .results a').first();
    expect(await first.getAttribute('href')).toBe('/help/enable-2fa');
    await first.click();
    await page.waitForURL(/\/help\/enable-2fa$/);
    expect(await page.locator('h1').textContent()).toBe('How do I enable 2FA?');
    expect(await page.title()).toContain('How do I enable 2FA?');
    expect(await page.locator('.related a').count()).toBeGreaterThan(0);
    const chat = page.locator('.chat-cta a');
    expect(await chat.getAttribute('href')).toBe('/?lang=en');
    await chat.click();
    await page.locator('#input').waitFor();
    expect(refused).toEqual([]);
    await page.close();
  });

  it('finds a Chinese article from an unspaced query, in Chinese from Accept-Language, and switches language', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${app.url}/help`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.fill('input[name=q]', '提现一直没到账怎么办');
    await page.press('input[name=q]', 'Enter');
    await page.waitForURL(/\/help\?q=/);
    const hrefs = await page.locator('main .results a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(hrefs[0]).toBe('/help/withdrawal-not-received');
    await page.locator('main .results a').first().click();
    await page.waitForURL(/withdrawal-not-received/);
    expect(await page.locator('h1').textContent()).toBe('提现没到账');

    await page.click('a.switch');
    await page.waitForURL(/lang=en/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe("My withdrawal hasn't arrived");
    // Remembered: the next page is English too, though the browser still prefers Chinese.
    await page.click('header a.brand');
    await page.waitForURL(/\/help$/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await context.close();
  });

  it('offers the chat when nothing matches, and shows a hostile query as text', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${app.url}/help?q=${encodeURIComponent('<script>alert(1)</script> weather tomorrow')}`);
    expect(await page.locator('main h1').textContent()).toContain('<script>alert(1)</script>');
    expect(await page.locator('main .results a').count()).toBe(0);
    expect(await page.locator('main .empty a[href="/?lang=en"]').count()).toBe(1);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('the widget on another site opens the chat in a corner, and the visitor gets an answer inside it', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await page.goto(shopUrl);
    const launcher = page.locator('support-chat-widget .launcher');
    await launcher.waitFor();
    const before = (await page.evaluate(() => (window as unknown as { globalsBefore: string[] }).globalsBefore)).concat('globalsBefore');
    expect((await page.evaluate(() => Object.keys(window))).filter((key) => !before.includes(key))).toEqual(['SupportChatWidget']);
    const box = (await launcher.boundingBox())!;
    expect(box.x + box.width).toBeGreaterThan(1000);
    expect(box.y + box.height).toBeGreaterThan(700);
    // The page issues no visitor id until the chat is opened.
    expect(await page.locator('support-chat-widget iframe').count()).toBe(0);
    const issued: string[] = [];
    page.on('response', async (response) => {
      if (response.url() === `${app.url}/api/chat/visitors`) issued.push((await response.json()).visitorId);
    });
    await launcher.click();
    const frame = page.frameLocator('support-chat-widget iframe');
    await frame.locator('#input').fill('how do I enable 2FA?');
    await frame.locator('#input').press('Enter');
    const answer = frame.locator('.msg--bot').first();
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(/2FA/);
    expect(await frame.locator('.msg--bot a[href="/help/enable-2fa"]').getAttribute('target')).toBe('_blank');
    const frameBox = (await page.locator('support-chat-widget iframe').boundingBox())!;
    expect(frameBox.width).toBeGreaterThan(300);
    expect(frameBox.height).toBeGreaterThan(400);
    // One visitor id, issued by the server as on the chat page (kept in memory where the browser blocks a third-party frame's storage).
    expect(issued).toHaveLength(1);
    expect((await app.services.bot.history({ channel: 'web', userId: issued[0]! })).map((message) => message.text)).toContain('how do I enable 2FA?');
    await launcher.click();
    expect(await page.locator('support-chat-widget .panel').isHidden()).toBe(true);
    await page.close();
  });
});
