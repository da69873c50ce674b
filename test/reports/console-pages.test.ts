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
    await groups.first().getByRole('button', { name: 'Dismiss' }).click();
    await page.locator('.notice', { hasText: 'Dismissed 3 questions.' }).waitFor();
    expect(await page.locator('tr.group td.count').allTextContents()).toEqual(['1']);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('teaches the bot from a group: a training phrase of an intent, its text prefilled from the example', async () => {
    const miss = 'do you support staking rewards';
    expect((await webSay(app.url, await newVisitor(app.url), { text: miss }))[0]!.kind).not.toBe('answer');
    const { page, refused } = await openAs(browser, app.url, 'alice', '/desk/review');
    const row = page.locator('tr.group', { hasText: miss });
    await row.getByText('Add as a training phrase').click();
    const form = row.locator('form[data-action=add-phrase]');
    expect(await form.locator('input[name=text]').inputValue()).toBe(miss);
    expect(await form.locator('select[name=lang]').inputValue()).toBe('en');
    await form.locator('select[name=intent]').selectOption('usage.how_to');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.locator('.notice', { hasText: 'Saved: the bot learns it within seconds' }).waitFor();
    expect(await page.locator('tr.group', { hasText: miss }).count()).toBe(0);
    const phrases = JSON.parse((await runCli(['kb', 'phrases', '--json', '--intent', 'usage.how_to'], { DATABASE_PATH: `${app.dir}/bot.sqlite` })).stdout);
    expect(phrases.en['usage.how_to']).toContain(miss);
    const [audit] = JSON.parse((await runCli(['kb', 'history', '--json', '--limit', '2'], { DATABASE_PATH: `${app.dir}/bot.sqlite` })).stdout);
    expect(audit).toMatchObject({ action: 'dismiss', actor: 'web:alice' });
    expect(refused).toEqual([]);
    await page.close();
  });

  it('shows a refused FAQ entry with its reason and everything the admin typed, then creates it and the bot answers it', async () => {
    const { page, refused } = await openAs(browser, app.url, 'alice', '/desk/review');
    const row = page.locator('tr.group', { hasText: MISSES[3]! });
    await row.getByText('Create an FAQ entry').click();
    const form = row.locator('form[data-action=create-entry]');
    expect(await form.locator('input[name=questionEn]').inputValue()).toBe(MISSES[3]);
    await form.locator('input[name=id]').fill('forgot-password');
    await form.locator('select[name=intent]').selectOption('usage.how_to');
    await form.locator('input[name=questionZh]').fill('明天天气怎么样');
    const answers = { answerEn: 'We cannot tell the weather, sorry.', answerZh: '抱歉，我们无法预报天气。' };
    await form.locator('textarea[name=answerEn]').fill(answers.answerEn);
    await form.locator('textarea[name=answerZh]').fill(answers.answerZh);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/desk/review/create-entry')), form.getByRole('button', { name: 'Save' }).click()]);
    expect(response.status()).toBe(422);
    await page.locator('[role=alert]', { hasText: 'Not saved: there is already a FAQ entry "forgot-password"' }).waitFor();
    // Nothing the admin typed is lost: the form is open again with every field as it was.
    const again = page.locator('tr.group', { hasText: MISSES[3]! }).locator('form[data-action=create-entry]');
    expect(await again.isVisible()).toBe(true);
    expect(await again.locator('input[name=id]').inputValue()).toBe('forgot-password');
    expect(await again.locator('select[name=intent]').inputValue()).toBe('usage.how_to');
    expect(await again.locator('input[name=questionZh]').inputValue()).toBe('明天天气怎么样');
    expect(await again.locator('textarea[name=answerEn]').inputValue()).toBe(answers.answerEn);
    expect(await again.locator('textarea[name=answerZh]').inputValue()).toBe(answers.answerZh);

    await again.locator('input[name=id]').fill('weather');
    await again.getByRole('button', { name: 'Save' }).click();
    await page.locator('.notice', { hasText: 'Saved' }).waitFor();
    expect(await app.checkKnowledge()).toBe(true);
    expect((await webSay(app.url, await newVisitor(app.url), { text: MISSES[3]! }))[0]).toMatchObject({ kind: 'answer', text: answers.answerEn });
    expect(refused).toEqual([]);
    await page.close();
  });

  it('lets a Chinese-speaking admin add a missed question to an FAQ entry, in Chinese', async () => {
    const miss = '你们公司的股票代码是多少';
    expect((await webSay(app.url, await newVisitor(app.url), { text: miss }))[0]!.kind).not.toBe('answer');
    const { page, refused } = await openAs(browser, app.url, 'wang', '/desk/review');
    const row = page.locator('tr.group', { hasText: miss });
    await row.getByText('添加为 FAQ 条目的问法').click();
    const form = row.locator('form[data-action=add-question]');
    expect(await form.locator('select[name=lang]').inputValue()).toBe('zh');
    expect(await form.locator('input[name=text]').inputValue()).toBe(miss);
    await form.locator('select[name=entry]').selectOption('support-contact');
    // A question another entry has is refused, with the reason in Chinese and the choices kept.
    await form.locator('input[name=text]').fill('忘记密码怎么办');
    await form.getByRole('button', { name: '保存' }).click();
    await page.locator('[role=alert]', { hasText: '未保存：“忘记密码怎么办”已是 FAQ 条目“forgot-password”的中文问法' }).waitFor();
    const again = page.locator('tr.group', { hasText: miss }).locator('form[data-action=add-question]');
    expect(await again.locator('select[name=entry]').inputValue()).toBe('support-contact');
    await again.locator('input[name=text]').fill(miss);
    await again.getByRole('button', { name: '保存' }).click();
    await page.locator('.notice', { hasText: '已保存' }).waitFor();
    const entry = JSON.parse((await runCli(['kb', 'faq', 'show', 'support-contact', '--json'], { DATABASE_PATH: `${app.dir}/bot.sqlite` })).stdout);
    expect(entry.questions.zh).toContain(miss);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('picks the period of the reports and review pages, and refuses a date in the future, in English and Chinese', async () => {
    await webSay(app.url, await newVisitor(app.url), { text: 'what colour is the sky on mars' });
    const report = JSON.parse((await runCli(['report', '--since', '24h', '--json'], { DATABASE_PATH: `${app.dir}/bot.sqlite` })).stdout);
    const { page, refused } = await openAs(browser, app.url, 'alice', '/desk/reports');
    expect(await page.locator('select[name=period]').inputValue()).toBe('7d');
    await page.locator('select[name=period]').selectOption('24h');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/period=24h/);
    expect(await page.locator('select[name=period]').inputValue()).toBe('24h');
    expect(await page.locator('.figures div', { hasText: 'Conversations' }).locator('dd').textContent()).toBe(String(report.conversations.total));

    await page.locator('select[name=period]').selectOption('custom');
    await page.locator('input[name=since]').fill('2999-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('[role=alert]', { hasText: 'That date is in the future' }).waitFor();
    expect(await page.locator('input[name=since]').inputValue()).toBe('2999-01-01');

    const today = new Date().toISOString().slice(0, 10);
    await page.goto(`${app.url}/desk/review?period=custom&since=${today}`);
    expect(await page.locator('select[name=period]').inputValue()).toBe('custom');
    expect(await page.locator('tr.group', { hasText: 'what colour is the sky on mars' }).count()).toBe(1);
    expect(refused).toEqual([]);
    await page.close();

    const zh = await openAs(browser, app.url, 'wang', '/desk/review?period=custom&since=2999-01-01');
    await zh.page.locator('[role=alert]', { hasText: '该日期在未来' }).waitFor();
    expect(await zh.page.locator('select[name=period] option:checked').textContent()).toBe('自某日起');
    await zh.page.goto(`${app.url}/desk/reports?period=1y`);
    await zh.page.locator('[role=alert]', { hasText: '未知的时间范围' }).waitFor();
    expect(await zh.page.locator('select[name=period]').inputValue()).toBe('7d');
    await zh.page.close();
  });
});
