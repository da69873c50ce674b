import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAgent, PASSWORD } from '../console/helpers.js';
import { newVisitor, startTestApp, webSay } from '../support/app.js';
import { launchChromium } from '../support/browser.js';
import { runCli } from '../support/cli.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** Misses: three ways of asking about crypto loans, and one about the weather. */
const MISSES = ['can I get a loan against my crypto', 'do you offer crypto loans', 'I want a loan using my crypto', 'what is the weather tomorrow'];

/** Signs in through the form and opens `path`, collecting any CSP refusal the browser reports. */
async function openAs(browser: Browser, url: string, login: string, path: string): Promise<{ page: Page; refused: string[]; status: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  await page.goto(`${url}/desk`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', PASSWORD);
  await page.press('input[name=password]', 'Enter');
  await page.locator('table.inbox').waitFor();
  const response = await page.goto(`${url}${path}`);
  return { page, refused, status: response?.status() ?? 0 };
}

describe("the console's reports and review pages in a real browser", { timeout: 120_000 }, () => {
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp({ AGENT_IDS: 'web:*,cli:*', DESK_SIGNIN_LIMIT_PER_ACCOUNT: '0', DESK_SIGNIN_LIMIT_PER_ADDRESS: '0' });
    await addAgent(app.dir, 'alice', { name: 'Alice', role: 'admin' });
    await addAgent(app.dir, 'wang', { name: '王', role: 'admin', lang: 'zh' });
    await addAgent(app.dir, 'bob', { name: 'Bob', role: 'agent' });
    const helped = await newVisitor(app.url);
    await webSay(app.url, helped, { text: 'I forgot my password' });
    await webSay(app.url, helped, { payload: 'feedback:yes' });
    for (const text of MISSES) await webSay(app.url, await newVisitor(app.url), { text });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  it('shows an admin the figures and draws the charts with the locally served Chart.js, under the CSP', async () => {
    const report = JSON.parse((await runCli(['report', '--since', '7d', '--json'], { DATABASE_PATH: `${app.dir}/bot.sqlite` })).stdout);
    const { page, refused, status } = await openAs(browser, app.url, 'alice', '/desk/reports');
    expect(status).toBe(200);
    await page.locator('h1', { hasText: 'Reports' }).waitFor();
    const figure = (label: string) => page.locator('.figures div', { hasText: label }).locator('dd').textContent();
    expect(await figure('Conversations')).toBe(String(report.conversations.total));
    const drawn = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: { data: number[] }[] } } | undefined } }).Chart;
      return chart.getChart('chart-volume')?.data.datasets[0]?.data;
    });
    expect(drawn).toEqual(report.volumeByHour);
    expect(await page.locator('table.helpful tbody tr').count()).toBe(Object.keys(report.helpful).length);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('shows a Chinese-speaking admin the pages in Chinese, and refuses an agent who is not an admin', async () => {
    const zh = await openAs(browser, app.url, 'wang', '/desk/reports');
    await zh.page.locator('h1', { hasText: '报表' }).waitFor();
    expect(await zh.page.locator('figcaption').allTextContents()).toEqual(['转人工的原因', '每小时消息量（UTC）']);
    await zh.page.goto(`${app.url}/desk/review`);
    expect(await zh.page.locator('h1').textContent()).toBe('机器人未答出的问题');
    await zh.page.close();
    const agent = await openAs(browser, app.url, 'bob', '/desk/reports');
    expect(agent.status).toBe(403);
    expect(await agent.page.textContent('body')).toMatch(/Only admins/);
    await agent.page.close();
  });

  it('groups what the bot missed, and an admin dismisses a group', async () => {
    const { page, refused } = await openAs(browser, app.url, 'alice', '/desk/review');
    const groups = page.locator('tr.group');
    expect(await groups.locator('td.count').allTextContents()).toEqual(['3', '1']);
    expect(await groups.first().locator('li').allTextContents()).toEqual(expect.arrayContaining([MISSES[0]]));
    await groups.first().locator('button[type=submit]').click();
    await page.locator('.notice', { hasText: 'Dismissed 3 questions.' }).waitFor();
    expect(await page.locator('tr.group td.count').allTextContents()).toEqual(['1']);
    expect(refused).toEqual([]);
    await page.close();
  });
});
