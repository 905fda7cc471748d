// Paging through 10,000 projects on both stores while others are added, cancelled and moved between pages: every
// project whose place in the order did not move appears exactly once, the pages follow each other in (drawAt, id)
// order, and a project added behind the cursor is not shown while one added ahead of it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../../src/auth/roles.js';
import { generatePool, syntheticPersonal } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';
import { registerProject } from '../../helpers/projects.js';

const PROJECTS = 10_000;
const pool = generatePool({ size: 60, seed: 'paging', fixed: [{ code: 'C990101', members: 40 }] });
const by: TokenClaims = { sub: 'op-paging', role: 'operator', iat: 0, exp: 0 };
const clock = Date.parse('2026-12-01T06:00:00+08:00');
/** Twenty projects share each bid opening, so the id orders those with the same draw time. */
const openingOf = (i: number) => new Date(Date.parse('2026-12-02T08:00:00+08:00') + (i % 500) * 60_000).toISOString();
const idOf = (i: number) => `P-${String(i).padStart(5, '0')}`;

interface Summary {
  id: string;
  drawAt: string;
  state: string;
}

describe.each(['sqlite', 'redis'] as const)('paging 10,000 projects on %s', (store) => {
  let t: Built;
  const register = (id: string, bidOpeningAt: string) => registerProject(t, by, { id, bidOpeningAt });

  beforeAll(async () => {
    t = await build({ EXPERT_DRAW_STORE: store, EXPERT_DRAW_RATE_LIMIT: '1000000' }, { now: () => clock });
    await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
    // In concurrent slices: the log's group commit makes each slice a few durable writes.
    for (let start = 0; start < PROJECTS; start += 1000) {
      await Promise.all(Array.from({ length: 1000 }, (_, k) => register(idOf(start + k), openingOf(start + k))));
    }
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  it('shows each project whose place did not move exactly once, in order, however the others change meanwhile', async () => {
    const key = (p: Summary) => `${p.drawAt}\u0000${p.id}`;
    const seen: Summary[] = [];
    const moved = new Set<string>();
    const cancelled = new Set<string>();
    const cancel = async (id: string) => {
      if (!cancelled.has(id)) await t.ctx.projects.cancel(id, '招标人撤回', by);
      cancelled.add(id);
    };
    const addedAhead: string[] = [];
    const addedBehind: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; ; page++) {
      const res = await t.app.inject({ method: 'GET', url: `/v1/projects?limit=500${cursor ? `&cursor=${cursor}` : ''}`, headers: t.auth('operator') });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { items: Summary[]; next: string | null };
      seen.push(...body.items);
      if (body.next === null) break;
      cursor = body.next;
      expect(page).toBeLessThan(30);
      // Between pages: a project behind the cursor and one ahead of it are added; one seen and one not yet seen are
      // cancelled (their place stays); one not yet seen moves to the last minute of the range, one to before it all.
      const last = body.items.at(-1)!;
      const n = PROJECTS + page * 2;
      await register(idOf(n), new Date(Date.parse(last.drawAt) + 60 * 60_000 - 1).toISOString());
      addedBehind.push(idOf(n));
      await register(idOf(n + 1), new Date(Date.parse(last.drawAt) + 60 * 60_000 + 30_000).toISOString());
      addedAhead.push(idOf(n + 1));
      await cancel(body.items[page % body.items.length]!.id);
      // A page holds about 25 minutes of twenty projects each: two pages on, nothing has been shown yet.
      const ahead = (k: number) => idOf(Math.min(499, (page + 2) * 25 + k) + 500 * k);
      await cancel(ahead(7));
      for (const [k, when] of [[11, '2026-12-02T16:19:00+08:00'], [13, '2026-12-02T07:00:00+08:00']] as const) {
        // A project that opens at that time already stays (a postponement to its own time is refused).
        const opensThen = Date.parse((await t.ctx.projects.get(ahead(k))).record.project.bidOpeningAt) === Date.parse(when);
        if (!moved.has(ahead(k)) && !opensThen) await t.ctx.projects.reschedule(ahead(k), when, '开标时间调整', by);
        moved.add(ahead(k));
      }
    }
    const ids = seen.map((p) => p.id);
    expect(new Set(ids).size, 'an item shown twice').toBe(ids.length);
    for (let i = 1; i < seen.length; i++) expect(key(seen[i - 1]!) < key(seen[i]!), `${ids[i - 1]} before ${ids[i]}`).toBe(true);
    const shown = new Set(ids);
    const unmoved = Array.from({ length: PROJECTS }, (_, i) => idOf(i)).filter((id) => !moved.has(id));
    expect(unmoved.filter((id) => !shown.has(id)), 'unmoved projects not shown').toEqual([]);
    expect(addedAhead.filter((id) => !shown.has(id)), 'added ahead of the cursor, not shown').toEqual([]);
    expect(addedBehind.filter((id) => shown.has(id)), 'added behind the cursor, shown').toEqual([]);
    expect(seen.filter((p) => p.state === 'cancelled').length).toBeGreaterThan(10);
  }, 120_000);

  it('pages a filtered listing of 10,000 the same way', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.app.inject({ method: 'GET', url: `/v1/projects?state=scheduled&from=2026-12-01T23:30:00Z&limit=333${cursor ? `&cursor=${cursor}` : ''}`, headers: t.auth('supervisor') });
      const body = res.json() as { items: Summary[]; next: string | null };
      expect(body.items.every((p) => p.state === 'scheduled' && p.drawAt >= '2026-12-01T23:30:00.000Z')).toBe(true);
      ids.push(...body.items.map((p) => p.id));
      cursor = body.next;
    } while (cursor !== null);
    const all = (await t.ctx.store.listRecords('projects')).map((r) => JSON.parse(r.value.toString()) as { state: string; drawAt: string; project: { id: string } });
    const expected = all.filter((p) => p.state === 'scheduled' && p.drawAt >= '2026-12-01T23:30:00.000Z').sort((a, b) => (a.drawAt < b.drawAt ? -1 : a.drawAt > b.drawAt ? 1 : a.project.id < b.project.id ? -1 : 1));
    expect(ids).toEqual(expected.map((p) => p.project.id));
    expect(ids.length).toBeGreaterThan(9_000);
  }, 60_000);
});
