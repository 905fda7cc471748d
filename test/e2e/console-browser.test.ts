// The staff console in a real browser: Debian's Chromium driven by playwright-core, headless, at 1280×800, against the
// app listening on a real port (the console at /, the API and the answer page beside it). One day at the terminal:
// the operator logs in, registers a project and draws it now behind the confirmation of its assurance level; the board
// shows the seats calling, then moves as experts answer on their answer pages; the desk logs in (changing its first
// password), checks an expert in with the keyboard only and refuses an unknown number in large type; a role without
// the operator's screens does not see them and the API refuses it anyway. UPDATE_SCREENSHOTS=1 refreshes the pictures
// of each screen in docs/screenshots/.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMEDIATE_ASSURANCE, POLL_SECONDS } from '../../console/src/settings.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { importPool, sentMessages, SPECIALTY } from '../helpers/calls.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { FIRST_PASSWORD, person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const POOL_SEED = 'console-browser';
const POOL_SIZE = 40;
const PROJECT = 'P-CONSOLE-0001';
/** Long enough for the board's next poll, however busy the machine. */
const BOARD_WAIT = { timeout: (POLL_SECONDS * 3 + 5) * 1000 };

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console browser test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

/** `yyyy-mm-ddThh:mm` in Asia/Shanghai (no daylight saving), as a datetime-local field takes it. */
const shanghaiLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);

describe.skipIf(missing)('the console in Chromium', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let operator: Person;
  let desk: Page;
  let terminal: Page;
  let drawId = '';
  /** Every console error and page error of every context: a CSP violation shows here. */
  const errors: string[] = [];

  const shot = async (page: Page, name: string) => {
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}console-${name}.png` });
  };
  const context = async () => {
    const c = await browser.newContext(DESKTOP);
    c.on('console', (m) => {
      // The API's refusals the test asks for (a wrong password, an unknown ID number) are the console's to show, not
      // errors of the page; Chromium reports their statuses.
      const refusal = /^Failed to load resource: .* status of 4\d\d/.test(m.text()) && new URL(m.location().url).pathname.startsWith('/v1/');
      if (m.type() === 'error' && !refusal) errors.push(`${m.text()} (${m.location().url})`);
    });
    c.on('weberror', (e) => errors.push(e.error().message));
    // A step that cannot happen fails with its own reason (the locator it waited for), well inside the test's time:
    // once, under a full run's load, a step waited out the test's 30 s and left no trace of which.
    c.setDefaultTimeout(10_000);
    return c;
  };
  const logIn = async (page: Page, username: string, password: string) => {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
  };
  const navLinks = (page: Page) => page.getByRole('navigation').getByRole('link').allInnerTexts();
  const row = () => terminal.locator(`tr[data-project="${PROJECT}"]`);
  /** Waits for the board's calls cell of the project to say exactly `text` (after a poll). */
  const callsShown = (text: string) => row().locator('.calls', { hasText: new RegExp(`^${text.replace(/[()（）]/g, '\\$&')}$`) }).waitFor(BOARD_WAIT);

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0' });
    await importPool(t, POOL_SEED, POOL_SIZE);
    base = await t.listen();
    operator = await person(t, 'operator', { displayName: '王抽取' });
    await t.ctx.users.create({ username: 'desk-1', displayName: '一号评标室签到台', role: 'checkin', site: null, password: FIRST_PASSWORD }, 'test-setup');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    terminal = await (await context()).newPage();
    desk = await (await context()).newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs the operator in, in Chinese, and shows the operator’s screens only', async () => {
    await terminal.goto(`${base}/`);
    await expect(terminal.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await expect(terminal.title()).resolves.toBe('评标专家抽取控制台');
    await shot(terminal, 'login');
    // A wrong password: the service's refusal, in Chinese, and still the login.
    await logIn(terminal, operator.username, 'not-the-password-1');
    await expect(terminal.getByRole('alert').innerText()).resolves.toContain('用户名或密码错误');
    await logIn(terminal, operator.username, operator.password);
    await terminal.waitForSelector('table.board');
    expect(await navLinks(terminal)).toEqual(['抽取看板', '登记项目', '启封审批', '核验证明']);
    expect(await terminal.locator('header').innerText()).toContain('王抽取（操作员）');
  });

  it('registers a project through the form', async () => {
    await openScreen(terminal, '登记项目');
    // Nothing filled in: the form names the required fields by their labels, marks each, and sends nothing.
    await terminal.getByLabel('专业代码（第 1 组）').fill('');
    await terminal.getByRole('button', { name: '登记', exact: true }).click();
    await expect(terminal.getByRole('alert').innerText()).resolves.toBe('请填写：项目编号；招标人统一社会信用代码；开标时间；行政区划代码；专业代码（第 1 组）');
    expect(await terminal.locator('[aria-invalid=true]').evaluateAll((els) => els.map((e) => e.getAttribute('name')))).toEqual(['id', 'tenderer', 'bidOpeningAt', 'region', 'specialty']);
    await expect(terminal.getByLabel('开标时间').evaluate((e) => e.ownerDocument.getElementById(e.getAttribute('aria-describedby')!)!.textContent)).resolves.toBe('必填');
    // A field the service refuses: its reason under it, the others clear.
    await terminal.getByLabel('项目编号').fill(`${PROJECT}-X`);
    await terminal.getByLabel('招标人统一社会信用代码').fill(syntheticUscc(9701));
    await terminal.getByLabel('开标时间').fill(shanghaiLocal(Date.now() + 3 * 3600_000));
    await terminal.getByLabel('行政区划代码').fill('33');
    await terminal.getByLabel('专业代码（第 1 组）').fill(SPECIALTY);
    await terminal.getByRole('button', { name: '登记', exact: true }).click();
    await terminal.getByRole('alert').filter({ hasText: 'INVALID_INPUT' }).waitFor();
    expect(await terminal.locator('[aria-invalid=true]').evaluateAll((els) => els.map((e) => e.getAttribute('name')))).toEqual(['region']);
    expect(await terminal.locator('.field-error').allInnerTexts()).toEqual(['行政区划代码：6 位数字']);
    await terminal.getByLabel('行政区划代码').fill('');
    await terminal.getByLabel('项目编号').fill(PROJECT);
    await terminal.getByLabel('项目名称').fill('城西小学改扩建工程施工');
    await terminal.getByLabel('招标人统一社会信用代码').fill(syntheticUscc(9701));
    await terminal.getByLabel('招标代理机构统一社会信用代码（可空）').fill(syntheticUscc(9702));
    await terminal.getByLabel('开标时间').fill(shanghaiLocal(Date.now() + 3 * 3600_000));
    await terminal.getByLabel('行政区划代码').fill('330106');
    await terminal.getByLabel('评标地点').fill('杭州市公共资源交易中心 3号评标室');
    await terminal.getByLabel('专业代码（第 1 组）').fill(SPECIALTY);
    await terminal.getByLabel('人数（第 1 组）').fill('5');
    // Bidders known at registration: the draw excludes their people.
    await terminal.getByLabel('投标人统一社会信用代码（可空，逗号分隔）').fill(`${syntheticUscc(9703)}， ${syntheticUscc(9704)}`);
    // The assurance the policy sets unless a higher one is chosen; the lead time's hint names no number of its own.
    expect(await terminal.getByLabel('保证级别（可空：按本中心政策）').inputValue()).toBe('');
    expect(await terminal.locator('select[name=assurance] option').allInnerTexts()).toEqual(['按本中心政策', '见证', '信标']);
    await shot(terminal, 'register');
    await terminal.getByRole('button', { name: '登记', exact: true }).click();
    await expect(terminal.getByRole('status').innerText()).resolves.toContain(`项目 ${PROJECT} 已登记`);
    const stored = await t.app.inject({ url: `/v1/projects/${PROJECT}`, headers: operator.auth });
    expect(stored.json()).toMatchObject({ state: 'scheduled', venue: '杭州市公共资源交易中心 3号评标室', request: { groups: [{ specialty: SPECIALTY, count: 5 }] }, project: { bidders: [syntheticUscc(9703), syntheticUscc(9704)] } });
    expect(stored.json().assurance).toBeUndefined();
    // A new form after it: nothing of this project carries over to the next.
    expect(await terminal.locator('form input, form select').evaluateAll((els) => els.map((e) => [(e as unknown as { name: string }).name, (e as unknown as { value: string }).value]).filter(([, v]) => v !== ''))).toEqual([['count', '5']]);
    // A higher level is sent as chosen: beacon, refused here by the service (no beacon relay), with the field named.
    await terminal.getByLabel('项目编号').fill(`${PROJECT}-B`);
    await terminal.getByLabel('开标时间').fill(shanghaiLocal(Date.now() + 3 * 3600_000));
    await terminal.getByLabel('招标人统一社会信用代码').fill(syntheticUscc(9701));
    await terminal.getByLabel('行政区划代码').fill('330106');
    await terminal.getByLabel('专业代码（第 1 组）').fill(SPECIALTY);
    await terminal.getByLabel('保证级别（可空：按本中心政策）').selectOption('beacon');
    await terminal.getByRole('button', { name: '登记', exact: true }).click();
    await terminal.getByRole('alert').filter({ hasText: 'ASSURANCE_UNAVAILABLE' }).waitFor();
    expect((await t.app.inject({ url: `/v1/projects/${PROJECT}-B`, headers: operator.auth })).statusCode).toBe(404);
  });

  it('draws it now from the board, with the keyboard, behind a confirmation stating its assurance; the seats are called', async () => {
    await openScreen(terminal, '抽取看板');
    await row().waitFor();
    expect(await row().getAttribute('data-state')).toBe('scheduled');
    expect(await row().locator('.countdown').innerText()).toMatch(/^[12]:\d\d:\d\d$/);
    await row().getByRole('button', { name: '立即抽取' }).focus();
    await terminal.keyboard.press('Enter');
    const dialog = terminal.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('保证级别：服务随机数');
    await shot(terminal, 'draw-confirm');
    // Focus starts on 取消; nothing is drawn before the confirmation.
    expect(await terminal.locator(':focus').innerText()).toBe('取消');
    expect((await t.app.inject({ url: `/v1/projects/${PROJECT}`, headers: operator.auth })).json().drawId).toBeNull();
    await terminal.keyboard.press('Tab');
    await terminal.keyboard.press('Enter');
    await terminal.waitForSelector(`tr[data-project="${PROJECT}"][data-state="drawn"]`);
    drawId = (await t.app.inject({ url: `/v1/projects/${PROJECT}`, headers: operator.auth })).json().drawId;
    // The level the confirmation stated is the one the draw has.
    const draw = (await t.app.inject({ url: `/v1/draws/${drawId}`, headers: operator.auth })).json();
    expect(draw.assurance).toBe(IMMEDIATE_ASSURANCE);
    expect(await terminal.locator('p.success').innerText()).toContain(`抽取编号 ${drawId}，保证级别为“服务随机数”。`);
    await callsShown(`${SPECIALTY}（5 席）：通知中 5`);
  });

  it('moves as experts answer on their answer pages', async () => {
    const { roster } = await t.ctx.roster.read(drawId);
    const seatOf = new Map(roster.calls.map((c) => [c.messageId, c.seat]));
    const links = (await sentMessages(t)).filter((m) => seatOf.has(m.messageId)).sort((a, b) => seatOf.get(a.messageId)! - seatOf.get(b.messageId)!).map((m) => m.responseUrl!);
    expect(links).toHaveLength(5);
    const phone = await (await context()).newPage();
    for (const [seat, button, state] of [[0, '接受', 'accepted'], [1, '拒绝', 'declined']] as const) {
      await phone.goto(links[seat]!);
      await phone.getByRole('button', { name: button }).click();
      // A decline asks once more before it is sent.
      if (button === '拒绝') await phone.getByRole('button', { name: '确认拒绝' }).click();
      await phone.waitForSelector(`main[data-state="${state}"]`);
    }
    // Seat 0 is filled; seat 1's decline passed it to the next ranked expert, who is being called: the group shows its
    // seats by their current call, and the decline still counts.
    const groups = (await t.app.inject({ url: `/v1/draws/${drawId}`, headers: operator.auth })).json().callsByGroup;
    expect(groups).toEqual([expect.objectContaining({ specialty: SPECIALTY, seats: 5, current: expect.objectContaining({ accepted: 1, calling: 4 }), vacant: 0, declined: 1, timedOut: 0 })]);
    await callsShown(`${SPECIALTY}（5 席）：已接受 1 · 通知中 4（已结束的通知：已拒绝 1）`);
    // A later day's heading writes its date as the board's times do, with the weekday (today's says 今天).
    const heading = await terminal.locator('tr.day th').first().innerText();
    expect(heading === '今天' || /^\d{4}-\d{2}-\d{2}（周[一二三四五六日]）$/.test(heading), heading).toBe(true);
    // Counts, never names: no expert of the pool appears anywhere on the board.
    const board = await terminal.locator('main').innerText();
    for (let i = 0; i < POOL_SIZE; i++) expect(board).not.toContain(syntheticPersonal(i).name);
    await shot(terminal, 'board');
  });

  it('shows the project’s timeline from the log', async () => {
    await row().getByRole('link', { name: '时间线' }).click();
    await terminal.waitForSelector('table.timeline');
    const types = await terminal.locator('table.timeline tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    expect(types).toEqual(expect.arrayContaining(['project.registered', 'draw.commit', 'draw.result']));
    // Each event by its name in the reader's language, above its log entry type.
    expect(await terminal.locator('table.timeline tbody tr[data-type="draw.commit"] td').nth(2).innerText()).toBe('抽取承诺\ndraw.commit');
    // Each detail by its name, and its value named where the console has a name for it.
    expect(await terminal.locator('table.timeline tbody tr[data-type="draw.commit"] td.detail').innerText()).toContain('保证级别：服务随机数');
    expect(await terminal.locator('table.timeline tbody tr[data-type="project.registered"] td.detail').innerText()).toMatch(/提前分钟数：60；组数：1；远程评标场地：—$/);
    // Codes named: a delivery's kind, a call's outcome (one accepted, one declined above).
    expect(await terminal.locator('table.timeline tbody tr[data-type="call.delivery"] td.detail').first().innerText()).toMatch(/；类型：通知；第几次发送：1；发送成功：是；/);
    const outcomes = await terminal.locator('table.timeline tbody tr[data-type="record.call"] td.detail').allInnerTexts();
    expect(outcomes.map((o) => /^结果：(\S+?)；/.exec(o)?.[1]).sort()).toEqual(['拒绝', '接受']);
    // A payload's times in the terminal's zone (Asia/Shanghai, +08:00, no daylight saving), to the second.
    const events = (await t.app.inject({ url: `/v1/projects/${PROJECT}/timeline`, headers: operator.auth })).json().events as Array<{ type: string; detail?: { deadline?: string } }>;
    const deadline = events.find((e) => e.type === 'calls.placed')!.detail!.deadline!;
    const shanghai = new Date(Date.parse(deadline) + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(await terminal.locator('table.timeline tbody tr[data-type="calls.placed"] td.detail').first().innerText()).toMatch(new RegExp(`答复期限：${shanghai}($|；)`));
    // Group, seat and rank from 1, as the unseal panel and the check-in desk count them.
    expect(await terminal.locator('table.timeline tbody tr[data-type="calls.placed"] td').nth(3).innerText()).toBe('1 / 1 / 1');
    expect(await terminal.locator('main').innerText()).not.toContain(syntheticPersonal(0).name);
    await shot(terminal, 'timeline');
  });

  it('checks the expert in at the desk, keyboard only, after the desk’s first password; refuses a stranger in large type', async () => {
    const page = desk;
    await logIn(page, 'desk-1', FIRST_PASSWORD);
    await page.getByLabel('当前密码（初始密码）').fill(FIRST_PASSWORD);
    await page.getByLabel('新密码', { exact: true }).fill('desk-chooses-this-1');
    await page.getByLabel('再次输入新密码').fill('desk-chooses-this-1');
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.waitForSelector('.desk');
    expect(await navLinks(page)).toEqual(['签到台']);

    // The expert holding seat 0 (who accepted), by the number on their card.
    const pool = generatePool({ size: POOL_SIZE, seed: POOL_SEED, fixed: [{ code: SPECIALTY, members: POOL_SIZE }] });
    const { roster } = await t.ctx.roster.read(drawId);
    const index = pool.experts.findIndex((e) => e.id === roster.groups[0]!.ranking[0]);
    const card = syntheticPersonal(index);
    await page.getByLabel('本评标室的项目编号').fill(PROJECT);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('name')).toBe('idNumber');
    // A card reader types the number and Enter.
    await page.keyboard.type(card.idNumber);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.desk-answer[data-outcome="admitted"]');
    const admitted = await page.locator('.desk-answer').innerText();
    expect(admitted).toContain('签到成功');
    expect(admitted).toContain(card.name);
    expect(admitted).toContain('杭州市公共资源交易中心 3号评标室');
    expect(await page.getByLabel(/居民身份证号码/).inputValue()).toBe('');
    // Large type: the name stands some 40 px tall, readable from a step away.
    expect((await page.locator('.desk-answer .name').boundingBox())!.height).toBeGreaterThanOrEqual(40);
    await shot(page, 'checkin');

    await page.keyboard.type(syntheticPersonal(POOL_SIZE + 7).idNumber);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.desk-answer[data-outcome="refused"]');
    expect(await page.locator('.desk-answer').innerText()).toContain('此居民身份证号码不是本项目评标席位上的专家：未被通知，或其通知已结束');
    expect(await page.locator(':focus').getAttribute('name')).toBe('idNumber');
    await shot(page, 'checkin-refused');

    // An access token that no longer works (they live minutes) is refreshed once and the card read again: the expert
    // is already in.
    await page.evaluate(`(() => { const s = JSON.parse(sessionStorage.getItem('expert-draw.session')); s.accessToken = 'expired.access.token'; sessionStorage.setItem('expert-draw.session', JSON.stringify(s)); })()`);
    await page.keyboard.type(card.idNumber);
    await page.keyboard.press('Enter');
    await page.locator('.desk-answer .reason', { hasText: '该专家已签到' }).waitFor();
    expect(await navLinks(page)).toEqual(['签到台']);
  });

  it('hides the operator’s screens from a role without them, and the API refuses that role anyway', async () => {
    // The desk's tab (its login is the tab's), sent to the board's address.
    const page = desk;
    await page.goto(`${base}/#/board`);
    await page.waitForSelector('[data-refused="board"]');
    expect(await page.locator('main').innerText()).toContain('您的角色无权使用此页面');
    expect(await page.locator('table.board').count()).toBe(0);
    expect(await navLinks(page)).toEqual(['签到台']);
    const session = JSON.parse(await page.evaluate<string>('sessionStorage.getItem("expert-draw.session")')) as { accessToken: string };
    const statuses = await page.evaluate(async ([project, token]) => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const list = await fetch('/v1/projects', { headers });
      const draw = await fetch(`/v1/projects/${project}/draw`, { method: 'POST', headers });
      return [list.status, draw.status];
    }, [PROJECT, session.accessToken] as const);
    expect(statuses).toEqual([403, 403]);
  });

  it('switches to English and back, and every input has a label', async () => {
    // The form drawn first: counting does not wait, and a loaded machine draws it after the click returns.
    await openScreen(terminal, '登记项目');
    // Every input sits in its label.
    expect(await terminal.locator('input').count()).toBeGreaterThan(8);
    expect(await terminal.locator('label input').count()).toBe(await terminal.locator('input').count());
    // What was typed stays through the switch.
    await terminal.getByLabel('项目编号').fill('P-HALF-TYPED');
    await terminal.getByRole('button', { name: 'Switch to English' }).click();
    await terminal.waitForSelector('html[lang="en"]');
    expect(await navLinks(terminal)).toEqual(['Draw board', 'Register a project', 'Unseal approvals', 'Verify a proof']);
    await terminal.getByLabel('Project id').waitFor();
    expect(await terminal.getByLabel('Project id').inputValue()).toBe('P-HALF-TYPED');
    await terminal.getByLabel('Project id').fill('');
    await terminal.getByRole('button', { name: '切换到中文' }).click();
    await terminal.waitForSelector('html[lang="zh-CN"]');
  });

  it('broke no rule of its CSP and logged no error', () => {
    expect(errors).toEqual([]);
  });
});
