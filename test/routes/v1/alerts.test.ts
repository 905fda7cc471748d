// Early-warning alerts over HTTP on a real SQLite file: eight disclosed draws of one five-expert specialty (every
// expert on every panel), four for one tenderer early in the month, four for another at its end, in which one expert
// declines every call. The alerts find that expert's declines clustered on the second tenderer and the month's drop in
// acceptance, with exactly the numbers the records make; nobody else is named, no co-seating is raised (all five sit
// on every panel, as chance says they must); a draw still sealed changes nothing; only supervisors and inspectors read
// it, and no answer holds a name, phone or ID number.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../../src/auth/roles.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../../src/pool/generator.js';
import { sidak } from '../../../src/verify/alerts.js';
import { build, type Built } from '../../helper.js';
import { sentMessages, tokenOf } from '../../helpers/calls.js';

const SPECIALTY = 'C990101';
const pool = generatePool({ size: 5, seed: 'alerts-route', fixed: [{ code: SPECIALTY, members: 5 }] });
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };
const EARLY = syntheticUscc(9701);
const LATE = syntheticUscc(9702);
const AGENCY = syntheticUscc(9703);
const AT = '2026-12-01T00:00:00%2B08:00';

// Thresholds a handful of draws can reach (the defaults need a year of them), and a specialty of five that seats all
// five every time (no alternates, no caps, no employer rule): the policy file of this centre.
const POLICY = {
  maxPerEmployerPerPanel: 5,
  alternatesPerGroup: 0,
  frequency: { maxDraws: 100, maxDrawsSameTenderer: 100 },
  alerts: {
    declineCluster: { alpha: 0.1, minDeclines: 2 },
    coSeating: { alpha: 0.1, minTogether: 2 },
    agencyRepeat: { alpha: 0.1, minSeated: 2 },
    acceptanceDrop: { alpha: 0.1, periodDays: 10, baselineDays: 30, minDrop: 0.1, minCalls: 10 },
  },
};

let clock = 0;
let t: Built;
let dir = '';
let decliner = '';
const early: string[] = [];
const late: string[] = [];

/** Registers, draws and calls a project opening at `opening`; `decline` declines its call, everyone else accepts. */
async function drawAndAnswer(id: string, tenderer: string, opening: string, decline: (expertId: string) => boolean): Promise<string> {
  clock = Date.parse(opening) - 4 * 3_600_000;
  const reg = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: { id, tenderer, agency: AGENCY, bidOpeningAt: opening, region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] } });
  expect(reg.statusCode, reg.body).toBe(201);
  const drawn = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers: t.auth('operator') });
  expect(drawn.statusCode, drawn.body).toBe(201);
  const drawId = drawn.json().drawId as string;
  const { roster } = await t.ctx.roster.read(drawId);
  expect(roster.calls).toHaveLength(5);
  const expertOf = new Map(roster.calls.map((c) => [c.messageId, c.expertId]));
  for (const m of (await sentMessages(t)).filter((x) => expertOf.has(x.messageId))) {
    const answer = decline(expertOf.get(m.messageId)!) ? 'decline' : 'accept';
    const res = await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(m.responseUrl!)}`, payload: { answer } });
    expect(res.statusCode, res.body).toBe(200);
  }
  return drawId;
}

async function disclose(drawId: string, projectId: string, opening: string): Promise<void> {
  clock = Date.parse(opening) + 5 * 60_000;
  for (const who of [op, sup]) await t.ctx.roster.approveUnseal(drawId, projectId, opening, who);
  await t.ctx.disclosure.disclose(drawId, op);
}

const get = (url: string, role: 'inspector' | 'supervisor' | 'operator' | 'pool-manager' | 'site' = 'supervisor', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { ...t.auth(role), ...headers } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'expert-draw-alerts-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
  t = await build({ EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') }, { now: () => clock });
  expect(t.config.EXPERT_DRAW_STORE).toBe('sqlite');
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  decliner = pool.experts[2]!.id;
  for (let i = 0; i < 4; i++) {
    const opening = `2026-11-0${i + 2}T10:00:00+08:00`;
    const id = `P-ALERT-E${i}`;
    const drawId = await drawAndAnswer(id, EARLY, opening, () => false);
    await disclose(drawId, id, opening);
    early.push(drawId);
  }
  for (let i = 0; i < 4; i++) {
    const opening = `2026-11-2${i + 5}T10:00:00+08:00`;
    const id = `P-ALERT-L${i}`;
    const drawId = await drawAndAnswer(id, LATE, opening, (e) => e === decliner);
    await disclose(drawId, id, opening);
    late.push(drawId);
  }
}, 180_000);
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('GET /v1/alerts', () => {
  it('raises the declines clustered on one tenderer and the drop in acceptance, with the numbers of the records', async () => {
    const res = await get(`/v1/alerts?at=${AT}`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.window.draws).toBe(8);
    expect(r.unverified).toEqual([]);
    expect(r.unattributed).toBe(0);
    expect(r.policy.declineCluster).toEqual(POLICY.alerts.declineCluster);
    expect(r.alerts.map((a: { kind: string }) => a.kind)).toEqual(['decline-cluster', 'acceptance-drop']);
    const [cluster, drop] = r.alerts;
    // Of the decliner's 8 calls, 4 declined, all 4 for the late tenderer: 1 / C(8,4) = 1/70 by chance; two tests
    // (the decliner with each tenderer: nobody else declined at all).
    expect(cluster).toMatchObject({ expertId: decliner, tenderer: LATE, calls: 4, declines: 4, expertCalls: 8, expertDeclines: 4, expected: 2, tests: 2, alpha: 0.1 });
    expect(cluster.pValue).toBeCloseTo(1 / 70, 12);
    expect(cluster.adjusted).toBeCloseTo(sidak(1 / 70, 2), 12);
    expect([...cluster.draws].sort()).toEqual([...late].sort());
    // The last 10 days: 20 calls, 16 accepted; the 30 before: 20 of 20. Fisher: C(20,4)/C(40,4).
    expect(drop.period).toMatchObject({ calls: 20, accepted: 16, rate: 0.8 });
    expect(drop.baseline).toMatchObject({ calls: 20, accepted: 20, rate: 1 });
    expect(drop.drop).toBeCloseTo(0.2, 12);
    expect(drop.pValue).toBeCloseTo(4845 / 91390, 12);
    expect(cluster.message).toContain(`专家 ${decliner} 对招标人 ${LATE} 的 4 次通知拒绝了 4 次`);
    expect(drop.message).toContain('近 10 天专家接受通知的比例为 80.0%');
  });

  it('speaks English when asked, and raises no co-seating or agency alert where chance explains everything', async () => {
    const r = (await get(`/v1/alerts?at=${AT}`, 'inspector', { 'accept-language': 'en' })).json();
    expect(r.alerts[0].message).toBe(`expert ${decliner} declined 4 of 4 calls for tenderer ${LATE}; at their overall rate (4 of 8 calls) about 2 were expected`);
    // All five sit on every panel: a fair draw of 5 from 5 seats every pair every time, and every expert for the agency.
    expect(r.tests.coSeating).toBe(10);
    expect(r.tests.agencyRepeat).toBe(5);
    expect(r.alerts.some((a: { kind: string }) => a.kind === 'co-seating' || a.kind === 'agency-repeat')).toBe(false);
  });

  it('counts no draw still sealed, and ends its windows where asked', async () => {
    const before = (await get(`/v1/alerts?at=${AT}`)).json();
    const opening = '2026-11-29T10:00:00+08:00';
    await drawAndAnswer('P-ALERT-SEALED', LATE, opening, (e) => e === decliner);
    clock = Date.parse('2026-11-30T12:00:00+08:00');
    const after = (await get(`/v1/alerts?at=${AT}`)).json();
    expect(after).toEqual(before);
    // Ending the window before the late draws: nothing clusters, and the period holds no calls.
    const earlier = (await get('/v1/alerts?at=2026-11-20T00:00:00%2B08:00')).json();
    expect(earlier.window.draws).toBe(4);
    expect(earlier.alerts).toEqual([]);
  });

  it('names experts by pool id only: no name, phone or ID number anywhere in the answer', async () => {
    const body = (await get(`/v1/alerts?at=${AT}`)).body;
    for (let i = 0; i < pool.experts.length; i++) {
      const p = syntheticPersonal(i);
      for (const secret of [p.phone, p.idNumber]) expect(body).not.toContain(secret);
      expect(body).not.toContain(`"${p.name}"`);
    }
    expect(body).toContain(decliner);
  });

  it('refuses operators, pool managers and sites, and bad input, logging nothing', async () => {
    const size = await t.ctx.store.logSize();
    for (const role of ['operator', 'pool-manager', 'site'] as const) expect((await get('/v1/alerts', role)).statusCode).toBe(403);
    for (const q of ['at=yesterday', 'at=2026-12-01T00:00:00', 'extra=1']) {
      const res = await get(`/v1/alerts?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code).toBe('INVALID_INPUT');
    }
    expect(await t.ctx.store.logSize()).toBe(size);
  });
});
