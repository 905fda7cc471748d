// The console on a terminal whose clock is set to another zone than the centre's: every time it shows, and every time
// typed into it, is the centre's wall-clock time (EXPERT_DRAW_TIME_ZONE, named by the page), and the header says so,
// louder when the terminal differs. Chromium with the terminal in New York (daylight saving, 13 hours from Shanghai in
// winter) against a service in Asia/Shanghai; the same page with the terminal in Shanghai says nothing louder.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { importPool, SPECIALTY } from '../helpers/calls.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console time-zone test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

/** Two days ahead, at 09:30 in Shanghai (UTC+8, no daylight saving): the wall-clock text and the instant. */
function openingInShanghai(): { text: string; instant: number } {
  const day = new Date(Date.now() + 8 * 3600_000 + 2 * 86_400_000).toISOString().slice(0, 10);
  return { text: `${day}T09:30`, instant: Date.parse(`${day}T09:30:00+08:00`) };
}

describe.skipIf(missing)('the console shows and reads the centre’s time, whatever the terminal’s zone', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let operator: Person;
  const contexts: BrowserContext[] = [];

  /** A terminal in a zone, its browser in a language (the login screen speaks it), logged in as the operator. */
  const terminal = async (timezoneId: string, locale: 'zh-CN' | 'en-US' = 'zh-CN') => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale, timezoneId });
    c.setDefaultTimeout(10_000);
    contexts.push(c);
    const page = await c.newPage();
    const en = locale === 'en-US';
    await page.goto(`${base}/`);
    await page.getByLabel(en ? 'Username' : '用户名').fill(operator.username);
    await page.getByLabel(en ? 'Password' : '密码', { exact: true }).fill(operator.password);
    await page.getByRole('button', { name: en ? 'Log in' : '登录' }).click();
    await page.waitForSelector('table.board');
    return page;
  };

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0', EXPERT_DRAW_TIME_ZONE: 'Asia/Shanghai' });
    await importPool(t, 'console-time-zone', 20);
    base = await t.listen();
    operator = await person(t, 'operator', { displayName: '时区操作员' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  it('names the centre’s zone on the page it serves', async () => {
    const page = await fetch(`${base}/`).then((r) => r.text());
    expect(page).toContain('<meta name="expert-draw-time-zone" content="Asia/Shanghai">');
  });

  it('registers 09:30 typed in New York as 09:30 in Shanghai, and shows it as 09:30 on the board', async () => {
    const page = await terminal('America/New_York');
    const header = await page.locator('header .zone').innerText();
    expect(header).toBe('时间均为 Asia/Shanghai（UTC+08:00）；本机时区 America/New_York 与之不同');
    await openScreen(page, '登记项目');
    const opening = openingInShanghai();
    await page.getByLabel('项目编号').fill('P-ZONE-0001');
    await page.getByLabel('招标人统一社会信用代码').fill(syntheticUscc(9801));
    await page.getByLabel('开标时间').fill(opening.text);
    await page.getByLabel('行政区划代码').fill('330106');
    await page.getByLabel('专业代码（第 1 组）').fill(SPECIALTY);
    await page.getByLabel('人数（第 1 组）').fill('5');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('项目 P-ZONE-0001 已登记');
    const stored = (await t.app.inject({ url: '/v1/projects/P-ZONE-0001', headers: operator.auth })).json();
    expect(Date.parse(stored.project.bidOpeningAt)).toBe(opening.instant);
    await openScreen(page, '抽取看板');
    const row = page.locator('tr[data-project="P-ZONE-0001"]');
    await row.waitFor();
    // Bid opening 09:30, the draw an hour before (the default lead time), both in Shanghai.
    const cells = await row.locator('td').allInnerTexts();
    expect(cells[0]).toBe('08:30');
    expect(cells[3]).toBe(opening.text.replace('T', ' '));
  });

  it('says nothing louder on a terminal in the centre’s zone, and speaks English when asked', async () => {
    const zh = await terminal('Asia/Shanghai');
    expect(await zh.locator('header .zone').innerText()).toBe('时间均为 Asia/Shanghai（UTC+08:00）');
    const en = await terminal('Europe/London');
    await en.getByRole('button', { name: 'Switch to English' }).click();
    expect(await en.locator('header .zone').innerText()).toBe('All times in Asia/Shanghai (UTC+08:00); this computer is set to Europe/London');
  });

  it('opens in the browser’s language when none was chosen here, and names the screen in the tab’s title', async () => {
    const page = await terminal('Asia/Shanghai', 'en-US');
    await expect(page.title()).resolves.toMatch(/^\S.* - /);
    const zh = await terminal('Asia/Shanghai');
    await expect(zh.title()).resolves.toBe('抽取看板 - 评标专家抽取控制台');
  });

  it('gives back a half-filled form after its session ended and the person logged in again', async () => {
    const page = await terminal('Asia/Shanghai');
    await openScreen(page, '登记项目');
    await page.getByLabel('项目编号').fill('P-ZONE-KEPT');
    await page.getByLabel('项目名称').fill('城东污水处理厂提标改造');
    await page.getByLabel('开标时间').fill(openingInShanghai().text);
    await page.getByLabel('招标人统一社会信用代码').fill(syntheticUscc(9802));
    await page.getByLabel('行政区划代码').fill('330106');
    await page.getByLabel('专业代码（第 1 组）').fill(SPECIALTY);
    await page.getByLabel('人数（第 1 组）').fill('7');
    await page.getByRole('button', { name: '添加专业组' }).click();
    await page.getByLabel('专业代码（第 2 组）').fill('C990102');
    await page.getByLabel('人数（第 2 组）').fill('6');
    // The session ends meanwhile (idle, or ended elsewhere): here, its token's session is logged out by the service.
    const held = JSON.parse((await page.evaluate<string | null>("sessionStorage.getItem('expert-draw.session')")) ?? 'null') as { accessToken: string } | null;
    expect(held).not.toBeNull();
    expect((await t.app.inject({ method: 'DELETE', url: '/v1/session', headers: { authorization: `Bearer ${held!.accessToken}` } })).statusCode).toBe(204);
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByText('登录会话已结束，请重新登录。').waitFor();
    await page.getByLabel('用户名').fill(operator.username);
    await page.getByLabel('密码', { exact: true }).fill(operator.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('登录会话结束前填写的内容已恢复，尚未提交：请核对后再提交。').waitFor();
    expect(await page.getByLabel('项目编号').inputValue()).toBe('P-ZONE-KEPT');
    expect(await page.getByLabel('项目名称').inputValue()).toBe('城东污水处理厂提标改造');
    expect(await page.getByLabel('开标时间').inputValue()).toBe(openingInShanghai().text);
    // Over the defaults a new drawing puts there, and in the group added by hand.
    expect(await page.getByLabel('人数（第 1 组）').inputValue()).toBe('7');
    expect(await page.getByLabel('专业代码（第 2 组）').inputValue()).toBe('C990102');
    expect(await page.getByLabel('人数（第 2 组）').inputValue()).toBe('6');
    expect((await t.app.inject({ url: '/v1/projects/P-ZONE-KEPT', headers: operator.auth })).statusCode).toBe(404);
  });
});
