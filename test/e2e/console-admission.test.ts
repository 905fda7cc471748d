// The pool desk's admission and exit tab in a real browser (Debian's Chromium through playwright-core, headless): three
// years after an import, four experts' confirmations have lapsed and three applications wait. The pool manager admits
// one application and rejects another with a reason, is shown the service's refusal of one another manager decided
// meanwhile, re-confirms a lapsed expert (active again), records a certificate's expiry and exits an expert with a
// reason — and a second exit is refused. The API shows each change. An administrator sees the tab without the buttons.
// UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/console-admission.png.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import type { Expert } from '../../src/domain/expert.js';
import { syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { labelProblems } from '../helpers/keyboard.js';
import { person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const DESKTOP = { viewport: { width: 1280, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console admission test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

/** People born in 1970 or later: nobody reaches the retirement age (70) during the test. */
const young = Array.from({ length: 5_000 }, (_, n) => n + 10_000)
  .filter((n) => syntheticPersonal(n).idNumber.slice(6, 14) >= '19700101')
  .slice(0, 8);
const expert = (i: number): Expert => ({ id: `ADM${i}`, specialties: ['C990101'], region: '330106', employer: syntheticUscc(7100 + i), status: 'active', suspendedUntil: null, unavailable: [], relations: [] });
const seed: TokenClaims = { sub: 'seed', role: 'pool-manager', iat: 0, exp: 0 };

describe.skipIf(missing)('the admission and exit tab in Chromium', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let clock = Date.parse('2026-12-01T08:00:00+08:00');
  const errors: string[] = [];

  const newPage = async () => {
    const c = await browser.newContext(DESKTOP);
    c.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
      else errors.push(`console.${m.type()}: ${m.text()}`);
    });
    c.on('weberror', (e) => errors.push(e.error().message));
    const p = await c.newPage();
    p.setDefaultTimeout(10_000);
    return p;
  };
  const logIn = async (p: Page, who: Person) => {
    await p.goto(`${base}/`);
    await p.getByLabel('用户名').fill(who.username);
    await p.getByLabel('密码', { exact: true }).fill(who.password);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByRole('navigation', { name: '主导航' }).waitFor();
  };
  const api = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: t.auth('pool-manager') });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0', EXPERT_DRAW_STORE: 'sqlite' }, { now: () => clock });
    base = await t.listen();
    // ADM1–ADM4 in the pool (their first re-confirmation due 36 months on); ADM5–ADM7 apply.
    await t.ctx.pool.import([1, 2, 3, 4].map((i) => ({ line: i, expert: expert(i), personal: syntheticPersonal(young[i]!) })), [], 'all', seed);
    for (const i of [5, 6, 7]) await t.ctx.lifecycle.apply(expert(i), syntheticPersonal(young[i]!), i === 5 ? '2031-03-31' : null, seed);
    clock = Date.parse('2029-12-03T09:00:00+08:00');
    expect([...(await t.ctx.lifecycle.pass()).lapsed].sort()).toEqual(['ADM1', 'ADM2', 'ADM3', 'ADM4']);
    expect(t.ctx.pool.expert('ADM1')!.status).toBe('suspended');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lets the pool manager admit, reject, re-confirm and exit, each with what the log holds, and shows refusals', async () => {
    const manager = await person(t, 'pool-manager', { displayName: '李专家库' });
    const page = await newPage();
    await logIn(page, manager);
    expect(await page.getByRole('navigation', { name: '专家库管理' }).getByRole('link').allInnerTexts()).toEqual(['专家', '导入', '单位', '准入与退出']);
    await openScreen(page, '准入与退出', '专家库管理');
    await page.getByRole('heading', { name: '准入、复核与退出' }).waitFor();
    const waiting = page.locator('.applications tbody tr');
    await page.locator('.applications tbody tr[data-application="ADM7"]').waitFor();
    expect(await waiting.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-application')))).toEqual(['ADM5', 'ADM6', 'ADM7']);
    await page.locator('.due-list tbody tr').first().waitFor();
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}console-admission.png`, fullPage: true });

    // Admit ADM5: its details first.
    await page.getByRole('button', { name: '查看申请 ADM5' }).click();
    await page.getByRole('heading', { name: '入库申请 ADM5' }).waitFor();
    expect(await page.locator('.application-detail dl').innerText()).toContain('2031-03-31');
    expect(await labelProblems(page)).toEqual([]);
    await page.getByRole('button', { name: '准入', exact: true }).click();
    const appOk = page.locator('section[aria-labelledby="adm-applications"] .success');
    await appOk.filter({ hasText: 'expert.admitted' }).waitFor();
    expect(await appOk.innerText()).toContain('已准入 ADM5');
    expect(await waiting.count()).toBe(2);
    expect(await api('/v1/applications/ADM5')).toMatchObject({ state: 'admitted', decidedBy: manager.userId });
    expect(t.ctx.pool.expert('ADM5')!.status).toBe('active');

    // Reject ADM6: a reason is needed.
    await page.getByRole('button', { name: '查看申请 ADM6' }).click();
    await page.getByRole('heading', { name: '入库申请 ADM6' }).waitFor();
    await page.getByRole('button', { name: '驳回', exact: true }).click();
    await page.locator('.application-detail .alert', { hasText: '请填写理由。' }).waitFor();
    await page.getByLabel('驳回理由').fill('职称证明材料不全');
    await page.getByRole('button', { name: '驳回', exact: true }).click();
    await appOk.filter({ hasText: 'expert.rejected' }).waitFor();
    expect(await appOk.innerText()).toContain('职称证明材料不全');
    expect(await api('/v1/applications/ADM6')).toMatchObject({ state: 'rejected', decidedBy: manager.userId, reason: '职称证明材料不全' });
    expect(t.ctx.pool.expert('ADM6')).toBeUndefined();

    // ADM7 is rejected by another pool manager while it is open here: the service's refusal is shown.
    await page.getByRole('button', { name: '查看申请 ADM7' }).click();
    await page.getByRole('heading', { name: '入库申请 ADM7' }).waitFor();
    const other = await person(t, 'pool-manager');
    expect((await t.app.inject({ method: 'POST', url: '/v1/applications/ADM7/reject', headers: other.auth, payload: { reason: '重复申请' } })).statusCode).toBe(200);
    await page.getByRole('button', { name: '准入', exact: true }).click();
    const refused = page.locator('.application-detail .alert');
    await refused.filter({ hasText: 'APPLICATION_DECIDED' }).waitFor();
    expect(await refused.innerText()).toContain('入库申请 ADM7 已于');
    expect(t.ctx.pool.expert('ADM7')).toBeUndefined();

    // Re-confirmations: the four lapsed experts (ADM5, admitted today, is due in 2032); confirming ADM1 lifts its lapse.
    const dueRows = page.locator('.due-list tbody tr');
    expect(await dueRows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-due'), tr.getAttribute('data-lapsed')]))).toEqual([
      ['ADM1', 'true'],
      ['ADM2', 'true'],
      ['ADM3', 'true'],
      ['ADM4', 'true'],
    ]);
    await page.getByRole('button', { name: '确认 ADM1' }).click();
    const dueOk = page.locator('form.due .success');
    await dueOk.filter({ hasText: 'expert.confirmed' }).waitFor();
    expect(await dueOk.innerText()).toContain('恢复为“正常”');
    expect(await dueRows.count()).toBe(3);
    expect(await api('/v1/experts/ADM1/lifecycle')).toMatchObject({ status: 'active', lapsed: null, confirmedOn: '2029-12-03', confirmationDue: '2032-12-03' });

    // ADM2: the certificate's last day, then the exit with a reason of the closed list.
    await page.getByLabel('专家编号').fill('ADM2');
    await page.getByRole('button', { name: '查看', exact: true }).last().click();
    await page.getByRole('heading', { name: '专家 ADM2' }).waitFor();
    await page.getByLabel('资格证书有效期至').fill('2030-06-30');
    await page.getByRole('button', { name: '保存证书有效期' }).click();
    const lifeOk = page.locator('form.lifecycle-lookup .success');
    await lifeOk.filter({ hasText: 'expert.certificate' }).waitFor();
    expect(await api('/v1/experts/ADM2/lifecycle')).toMatchObject({ certificateExpires: '2030-06-30', exit: null });
    await page.getByLabel('退出原因').selectOption({ label: '取消评标专家资格' });
    await page.getByLabel('说明（可选）').fill('评审中严重违规');
    await page.getByRole('button', { name: '退出专家库' }).click();
    await lifeOk.filter({ hasText: 'expert.exited' }).waitFor();
    expect(await lifeOk.innerText()).toContain('取消评标专家资格');
    expect(await page.locator('.lifecycle-detail').getAttribute('data-status')).toBe('retired');
    // Every input of the tab has a label: the due form, the lookup, the certificate and exit forms.
    expect(await labelProblems(page)).toEqual([]);
    expect(await api('/v1/experts/ADM2/lifecycle')).toMatchObject({ status: 'retired', exit: { reason: 'removed', on: '2029-12-03', by: manager.userId }, exitLabel: '取消评标专家资格' });
    expect(t.ctx.pool.expert('ADM2')!.status).toBe('retired');

    // A second exit is refused with the service's message.
    await page.getByRole('button', { name: '退出专家库' }).click();
    await page.locator('.lifecycle-detail .alert', { hasText: 'EXPERT_EXITED' }).waitFor();
    // The due list no longer holds the exited expert.
    await page.getByRole('button', { name: '查看', exact: true }).first().click();
    await page.locator('.due-list tbody tr').first().waitFor();
    await expect.poll(() => dueRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-due')))).toEqual(['ADM3', 'ADM4']);
    await page.context().close();
  });

  it('shows an administrator the lists without the pool manager’s buttons, and in English', async () => {
    const admin = await person(t, 'admin');
    const page = await newPage();
    await logIn(page, admin);
    await page.goto(`${base}/#/pool/admission/ADM3`);
    await page.getByRole('heading', { name: '专家 ADM3' }).waitFor();
    await page.locator('.due-list tbody tr').first().waitFor();
    expect(await page.locator('p.notice').innerText()).toContain('专家库管理员本人登录');
    expect(await page.getByRole('button', { name: '确认 ADM3' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '退出专家库' }).count()).toBe(0);
    // Filing is open to administrators: the certificate date is theirs to record.
    expect(await page.getByRole('button', { name: '保存证书有效期' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: 'Admission, re-confirmation and exit' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Pool management' }).getByRole('link').allInnerTexts()).toEqual(['Experts', 'Import', 'Organisations', 'Admission and exit']);
    await page.context().close();
    expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  });
});
