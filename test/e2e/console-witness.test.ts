// The supervisor's witness deposit screen in Chromium (playwright-core, headless): for a witnessed project, the browser
// makes 32 random bytes, shows their SHA-256, posts them and shows the receipt — the log entry and the commitment, the
// same the page computed and the log holds. The secret is sent once and shown nowhere; a second deposit is refused with
// the service's code. The operator's draw-now confirmation on the board then states `witnessed` for the project, as
// the draw reaches it. A screen is drawn once for its address, so nothing typed is lost to a second drawing.
// UPDATE_SCREENSHOTS=1 refreshes docs/screenshots/console-witness.png.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { importPool, SPECIALTY } from '../helpers/calls.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const PROJECT = 'P-WITNESS-0001';
const HOUR = 3_600_000;

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console witness test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

describe.skipIf(missing)('the witness deposit screen in Chromium', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let page: Page;
  let supervisor: Person;
  const sent: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0' });
    await importPool(t, 'console-witness', 30);
    base = await t.listen();
    supervisor = await person(t, 'supervisor', { displayName: '赵见证' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: t.auth('operator'),
      payload: { id: PROJECT, tenderer: syntheticUscc(9801), bidOpeningAt: new Date(Date.now() + 3 * HOUR).toISOString(), region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }], assurance: 'witnessed' },
    });
    expect(res.statusCode, res.body).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    context.on('console', (m) => {
      const refusal = /^Failed to load resource: .* status of 4\d\d/.test(m.text());
      if (m.type() === 'error' && !refusal) errors.push(m.text());
    });
    context.on('weberror', (e) => errors.push(e.error().message));
    context.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/witness-deposits')) sent.push((r.postDataJSON() as { secret: string }).secret);
    });
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a supervisor deposits: the page shows the commitment it computed, the receipt naming the same, and the secret once, to keep', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(supervisor.username);
    await page.getByLabel('密码', { exact: true }).fill(supervisor.password);
    await page.getByRole('button', { name: '登录' }).click();
    await openScreen(page, '见证存入');
    await page.getByLabel('项目编号').fill(PROJECT);
    await page.getByRole('button', { name: '生成并存入秘密' }).click();
    await page.waitForSelector('#witness-answer[data-outcome="deposited"]');
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `${SHOTS}console-witness.png` });

    expect(sent).toHaveLength(1);
    const secret = sent[0]!;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const commitment = createHash('sha256').update(Buffer.from(secret, 'hex')).digest('hex');
    expect(await page.locator('.receipt-commitment').innerText()).toBe(commitment);
    expect(await page.locator('#witness-answer').innerText()).toContain('存入凭证中的承诺与本机计算的一致');
    // The secret is shown after the deposit, with a file to keep: the witness finds it in the disclosure by it (an
    // outside audit: a secret nobody kept cannot be told from one the service made up, stop 43).
    expect(await page.locator('#witness-answer code.secret').innerText()).toBe(secret);
    expect(await page.getByRole('link', { name: '下载秘密文件' }).getAttribute('download')).toMatch(/^witness-secret-D-[0-9a-f-]{36}\.txt$/);

    const project = (await t.app.inject({ url: `/v1/projects/${PROJECT}`, headers: t.auth('supervisor') })).json();
    expect(project.plan.deposits).toEqual([{ index: Number(await page.locator('.receipt .index').innerText()), witness: { user: supervisor.userId, role: 'supervisor' }, commitment }]);
    const entry = JSON.parse((await t.ctx.auditLog.entry(project.plan.deposits[0].index)).toString()) as { type: string; payload: { commitment: string } };
    expect(entry).toMatchObject({ type: 'witness.deposited', payload: { commitment } });
  });

  it('a second deposit is refused with the service’s code, and the page says so (a refused secret is not shown)', async () => {
    // The witness's own secret, pasted: sent as typed (and refused: one deposit per witness per plan).
    const own = 'ab'.repeat(24);
    await page.getByLabel('自己的秘密（可选）').fill(own);
    await page.getByRole('button', { name: '生成并存入秘密' }).click();
    await page.waitForSelector('#witness-answer[data-outcome="refused"]');
    expect(await page.locator('#witness-answer .code').innerText()).toContain('ALREADY_DEPOSITED');
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(own);
    expect(await page.locator('#witness-answer').innerText()).not.toContain(own);
    expect(errors).toEqual([]);
  });

  it('draws a screen once for its address: a stale hashchange event does not draw it again over what was typed', async () => {
    // Two address changes in one task queue two hashchange events, and both find the last address (as the home screen's
    // redirect after the login and a quick click in the navigation did: the form filled in the first drawing was
    // replaced by an empty one). The page fills the form between the two events and reads it after the second.
    await openScreen(page, '抽取看板');
    await page.waitForSelector('table.board');
    const kept = await page.evaluate<string>(`new Promise((resolve) => {
      const input = () => document.querySelector('#main input[name="projectId"]');
      let events = 0;
      window.addEventListener('hashchange', () => {
        events++;
        if (events === 1) input().value = 'P-TYPED-0001';
        if (events === 2) setTimeout(() => resolve(input()?.value ?? '(no form)'));
      });
      location.hash = '#/alerts';
      location.hash = '#/witness';
    })`);
    expect(kept).toBe('P-TYPED-0001');
  });

  it('the board’s draw-now confirmation states witnessed for the planned project, and the draw reaches it', async () => {
    const operator = await person(t, 'operator', { displayName: '王抽取' });
    const terminal = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
    await terminal.goto(`${base}/`);
    await terminal.getByLabel('用户名').fill(operator.username);
    await terminal.getByLabel('密码', { exact: true }).fill(operator.password);
    await terminal.getByRole('button', { name: '登录' }).click();
    const row = terminal.locator(`tr[data-project="${PROJECT}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: '立即抽取' }).click();
    const dialog = terminal.getByRole('dialog');
    await dialog.locator('p.assurance[data-assurance="witnessed"]').waitFor();
    expect(await dialog.innerText()).toContain('保证级别：见证');
    expect(await dialog.innerText()).toContain('已存入 1 份，政策要求 1 份');
    await dialog.getByRole('button', { name: '确认' }).click();
    await terminal.waitForSelector(`tr[data-project="${PROJECT}"][data-state="drawn"]`);
    const drawId = (await t.app.inject({ url: `/v1/projects/${PROJECT}`, headers: t.auth('operator') })).json().drawId;
    expect((await t.app.inject({ url: `/v1/draws/${drawId}`, headers: t.auth('operator') })).json()).toMatchObject({ assurance: 'witnessed', witnesses: { deposited: 1 } });
  });

  it('does not offer a draw the service refuses for want of deposits before they close, says why, and gives the keyboard back on Escape', async () => {
    const opening = new Date(Date.now() + 3 * HOUR).toISOString();
    const short = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: { id: `${PROJECT}-SHORT`, tenderer: syntheticUscc(9803), bidOpeningAt: opening, region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }], assurance: 'witnessed' } });
    expect(short.statusCode, short.body).toBe(201);
    // A project drawn three weeks from now is not on the board's days: typed into the filter, its timeline is offered.
    const far = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: { id: `${PROJECT}-FAR`, tenderer: syntheticUscc(9803), bidOpeningAt: new Date(Date.now() + 21 * 24 * HOUR).toISOString(), region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] } });
    expect(far.statusCode, far.body).toBe(201);
    const operator = await person(t, 'operator', { displayName: '李抽取' });
    const terminal = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })).newPage();
    await terminal.goto(`${base}/`);
    await terminal.getByLabel('用户名').fill(operator.username);
    await terminal.getByLabel('密码', { exact: true }).fill(operator.password);
    await terminal.getByRole('button', { name: '登录' }).click();
    const row = terminal.locator(`tr[data-project="${PROJECT}-SHORT"]`);
    await row.waitFor();
    await row.getByRole('button', { name: '立即抽取' }).click();
    const dialog = terminal.getByRole('dialog');
    await dialog.getByRole('alert').filter({ hasText: '截止前不能现在抽取' }).waitFor();
    // The service refuses it until the deposits close: said with the close in the centre's time (UTC+8 here).
    const closeAt = new Date(Date.parse(short.json().plan.depositsCloseAt) + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
    expect(await dialog.getByRole('alert').innerText()).toBe(`见证人已存入 0 份，政策要求 1 份：见证存入 ${closeAt} 截止，截止前不能现在抽取（会使见证落空）。请先请见证人在“见证存入”中存入，或等到截止后按计划抽取。`);
    await expect(dialog.getByRole('button', { name: '确认' }).isDisabled()).resolves.toBe(true);
    await terminal.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await terminal.evaluate<string | null>('document.activeElement?.textContent ?? null')).toBe('立即抽取');
    expect((await t.app.inject({ url: `/v1/projects/${PROJECT}-SHORT`, headers: t.auth('operator') })).json().state).toBe('scheduled');
    await terminal.getByLabel('筛选（项目编号或名称）').fill(`${PROJECT}-FAR`);
    await terminal.getByRole('link', { name: `查看项目 ${PROJECT}-FAR 的时间线` }).click();
    await terminal.getByRole('heading', { name: new RegExp(`${PROJECT}-FAR`) }).waitFor();
  });
});
