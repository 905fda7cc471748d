// The terminal's listings on both stores: GET /v1/projects and GET /v1/draws with every filter, their order and paging,
// refusals of bad queries, no personal data in an item; a site's token lists only its site's, whatever its filters
// say; and on Redis a second instance lists and tells what the first one wrote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';
import { installCa, testCa } from '../../helpers/sites.js';

const ca = testCa();
// Made before any app runs: RSA key generation blocks the event loop.
const certs = [ca.issue('site-1'), ca.issue('site-2')];
const pool = generatePool({ size: 120, seed: 'listings', fixed: [{ code: 'C990101', members: 60 }, { code: 'C990102', members: 6 }] });
const T1 = syntheticUscc(6001);
const T2 = syntheticUscc(6002);

interface Item {
  id: string;
  drawId: string;
  state: string;
  site: string | null;
  createdAt: string;
}

describe.each(['sqlite', 'redis'] as const)('listings on %s', (store) => {
  let t: Built;
  let clock = Date.parse('2026-12-01T06:00:00+08:00');
  const at = (local: string) => (clock = Date.parse(`2026-12-01T${local}+08:00`));
  const op = () => t.auth('operator');
  const site = (id: string) => t.auth('site', { site: id });
  const get = (url: string, headers: Record<string, string> = op()) => t.app.inject({ method: 'GET', url, headers });
  const ids = async (url: string, headers?: Record<string, string>) => {
    const res = await get(url, headers);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Item[]).map((i) => i.id ?? i.drawId);
  };
  const project = (id: string, tenderer: string, opening: string, specialty = 'C990101') => ({
    id,
    tenderer,
    agency: syntheticUscc(6003),
    bidders: [syntheticUscc(6004)],
    avoid: [syntheticUscc(6005)],
    preparedBy: [pool.experts[100]!.id],
    bidOpeningAt: `2026-12-01T${opening}+08:00`,
    region: '330106',
    venue: '3号评标室',
    groups: [{ specialty, count: 5 }],
  });
  const register = async (body: object, headers = op()) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects', headers, payload: body });
    expect(res.statusCode, res.body).toBe(201);
  };
  const drawNow = (id: string, headers = op()) => t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers });
  const draws: Record<string, string> = {};

  beforeAll(async () => {
    t = await build({ EXPERT_DRAW_STORE: store }, { now: () => clock });
    installCa(t, ca.ca);
    await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
    for (const c of certs) expect((await t.app.inject({ method: 'POST', url: '/v1/sites', headers: t.auth('admin'), payload: { certificate: c.certPem } })).statusCode).toBe(201);
    // drawAt is opening minus 60 minutes; in UTC, 8 hours earlier.
    await register(project('P-A', T1, '09:00:00')); // scheduled, drawAt 00:00Z
    await register(project('P-B', T2, '10:00:00')); // cancelled, 01:00Z
    await register(project('P-C', T1, '11:00:00')); // drawn at 06:10, 02:00Z
    await register(project('P-D', T1, '11:00:00', 'C990102')); // failed at 06:20 (6 members for 5 + 2), 02:00Z
    await register(project('P-E', T2, '07:30:00')); // missed at 07:31, drawAt 22:30Z the day before
    await register(project('S1-P', T1, '09:30:00'), site('site-1')); // scheduled, 00:30Z
    await register(project('S2-P', T2, '09:45:00'), site('site-2')); // drawn at 06:30, 00:45Z
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects/P-B/cancel', headers: op(), payload: { reason: '招标人撤回' } })).statusCode).toBe(200);
    at('06:10:00');
    draws.C = (await drawNow('P-C')).json().drawId;
    at('06:20:00');
    expect((await drawNow('P-D')).json().error.code).toBe('INSUFFICIENT_CANDIDATES');
    draws.D = (await get('/v1/projects/P-D')).json().drawId;
    at('06:30:00');
    draws.S2 = (await drawNow('S2-P', site('site-2'))).json().drawId;
    at('07:31:00');
    expect((await t.ctx.scheduler.tick()).missed).toEqual(['P-E']);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lists every project by draw time, then id, to the centre’s staff', async () => {
    expect(await ids('/v1/projects')).toEqual(['P-E', 'P-A', 'S1-P', 'S2-P', 'P-B', 'P-C', 'P-D']);
    expect(await ids('/v1/projects', t.auth('inspector'))).toHaveLength(7);
    const items = (await get('/v1/projects')).json().items as Array<Record<string, unknown>>;
    expect(items.map((p) => p.state)).toEqual(['missed', 'scheduled', 'scheduled', 'drawn', 'cancelled', 'drawn', 'failed']);
    expect(items.find((p) => p.id === 'S2-P')).toMatchObject({ site: 'site-2', tenderer: T2, drawAt: '2026-12-01T00:45:00.000Z', drawId: draws.S2, groups: [{ specialty: 'C990101', count: 5 }] });
  });

  it('filters by state, one or several', async () => {
    expect(await ids('/v1/projects?state=scheduled')).toEqual(['P-A', 'S1-P']);
    expect(await ids('/v1/projects?state=drawn,cancelled')).toEqual(['S2-P', 'P-B', 'P-C']);
    expect(await ids('/v1/projects?state=drawing')).toEqual([]);
  });

  it('lists the missed and failed projects waiting for a decision, oldest draw time first', async () => {
    expect(await ids('/v1/projects?needs=decision')).toEqual(['P-E', 'P-D']);
    expect(await ids('/v1/projects?needs=decision&state=failed,scheduled')).toEqual(['P-D']);
    // Once postponed, a missed project leaves the queue.
    const moved = await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-E/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-12-01T15:00:00+08:00', reason: '系统故障，开标延期' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await ids('/v1/projects?needs=decision')).toEqual(['P-D']);
    expect(await ids('/v1/projects?state=scheduled')).toEqual(['P-A', 'S1-P', 'P-E']);
  });

  it('filters by draw time: from inclusive, to exclusive, any offset', async () => {
    expect(await ids('/v1/projects?from=2026-12-01T00:30:00Z&to=2026-12-01T02:00:00Z')).toEqual(['S1-P', 'S2-P', 'P-B']);
    expect(await ids(`/v1/projects?from=${encodeURIComponent('2026-12-01T10:00:00+08:00')}`)).toEqual(['P-C', 'P-D', 'P-E']);
    expect(await ids(`/v1/projects?to=${encodeURIComponent('2026-12-01T08:30:00+08:00')}`)).toEqual(['P-A']);
  });

  it('filters by site and by tenderer', async () => {
    expect(await ids('/v1/projects?site=site-1')).toEqual(['S1-P']);
    expect(await ids('/v1/projects?site=-')).toEqual(['P-A', 'P-B', 'P-C', 'P-D', 'P-E']);
    expect(await ids(`/v1/projects?tenderer=${T2}`)).toEqual(['S2-P', 'P-B', 'P-E']);
    expect(await ids(`/v1/projects?tenderer=${T2}&site=-&state=cancelled`)).toEqual(['P-B']);
  });

  it('pages with an opaque cursor to the end', async () => {
    const all = await ids('/v1/projects');
    const seen: string[] = [];
    let url = '/v1/projects?limit=3';
    for (let pages = 0; ; pages++) {
      const page = (await get(url)).json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((p: Item) => p.id));
      if (page.next === null) break;
      expect(pages).toBeLessThan(3);
      url = `/v1/projects?limit=3&cursor=${page.next}`;
    }
    expect(seen).toEqual(all);
    // A full last page says so: no empty page after it.
    expect((await get(`/v1/projects?limit=${all.length}`)).json().next).toBeNull();
  });

  it('refuses a bad query with 400 and a stable code', async () => {
    const drawsCursor = (await get('/v1/draws?limit=1')).json().next as string;
    expect(drawsCursor).toEqual(expect.any(String));
    for (const url of [
      '/v1/projects?state=bogus',
      '/v1/projects?state=drawn,',
      '/v1/projects?needs=everything',
      '/v1/projects?from=2026-12-01T02:00:00Z&to=2026-12-01T01:00:00Z',
      '/v1/projects?from=2026-12-01T02:00:00',
      '/v1/projects?limit=0',
      '/v1/projects?limit=501',
      '/v1/projects?tenderer=91110105000000001X',
      '/v1/projects?site=site_1!',
      '/v1/projects?cursor=not-a-cursor',
      `/v1/projects?cursor=${drawsCursor}`,
      `/v1/draws?cursor=${(await get('/v1/projects?limit=1')).json().next}`,
      '/v1/draws?state=scheduled',
      // A misspelt filter is refused, not ignored (an outside audit got every project for `statee`, stop 43).
      '/v1/projects?statee=missed',
      '/v1/draws?stat=drawn',
    ]) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('INVALID_INPUT');
    }
    // An unknown state is answered with the states there are, in the reader's language.
    const state = await get('/v1/draws?state=disclosed');
    expect(state.json().error.details.issues[0].message).toMatch(/^取值须为以下之一：.*"drawn"/);
  });

  it('shows no personal data, and not the project’s bidders, avoided organisations or preparing experts', async () => {
    const body = (await get('/v1/projects')).body;
    for (const secret of [syntheticUscc(6004), syntheticUscc(6005), pool.experts[100]!.id]) expect(body).not.toContain(secret);
    for (let i = 0; i < pool.experts.length; i++) {
      const p = syntheticPersonal(i);
      for (const secret of [p.name, p.phone, p.idNumber]) expect(body).not.toContain(secret);
    }
    const drawsBody = (await get('/v1/draws')).body;
    for (const e of pool.experts) expect(drawsBody).not.toContain(`"${e.id}"`);
    expect(drawsBody).not.toContain('sealed');
    expect(drawsBody).not.toContain('test-operator');
  });

  it('lists draws by the time they ran, with state, time and site filters', async () => {
    expect(await ids('/v1/draws')).toEqual([draws.C, draws.D, draws.S2]);
    expect(await ids('/v1/draws?state=drawn')).toEqual([draws.C, draws.S2]);
    expect(await ids('/v1/draws?state=failed,aborted')).toEqual([draws.D]);
    expect(await ids(`/v1/draws?from=${encodeURIComponent('2026-12-01T06:20:00+08:00')}`)).toEqual([draws.D, draws.S2]);
    expect(await ids(`/v1/draws?to=${encodeURIComponent('2026-12-01T06:20:00+08:00')}`)).toEqual([draws.C]);
    expect(await ids('/v1/draws?site=site-2')).toEqual([draws.S2]);
    expect(await ids('/v1/draws?site=-')).toEqual([draws.C, draws.D]);
    const first = (await get('/v1/draws?limit=2')).json();
    expect(first.items.map((d: Item) => d.drawId)).toEqual([draws.C, draws.D]);
    expect(await ids(`/v1/draws?limit=2&cursor=${first.next}`)).toEqual([draws.S2]);
  });

  it('lists to a site’s token only its own site’s, whatever its filters say', async () => {
    const s1 = site('site-1');
    expect(await ids('/v1/projects', s1)).toEqual(['S1-P']);
    for (const filter of ['site=site-2', 'site=-', 'state=drawn', `tenderer=${T2}`]) expect(await ids(`/v1/projects?${filter}`, s1), filter).toEqual([]);
    expect(await ids('/v1/draws', s1)).toEqual([]);
    expect(await ids('/v1/draws?site=site-2', s1)).toEqual([]);
    const s2 = site('site-2');
    expect(await ids('/v1/projects', s2)).toEqual(['S2-P']);
    expect(await ids('/v1/draws', s2)).toEqual([draws.S2]);
    // Nor the story of another owner's project: to a site, it does not exist.
    expect((await get('/v1/projects/S2-P/timeline', s1)).statusCode).toBe(404);
    expect((await get('/v1/projects/P-A/timeline', s1)).statusCode).toBe(404);
    expect((await get('/v1/projects/S1-P/timeline', s1)).statusCode).toBe(200);
    // A site's desk lists nothing at all.
    expect((await get('/v1/projects', t.auth('checkin', { site: 'site-1' }))).statusCode).toBe(403);
  });

  it.runIf(store === 'redis')('lets a second instance list and tell what the first one wrote', async () => {
    const b = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_KEYS_DIR: t.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: t.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
    try {
      const onB = (url: string) => b.app.inject({ method: 'GET', url, headers: b.auth('operator') });
      expect(((await onB('/v1/projects')).json().items as Item[]).map((p) => p.id)).toEqual(await ids('/v1/projects'));
      // Written through the first instance, read through the second at once: both read the one log.
      await register(project('P-F', T1, '12:00:00'));
      expect(((await onB('/v1/projects?state=scheduled')).json().items as Item[]).map((p) => p.id)).toContain('P-F');
      at('07:40:00');
      const drawn = await drawNow('P-F');
      expect(drawn.statusCode, drawn.body).toBe(201);
      expect(((await onB('/v1/draws?state=drawn')).json().items as Item[]).map((d) => d.drawId)).toContain(drawn.json().drawId);
      const story = (await onB('/v1/projects/P-F/timeline')).json().events as Array<{ type: string }>;
      expect(story.map((e) => e.type).slice(0, 3)).toEqual(['project.registered', 'draw.commit', 'draw.result']);
      expect(story.filter((e) => e.type === 'calls.placed')).toHaveLength(5);
    } finally {
      await b.close();
    }
  });
});
