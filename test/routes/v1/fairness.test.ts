// The fairness report over the service's own disclosed draws: it counts only disclosed draws, each verified as an
// inspector verifies its downloaded bundle, and agrees with the report made offline from those bundles; the chart
// speaks the request's language; operators and sites are refused; bad input is refused and nothing is logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../../src/auth/roles.js';
import { generatePool, syntheticPersonal } from '../../../src/pool/generator.js';
import { verifyDrawProof } from '../../../src/verify/draw-proof.js';
import { assessFairness, type FairnessDraw } from '../../../src/verify/fairness.js';
import { build, type Built } from '../../helper.js';

const BID_OPENING = '2026-12-01T10:00:00+08:00';
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 120, seed: 'fairness-route', fixed: [{ code: 'C990101', members: 30 }] });
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

let t: Built;
const disclosed: string[] = [];
let sealedDraw = '';

async function draw(projectId: string): Promise<string> {
  clock = Date.parse('2026-12-01T06:00:00+08:00');
  await t.ctx.projects.register(
    {
      project: { id: projectId, tenderer: pool.organisations[0]!, agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: BID_OPENING, region: '330106' },
      request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
      name: null,
      venue: null,
      leadTimeMinutes: undefined,
    },
    op,
  );
  return (await t.ctx.draws.run(projectId, 'immediate', op)).drawId;
}

async function disclose(drawId: string, projectId: string): Promise<void> {
  clock = Date.parse('2026-12-01T10:05:00+08:00');
  for (const who of [op, sup]) await t.ctx.roster.approveUnseal(drawId, projectId, BID_OPENING, who);
  await t.ctx.disclosure.disclose(drawId, op);
}

const get = (url: string, role: 'inspector' | 'supervisor' | 'operator' | 'site' = 'inspector', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { ...t.auth(role), ...headers } });

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  for (let i = 0; i < 6; i++) {
    const id = `P-FAIR-${i}`;
    const drawId = await draw(id);
    await disclose(drawId, id);
    disclosed.push(drawId);
  }
  // Drawn but not disclosed: it names nobody yet, so it must not count.
  sealedDraw = await draw('P-FAIR-SEALED');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('GET /v1/fairness', () => {
  it('reports over the disclosed draws only, the same report an inspector makes offline from their verified bundles', async () => {
    const res = await get('/v1/fairness');
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.draws).toBe(disclosed.length);
    expect(report.unverified).toEqual([]);
    // Offline: download each bundle, verify it against the pinned key, assess.
    const offline: FairnessDraw[] = [];
    for (const id of disclosed) {
      const bundle = (await get(`/v1/draws/${id}/proof`)).json();
      const verified = verifyDrawProof(bundle, { verifierKey: t.ctx.keys.logVerifier.verifierKey, panels: true });
      expect(verified.ok).toBe(true);
      offline.push({ drawId: id, groups: verified.panels! });
    }
    const expected = assessFairness(offline, 0.01);
    expect(report.experts).toBe(expected.experts);
    // Experts equally surprising may come in another order (the draws are read in another order): compared by id.
    const byId = <T extends { expertId: string }>(rs: readonly T[]): T[] => [...rs].sort((a, b) => a.expertId.localeCompare(b.expertId));
    expect(report.experts).toBeLessThan(50);
    // Sums taken in another order differ in the last bit: counts and flags exactly, chances to 12 digits.
    const exact = (rs: ReadonlyArray<{ expertId: string; trials: number; selected: number; flagged: boolean }>) => byId(rs).map(({ expertId, trials, selected, flagged }) => ({ expertId, trials, selected, flagged }));
    expect(exact(report.results)).toEqual(exact(expected.results));
    const online = byId(report.results) as unknown as Array<{ expected: number; pValue: number; adjusted: number }>;
    byId(expected.results).forEach((r, i) => {
      for (const k of ['expected', 'pValue', 'adjusted'] as const) expect(online[i]![k]).toBeCloseTo(r[k], 12);
    });
    expect(exact(report.flagged)).toEqual(exact(expected.flagged));
    // Five seats per disclosed draw, and not one of the sealed draw's.
    expect(report.results.reduce((n: number, r: { selected: number }) => n + r.selected, 0)).toBe(disclosed.length * 5);
  });

  it('counts a draw once it is disclosed', async () => {
    await disclose(sealedDraw, 'P-FAIR-SEALED');
    disclosed.push(sealedDraw);
    const report = (await get('/v1/fairness', 'supervisor')).json();
    expect(report.draws).toBe(disclosed.length);
    expect(report.results.reduce((n: number, r: { selected: number }) => n + r.selected, 0)).toBe(disclosed.length * 5);
  });

  it('filters by the draws’ commit time and takes the threshold asked for', async () => {
    expect((await get('/v1/fairness?to=2026-12-01T05:00:00%2B08:00')).json()).toMatchObject({ draws: 0, experts: 0, results: [], flagged: [] });
    expect((await get('/v1/fairness?alpha=0.2')).json().alpha).toBe(0.2);
  });

  it('draws the chart in the request’s language', async () => {
    const zh = await get('/v1/fairness/chart');
    expect(zh.statusCode).toBe(200);
    expect(zh.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(zh.body).toMatch(/^<svg /);
    expect(zh.body).toContain('专家抽中次数与期望次数');
    const en = await get('/v1/fairness/chart', 'inspector', { 'accept-language': 'en' });
    expect(en.body).toContain('Times drawn against times expected');
  });

  it('refuses operators and sites, and bad input, logging nothing', async () => {
    const size = await t.ctx.store.logSize();
    for (const role of ['operator', 'site'] as const) expect((await get('/v1/fairness', role)).statusCode).toBe(403);
    for (const q of ['alpha=0', 'alpha=1', 'alpha=x', 'from=2026-12-02T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00', 'extra=1']) {
      const res = await get(`/v1/fairness?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code).toBe('INVALID_INPUT');
    }
    expect(await t.ctx.store.logSize()).toBe(size);
  });
});
