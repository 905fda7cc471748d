// The console's supervisor, site and project-action screens in Chromium (playwright-core, headless, 1280×800), on a
// service whose clock the test moves (build's `now` hook) instead of waiting for a bid opening. The operator registers
// and draws a project; an unseal before bid opening is refused with the service's message; after the opening the
// operator approves with the terminal's session and a supervisor approves through the second login in a dialog,
// which leaves the terminal's login as it was and ends its own; the names appear only then; the operator discloses.
// A remote site downloads its own sealed result (which opens with its key) and is refused another site's project. On
// the board an operator postpones and cancels projects through dialogs with labelled reasons, and reschedules a missed
// one and draws it; each shows in the timeline. Dialogs work with the keyboard. UPDATE_SCREENSHOTS=1 refreshes
// docs/screenshots/console-supervisor.png and console-site.png.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLL_SECONDS } from '../../console/src/settings.js';
import { jcs } from '../../src/crypto/canonical.js';
import { openExport } from '../../src/crypto/sealing.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { importPool, SPECIALTY } from '../helpers/calls.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { person, type Person } from '../helpers/people.js';
import { installCa, testCa } from '../helpers/sites.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const POOL_SEED = 'console-supervisor';
const POOL_SIZE = 40;
const MAIN = 'P-UNSEAL-0001';
const BOARD_WAIT = { timeout: (POLL_SECONDS * 3 + 5) * 1000 };
const MINUTE = 60_000;
/** A step waits for a board poll or two, and a draw. */
const TEST_TIMEOUT = 90_000;

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console supervisor test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

/** `yyyy-mm-ddThh:mm` in Asia/Shanghai (no daylight saving), as a datetime-local field takes it. */
const shanghaiLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);
/** The next whole minute at or after `ms` (a datetime-local field holds minutes). */
const wholeMinute = (ms: number) => Math.ceil(ms / MINUTE) * MINUTE;

// Site keys before the app runs: generating RSA keys blocks the event loop.
const ca = testCa();
const siteA = ca.issue('site-a');
const siteB = ca.issue('site-b');

describe.skipIf(missing)('the supervisor, site and project-action screens in Chromium', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  /** How far the service's clock is ahead of the machine's. */
  let shift = 0;
  const serviceNow = () => Date.now() + shift;
  let operator: Person;
  let supervisor: Person;
  let siteUser: Person;
  let terminal: Page;
  let drawId = '';
  let mainOpening = 0;
  const errors: string[] = [];

  const shot = async (page: Page, name: string) => {
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}console-${name}.png` });
  };
  const context = async (): Promise<BrowserContext> => {
    const c = await browser.newContext(DESKTOP);
    c.on('console', (m) => {
      const refusal = /^Failed to load resource: .* status of 4\d\d/.test(m.text()) && new URL(m.location().url).pathname.startsWith('/v1/');
      if (m.type() === 'error' && !refusal) errors.push(`${m.text()} (${m.location().url})`);
    });
    c.on('weberror', (e) => errors.push(e.error().message));
    // The service's answers carry its own clock in their Date header, as a server whose clock this is would: the
    // console's countdowns and "before bid opening" notes follow the moved clock.
    await c.route('**/v1/**', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), date: new Date(serviceNow()).toUTCString() } });
    });
    return c;
  };
  const logIn = async (page: Page, username: string, password: string) => {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('navigation').waitFor();
  };
  const navLinks = (page: Page) => page.getByRole('navigation').getByRole('link').allInnerTexts();
  const row = (page: Page, project: string) => page.locator(`tr[data-project="${project}"]`);
  const projectOf = async (id: string) => (await t.app.inject({ url: `/v1/projects/${id}`, headers: operator.auth })).json();
  const register = async (who: Person, id: string, openingMs: number, count = 5) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: who.auth,
      payload: { id, tenderer: syntheticUscc(9901), bidOpeningAt: new Date(openingMs).toISOString(), region: '330106', venue: '远程评标室 1', groups: [{ specialty: SPECIALTY, count }] },
    });
    expect(res.statusCode, res.body).toBe(201);
  };
  const drawNow = async (who: Person, id: string) => {
    const res = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers: who.auth });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().drawId as string;
  };
  /** The timeline's event types of a project, as the console shows them. */
  const timelineTypes = async (page: Page, project: string) => {
    await page.goto(`${base}/#/project/${encodeURIComponent(project)}`);
    await page.waitForSelector('table.timeline');
    return page.locator('table.timeline tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
  };
  /** The names of the experts holding the seats of a draw now (read from the service, as a check). */
  const seatedNames = async (id: string) => {
    const pool = generatePool({ size: POOL_SIZE, seed: POOL_SEED, fixed: [{ code: SPECIALTY, members: POOL_SIZE }] });
    const { roster } = await t.ctx.roster.read(id);
    return roster.calls.map((c) => syntheticPersonal(pool.experts.findIndex((e) => e.id === c.expertId)).name);
  };
  const logFrom = async (from: number) => {
    const out: Array<{ type: string; payload: Record<string, unknown> }> = [];
    for (let i = from; i < (await t.ctx.store.logSize()); i++) out.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()));
    return out;
  };

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0' }, { now: serviceNow });
    installCa(t, ca.ca);
    for (const site of [siteA, siteB]) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/sites', headers: t.auth('admin'), payload: { certificate: site.certPem } });
      expect(res.statusCode, res.body).toBe(201);
    }
    await importPool(t, POOL_SEED, POOL_SIZE);
    base = await t.listen();
    operator = await person(t, 'operator', { displayName: '王抽取' });
    supervisor = await person(t, 'supervisor', { displayName: '李监督' });
    siteUser = await person(t, 'site', { site: 'site-a', displayName: '甲地远程评标场地' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    terminal = await (await context()).newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('registers and draws a project at the operator’s terminal; the unseal screen lists it as sealed until bid opening', async () => {
    await logIn(terminal, operator.username, operator.password);
    expect(await navLinks(terminal)).toEqual(['抽取看板', '登记项目', '启封审批', '核验证明']);
    await openScreen(terminal, '登记项目');
    mainOpening = wholeMinute(serviceNow() + 40 * MINUTE);
    await terminal.getByLabel('项目编号').fill(MAIN);
    await terminal.getByLabel('项目名称').fill('城东污水处理厂提标改造工程');
    await terminal.getByLabel('招标人统一社会信用代码').fill(syntheticUscc(9711));
    await terminal.getByLabel('开标时间').fill(shanghaiLocal(mainOpening));
    await terminal.getByLabel('行政区划代码').fill('330106');
    await terminal.getByLabel('专业代码（第 1 组）').fill(SPECIALTY);
    await terminal.getByLabel('人数（第 1 组）').fill('5');
    await terminal.getByRole('button', { name: '登记', exact: true }).click();
    await expect(terminal.getByRole('status').innerText()).resolves.toContain(`项目 ${MAIN} 已登记`);

    await openScreen(terminal, '抽取看板');
    await row(terminal, MAIN).getByRole('button', { name: '立即抽取' }).click();
    await terminal.getByRole('dialog').getByRole('button', { name: '确认抽取' }).click();
    await terminal.waitForSelector(`tr[data-project="${MAIN}"][data-state="drawn"]`);
    drawId = (await projectOf(MAIN)).drawId;

    await openScreen(terminal, '启封审批');
    const listed = terminal.locator(`tr[data-draw="${drawId}"]`);
    await listed.waitFor();
    expect(await listed.getAttribute('data-progress')).toBe('beforeOpening');
    expect(await listed.innerText()).toContain('尚待操作员批准');
  }, TEST_TIMEOUT);

  it('before bid opening, says when the list can be opened and offers no approval the service would refuse', async () => {
    await terminal.locator(`tr[data-draw="${drawId}"]`).getByRole('link', { name: '处理' }).click();
    await terminal.waitForSelector('section.unseal[data-progress="beforeOpening"]');
    expect(await terminal.locator('main').innerText()).toContain('之前名单保持密封');
    expect(await terminal.getByRole('button', { name: '以本人身份批准（王抽取）' }).isDisabled()).toBe(true);
    expect(await terminal.getByRole('button', { name: '另一人登录批准' }).isDisabled()).toBe(true);
    // The service refuses it anyway, and nothing was stored: the draw's unseal has no approval.
    const early = await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: operator.auth });
    expect(early.json().error.code).toBe('SEALED');
    expect((await t.app.inject({ url: `/v1/draws/${drawId}`, headers: operator.auth })).json().unseal).toEqual({ approvals: [], openedAt: null });
  }, TEST_TIMEOUT);

  it('after bid opening: the operator approves, a supervisor approves through the second login, and only then the names appear', async () => {
    // The service's clock passes the bid opening.
    shift = mainOpening + 5 * MINUTE - Date.now();
    await terminal.reload();
    await terminal.waitForSelector('section.unseal[data-progress="awaiting"]');
    await terminal.getByRole('button', { name: '以本人身份批准（王抽取）' }).click();
    await terminal.getByRole('status').filter({ hasText: '王抽取（操作员）已批准启封' }).waitFor();
    expect(await terminal.locator('.approvals').innerText()).toMatch(/操作员 \d\d:\d\d 已批准；尚待监督人员批准/);
    // The operator's role has approved: no second operator approval is offered, and the second login asks for a supervisor.
    expect(await terminal.getByRole('button', { name: '以本人身份批准（王抽取）' }).count()).toBe(0);
    const names = await seatedNames(drawId);
    expect(names).toHaveLength(5);
    for (const name of names) expect(await terminal.locator('main').innerText()).not.toContain(name);

    // The dialog: focus moves into it, Escape closes it and sends nothing.
    await terminal.getByRole('button', { name: '另一人登录批准' }).click();
    const dialog = terminal.getByRole('dialog');
    await dialog.waitFor();
    expect(await terminal.locator(':focus').getAttribute('name')).toBe('second-username');
    expect(await dialog.innerText()).toContain('请监督人员在此输入自己的用户名和密码');
    await terminal.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await terminal.getByRole('button', { name: '另一人登录批准' }).click();
    // A wrong password: the service's refusal in the dialog, the terminal's login untouched.
    await dialog.getByLabel('第二人的用户名').fill(supervisor.username);
    await dialog.getByLabel('第二人的密码').fill('not-the-password-9');
    await terminal.keyboard.press('Enter');
    await dialog.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    const before = await t.ctx.store.logSize();
    await dialog.getByLabel('第二人的密码').fill(supervisor.password);
    await terminal.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await terminal.getByRole('status').filter({ hasText: '李监督（监督人员）已批准启封。 名单已启封' }).waitFor();
    await terminal.locator('table.panel').waitFor();
    const panel = await terminal.locator('table.panel').innerText();
    for (const name of names) expect(panel).toContain(name);
    await shot(terminal, 'supervisor');

    // The second login opened a session, approved, and ended it; the terminal is still the operator's.
    const entries = await logFrom(before);
    const opened = entries.find((e) => e.type === 'session.opened' && e.payload.userId === supervisor.userId)!;
    expect(opened).toBeDefined();
    expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['unseal.approved', 'draw.unsealed', 'draw.panel-read']));
    // The logout follows the approval's answer (the panel may show first): waited for, not read once.
    await expect
      .poll(async () => (await logFrom(before)).find((e) => e.type === 'session.ended' && e.payload.session === opened.payload.session)?.payload.reason, { timeout: 15_000 })
      .toBe('logout');
    expect(entries.find((e) => e.type === 'unseal.approved')!.payload).toMatchObject({ by: supervisor.userId, role: 'supervisor' });
    const held = JSON.parse(await terminal.evaluate<string>('sessionStorage.getItem("expert-draw.session")')) as { user: { id: string } };
    expect(held.user.id).toBe(operator.userId);
    expect(await terminal.locator('header').innerText()).toContain('王抽取（操作员）');
    expect((await t.app.inject({ url: `/v1/draws/${drawId}`, headers: operator.auth })).json().unseal.openedAt).not.toBeNull();
  }, TEST_TIMEOUT);

  it('discloses the draw behind a confirmation, with the keyboard; the list no longer shows it', async () => {
    await terminal.getByRole('button', { name: '公开抽取' }).click();
    const dialog = terminal.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('定标之后');
    // Focus starts on 关闭; nothing is disclosed before the confirmation.
    expect(await terminal.locator(':focus').innerText()).toBe('关闭');
    expect((await t.app.inject({ url: `/v1/draws/${drawId}`, headers: operator.auth })).json().revealIndex).toBeUndefined();
    await terminal.keyboard.press('Tab');
    await terminal.keyboard.press('Enter');
    await terminal.waitForSelector('section.unseal[data-progress="disclosed"]');
    const revealIndex = (await t.app.inject({ url: `/v1/draws/${drawId}`, headers: operator.auth })).json().revealIndex;
    expect(revealIndex).toEqual(expect.any(Number));
    expect(await terminal.getByRole('status').innerText()).toContain(`审计日志序号 ${revealIndex}`);
    await terminal.getByRole('link', { name: '返回启封审批' }).click();
    await terminal.locator('section.card p', { hasText: '近期没有等待启封或公开的抽取' }).waitFor();
  }, TEST_TIMEOUT);

  it('lets a remote site download its own sealed result, which opens with its key, and refuses it another site’s project', async () => {
    await register(siteUser, 'P-SITE-A', serviceNow() + 3 * 3600_000);
    const drawA = await drawNow(siteUser, 'P-SITE-A');
    const otherSite = await person(t, 'site', { site: 'site-b' });
    await register(otherSite, 'P-SITE-B', serviceNow() + 3 * 3600_000);
    const drawB = await drawNow(otherSite, 'P-SITE-B');

    const page = await (await context()).newPage();
    await logIn(page, siteUser.username, siteUser.password);
    expect(await navLinks(page)).toEqual(['抽取看板', '登记项目']);
    await row(page, 'P-SITE-A').waitFor(BOARD_WAIT);
    // Its own projects only: neither the other site's nor the centre's.
    expect(await page.locator('tr[data-project]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-project')))).toEqual(['P-SITE-A']);
    expect(await page.locator('main').innerText()).toContain('expert-draw open --key site-key.pem --verifier-key log-signer.vkey sealed.json');
    const [download] = await Promise.all([page.waitForEvent('download'), row(page, 'P-SITE-A').getByRole('button', { name: '下载密封结果' }).click()]);
    expect(download.suggestedFilename()).toBe('sealed-P-SITE-A.json');
    const file = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(file).toMatchObject({ format: 'expert-draw/sealed-result/v1', drawId: drawA, projectId: 'P-SITE-A', recipient: 'site-a' });
    // It opens with the site's key to the result the log committed to, and with no other key.
    const content = openExport(file, siteA.privateKey) as { salt: string; result: unknown };
    expect(createHash('sha256').update(Buffer.from(content.salt, 'hex')).update(jcs(content.result)).digest('hex')).toBe(file.resultHash);
    expect(file.resultHash).toBe((await t.ctx.draws.get(drawA)).resultHash);
    expect(() => openExport(file, siteB.privateKey)).toThrow();
    await page.getByRole('status').filter({ hasText: 'expert-draw open --key site-key.pem --verifier-key log-signer.vkey sealed-P-SITE-A.json' }).waitFor();
    await shot(page, 'site');

    // Another site's project: the service answers as for one that does not exist, and the console shows that, not the
    // project.
    await page.goto(`${base}/#/project/P-SITE-B`);
    const refused = page.getByRole('alert');
    await refused.filter({ hasText: 'NOT_FOUND' }).waitFor();
    expect(await page.locator('table.timeline').count()).toBe(0);
    // Screens of other roles are not offered, and the API refuses them anyway.
    await page.goto(`${base}/#/unseal/${drawB}`);
    await page.waitForSelector('[data-refused="unseal"]');
    const token = JSON.parse(await page.evaluate<string>('sessionStorage.getItem("expert-draw.session")')) as { accessToken: string };
    const statuses = await page.evaluate(
      async ([other, own, bearer]) => {
        const headers = { authorization: `Bearer ${bearer}` };
        return [
          (await fetch(`/v1/draws/${other}/sealed`, { headers })).status,
          (await fetch(`/v1/draws/${other}`, { headers })).status,
          (await fetch('/v1/projects/P-SITE-B', { headers })).status,
          (await fetch(`/v1/draws/${own}/unseal`, { method: 'POST', headers })).status,
        ];
      },
      [drawB, drawA, token.accessToken] as const,
    );
    // Another site's draw and project: 404; the unseal, which the site's role may not take at all: 403.
    expect(statuses).toEqual([404, 404, 404, 403]);
    await page.context().close();
  }, TEST_TIMEOUT);

  it('postpones and cancels projects from the board through dialogs with labelled reasons; both show in the timeline', async () => {
    const opening = wholeMinute(serviceNow() + 3 * 3600_000);
    await register(operator, 'P-POSTPONE', opening);
    await register(operator, 'P-CANCEL', opening);
    await openScreen(terminal, '抽取看板');
    await row(terminal, 'P-POSTPONE').waitFor(BOARD_WAIT);

    await row(terminal, 'P-POSTPONE').getByRole('button', { name: '改期' }).click();
    const dialog = terminal.getByRole('dialog');
    await dialog.waitFor();
    expect(await terminal.locator(':focus').getAttribute('name')).toBe('bidOpeningAt');
    expect(await dialog.getByLabel('新的开标时间').inputValue()).toBe(shanghaiLocal(opening));
    await terminal.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await row(terminal, 'P-POSTPONE').getByRole('button', { name: '改期' }).focus();
    await terminal.keyboard.press('Enter');
    await dialog.waitFor();
    const later = opening + 24 * 3600_000;
    await dialog.getByLabel('新的开标时间').fill(shanghaiLocal(later));
    await dialog.getByLabel('原因（记入审计日志）').fill('招标文件澄清，开标顺延一天');
    await dialog.getByRole('button', { name: '确认改期' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await terminal.getByRole('status').filter({ hasText: '项目 P-POSTPONE 已改期' }).waitFor();
    const moved = await projectOf('P-POSTPONE');
    expect(Date.parse(moved.project.bidOpeningAt)).toBe(later);
    expect(moved.state).toBe('scheduled');
    await row(terminal, 'P-POSTPONE').locator('td', { hasText: shanghaiLocal(later).replace('T', ' ') }).waitFor(BOARD_WAIT);

    // A reason too short: the service's refusal in the dialog, nothing changed; then a real one.
    await row(terminal, 'P-CANCEL').getByRole('button', { name: '取消项目' }).click();
    await dialog.waitFor();
    expect(await terminal.locator(':focus').getAttribute('name')).toBe('reason');
    await dialog.getByLabel('原因（记入审计日志）').fill('x');
    await terminal.keyboard.press('Enter');
    await dialog.getByRole('alert').filter({ hasText: 'INVALID_INPUT' }).waitFor();
    // The field by its name and the service's reason, in full-width brackets with the code.
    expect(await dialog.getByRole('alert').innerText()).toMatch(/^请求体无效：理由：至少 2 个字符（错误代码：INVALID_INPUT）$/);
    expect((await projectOf('P-CANCEL')).state).toBe('scheduled');
    await dialog.getByLabel('原因（记入审计日志）').fill('招标人终止招标');
    await terminal.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await terminal.waitForSelector('tr[data-project="P-CANCEL"][data-state="cancelled"]', BOARD_WAIT);
    expect(await row(terminal, 'P-CANCEL').getByRole('button').count()).toBe(0);

    expect(await timelineTypes(terminal, 'P-POSTPONE')).toEqual(['project.registered', 'project.rescheduled']);
    expect(await terminal.locator('table.timeline').innerText()).toContain('招标文件澄清，开标顺延一天');
    expect(await timelineTypes(terminal, 'P-CANCEL')).toEqual(['project.registered', 'project.cancelled']);
    expect(await terminal.locator('table.timeline').innerText()).toContain('招标人终止招标');
  }, TEST_TIMEOUT);

  it('resolves a missed project: rescheduled with a new bid opening, then drawn now', async () => {
    // Due now, and the service is down past its bid opening: the scheduler's next pass finds it missed.
    await register(operator, 'P-MISSED', wholeMinute(serviceNow() + 20 * MINUTE));
    shift += 30 * MINUTE;
    await t.ctx.scheduler.tick();
    expect((await projectOf('P-MISSED')).state).toBe('missed');

    await terminal.goto(`${base}/#/board`);
    await terminal.waitForSelector('tr[data-project="P-MISSED"][data-state="missed"]', BOARD_WAIT);
    // The service draws only a scheduled project: a missed one is offered its rescheduling, not a draw.
    expect(await row(terminal, 'P-MISSED').getByRole('button', { name: '立即抽取' }).count()).toBe(0);
    await row(terminal, 'P-MISSED').getByRole('button', { name: '重新安排' }).click();
    const dialog = terminal.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('错过抽取');
    await dialog.getByLabel('新的开标时间').fill(shanghaiLocal(wholeMinute(serviceNow() + 2 * 3600_000)));
    await dialog.getByLabel('原因（记入审计日志）').fill('系统维护错过抽取，开标顺延');
    await dialog.getByRole('button', { name: '重新安排' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await terminal.waitForSelector('tr[data-project="P-MISSED"][data-state="scheduled"]', BOARD_WAIT);
    await row(terminal, 'P-MISSED').getByRole('button', { name: '立即抽取' }).click();
    await dialog.getByRole('button', { name: '确认抽取' }).click();
    await terminal.waitForSelector('tr[data-project="P-MISSED"][data-state="drawn"]', BOARD_WAIT);
    const types = await timelineTypes(terminal, 'P-MISSED');
    expect(types.slice(0, 3)).toEqual(['project.registered', 'draw.missed', 'project.rescheduled']);
    expect(types).toEqual(expect.arrayContaining(['draw.commit', 'draw.result']));
  }, TEST_TIMEOUT);

  it('names a failed draw’s reason in the timeline, by its name and its code', async () => {
    // More seats than the specialty has experts: the draw fails before its commit, and the log says why.
    await register(operator, 'P-SHORT', wholeMinute(serviceNow() + 3 * 3600_000), POOL_SIZE + 1);
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-SHORT/draw', headers: operator.auth });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('INSUFFICIENT_CANDIDATES');
    expect(await timelineTypes(terminal, 'P-SHORT')).toEqual(['project.registered', 'draw.failed']);
    expect(await terminal.locator('table.timeline tbody tr[data-type="draw.failed"] td.detail').innerText()).toBe('代码：符合条件的专家不足（INSUFFICIENT_CANDIDATES）；已承诺：否');
  }, TEST_TIMEOUT);

  it('keeps its texts in English too', async () => {
    await terminal.getByRole('button', { name: 'Switch to English' }).click();
    await terminal.waitForSelector('html[lang="en"]');
    expect(await navLinks(terminal)).toEqual(['Draw board', 'Register a project', 'Unseal approvals', 'Verify a proof']);
    await openScreen(terminal, 'Unseal approvals');
    await terminal.getByRole('heading', { name: 'Unseal approvals and disclosure' }).waitFor();
    await terminal.getByRole('button', { name: '切换到中文' }).click();
    await terminal.waitForSelector('html[lang="zh-CN"]');
  }, TEST_TIMEOUT);

  it('broke no rule of its CSP and logged no error', () => {
    expect(errors).toEqual([]);
  });
});
