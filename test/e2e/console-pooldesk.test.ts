// The pool desk in a real browser (Debian's Chromium through playwright-core, headless, 1280×800): the pool manager
// checks a CSV file with bad rows (each shown by line and field, in the console's language, nothing stored), fixes it
// and imports it after a clean dry run; pages through the experts by the API's cursor; suspends one with a reason (the
// audit log has it), edits its attributes, availability and relations; registers an organisation. A file of 100,000
// bad rows is reported a page at a time. An operator sees no pool desk and the API refuses it. UPDATE_SCREENSHOTS=1
// refreshes docs/screenshots/console-pooldesk*.png.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS_PER_PAGE, EXPERTS_PER_PAGE } from '../../console/src/settings.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const SPECIALTY = 'C990201';
/** More than a page of experts, so that the search has a second page. */
const POOL_SIZE = EXPERTS_PER_PAGE + 12;
const FILE_LABEL = '专家库文件（.csv、.jsonl）';

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console pool desk test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

const pool = generatePool({ size: POOL_SIZE, seed: 'console-pooldesk', fixed: [{ code: SPECIALTY, members: POOL_SIZE }] });
const BAD_REGION = '33010X';
const BAD_ID_NUMBER = '110105194912310021';

/** The pool as a CSV file with Chinese headers; `bad` spoils a region (row 2, line 3) and an ID number (row 4, line 5). */
function poolCsv(bad: boolean, leaveOut: readonly number[] = []): Buffer {
  const lines = ['专家编号,姓名,手机,身份证号,专业代码,地区代码,统一社会信用代码,状态'];
  pool.experts.forEach((e, i) => {
    if (leaveOut.includes(i)) return;
    const p = syntheticPersonal(i);
    const region = bad && i === 1 ? BAD_REGION : e.region;
    const idNumber = bad && i === 3 ? BAD_ID_NUMBER : p.idNumber;
    lines.push([e.id, p.name, p.phone, idNumber, e.specialties.join(';'), region, e.employer, '正常'].join(','));
  });
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

describe.skipIf(missing)('the pool desk in Chromium', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let manager: Person;
  let operator: Person;
  let page: Page;
  const errors: string[] = [];
  const target = pool.experts[EXPERTS_PER_PAGE + 3]!.id;
  /** The target's new employer, not yet a registered organisation. */
  const employer = syntheticUscc(8801);

  const shot = async (p: Page, name: string) => {
    if (process.env.UPDATE_SCREENSHOTS) await p.screenshot({ path: `${SHOTS}console-${name}.png` });
  };
  const newPage = async () => {
    const c = await browser.newContext(DESKTOP);
    c.on('console', (m) => {
      // The refusals this test asks for (a bad file, an unknown organisation) are the page's to show, not its errors.
      const refusal = /^Failed to load resource: .* status of 4\d\d/.test(m.text()) && new URL(m.location().url).pathname.startsWith('/v1/');
      if (m.type() === 'error' && !refusal) errors.push(`${m.text()} (${m.location().url})`);
      // Nothing of the pool is ever written to the browser's console.
      if (m.type() !== 'error') errors.push(`console.${m.type()}: ${m.text()}`);
    });
    c.on('weberror', (e) => errors.push(e.error().message));
    const p = await c.newPage();
    // A step that cannot happen fails with its own reason, well inside the test's time.
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
  const navLinks = (p: Page) => p.getByRole('navigation', { name: '主导航' }).getByRole('link').allInnerTexts();
  const experts = async () => (await t.app.inject({ url: '/v1/experts?limit=500', headers: manager.auth })).json().items as { id: string }[];
  const expert = async (id: string) => (await t.app.inject({ url: `/v1/experts/${id}`, headers: manager.auth })).json();

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0' });
    base = await t.listen();
    manager = await person(t, 'pool-manager', { displayName: '李专家库' });
    operator = await person(t, 'operator', { displayName: '王抽取' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs the pool manager in to the pool desk', async () => {
    await logIn(page, manager);
    expect(await navLinks(page)).toEqual(['专家库', '信息变更审批', '履职与申诉']);
    await page.getByRole('heading', { name: '查找专家' }).waitFor();
    // The first page of the pool at once: empty, before the import.
    await page.locator('.results', { hasText: '没有符合条件的专家。' }).waitFor();
    expect(await page.getByRole('navigation', { name: '专家库管理' }).getByRole('link').allInnerTexts()).toEqual(['专家', '导入', '单位', '准入与退出']);
  });

  it('checks a file with bad rows: every one by line and field, nothing stored, no import offered', async () => {
    await openScreen(page, '导入', '专家库管理');
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'pool.csv', mimeType: 'text/csv', buffer: poolCsv(true) });
    const importButton = page.getByRole('button', { name: '导入', exact: true });
    expect(await importButton.isDisabled()).toBe(true);
    await page.getByRole('button', { name: '检查文件' }).click();
    await page.waitForSelector('table.import-errors');
    expect(await page.locator('.import-report [role=alert]').innerText()).toBe('文件有 2 处错误，未保存任何数据。请改正文件后重新检查。');
    const rows = await page.locator('table.import-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map(([line, field, , code]) => [line, field, code])).toEqual([
      ['3', '地区（region）', 'INVALID_FIELD'],
      ['5', '身份证号（idNumber）', 'INVALID_FIELD'],
    ]);
    // The reasons are the service's, in Chinese; the bad ID number itself is never repeated.
    expect(rows[1]![2]).toMatch(/[\u4e00-\u9fff]/);
    expect(await page.locator('main').innerText()).not.toContain(BAD_ID_NUMBER);
    expect(await importButton.isDisabled()).toBe(true);
    expect(await experts()).toEqual([]);
    await shot(page, 'pooldesk-import');
  });

  it('shows the reasons in English when the console is in English', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByLabel('Pool file (.csv, .jsonl)').setInputFiles({ name: 'pool.csv', mimeType: 'text/csv', buffer: poolCsv(true) });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.waitForSelector('table.import-errors');
    expect(await page.locator('.import-report [role=alert]').innerText()).toContain('The file has 2 errors; nothing was stored.');
    expect(await page.locator('table.import-errors tbody tr').first().locator('td').nth(2).innerText()).not.toMatch(/[\u4e00-\u9fff]/);
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.waitForSelector('html[lang="zh-CN"]');
  });

  it('imports the corrected file only after a clean dry run, and says how many', async () => {
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'pool.csv', mimeType: 'text/csv', buffer: poolCsv(false) });
    await page.getByRole('button', { name: '检查文件' }).click();
    await page.waitForSelector('ul.diff');
    expect(await page.locator('ul.diff [data-count=added]').innerText()).toBe(`新增 ${POOL_SIZE} 位`);
    expect(await page.locator('ul.diff [data-count=changed]').innerText()).toBe('修改 0 位');
    // A dry run stores nothing.
    expect(await experts()).toEqual([]);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    const done = page.locator('[data-imported]');
    await done.waitFor();
    expect(await done.innerText()).toContain(`已导入 ${POOL_SIZE} 位专家（新增 ${POOL_SIZE}，修改 0）`);
    expect(await done.getAttribute('data-imported')).toBe(String(POOL_SIZE));
    expect((await experts()).map((e) => e.id).sort()).toEqual(pool.experts.map((e) => e.id).sort());
    // Imported: a second import of it needs another check.
    expect(await page.getByRole('button', { name: '导入', exact: true }).isDisabled()).toBe(true);
  });

  it('offers to retire the experts a revised file leaves out, and asks for a new check when that choice changes', async () => {
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'pool.csv', mimeType: 'text/csv', buffer: poolCsv(false, [1, 2]) });
    await page.getByLabel('文件中没有的专家退出专家库').check();
    await page.getByRole('button', { name: '检查文件' }).click();
    await page.waitForSelector('ul.diff');
    expect(await page.locator('ul.diff').innerText()).toBe(['新增 0 位', '修改 0 位', `不变 ${POOL_SIZE - 2} 位`, '退出专家库 2 位（文件中没有）'].join('\n'));
    const importButton = page.getByRole('button', { name: '导入', exact: true });
    expect(await importButton.isDisabled()).toBe(false);
    // Another choice is another import: the check no longer holds for it.
    await page.getByLabel('文件中没有的专家退出专家库').uncheck();
    expect(await importButton.isDisabled()).toBe(true);
    expect(await page.locator('ul.diff').count()).toBe(0);
    expect((await expert(pool.experts[1]!.id)).status).toBe('active');
  });

  it('names a JSON line’s nested fields step by step, with their paths', async () => {
    const line = (i: number, change: (row: Record<string, unknown>) => void) => {
      const row: Record<string, unknown> = { ...pool.experts[i]!, personal: syntheticPersonal(i) };
      change(row);
      return JSON.stringify(row);
    };
    const lines = [
      line(0, () => undefined),
      line(1, (row) => (row.relations = [{ kind: 'org', holder: 'self', role: 'cashier', org: syntheticUscc(5), until: null }])),
      line(2, (row) => (row.personal = { ...syntheticPersonal(2), phone: 'not a phone' })),
      line(3, (row) => (row.specialties = [SPECIALTY, 'x'])),
    ];
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'nested.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) });
    await page.getByRole('button', { name: '检查文件' }).click();
    await page.locator('.import-report [role=alert]', { hasText: '文件有 3 处错误' }).waitFor();
    const rows = await page.locator('table.import-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map(([line, field]) => [line, field])).toEqual([
      ['2', '关联关系 › 第 1 项 › 职务（relations.0.role）'],
      ['3', '个人信息 › 手机（personal.phone）'],
      ['4', '专业 › 第 2 项（specialties.1）'],
    ]);
    // Nothing stored: the pool imported above is as it was.
    expect(await experts()).toHaveLength(POOL_SIZE);
    expect((await expert(pool.experts[1]!.id)).relations).toEqual([]);
  });

  it('reports a 100,000-line file of bad rows a page at a time: all counted, the first 1,000 listed, never 100,000 rows on the page', async () => {
    const count = 100_000;
    const lines = Array.from({ length: count }, (_, i) => `{"id": "E9${String(i).padStart(6, '0')}", broken`);
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'broken.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) });
    await page.getByRole('button', { name: '检查文件' }).click();
    // While the service reads it, the page says so, with the file's line count.
    await page.getByRole('status').filter({ hasText: `正在检查 broken.jsonl（${count} 行）` }).waitFor();
    await page.waitForSelector('table.import-errors', { timeout: 60_000 });
    // Every error counted; the answer lists the first 1,000 by line (a full list was a 70 MB answer), and says so.
    const alert = await page.locator('.import-report [role=alert]').innerText();
    expect(alert).toContain(`文件有 ${count} 处错误`);
    expect(alert).toContain('下面列出按行号排列的前 1000 处');
    expect(await page.locator('table.import-errors tbody tr').count()).toBe(ERRORS_PER_PAGE);
    expect(await page.locator('.pager .status').innerText()).toBe(`第 1–${ERRORS_PER_PAGE} 处，共 1000 处`);
    expect(await page.getByRole('button', { name: '上一页' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '下一页' }).click();
    expect(await page.locator('.pager .status').innerText()).toBe(`第 ${ERRORS_PER_PAGE + 1}–${2 * ERRORS_PER_PAGE} 处，共 1000 处`);
    expect(await page.locator('table.import-errors tbody tr').first().getAttribute('data-line')).toBe(String(ERRORS_PER_PAGE + 1));
    expect(await experts()).toHaveLength(POOL_SIZE);
  }, 90_000);

  it('reports a file of hundreds of bad rows a page at a time', async () => {
    const count = ERRORS_PER_PAGE * 2 + 50;
    const lines = Array.from({ length: count }, (_, i) => `{"id": "E9${String(i).padStart(6, '0')}", broken`);
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'broken.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) });
    await page.getByRole('button', { name: '检查文件' }).click();
    await page.waitForSelector('table.import-errors');
    expect(await page.locator('table.import-errors tbody tr').count()).toBe(ERRORS_PER_PAGE);
    expect(await page.locator('.pager .status').innerText()).toBe(`第 1–${ERRORS_PER_PAGE} 处，共 ${count} 处`);
    await page.getByRole('button', { name: '下一页' }).click();
    await page.getByRole('button', { name: '下一页' }).click();
    expect(await page.locator('table.import-errors tbody tr').count()).toBe(50);
    expect(await page.locator('table.import-errors tbody tr').last().getAttribute('data-line')).toBe(String(count));
    expect(await page.getByRole('button', { name: '下一页' }).isDisabled()).toBe(true);
    expect(await experts()).toHaveLength(POOL_SIZE);
  });

  it('pages through the experts of a specialty with the API’s cursor', async () => {
    await openScreen(page, '专家', '专家库管理');
    await page.getByLabel('专业代码（含其下级专业）').fill(SPECIALTY);
    await page.getByLabel('状态', { exact: true }).selectOption('active');
    await page.getByRole('button', { name: '查找', exact: true }).click();
    await page.waitForSelector('table.experts');
    expect(await page.locator('table.experts tbody tr').count()).toBe(EXPERTS_PER_PAGE);
    expect(await page.getByRole('button', { name: '上一页' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: '下一页' }).click();
    await page.waitForSelector('[data-page="2"]');
    const second = await page.locator('table.experts tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-expert')));
    expect(second).toEqual(pool.experts.map((e) => e.id).sort().slice(EXPERTS_PER_PAGE));
    expect(await page.getByRole('button', { name: '下一页' }).isDisabled()).toBe(true);
    // No personal data anywhere on the screen.
    const text = await page.locator('main').innerText();
    for (let i = 0; i < POOL_SIZE; i++) expect(text).not.toContain(syntheticPersonal(i).idNumber);
  });

  it('suspends an expert with a reason and an end date; the audit log has the reason', async () => {
    await page.getByRole('button', { name: `查看 ${target}` }).click();
    await page.getByRole('heading', { name: `专家 ${target}` }).waitFor();
    await page.getByLabel('新状态').selectOption('suspended');
    await page.getByLabel('原因（记入审计日志）').fill('连续三次无故拒绝通知');
    await page.getByLabel('暂停至（含当日；不填为未定）').fill('2027-01-31');
    await page.getByRole('button', { name: '更改状态' }).click();
    await page.waitForSelector(`section.expert[data-status="suspended"]`);
    expect(await page.locator(`tr[data-expert="${target}"]`).getAttribute('data-status')).toBe('suspended');
    expect(await page.locator('section.expert .status').first().innerText()).toContain('暂停至 2027-01-31');
    expect(await expert(target)).toMatchObject({ status: 'suspended', suspendedUntil: '2027-01-31' });
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'pooldesk');
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: '/tmp/pooldesk-full.png', fullPage: true });
    const log = (await t.app.inject({ url: '/v1/log/entries?start=0&limit=1000', headers: t.auth('supervisor') })).json().items as { entry: string }[];
    const statusEntries = log.map((e) => JSON.parse(e.entry)).filter((e) => e.type === 'expert.status');
    expect(statusEntries).toEqual([expect.objectContaining({ payload: expect.objectContaining({ id: target, from: 'active', to: 'suspended', until: '2027-01-31', reason: '连续三次无故拒绝通知', by: manager.userId }) })]);
  });

  it('finds one expert by id, and says so when there is none', async () => {
    const byId = page.getByLabel('专家编号（填写时只查此专家）');
    await byId.fill('E9999999');
    await page.getByRole('button', { name: '查找', exact: true }).click();
    await page.locator('form[role=search] [role=alert]', { hasText: '错误代码：NOT_FOUND' }).waitFor();
    expect(await page.locator('table.experts').count()).toBe(0);
    await byId.fill(target);
    await page.getByRole('button', { name: '查找', exact: true }).click();
    await page.getByRole('heading', { name: `专家 ${target}` }).waitFor();
    // The heading may still be the earlier test's, and the table is drawn anew: evaluateAll does not wait, so the
    // rows are read until they settle on the one expert (or 10 s pass, and the assertion shows what is there).
    const rows = () => page.locator('table.experts tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-expert')));
    for (const start = Date.now(); Date.now() - start < 10_000 && JSON.stringify(await rows()) !== JSON.stringify([target]); ) await new Promise((r) => setTimeout(r, 50));
    expect(await rows()).toEqual([target]);
    expect(await page.locator('section.expert').getAttribute('data-status')).toBe('suspended');
  });

  it('refuses a reinstatement without a reason, with the service’s words', async () => {
    await page.getByLabel('新状态').selectOption('active');
    expect(await page.getByLabel('暂停至（含当日；不填为未定）').isDisabled()).toBe(true);
    await page.getByRole('button', { name: '更改状态' }).click();
    const alert = page.locator('form.expert-status [role=alert]');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.innerText()).toContain('INVALID_INPUT');
    expect(await expert(target)).toMatchObject({ status: 'suspended' });
  });

  it('edits the attributes, the dates unavailable and the declared relations', async () => {
    await page.locator('form.expert-edit').getByLabel('工作单位统一社会信用代码').fill(employer);
    await page.locator('form.expert-edit').getByRole('button', { name: '保存' }).click();
    await page.locator('form.expert-edit [role=status]', { hasText: '已保存' }).waitFor();
    expect(await expert(target)).toMatchObject({ employer });

    await page.getByLabel('日期（YYYY-MM-DD，每行一个或用逗号隔开）').fill('2027-02-03, 2027-02-01\n2027-02-01');
    await page.locator('form.expert-availability').getByRole('button', { name: '保存' }).click();
    await page.locator('form.expert-availability [role=status]', { hasText: '已保存' }).waitFor();
    expect((await expert(target)).unavailable).toEqual(['2027-02-01', '2027-02-03']);
    expect(await page.getByLabel('日期（YYYY-MM-DD，每行一个或用逗号隔开）').inputValue()).toBe('2027-02-01\n2027-02-03');

    const relative = pool.experts[0]!.id;
    const org = syntheticUscc(8802);
    const before = (await expert(target)).relations.length;
    await page.getByRole('button', { name: '添加任职' }).click();
    const n = before + 1;
    await page.getByLabel(`任职人（第 ${n} 项）`).selectOption('relative');
    await page.getByLabel(`职务（第 ${n} 项）`).selectOption('controlling-shareholder');
    await page.getByLabel(`单位统一社会信用代码（第 ${n} 项）`).fill(org);
    await page.getByRole('button', { name: '添加近亲属' }).click();
    // The new relative's field has the focus: typed at once.
    await page.keyboard.type(relative);
    expect(await page.getByLabel(`近亲属的专家编号（第 ${n + 1} 项）`).inputValue()).toBe(relative);
    await page.getByRole('button', { name: '保存回避关系' }).click();
    await page.locator('form.expert-relations [role=status]', { hasText: '已保存' }).waitFor();
    const relations = (await expert(target)).relations;
    expect(relations.slice(before)).toEqual([
      { kind: 'org', holder: 'relative', role: 'controlling-shareholder', org, until: null },
      { kind: 'relative', expertId: relative },
    ]);
    // Removing one and saving again replaces the list.
    await page.getByRole('button', { name: `删除第 ${n} 项` }).click();
    await page.getByRole('button', { name: '保存回避关系' }).click();
    await expect.poll(() => page.locator('form.expert-relations .relation').count()).toBe(before + 1);
    await page.locator('form.expert-relations [role=status]', { hasText: '已保存' }).waitFor();
    expect((await expert(target)).relations.slice(before)).toEqual([{ kind: 'relative', expertId: relative }]);
  });

  it('labels every input, select and text area of the pool desk', async () => {
    for (const kind of ['input', 'select', 'textarea']) expect(await page.locator(`main ${kind}`).count(), kind).toBeGreaterThan(0);
    const unlabelled = await page.evaluate<string[]>(`[...document.querySelectorAll('main input, main select, main textarea')].filter((e) => e.labels.length === 0 || ![...e.labels].some((l) => l.textContent.trim())).map((e) => e.name)`);
    expect(unlabelled).toEqual([]);
  });

  it('looks up an organisation, registers it under its code, and renames it', async () => {
    // From the expert's panel to its employer, not registered yet.
    await page.getByRole('link', { name: '查看工作单位' }).click();
    await page.waitForSelector(`form.org-edit[data-code="${employer}"][data-known="false"]`);
    expect(await page.getByLabel('统一社会信用代码', { exact: true }).inputValue()).toBe(employer);
    const code = syntheticUscc(8803);
    await openScreen(page, '单位', '专家库管理');
    // The view drawn anew, with no code: until then the employer's form and code field are the ones on screen.
    await page.waitForSelector('form.org-edit', { state: 'detached' });
    await page.getByLabel('统一社会信用代码', { exact: true }).fill(code);
    await page.getByRole('button', { name: '查找', exact: true }).click();
    // This code's form, not the employer's still on screen from before the click.
    await page.waitForSelector(`form.org-edit[data-code="${code}"][data-known="false"]`);
    expect(await page.locator('form.org-edit .notice').innerText()).toContain('尚未登记此单位');
    await page.getByLabel('单位名称').fill('杭州市某建设工程有限公司');
    await page.getByRole('button', { name: '保存单位' }).click();
    await page.waitForSelector(`form.org-edit[data-code="${code}"][data-known="true"]`);
    expect((await t.app.inject({ url: `/v1/organisations/${code}`, headers: manager.auth })).json()).toEqual({ code, name: '杭州市某建设工程有限公司' });
    // Looked up again (from its address): the name it has now, and a rename.
    await page.goto(`${base}/#/pool/organisations/${code}`);
    await page.waitForSelector('form.org-edit[data-known="true"]');
    expect(await page.getByLabel('单位名称').inputValue()).toBe('杭州市某建设工程有限公司');
    await page.getByLabel('单位名称').fill('杭州市某建设集团有限公司');
    await page.getByRole('button', { name: '保存单位' }).click();
    await page.locator('form.org-edit [role=status]', { hasText: `单位 ${code} 已保存` }).waitFor();
    expect((await t.app.inject({ url: `/v1/organisations/${code}`, headers: manager.auth })).json().name).toBe('杭州市某建设集团有限公司');
  });

  it('holds a revised file’s change of a phone for a second person: the importer is told it is not theirs to approve, another pool manager approves it', async () => {
    const id = pool.experts[0]!.id;
    const own = syntheticPersonal(0);
    const e = pool.experts[0]!;
    const csv = Buffer.from(`专家编号,姓名,手机,身份证号,专业代码,地区代码,统一社会信用代码,状态\n${[e.id, own.name, '13900008888', own.idNumber, e.specialties.join(';'), e.region, e.employer, '正常'].join(',')}\n`, 'utf8');
    // A fresh import form (the retirement left unticked): one row, its phone changed.
    await openScreen(page, '专家', '专家库管理');
    await openScreen(page, '导入', '专家库管理');
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'phone.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('button', { name: '检查文件' }).click();
    await page.waitForSelector('ul.diff');
    expect(await page.locator('ul.diff [data-count=held]').innerText()).toBe('个人信息变更待审批 1 位');
    expect(await page.locator('ul.diff [data-count=changed]').innerText()).toBe('修改 0 位');
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await page.locator('[data-imported]', { hasText: '另有 1 位专家的个人信息变更须经他人批准后生效' }).waitFor();
    expect(t.ctx.pool.personal(id).phone).toBe(own.phone);
    // The importer sees the change as their own, with no approval offered.
    await openScreen(page, '信息变更审批');
    const row = page.locator(`tr[data-held="${id}"]`);
    expect(await row.locator('td').allInnerTexts()).toEqual([id, '联系电话', '本人', expect.any(String), '审批']);
    await row.getByRole('button', { name: `审批 ${id}` }).click();
    await page.locator('.held-detail .notice', { hasText: '此变更由您导入' }).waitFor();
    expect(await page.getByRole('button', { name: '批准变更' }).count()).toBe(0);
    expect(await page.locator('main').innerText()).not.toContain('13900008888');
    // Another pool manager approves it: applied.
    const second = await person(t, 'pool-manager', { displayName: '赵专家库' });
    const other = await newPage();
    await logIn(other, second);
    await openScreen(other, '信息变更审批');
    await other.getByRole('button', { name: `审批 ${id}` }).click();
    await other.getByRole('button', { name: '批准变更' }).click();
    await other.locator('[role=status]', { hasText: `已批准专家 ${id} 的变更（联系电话）` }).waitFor();
    await other.locator('.held-changes', { hasText: '没有待审批的个人信息变更。' }).waitFor();
    await shot(other, 'pooldesk-changes');
    expect(t.ctx.pool.personal(id).phone).toBe('13900008888');
    await other.context().close();
  });

  it('shows an operator no pool desk, and the API refuses the operator anyway', async () => {
    const other = await newPage();
    await logIn(other, operator);
    expect(await navLinks(other)).not.toContain('专家库');
    await other.goto(`${base}/#/pool/import`);
    await other.waitForSelector('[data-refused="pool"]');
    expect(await other.locator('input[type=file]').count()).toBe(0);
    const session = JSON.parse(await other.evaluate<string>('sessionStorage.getItem("expert-draw.session")')) as { accessToken: string };
    const statuses = await other.evaluate(async ([token, id]) => {
      const auth = { authorization: `Bearer ${token}` };
      const list = await fetch('/v1/experts', { headers: auth });
      const upload = await fetch('/v1/experts/import?mode=upsert&dryRun=true', { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'id\n' });
      const status = await fetch(`/v1/experts/${id}/status`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'active', reason: 'not mine to change' }) });
      return [list.status, upload.status, status.status];
    }, [session.accessToken, target] as const);
    expect(statuses).toEqual([403, 403, 403]);
    expect(await expert(target)).toMatchObject({ status: 'suspended' });
  });

  it('broke no rule of its CSP and wrote nothing to the browser’s console', () => {
    expect(errors).toEqual([]);
  });
});
