// The early-warning screen in Chromium (playwright-core, headless, 1280×800): over eight disclosed draws in which one
// expert declines every call of one tenderer (test/helpers/alerts.ts), a supervisor logs in, finds 监测预警 in the
// navigation and sees the decline cluster and the month's drop in acceptance, each with its sentence, its corrected
// chance against the policy's threshold and its draws; in English after switching; no name, phone or ID number on the
// page. An operator has no such screen, and the address alone is refused. UPDATE_SCREENSHOTS=1 refreshes
// docs/screenshots/console-alerts.png.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPersonal } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { DECLINER, LATE, alertsHistory, alertsPolicyFile, alertsPool } from '../helpers/alerts.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console alerts test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

describe.skipIf(missing)('the early-warning screen in Chromium', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let clock = 0;
  let policy: { file: string; remove: () => void } | null = null;
  let supervisor: Person;
  let operator: Person;
  const errors: string[] = [];

  const logIn = async (page: Page, who: Person) => {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(who.username);
    await page.getByLabel('密码', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('navigation').waitFor();
  };
  const navLinks = (page: Page) => page.getByRole('navigation').getByRole('link').allInnerTexts();
  const newPage = async () => {
    const context = await browser.newContext(DESKTOP);
    context.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
    });
    context.on('weberror', (e) => errors.push(e.error().message));
    return context.newPage();
  };

  beforeAll(async () => {
    await consoleBuilt();
    policy = alertsPolicyFile();
    t = await build({ EXPERT_DRAW_PORT: '0', EXPERT_DRAW_POLICY_FILE: policy.file }, { now: () => clock });
    await alertsHistory(t, (ms) => (clock = ms));
    base = await t.listen();
    supervisor = await person(t, 'supervisor', { displayName: '李监督' });
    operator = await person(t, 'operator', { displayName: '王操作' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    policy?.remove();
  });

  it('shows the supervisor the decline cluster and the drop in acceptance, with their numbers and draws', async () => {
    const page = await newPage();
    await logIn(page, supervisor);
    expect(await navLinks(page)).toEqual(['抽取看板', '启封审批', '信息变更审批', '核验证明', '监测预警', '履职与申诉', '见证存入']);
    await openScreen(page, '监测预警');
    await page.locator('table.alerts').waitFor();
    expect(await page.locator('main h1').innerText()).toBe('监测预警');
    expect(await page.locator('.alerts-window').innerText()).toContain('已公开的抽取 8 次');
    expect(await page.locator('.alerts-acceptance').innerText()).toBe('近期接受通知的比例 80.0%（20 次通知），此前为 100.0%（20 次）');
    const rows = page.locator('table.alerts tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind')))).toEqual(['decline-cluster', 'acceptance-drop']);
    const cluster = await rows.nth(0).locator('td').allInnerTexts();
    expect(cluster[0]).toBe('拒绝集中于招标人');
    expect(cluster[1]).toBe(`专家 ${DECLINER} 对招标人 ${LATE} 的 4 次通知拒绝了 4 次；按其总体拒绝率（8 次通知中拒绝 4 次）预期约 2 次`);
    // 1 − (1 − 1/70)² = 0.0284, corrected for the two expert–tenderer tests.
    expect(cluster[2]).toBe('0.0284（阈值 0.1，已按 2 项检验校正）');
    expect(cluster[3]).toMatch(/^4 次：D-/);
    const drop = await rows.nth(1).locator('td').allInnerTexts();
    expect(drop[0]).toBe('接受比例下降');
    expect(drop[1]).toContain('近 10 天专家接受通知的比例为 80.0%（20 次通知中接受 16 次），此前 30 天为 100.0%');
    expect(drop[3]).toBe('–');
    const text = await page.locator('main').innerText();
    for (let i = 0; i < alertsPool.experts.length; i++) {
      const p = syntheticPersonal(i);
      for (const secret of [p.name, p.phone, p.idNumber]) expect(text).not.toContain(secret);
    }
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}console-alerts.png` });
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Early warning' }).waitFor();
    await page.locator('table.alerts').waitFor();
    const english = await page.locator('table.alerts tbody tr').nth(0).locator('td').allInnerTexts();
    expect(english[0]).toBe('Declines clustered on a tenderer');
    expect(english[1]).toBe(`expert ${DECLINER} declined 4 of 4 calls for tenderer ${LATE}; at their overall rate (4 of 8 calls) about 2 were expected`);
    expect(english[2]).toBe('0.0284 (threshold 0.1, corrected for 2 tests)');
    await page.context().close();
  });

  it('gives an operator no such screen, and refuses the address', async () => {
    const page = await newPage();
    await logIn(page, operator);
    expect(await navLinks(page)).not.toContain('监测预警');
    await page.goto(`${base}/#/alerts`);
    await page.locator('[data-refused="alerts"]').waitFor();
    await page.context().close();
  });

  it('logged no error in the browser', () => {
    expect(errors).toEqual([]);
  });
});
