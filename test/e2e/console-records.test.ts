// The records screen in a real browser (Debian's Chromium through playwright-core, headless): after two disclosed
// draws whose experts never came, the rules have suspended those who missed both; the pool manager opens one expert's
// record, sees the counts, the records and the suspension, lodges the expert's objection against one no-show and
// upholds it — the record shows withdrawn, the suspension annulled, the expert active again (the API says so too). A
// supervisor reads the same screen without the buttons. The pool manager sends the expert a link to their own page; the
// expert opens it on a phone without JavaScript and objects to a review; the pool manager sees the expert's objection
// and closes the review. UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/console-records.png and record-page.png.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { drawnCalls, importPool, sentMessages, tokenOf } from '../helpers/calls.js';
import { consequences, type ConsequenceRecord } from '../../src/records/sanctions.js';
import { person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', javaScriptEnabled: false };
const at = (iso: string) => Date.parse(iso);

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console records test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

describe.skipIf(missing)('the records screen in Chromium', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let clock = at('2026-12-01T08:00:00+08:00');
  const errors: string[] = [];
  const ranked: Record<string, string[]> = {};
  let expert = '';

  const missedDraw = async (projectId: string, day: string): Promise<string> => {
    clock = at(`${day}T08:00:00+08:00`);
    const { drawId, links } = await drawnCalls(t, projectId, { bidOpeningAt: `${day}T10:00:00+08:00` });
    clock = at(`${day}T08:02:00+08:00`);
    for (const link of links) expect((await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(link)}`, payload: { answer: 'accept' } })).statusCode).toBe(200);
    ranked[drawId] = (await t.ctx.roster.read(drawId)).roster.groups[0]!.ranking.slice(0, 5);
    clock = at(`${day}T23:59:59+08:00`) + 2000;
    expect((await t.ctx.calls.tick()).noShows).toBe(5);
    const [operator, supervisor] = [await person(t, 'operator'), await person(t, 'supervisor')];
    for (const who of [operator, supervisor]) expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: who.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/disclose`, headers: t.auth('operator') })).statusCode).toBe(200);
    return drawId;
  };
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

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0', EXPERT_DRAW_STORE: 'sqlite' }, { now: () => clock });
    base = await t.listen();
    await importPool(t, 'console-records', 30);
    // Seven experts of seven employers serve on both dates: at least three are drawn twice.
    const employers = new Set<string>();
    const free: string[] = [];
    for (const e of t.ctx.pool.list({ limit: 100 }).items) if (free.length < 7 && e.status === 'active' && e.relations.length === 0 && !employers.has(e.employer)) (employers.add(e.employer), free.push(e.id));
    for (const e of t.ctx.pool.list({ limit: 100 }).items) {
      if (!free.includes(e.id)) await t.ctx.pool.update(e.id, { unavailable: ['2026-12-01', '2026-12-10'] }, { sub: 'seed', role: 'pool-manager', iat: 0, exp: 0 }, 'expert.availability');
    }
    const first = await missedDraw('P-CON-REC-1', '2026-12-01');
    const second = await missedDraw('P-CON-REC-2', '2026-12-10');
    clock = at('2026-12-11T09:00:00+08:00');
    await t.ctx.rules.tick();
    expert = ranked[first]!.find((id) => ranked[second]!.includes(id))!;
    expect(t.ctx.pool.get(expert).status).toBe('suspended');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the pool manager the record and the suspension, and takes an objection from lodging to upheld', async () => {
    const manager = await person(t, 'pool-manager', { displayName: '李专家库' });
    let page = await newPage();
    await logIn(page, manager);
    await openScreen(page, '履职与申诉');
    await page.getByLabel('专家编号').fill(expert);
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByRole('heading', { name: '履职记录（已公开的抽取）' }).waitFor();
    expect(await page.locator('.records-list p').first().innerText()).toContain('接受后未到场 2 次');
    const suspension = page.locator('.consequences tbody tr');
    expect(await suspension.count()).toBe(1);
    expect(await suspension.innerText()).toContain('暂停抽取');
    expect(await suspension.innerText()).toContain('执行中');
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}console-records.png`, fullPage: true });

    // Object to the second no-show, on the expert's behalf.
    const noShows = page.locator('.records-list tbody tr', { hasText: '接受后未到场' });
    expect(await noShows.count()).toBe(2);
    const row = noShows.nth(1);
    const index = Number(await row.getAttribute('data-index'));
    await row.getByRole('button', { name: '申诉' }).click();
    await row.getByLabel('专家的申诉理由').fill('当日突发疾病住院，有医院证明');
    await row.getByRole('button', { name: '代为提交申诉' }).click();
    const objection = page.locator('.objections li[data-state="open"]');
    await objection.waitFor();
    expect(await objection.innerText()).toContain(`针对日志序号 ${index} 的记录`);

    // Who lodged it does not decide it: the console says so instead of offering the buttons.
    expect(await objection.innerText()).toContain('此申诉由您代为提出，须由另一位专家库管理员决定。');
    expect(await objection.getByRole('button', { name: '申诉成立' }).count()).toBe(0);
    await page.context().close();

    // Another pool manager upholds it.
    const other = await person(t, 'pool-manager', { displayName: '周专家库' });
    page = await newPage();
    await logIn(page, other);
    await page.goto(`${base}/#/records/${expert}`);
    const open = page.locator('.objections li[data-state="open"]');
    await open.waitFor();
    await open.getByLabel('处理意见').fill('医院证明属实');
    await open.getByRole('button', { name: '申诉成立' }).click();
    await page.locator('.objections li[data-state="upheld"]').waitFor();
    expect(await page.locator('.consequences tbody tr').innerText()).toContain('已撤销');
    expect(await page.locator(`.records-list tbody tr[data-index="${index}"]`).innerText()).toContain('已撤销');
    expect(await page.locator('.records-list p').first().innerText()).toContain('接受后未到场 1 次');
    expect(t.ctx.pool.get(expert).status).toBe('active');
    const res = await t.app.inject({ method: 'GET', url: `/v1/experts/${expert}/consequences`, headers: t.auth('pool-manager') });
    expect(res.json().objections).toMatchObject([{ state: 'upheld', lodgedBy: manager.userId, decidedBy: other.userId }]);
    await page.context().close();
  });

  it('shows a supervisor the same screen without lodging or deciding', async () => {
    const supervisor = await person(t, 'supervisor', { displayName: '赵监督' });
    const page = await newPage();
    await logIn(page, supervisor);
    await page.goto(`${base}/#/records/${expert}`);
    await page.getByRole('heading', { name: '处理', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: '申诉' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '申诉成立' }).count()).toBe(0);
    await page.context().close();
    expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  });

  it('sends the expert a link; the expert objects from their own page without JavaScript; the pool manager closes the review', async () => {
    // A review flag as the score rule would log it, resting on the expert's remaining no-show.
    const noShow = JSON.parse((await t.app.inject({ method: 'GET', url: `/v1/experts/${expert}/record`, headers: t.auth('pool-manager') })).body).draws.flatMap((d: { drawId: string; records: Array<{ index: number; kind: string; withdrawnBy?: string }> }) => d.records.map((r) => ({ ...r, drawId: d.drawId }))).find((r: { kind: string; withdrawnBy?: string }) => r.kind === 'no-show' && !r.withdrawnBy);
    const id = `C-${'5'.repeat(32)}`;
    const review: ConsequenceRecord = { id, expertId: expert, ruleId: 'LOW_ANNUAL_SCORE', kind: 'review', records: [{ index: noShow.index, drawId: noShow.drawId }], appliedAt: new Date(clock).toISOString(), appliedIndex: 0, from: '2026-12-11', until: null, imposes: null, set: null, state: 'in-force', endedAt: null, endedWhy: null };
    await t.ctx.auditLog.append('rule.applied', { consequenceId: id, expertId: expert, ruleId: review.ruleId, kind: 'review', records: [...review.records], from: review.from, until: null, changed: false, by: 'test-setup' }, { writes: (i) => [consequences.write({ ...review, appliedIndex: i })] });

    const manager = await person(t, 'pool-manager', { displayName: '李专家库' });
    const page = await newPage();
    await logIn(page, manager);
    await page.goto(`${base}/#/records/${expert}`);
    await page.getByRole('button', { name: '发送查询链接' }).click();
    const sent = page.locator('.record-link .success');
    await sent.filter({ hasText: '已发送查询链接' }).waitFor();
    const messageId = /短信 (M-[^）]+)）/.exec(await sent.innerText())![1]!;
    const link = (await sentMessages(t)).find((m) => m.messageId === messageId)!.responseUrl!;
    // The console never shows the link: only the expert's phone has it.
    expect(await page.content()).not.toContain(tokenOf(link));

    // The expert, on a phone without JavaScript.
    const phone = await browser.newContext(PHONE);
    const mine = await phone.newPage();
    await mine.goto(link);
    await expect(mine.title()).resolves.toBe('本人履职记录');
    expect(await mine.locator('main').getAttribute('data-state')).toBe('open');
    expect(await mine.locator('.records').innerText()).toContain('接受邀请后未到场');
    const row = mine.locator(`li[data-consequence="${id}"]`);
    expect(await row.innerText()).toContain('提交复核');
    await row.getByText('对此提出申诉').tap();
    await row.getByLabel('申诉理由').fill('当日已提前电话请假，交易中心有通话记录');
    await row.getByRole('button', { name: '提交申诉' }).tap();
    await mine.locator('.objections li[data-state="open"]').waitFor();
    expect(await mine.locator('.objections').innerText()).toContain('当日已提前电话请假');
    expect(new URL(mine.url()).pathname).toBe(new URL(link).pathname);
    if (process.env.UPDATE_SCREENSHOTS) await mine.screenshot({ path: `${SHOTS}record-page.png`, fullPage: true });
    await phone.close();

    // The pool manager sees the expert's own objection, and closes the review.
    await page.reload();
    const objection = page.locator('.objections li[data-state="open"]');
    await objection.waitFor();
    expect(await objection.innerText()).toContain('本人提出');
    const reviewRow = page.locator(`.consequences tr[data-consequence="${id}"]`);
    await reviewRow.getByRole('button', { name: '结束复核' }).click();
    await reviewRow.getByLabel('复核结论').selectOption('warning');
    await reviewRow.getByLabel('复核意见').fill('已电话约谈，提醒按时答复');
    await reviewRow.locator('form').getByRole('button', { name: '结束复核' }).click();
    await page.locator(`.consequences tr[data-consequence="${id}"]`, { hasText: '复核结论：约谈提醒' }).waitFor();
    expect(await page.locator(`.consequences tr[data-consequence="${id}"]`).innerText()).toContain('复核已结束');
    const res = await t.app.inject({ method: 'GET', url: `/v1/experts/${expert}/consequences`, headers: t.auth('pool-manager') });
    expect(res.json().consequences.find((c: { id: string }) => c.id === id)).toMatchObject({ state: 'closed', review: { outcome: 'warning', by: manager.userId } });
    await page.context().close();
    expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  });
});
