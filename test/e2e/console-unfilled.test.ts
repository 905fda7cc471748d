// The draw terminal's board in Chromium marks a drawn project whose seats nobody can fill any more (every ranked
// expert and top-up declined): the badge "N 席无人可补" beside its state, in zh-CN and in English, until its bid opening.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { declineAll, drawnCalls, importPool } from '../helpers/calls.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console unfilled-seats test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

describe.skipIf(missing)('the board marks seats nobody can fill', () => {
  let t: Built;
  let browser: Browser;
  let page: Page;
  let operator: Person;
  let base = '';

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0' });
    // Eleven experts for five seats: a few alternates and top-ups, all soon used up.
    await importPool(t, 'console-unfilled', 11);
    operator = await person(t, 'operator', { displayName: '王抽取' });
    await drawnCalls(t, 'P-UNFILLED-UI', { bidOpeningAt: new Date(Date.now() + 3 * 3600_000).toISOString() });
    // Everyone called declines, the alternates and top-ups included, until nobody is left to call.
    await declineAll(t);
    base = await t.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await (await browser.newContext(DESKTOP)).newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the badge beside the project’s state, in Chinese and in English', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(operator.username);
    await page.getByLabel('密码', { exact: true }).fill(operator.password);
    await page.getByRole('button', { name: '登录' }).click();
    const badge = page.locator('tr[data-project="P-UNFILLED-UI"] [data-unfilled]');
    await badge.waitFor({ timeout: 30_000 });
    expect(await badge.getAttribute('data-unfilled')).toBe('5');
    expect(await badge.innerText()).toBe('5 席无人可补');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.waitForSelector('html[lang="en"]');
    await expect.poll(() => badge.innerText()).toBe('Seats left unfilled: 5');
  }, 60_000);

  it('shows a drawn project cancelled meanwhile with its calls as they are now, not as they were (an outside audit saw "accepted 5" stay)', async () => {
    await drawnCalls(t, 'P-CANCEL-UI', { bidOpeningAt: new Date(Date.now() + 3 * 3600_000).toISOString() });
    const calls = page.locator('tr[data-project="P-CANCEL-UI"] td.calls');
    await expect.poll(() => calls.innerText(), { timeout: 30_000 }).toContain('calling 5');
    const cancelled = await t.app.inject({ method: 'POST', url: '/v1/projects/P-CANCEL-UI/cancel', headers: operator.auth, payload: { reason: '招标人终止招标' } });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await expect.poll(() => calls.innerText(), { timeout: 30_000 }).toContain('withdrawn 5');
    expect(await calls.innerText()).not.toContain('calling');
  }, 60_000);
});
