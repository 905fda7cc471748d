// One whole day of the console in Chromium (playwright-core, headless, 1280×800; the answer pages at a phone's size),
// on one service whose clock the test moves (build's `now` hook; the answers' Date header carries it to the console):
// every role logs in and sees its screens, each input of each screen labelled; the pool manager's file with a bad row
// is shown and refused, then fixed and imported; the operator registers a project whose draw is scheduled; the
// scheduler draws it when due; the board fills its seats as the experts accept and decline on their answer pages;
// the desk checks one in with the keyboard only; the operator and a supervisor (second login) unseal; the operator
// discloses; the inspector verifies the bundle in the browser and a one-byte change fails there; a site sees its own
// projects only, the desk cannot open the board, and the API refuses both whatever the browser asks.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLL_SECONDS } from '../../console/src/settings.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { Role } from '../../src/auth/roles.js';
import { build, type Built } from '../helper.js';
import { sentMessages, SPECIALTY } from '../helpers/calls.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { person, type Person } from '../helpers/people.js';
import { installCa, testCa } from '../helpers/sites.js';
import { focusTrapped, labelProblems, tabOrder } from '../helpers/keyboard.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const POOL_SEED = 'console-day';
const POOL_SIZE = 40;
const PROJECT = 'P-DAY-0001';
const VENUE = '杭州市公共资源交易中心 7号评标室';
const BOARD_WAIT = { timeout: (POLL_SECONDS * 3 + 5) * 1000 };
const MINUTE = 60_000;
const TEST_TIMEOUT = 90_000;
const FILE_LABEL = '专家库文件（.csv、.jsonl）';

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console day test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

const shanghaiLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);
const wholeMinute = (ms: number) => Math.ceil(ms / MINUTE) * MINUTE;

const pool = generatePool({ size: POOL_SIZE, seed: POOL_SEED, fixed: [{ code: SPECIALTY, members: POOL_SIZE }] });
const BAD_REGION = '33010X';

/** The pool as the pool manager's CSV file; `bad` spoils one region (row 5, line 6). */
function poolCsv(bad: boolean): Buffer {
  const lines = ['专家编号,姓名,手机,身份证号,专业代码,地区代码,统一社会信用代码,状态'];
  pool.experts.forEach((e, i) => {
    const p = syntheticPersonal(i);
    lines.push([e.id, p.name, p.phone, p.idNumber, e.specialties.join(';'), bad && i === 4 ? BAD_REGION : e.region, e.employer, '正常'].join(','));
  });
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** What each role's navigation offers, in order (the policy's actions; console/src/access.ts). */
const NAV: Record<Role, string[]> = {
  admin: ['抽取看板', '登记项目', '专家库', '账号管理'],
  'pool-manager': ['专家库', '信息变更审批', '履职与申诉'],
  operator: ['抽取看板', '登记项目', '启封审批', '核验证明'],
  supervisor: ['抽取看板', '启封审批', '信息变更审批', '核验证明', '监测预警', '履职与申诉', '见证存入'],
  checkin: ['签到台'],
  site: ['抽取看板', '登记项目'],
  inspector: ['抽取看板', '核验证明', '监测预警'],
};

const ca = testCa();
const siteA = ca.issue('site-a');
const siteB = ca.issue('site-b');

describe.skipIf(missing)('one whole day of the console in Chromium', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let shift = 0;
  const serviceNow = () => Date.now() + shift;
  const people = new Map<Role, Person>();
  const pages = new Map<Role, Page>();
  let phone: BrowserContext;
  let drawId = '';
  let opening = 0;
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-day-'));
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];

  const shot = async (p: Page, name: string) => {
    if (process.env.UPDATE_SCREENSHOTS) await p.screenshot({ path: `${SHOTS}console-${name}.png` });
  };
  const who = (role: Role) => people.get(role)!;
  const page = (role: Role) => pages.get(role)!;
  const context = async (options: object = DESKTOP): Promise<BrowserContext> => {
    const c = await browser.newContext(options);
    contexts.push(c);
    c.on('console', (m) => {
      const refusal = /^Failed to load resource: .* status of 4\d\d/.test(m.text()) && /^\/(v1|r)\//.test(new URL(m.location().url).pathname);
      if (m.type() === 'error' && !refusal) errors.push(`${m.text()} (${m.location().url})`);
    });
    c.on('weberror', (e) => errors.push(e.error().message));
    // The service's own clock in its answers' Date header, as the console reads it (countdowns, "before opening").
    await c.route('**/v1/**', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), date: new Date(serviceNow()).toUTCString() } });
    });
    return c;
  };
  const logIn = async (p: Page, person: Person) => {
    await p.goto(`${base}/`);
    await p.getByLabel('用户名').fill(person.username);
    await p.getByLabel('密码', { exact: true }).fill(person.password);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByRole('navigation', { name: '主导航' }).waitFor();
  };
  const navLinks = (p: Page) => p.getByRole('navigation', { name: '主导航' }).getByRole('link').allInnerTexts();
  const row = (p: Page, id: string) => p.locator(`tr[data-project="${id}"]`);
  const api = (role: Role, url: string) => t.app.inject({ url, headers: who(role).auth });
  const callsShown = (p: Page, text: string) => row(p, PROJECT).locator('.calls', { hasText: new RegExp(`^${text.replace(/[()（）]/g, '\\$&')}$`) }).waitFor(BOARD_WAIT);
  /** The answer links the experts were sent for the day's draw, by seat (the latest call of each seat). */
  const answerLinks = async () => {
    const { roster } = await t.ctx.roster.read(drawId);
    const links = new Map((await sentMessages(t)).map((m) => [m.messageId, m.responseUrl!]));
    return roster.calls.map((c) => ({ seat: c.seat, state: c.state, expertId: c.expertId, link: links.get(c.messageId) }));
  };
  const answer = async (link: string, button: '接受' | '拒绝') => {
    const p = await phone.newPage();
    await p.goto(link);
    await p.getByRole('button', { name: button }).tap();
    // A decline asks once more before it is sent.
    if (button === '拒绝') await p.getByRole('button', { name: '确认拒绝' }).tap();
    await p.waitForSelector(`main[data-state="${button === '接受' ? 'accepted' : 'declined'}"]`);
    await p.close();
  };

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0' }, { now: serviceNow });
    installCa(t, ca.ca);
    for (const site of [siteA, siteB]) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/sites', headers: t.auth('admin'), payload: { certificate: site.certPem } });
      expect(res.statusCode, res.body).toBe(201);
    }
    base = await t.listen();
    const names: Record<Role, string> = { admin: '管理员', 'pool-manager': '李专家库', operator: '王抽取', supervisor: '陈监督', checkin: '七号评标室签到台', site: '甲地远程评标场地', inspector: '赵核查' };
    for (const role of Object.keys(NAV) as Role[]) people.set(role, await person(t, role, { displayName: names[role], ...(role === 'site' ? { site: 'site-a' } : {}) }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    phone = await context(PHONE);
  }, 120_000);
  afterAll(async () => {
    // A board's poll may be in flight: its answer is dropped, not rewritten.
    for (const c of contexts) await c.unrouteAll({ behavior: 'ignoreErrors' });
    await browser?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs every role in: each sees its own screens, and every input of each screen has a label', async () => {
    for (const role of Object.keys(NAV) as Role[]) {
      const p = await (await context()).newPage();
      pages.set(role, p);
      if (role === 'checkin') {
        // The desk logs in with the keyboard alone: the user name takes the focus, Tab to the password, Enter.
        await p.goto(`${base}/`);
        await p.getByLabel('用户名').waitFor();
        await p.keyboard.type(who(role).username);
        await p.keyboard.press('Tab');
        await p.keyboard.type(who(role).password);
        await p.keyboard.press('Enter');
        await p.getByRole('navigation', { name: '主导航' }).waitFor();
      } else await logIn(p, who(role));
      expect(await navLinks(p), role).toEqual(NAV[role]);
      for (const name of NAV[role]) {
        await openScreen(p, name);
        await p.locator('main h1').first().waitFor();
        expect(await labelProblems(p), `${role} ${name}`).toEqual([]);
      }
    }
    // The pool desk's other screens (the pool manager's last screen above is the records screen).
    const desk = page('pool-manager');
    await openScreen(desk, '专家库');
    for (const name of ['导入', '单位', '准入与退出', '专家']) {
      await openScreen(desk, name, '专家库管理');
      await desk.locator('main h2, main h1').first().waitFor();
      expect(await labelProblems(desk), `pool desk ${name}`).toEqual([]);
    }
  }, 120_000);

  it('the pool manager’s file with a bad row is shown by line and field and refused; fixed, it is imported', async () => {
    const p = page('pool-manager');
    await openScreen(p, '导入', '专家库管理');
    await p.getByLabel(FILE_LABEL).setInputFiles({ name: 'pool.csv', mimeType: 'text/csv', buffer: poolCsv(true) });
    await p.getByRole('button', { name: '检查文件' }).click();
    await p.waitForSelector('table.import-errors');
    const rows = await p.locator('table.import-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map(([line, field, , code]) => [line, field, code])).toEqual([['6', '地区（region）', 'INVALID_FIELD']]);
    expect(await p.getByRole('button', { name: '导入', exact: true }).isDisabled()).toBe(true);
    expect(t.ctx.pool.size()).toBe(0);

    await p.getByLabel(FILE_LABEL).setInputFiles({ name: 'pool.csv', mimeType: 'text/csv', buffer: poolCsv(false) });
    await p.getByRole('button', { name: '检查文件' }).click();
    await p.waitForSelector('ul.diff');
    await p.getByRole('button', { name: '导入', exact: true }).click();
    await p.locator(`[data-imported="${POOL_SIZE}"]`).waitFor();
    expect(t.ctx.pool.size()).toBe(POOL_SIZE);
  }, TEST_TIMEOUT);

  it('the operator registers a project whose draw is scheduled an hour before its bid opening', async () => {
    const p = page('operator');
    await openScreen(p, '登记项目');
    opening = wholeMinute(serviceNow() + 3 * 3600_000);
    await p.getByLabel('项目编号').fill(PROJECT);
    await p.getByLabel('项目名称').fill('城北体育中心改造工程监理');
    await p.getByLabel('招标人统一社会信用代码').fill(syntheticUscc(9731));
    await p.getByLabel('开标时间').fill(shanghaiLocal(opening));
    await p.getByLabel('行政区划代码').fill('330106');
    await p.getByLabel('评标地点').fill(VENUE);
    await p.getByLabel(/^提前抽取（分钟/).fill('60');
    await p.getByLabel('专业代码（第 1 组）').fill(SPECIALTY);
    await p.getByLabel('人数（第 1 组）').fill('5');
    await p.getByRole('button', { name: '登记', exact: true }).click();
    await expect(p.getByRole('status').innerText()).resolves.toContain(`项目 ${PROJECT} 已登记`);
    const stored = (await api('operator', `/v1/projects/${PROJECT}`)).json();
    expect(stored).toMatchObject({ state: 'scheduled', drawId: null, venue: VENUE });
    expect(Date.parse(stored.drawAt)).toBe(opening - 60 * MINUTE);

    await openScreen(p, '抽取看板');
    await p.waitForSelector(`tr[data-project="${PROJECT}"][data-state="scheduled"]`, BOARD_WAIT);
    // Two hours to its draw, by the service's clock.
    expect(await row(p, PROJECT).locator('.countdown').innerText()).toMatch(/^[12]:\d\d:\d\d$/);

    // The board by keyboard: each of the row's actions and the board's own controls is a Tab stop, its focus visible.
    await p.getByLabel('筛选（项目编号或名称）').focus();
    const stops = await tabOrder(p);
    expect(stops.map((s) => s.name)).toEqual(expect.arrayContaining(['筛选（项目编号或名称）', '立即抽取', '改期', '取消项目', '时间线', '抽取看板', '退出登录']));
    expect(stops.filter((s) => !s.ring)).toEqual([]);
    // One page of projects: no page selector or buttons to pass on the way.
    expect(stops.map((s) => s.name)).not.toContain('显示（按抽取时间分页）');
    // The draw's confirmation: the focus goes in and stays in; Escape closes it, back on its button, nothing drawn.
    await row(p, PROJECT).getByRole('button', { name: '立即抽取' }).focus();
    await p.keyboard.press('Enter');
    await p.getByRole('dialog').waitFor();
    expect(await p.locator(':focus').innerText()).toBe('取消');
    expect(await focusTrapped(p, 'dialog[open]')).toBe(true);
    await p.keyboard.press('Escape');
    await p.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await p.locator(':focus').innerText()).toBe('立即抽取');
    // The postponement's dialog too: labelled fields, the focus kept inside, Escape closes it. (Its button is focused
    // directly: one more Tab from the draw's button landed elsewhere now and then on a loaded machine, cause not found;
    // the row's Tab stops are checked above.)
    await row(p, PROJECT).getByRole('button', { name: '改期' }).focus();
    await p.keyboard.press('Enter');
    await p.getByRole('dialog').waitFor();
    expect(await labelProblems(p)).toEqual([]);
    expect(await focusTrapped(p, 'dialog[open]')).toBe(true);
    await p.keyboard.press('Escape');
    await p.getByRole('dialog').waitFor({ state: 'hidden' });
    expect((await api('operator', `/v1/projects/${PROJECT}`)).json()).toMatchObject({ state: 'scheduled', drawAt: new Date(opening - 60 * MINUTE).toISOString() });
  }, TEST_TIMEOUT);

  it('the scheduler draws it when due, not before; the board shows its seats called', async () => {
    expect((await t.ctx.scheduler.tick()).drawn).toEqual([]);
    shift = opening - 60 * MINUTE + 5_000 - Date.now();
    const report = await t.ctx.scheduler.tick();
    expect(report.drawn).toEqual([PROJECT]);
    const stored = (await api('operator', `/v1/projects/${PROJECT}`)).json();
    expect(stored.state).toBe('drawn');
    drawId = stored.drawId;
    expect((await api('operator', `/v1/draws/${drawId}`)).json().kind).toBe('scheduled');
    const p = page('operator');
    await p.waitForSelector(`tr[data-project="${PROJECT}"][data-state="drawn"]`, BOARD_WAIT);
    await callsShown(p, `${SPECIALTY}（5 席）：通知中 5`);
  }, TEST_TIMEOUT);

  it('the board fills its seats as the experts accept and decline on their answer pages (phone size)', async () => {
    const p = page('operator');
    const first = await answerLinks();
    expect(first.map((c) => c.seat)).toEqual([0, 1, 2, 3, 4]);
    await answer(first[0]!.link!, '接受');
    await answer(first[1]!.link!, '拒绝');
    await callsShown(p, `${SPECIALTY}（5 席）：已接受 1 · 通知中 4（已结束的通知：已拒绝 1）`);
    for (const seat of [2, 3, 4]) await answer(first[seat]!.link!, '接受');
    // Seat 1 went to the next ranked expert, whose call the worker sends now.
    const replacement = (await answerLinks()).find((c) => c.seat === 1 && c.state === 'calling');
    expect(replacement?.link).toBeDefined();
    expect(replacement!.expertId).not.toBe(first[1]!.expertId);
    await callsShown(p, `${SPECIALTY}（5 席）：已接受 4 · 通知中 1（已结束的通知：已拒绝 1）`);
    await answer(replacement!.link!, '接受');
    await callsShown(p, `${SPECIALTY}（5 席）：已接受 5（已结束的通知：已拒绝 1）`);
    // Seats and counts, never who.
    const board = await p.locator('main').innerText();
    for (let i = 0; i < POOL_SIZE; i++) expect(board).not.toContain(syntheticPersonal(i).name);
  }, TEST_TIMEOUT);

  it('the desk checks an expert in with the keyboard only; the board counts the check-in', async () => {
    const p = page('checkin');
    // The desk's tab is already logged in: from the address bar's reach, the keyboard alone.
    await p.reload();
    await p.getByLabel('本评标室的项目编号').waitFor();
    expect(await p.locator(':focus').getAttribute('name')).toBe('projectId');
    await p.keyboard.type(PROJECT);
    await p.keyboard.press('Tab');
    expect(await p.locator(':focus').getAttribute('name')).toBe('idNumber');
    const { roster } = await t.ctx.roster.read(drawId);
    const seat0 = roster.calls.find((c) => c.seat === 0)!;
    const card = syntheticPersonal(pool.experts.findIndex((e) => e.id === seat0.expertId));
    await p.keyboard.type(card.idNumber);
    await p.keyboard.press('Enter');
    await p.waitForSelector('.desk-answer[data-outcome="admitted"]');
    const admitted = await p.locator('.desk-answer').innerText();
    expect(admitted).toContain(card.name);
    expect(admitted).toContain(VENUE);
    expect(await p.locator(':focus').getAttribute('name')).toBe('idNumber');
    // Every action of the desk is reached by Tab, each with a visible focus ring.
    const order = await tabOrder(p);
    expect(order.map((s) => s.name)).toEqual(expect.arrayContaining(['Switch to English', '退出登录', '签到台', '本评标室的项目编号', '居民身份证号码（刷卡或输入后按回车）', '签到']));
    expect(order.filter((s) => !s.ring)).toEqual([]);
    await callsShown(page('operator'), `${SPECIALTY}（5 席）：已接受 4 · 已签到 1（已结束的通知：已拒绝 1）`);
  }, TEST_TIMEOUT);

  it('two people unseal after bid opening (the operator, and a supervisor by the second login), and the operator discloses', async () => {
    shift = opening + 5 * MINUTE - Date.now();
    const p = page('operator');
    await p.goto(`${base}/#/board`);
    await openScreen(p, '启封审批');
    await p.locator(`tr[data-draw="${drawId}"][data-progress="awaiting"]`).waitFor();
    expect(await p.locator(`tr[data-draw="${drawId}"]`).innerText()).toContain('尚待操作员批准；尚待监督人员批准');
    await shot(p, 'unseal-list');
    await p.locator(`tr[data-draw="${drawId}"]`).getByRole('link', { name: '处理' }).click();
    await p.waitForSelector('section.unseal[data-progress="awaiting"]');
    expect(await labelProblems(p)).toEqual([]);
    await p.getByRole('button', { name: '以本人身份批准（王抽取）' }).click();
    await p.getByRole('status').filter({ hasText: '王抽取（操作员）已批准启封' }).waitFor();
    await p.getByRole('button', { name: '另一人登录批准' }).focus();
    await p.keyboard.press('Enter');
    const dialog = p.getByRole('dialog');
    await dialog.waitFor();
    // The dialog holds the focus: Tab goes round inside it.
    expect(await focusTrapped(p, 'dialog[open]')).toBe(true);
    expect(await labelProblems(p)).toEqual([]);
    await dialog.getByLabel('第二人的用户名').fill(who('supervisor').username);
    await dialog.getByLabel('第二人的密码').fill(who('supervisor').password);
    await p.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await p.locator('table.panel').waitFor();
    const panel = await p.locator('table.panel').innerText();
    const { roster } = await t.ctx.roster.read(drawId);
    for (const c of roster.calls.filter((c) => c.state === 'accepted' || c.state === 'checked-in')) expect(panel).toContain(syntheticPersonal(pool.experts.findIndex((e) => e.id === c.expertId)).name);

    await p.getByRole('button', { name: '公开抽取' }).click();
    await dialog.waitFor();
    expect(await focusTrapped(p, 'dialog[open]')).toBe(true);
    await dialog.getByRole('button', { name: '确认公开' }).click();
    await p.waitForSelector('section.unseal[data-progress="disclosed"]');
    expect((await api('operator', `/v1/draws/${drawId}`)).json().revealIndex).toEqual(expect.any(Number));
  }, TEST_TIMEOUT);

  it('the inspector verifies the disclosed draw in the browser; the same bundle with one byte changed fails there', async () => {
    const p = page('inspector');
    await openScreen(p, '抽取看板');
    await openScreen(p, '核验证明');
    await p.getByLabel(/日志验证公钥（/).fill(t.ctx.keys.logVerifier.verifierKey);
    await p.getByLabel('最近公开的抽取').selectOption(drawId);
    await p.getByRole('button', { name: '获取并核验' }).click();
    await p.waitForSelector('[data-verdict="ok"]');
    expect(await p.locator('[data-verdict]').innerText()).toMatch(/^核验通过：全部 \d+ 项检查均通过。$/);

    const bundle = (await api('inspector', `/v1/draws/${drawId}/proof`)).body;
    const at = bundle.indexOf('\\"nonce\\":\\"') + '\\"nonce\\":\\"'.length;
    expect(at).toBeGreaterThan(20);
    const changed = bundle.slice(0, at) + (bundle[at] === '0' ? '1' : '0') + bundle.slice(at + 1);
    expect(Buffer.byteLength(changed)).toBe(Buffer.byteLength(bundle));
    writeFileSync(join(dir, 'proof-changed.json'), changed);
    await p.getByLabel('证明包文件（JSON）').setInputFiles(join(dir, 'proof-changed.json'));
    await p.waitForSelector('[data-verdict="not-verified"]');
    expect(await p.locator('[data-verdict]').innerText()).toContain('reveal.leaf-hash');
  }, TEST_TIMEOUT);

  it('confines each role from the browser: a site sees its own projects only, the desk cannot open the board, the API refuses both', async () => {
    const register = async (person: Person, id: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: person.auth, payload: { id, tenderer: syntheticUscc(9741), bidOpeningAt: new Date(wholeMinute(serviceNow() + 3 * 3600_000)).toISOString(), region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] } });
      expect(res.statusCode, res.body).toBe(201);
    };
    const otherSite = await person(t, 'site', { site: 'site-b' });
    await register(who('site'), 'P-DAY-SITE-A');
    await register(otherSite, 'P-DAY-SITE-B');

    const site = page('site');
    await site.goto(`${base}/#/board`);
    await row(site, 'P-DAY-SITE-A').waitFor(BOARD_WAIT);
    // Each row says which site a project belongs to.
    expect(await row(site, 'P-DAY-SITE-A').locator('.site').innerText()).toBe('远程评标场地 site-a 的项目');
    expect(await site.locator('tr[data-project]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-project')))).toEqual(['P-DAY-SITE-A']);
    // Another owner's project is, for a site, a project that does not exist.
    await site.goto(`${base}/#/project/P-DAY-SITE-B`);
    await site.getByRole('alert').filter({ hasText: 'NOT_FOUND' }).waitFor();
    await site.goto(`${base}/#/project/${PROJECT}`);
    await site.getByRole('alert').filter({ hasText: 'NOT_FOUND' }).waitFor();
    expect(await site.locator('table.timeline').count()).toBe(0);

    const desk = page('checkin');
    await desk.goto(`${base}/#/board`);
    await desk.waitForSelector('[data-refused="board"]');
    expect(await desk.locator('table.board').count()).toBe(0);

    /** The statuses the API answers the page's own login with. */
    const fromBrowser = async (p: Page, paths: readonly string[]) => {
      const { accessToken } = JSON.parse(await p.evaluate<string>('sessionStorage.getItem("expert-draw.session")')) as { accessToken: string };
      return p.evaluate(([urls, bearer]) => Promise.all(urls.map(async (u) => (await fetch(u, { headers: { authorization: `Bearer ${bearer}` } })).status)), [paths, accessToken] as const);
    };
    expect(await fromBrowser(site, ['/v1/projects/P-DAY-SITE-A', '/v1/projects/P-DAY-SITE-B', `/v1/projects/${PROJECT}`, `/v1/draws/${drawId}`])).toEqual([200, 404, 404, 404]);
    expect(await fromBrowser(desk, ['/v1/projects', `/v1/projects/${PROJECT}`, `/v1/draws/${drawId}`])).toEqual([403, 403, 403]);
  }, TEST_TIMEOUT);

  it('broke no rule of its CSP and logged no error', () => {
    expect(errors).toEqual([]);
  });
});
