// The answer page in a real browser: Debian's Chromium driven by playwright-core, on a phone-sized screen, with
// JavaScript and without. Accept, decline, a deadline that passes while the page is open, a deadline passed, a seat
// gone to the next ranked expert, an unknown link. The app listens on a real port; the service's clock is the test's.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool } from '../helpers/calls.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = new URL('../../docs/screenshots/answer-page.png', import.meta.url).pathname;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const MODES = [
  { name: 'with JavaScript', js: true, project: 'P-BROWSER-JS' },
  { name: 'without JavaScript', js: false, project: 'P-BROWSER-NOJS' },
] as const;
type Mode = (typeof MODES)[number];

const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`answer page browser test skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

describe.skipIf(missing)('the answer page in Chromium on a phone', () => {
  let t: Built;
  let base = '';
  let browser: Browser;
  let clock = Date.parse('2026-12-01T08:00:00+08:00');
  /** Per mode: its browser context, the paths of its project's five calls, what the page sent and logged. */
  const runs = new Map<Mode, { context: BrowserContext; paths: string[]; posts: string[]; errors: string[] }>();

  beforeAll(async () => {
    // Port 0 and no EXPERT_DRAW_PUBLIC_URL: the links the experts get follow the port the app listens on.
    t = await build({ EXPERT_DRAW_PORT: '0' }, { now: () => clock });
    await importPool(t, 'answer-browser', 40);
    base = await t.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    for (const mode of MODES) {
      const { links } = await drawnCalls(t, mode.project, { bidOpeningAt: '2026-12-01T10:00:00+08:00', venue: '杭州市公共资源交易中心 5号评标室' });
      const context = await browser.newContext({ ...PHONE, javaScriptEnabled: mode.js });
      for (const link of links) expect(link.startsWith(`${base}/r/`)).toBe(true);
      const run = { context, paths: links.map((l) => new URL(l).pathname), posts: [] as string[], errors: [] as string[] };
      context.on('request', (r) => {
        if (r.method() === 'POST') run.posts.push(new URL(r.url()).pathname.replace(/[A-Za-z0-9_-]{32}$/, '{token}'));
      });
      context.on('console', (m) => {
        // The unknown link's and the passed deadline's pages come with 404 and 410: Chromium reports those statuses.
        const ownStatus = /^Failed to load resource: .* status of 4(04|10)/.test(m.text()) && new URL(m.location().url).pathname.startsWith('/r/');
        if (m.type() === 'error' && !ownStatus) run.errors.push(`${m.text()} (${m.location().url})`);
      });
      context.on('weberror', (e) => run.errors.push(e.error().message));
      runs.set(mode, run);
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const open = async (mode: Mode, seat: number | string): Promise<Page> => {
    const page = await runs.get(mode)!.context.newPage();
    await page.goto(typeof seat === 'string' ? `${base}${seat}` : `${base}${runs.get(mode)!.paths[seat]}`);
    return page;
  };
  const stateOf = (page: Page) => page.locator('main').getAttribute('data-state');

  for (const mode of MODES) {
    describe(mode.name, () => {
      it('shows time, place, deadline and two buttons that fit the screen', async () => {
        const page = await open(mode, 0);
        expect(await stateOf(page)).toBe('waiting');
        await expect(page.title()).resolves.toBe('评标专家邀请');
        const text = await page.locator('main').innerText();
        expect(text).toContain('2026-12-01 10:00');
        expect(text).toContain('杭州市公共资源交易中心 5号评标室');
        expect(text).toContain('08:15 前');
        expect(text).not.toContain(mode.project);
        expect(await page.locator('.countdown').innerText()).toMatch(/^还剩 1[45] 分 \d\d 秒$/);
        for (const name of ['接受', '拒绝']) {
          const box = (await page.getByRole('button', { name }).boundingBox())!;
          // Big enough to tap, inside the screen.
          expect(box.height).toBeGreaterThanOrEqual(44);
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(390);
          expect(box.y + box.height).toBeLessThanOrEqual(844);
        }
        // UPDATE_SCREENSHOTS=1 refreshes the picture in docs/ (what a phone shows, with JavaScript's countdown).
        if (process.env.UPDATE_SCREENSHOTS && mode.js) await page.screenshot({ path: SCREENSHOT });
        await page.close();
      });

      for (const [seat, button, state, words] of [[0, '接受', 'accepted', '您已接受邀请'], [1, '拒绝', 'declined', '您已拒绝本次邀请']] as const) {
        it(`${state === 'accepted' ? 'accepts' : 'declines'}, and the page then says so and offers nothing more`, async () => {
          const page = await open(mode, seat);
          await page.getByRole('button', { name: button }).tap();
          // With JavaScript a decline asks once more (it passes the seat on at once and cannot be undone); nothing is
          // sent before. Without, the form posts at the first tap.
          if (mode.js && state === 'declined') {
            await page.locator('.status', { hasText: '确定拒绝吗？拒绝后席位立即由下一位专家递补，不能更改。' }).waitFor();
            expect(await page.locator('main').getAttribute('data-state')).toBe('waiting');
            await page.getByRole('button', { name: '确认拒绝' }).tap();
          }
          await page.waitForSelector(`main[data-state="${state}"]`);
          expect(await page.locator('.status').innerText()).toContain(words);
          expect(await page.locator('form').count()).toBe(0);
          expect(page.url()).toBe(`${base}${runs.get(mode)!.paths[seat]}`);
          await page.close();
        });
      }

      it('answers an unknown link with the same page', async () => {
        const page = await open(mode, `/r/${'Q'.repeat(32)}`);
        expect(await stateOf(page)).toBe('unknown');
        expect(await page.locator('.status').innerText()).toContain('此链接无效');
        await page.close();
      });

      it('sent the answers the way its mode allows, and the page broke no rule of its CSP', () => {
        const run = runs.get(mode)!;
        // With JavaScript the page answers through the JSON route; without, the form posts to the page itself.
        expect(run.posts).toEqual(mode.js ? ['/v1/responses/{token}', '/v1/responses/{token}'] : ['/r/{token}', '/r/{token}']);
        expect(run.errors).toEqual([]);
      });

      it('says so when an answer is refused because another device answered first', async () => {
        const page = await open(mode, 4);
        const token = runs.get(mode)!.paths[4]!.split('/').pop()!;
        // (Declined there: an acceptance would hold the day, and the other mode's project is on the same day.)
        expect((await t.app.inject({ method: 'POST', url: `/v1/responses/${token}`, payload: { answer: 'decline' } })).statusCode).toBe(200);
        await page.getByRole('button', { name: '接受' }).tap();
        await page.waitForSelector('main[data-state="declined"]');
        expect(await page.locator('.notice').innerText()).toBe('此邀请已经答复，答复不能更改。');
        expect(await page.locator('.status').innerText()).toContain('您已拒绝本次邀请');
        await page.close();
      });
    });
  }

  it('with JavaScript, closes the page by itself when the deadline passes while it is open', async () => {
    const mode = MODES[0];
    clock = Date.parse('2026-12-01T08:14:57+08:00');
    const page = await open(mode, 3);
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    // The service still says "waiting" (its clock stands still); only the page's countdown can close it.
    await page.waitForSelector('main[data-state="expired"]', { timeout: 15_000 });
    expect(await page.locator('.status').innerText()).toBe('答复期限已过，本次邀请已失效。');
    expect(await page.locator('form.answer').isHidden()).toBe(true);
    expect(navigations).toBe(0);
    await page.close();
  });

  it('refuses a passed deadline, then shows the seat gone to the next ranked expert', async () => {
    clock = Date.parse('2026-12-01T08:15:00+08:00');
    for (const mode of MODES) {
      const page = await open(mode, 2);
      expect(await stateOf(page), mode.name).toBe('expired');
      expect(await page.getByRole('button').count()).toBe(0);
      await page.close();
    }
    // The timeout pass: every open call of both projects times out, and their seats go to the next ranks.
    expect(await t.ctx.roster.expire()).toBeGreaterThanOrEqual(6);
    for (const mode of MODES) {
      const page = await open(mode, 2);
      expect(await stateOf(page), mode.name).toBe('superseded');
      expect(await page.locator('.status').innerText()).toBe('答复期限已过，本次评标已由其他专家递补，无需前往。');
      // Answers given in time stand.
      await page.goto(`${base}${runs.get(mode)!.paths[0]}`);
      expect(await stateOf(page)).toBe('accepted');
      await page.close();
    }
  });

  it('switches to English and back', async () => {
    const page = await open(MODES[1], 0);
    await page.getByRole('link', { name: 'English' }).tap();
    await page.waitForSelector('html[lang="en"]');
    expect(await page.locator('.status').innerText()).toContain('You have accepted.');
    await page.getByRole('link', { name: '中文' }).tap();
    await page.waitForSelector('html[lang="zh-CN"]');
    await page.close();
  });
});
