import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newVisitor, startTestApp, webSay } from '../support/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const FAQ = JSON.parse(readFileSync(new URL('../../data/faq.json', import.meta.url), 'utf8')) as { entries: { id: string; questions: { en: string[]; zh: string[] } }[] };

async function page(url: string, headers: Record<string, string> = {}): Promise<{ status: number; html: string; headers: Headers }> {
  const response = await fetch(url, { headers });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

/** The `/help/<id>` links of a page, in order. */
function articleLinks(html: string): string[] {
  return [...html.matchAll(/href="\/help\/([\w-]+)"/g)].map((match) => match[1]!);
}

/** The main content of a page (the search results or the article), without the header, search box and footer. */
function mainContent(html: string): string {
  return html.slice(html.indexOf('</form>'), html.indexOf('</main>'));
}

describe('help centre over HTTP', () => {
  let app: App;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('lists every FAQ entry on /help, and each has its own page titled with its first question', async () => {
    const index = await page(`${app.url}/help?lang=en`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(index.html).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1" ?\/?>/);
    expect(new Set(articleLinks(index.html))).toEqual(new Set(FAQ.entries.map((entry) => entry.id)));
    for (const entry of FAQ.entries) {
      const article = await page(`${app.url}/help/${entry.id}?lang=en`);
      expect(article.status).toBe(200);
      expect(article.html).toContain(`<h1>${escape(entry.questions.en[0]!)}</h1>`);
      expect(article.html).toContain('href="/?lang=en"');
    }
  });

  it('escapes the query: q=<script> is shown as text, never as markup', async () => {
    const attack = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const search = await page(`${app.url}/help?q=${encodeURIComponent(attack)}&lang=en`);
    expect(search.status).toBe(200);
    expect(search.html).not.toContain('<script>alert(1)');
    expect(search.html).not.toContain('<img src=x');
    expect(search.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(search.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(search.headers.get('content-security-policy')).not.toMatch(/script-src/);
  });

  it('answers an unknown entry id with a 404 page in HTML', async () => {
    const missing = await page(`${app.url}/help/no-such-entry`, { 'Accept-Language': 'zh-CN,zh;q=0.9' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(missing.html).toContain('<html lang="zh-CN">');
    expect(missing.html).toContain('href="/help"');
  });

  it('chooses the language from Accept-Language; ?lang= overrides it and a cookie remembers the choice', async () => {
    const chinese = await page(`${app.url}/help`, { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5' });
    expect(chinese.html).toContain('<html lang="zh-CN">');
    expect(chinese.html).toContain(FAQ.entries[0]!.questions.zh[0]);
    const english = await page(`${app.url}/help`, { 'Accept-Language': 'en-GB,en;q=0.9,zh;q=0.5' });
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain(escape(FAQ.entries[0]!.questions.en[0]!));
    expect((await page(`${app.url}/help`, { 'Accept-Language': 'fr-FR' })).html).toContain('<html lang="en">');

    const switched = await fetch(`${app.url}/help?lang=zh`, { headers: { 'Accept-Language': 'en' } });
    expect(await switched.text()).toContain('<html lang="zh-CN">');
    const cookie = switched.headers.get('set-cookie')!.split(';')[0]!;
    const remembered = await page(`${app.url}/help/enable-2fa`, { 'Accept-Language': 'en', Cookie: cookie });
    expect(remembered.html).toContain('<html lang="zh-CN">');
    expect(remembered.headers.get('vary')).toMatch(/Accept-Language/);
  });

  it('search results link to entry pages; an out-of-scope query gets the no-result page with the chat', async () => {
    const typo = await page(`${app.url}/help?q=${encodeURIComponent('how do i enabel 2fa')}&lang=en`);
    expect(articleLinks(mainContent(typo.html))[0]).toBe('enable-2fa');
    const chinese = await page(`${app.url}/help?q=${encodeURIComponent('我的提现一直没到账')}&lang=zh`);
    expect(articleLinks(mainContent(chinese.html))[0]).toBe('withdrawal-not-received');
    const none = await page(`${app.url}/help?q=${encodeURIComponent('what will the weather be like tomorrow')}&lang=en`);
    expect(articleLinks(mainContent(none.html))).toEqual([]);
    expect(mainContent(none.html)).toContain('href="/?lang=en"');
  });

  it('bot answers link to their entry page in this help centre', async () => {
    const visitor = await newVisitor(app.url);
    const replies = await webSay(app.url, visitor, { text: 'how do I enable 2FA?' });
    expect(replies[0]!.text).toContain('(/help/enable-2fa)');
    const zh = await webSay(app.url, await newVisitor(app.url), { text: '怎么开启两步验证' });
    expect(zh[0]!.text).toContain('帮助中心（/help/enable-2fa）');
  });

  it('serves the widget as JavaScript, and lets any site frame the chat page by default (not the help centre)', async () => {
    const widget = await fetch(`${app.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/^(application|text)\/javascript/);
    expect(await widget.text()).toContain('SupportChatWidget');
    expect((await fetch(`${app.url}/?embed=1`)).headers.get('content-security-policy')).toBe('frame-ancestors *');
    expect((await fetch(`${app.url}/help`)).headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
  });
});

describe('help centre links and framing with PUBLIC_URL, HELP_CENTER_URL and WIDGET_ALLOWED_ORIGINS', () => {
  it('writes absolute links with PUBLIC_URL and limits framing to the listed sites', async () => {
    const app = await startTestApp({ PUBLIC_URL: 'https://support.example.com/', WIDGET_ALLOWED_ORIGINS: 'https://shop.example.com, https://*.example.org' });
    try {
      const replies = await webSay(app.url, await newVisitor(app.url), { text: 'how do I enable 2FA?' });
      expect(replies[0]!.text).toContain('(https://support.example.com/help/enable-2fa)');
      expect((await fetch(`${app.url}/`)).headers.get('content-security-policy')).toBe("frame-ancestors 'self' https://shop.example.com https://*.example.org");
      expect(await (await fetch(`${app.url}/help/enable-2fa`)).text()).toMatch(/<link rel="canonical" href="https:\/\/support\.example\.com\/help\/enable-2fa" ?\/?>/);
    } finally {
      await app.dispose();
    }
  });

  it('keeps the configured HELP_CENTER_URL where it is set', async () => {
    const app = await startTestApp({ HELP_CENTER_URL: 'https://help.example.com', PUBLIC_URL: 'https://support.example.com' });
    try {
      const replies = await webSay(app.url, await newVisitor(app.url), { text: 'how do I enable 2FA?' });
      expect(replies[0]!.text).toContain('https://help.example.com');
      expect(replies[0]!.text).not.toContain('/help/enable-2fa');
    } finally {
      await app.dispose();
    }
  });
});

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
