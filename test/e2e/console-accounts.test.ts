// The administrator's accounts screen in Chromium: every account listed; a new one made with a generated first
// password that then logs in; a person locked out by wrong passwords let back in with a new first password; an
// account disabled (its session ends, its login is refused) and enabled again. Found by an outside test: the
// administrator could do none of this from the console.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { consoleBuilt } from '../helpers/console-build.js';
import { openScreen } from '../helpers/console-nav.js';
import { person, type Person } from '../helpers/people.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`console accounts test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

describe.skipIf(missing)('the administrator’s accounts screen', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let admin: Person;
  let page: Page;
  const errors: string[] = [];

  const login = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password } });
  const row = (username: string) => page.locator(`tr[data-username="${username}"]`);

  beforeAll(async () => {
    await consoleBuilt();
    t = await build({ EXPERT_DRAW_PORT: '0' });
    base = await t.listen();
    admin = await person(t, 'admin', { username: 'admin-li', displayName: '李管理' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    context.setDefaultTimeout(10_000);
    context.on('weberror', (e) => errors.push(e.error().message));
    page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(admin.username);
    await page.getByLabel('密码', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('navigation').getByRole('link', { name: '账号管理' }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the accounts, and makes a new one with a generated first password that logs in', async () => {
    await openScreen(page, '账号管理');
    await row('admin-li').waitFor();
    expect(await row('admin-li').locator('td').allInnerTexts()).toEqual(expect.arrayContaining(['admin-li', '李管理', '系统管理员', '本中心']));
    await page.getByLabel('用户名（登录用，小写字母、数字、. _ -）').fill('op-zhao');
    await page.getByLabel('姓名', { exact: true }).fill('赵抽取');
    await page.locator('form.account-form select[name=role]').selectOption('operator');
    await page.locator('form.account-form').getByRole('button', { name: '生成密码' }).click();
    const first = await page.locator('form.account-form').getByLabel('初始密码').inputValue();
    expect(first).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await page.getByRole('button', { name: '新建账号' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('账号 op-zhao 已建立。');
    await row('op-zhao').waitFor();
    expect(await row('op-zhao').innerText()).toContain('须先修改初始密码');
    const session = await login('op-zhao', first);
    expect(session.statusCode, session.body).toBe(201);
    expect(session.json().mustChangePassword).toBe(true);
  });

  it('lets a locked-out person back in with a new first password, and refuses a weak one with the reason', async () => {
    const locked = await person(t, 'supervisor', { username: 'sup-wu' });
    for (let i = 0; i < 5; i++) await login('sup-wu', `wrong-password-${i}-x`);
    expect((await login('sup-wu', locked.password)).json().error.code).toBe('ACCOUNT_LOCKED');
    await page.reload();
    await row('sup-wu').getByRole('button', { name: '设置新初始密码' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('初始密码').fill('short');
    await dialog.getByRole('button', { name: '设置密码' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'PASSWORD_POLICY' }).waitFor();
    await dialog.getByRole('button', { name: '生成密码' }).click();
    const fresh = await dialog.getByLabel('初始密码').inputValue();
    await dialog.getByRole('button', { name: '设置密码' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('已为 sup-wu 设置新的初始密码；其原有登录会话均已结束。');
    const back = await login('sup-wu', fresh);
    expect(back.statusCode, back.body).toBe(201);
    // The old session ended with the reset.
    expect((await t.app.inject({ url: '/v1/session', headers: locked.auth })).statusCode).toBe(401);
  });

  it('disables an account behind a confirmation, and enables it again', async () => {
    const clerk = await person(t, 'pool-manager', { username: 'pm-sun' });
    await page.reload();
    await row('pm-sun').getByRole('button', { name: '停用' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '停用' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toBe('账号 pm-sun 已停用。');
    await page.locator('tr[data-username="pm-sun"][data-state="disabled"]').waitFor();
    // Focus comes back to the row's button (now 启用), not to the page's start.
    // Polled from outside the page: waitForFunction's own polling evaluates its text inside the page, which the
    // console's Content-Security-Policy (no unsafe-eval) refuses whenever the first look is too early.
    await expect.poll(() => page.evaluate<string | null>(`document.activeElement?.closest('tr')?.getAttribute('data-username') ?? null`)).toBe('pm-sun');
    expect(await page.evaluate<string | null>('document.activeElement?.textContent ?? null')).toBe('启用');
    expect((await t.app.inject({ url: '/v1/session', headers: clerk.auth })).statusCode).toBe(401);
    expect((await login('pm-sun', clerk.password)).json().error.code).toBe('ACCOUNT_DISABLED');
    await row('pm-sun').getByRole('button', { name: '启用' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '启用' }).click();
    await page.locator('tr[data-username="pm-sun"][data-state="active"]').waitFor();
    expect((await login('pm-sun', clerk.password)).statusCode).toBe(201);
  });

  it('is not offered to any other role, and logged no page error', async () => {
    const { ACTION_ROLES } = await import('../../console/src/access.js');
    expect(ACTION_ROLES['user.manage']).toEqual(['admin']);
    expect(errors).toEqual([]);
  });
});
