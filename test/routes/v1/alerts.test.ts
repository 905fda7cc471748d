// Early-warning alerts over HTTP on a real SQLite file: eight disclosed draws of one five-expert specialty (every
// expert on every panel), four for one tenderer early in the month, four for another at its end, in which one expert
// declines every call. The alerts find that expert's declines clustered on the second tenderer and the month's drop in
// acceptance, with exactly the numbers the records make; nobody else is named, no co-seating is raised (all five sit
// on every panel, as chance says they must); a draw still sealed changes nothing; only supervisors and inspectors read
// it, and no answer holds a name, phone or ID number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPersonal } from '../../../src/pool/generator.js';
import { sidak } from '../../../src/verify/alerts.js';
import { build, type Built } from '../../helper.js';
import { ALERTS_POLICY as POLICY, DECLINER as decliner, LATE, alertsHistory, alertsPolicyFile, alertsPool as pool, drawAndAnswer } from '../../helpers/alerts.js';

const AT = '2026-12-01T00:00:00%2B08:00';

let clock = 0;
let t: Built;
let policy: { file: string; remove: () => void } | null = null;
let late: string[] = [];

const get = (url: string, role: 'inspector' | 'supervisor' | 'operator' | 'pool-manager' | 'site' = 'supervisor', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers: { ...t.auth(role), ...headers } });

beforeAll(async () => {
  policy = alertsPolicyFile();
  t = await build({ EXPERT_DRAW_POLICY_FILE: policy.file }, { now: () => clock });
  expect(t.config.EXPERT_DRAW_STORE).toBe('sqlite');
  ({ late } = await alertsHistory(t, (ms) => (clock = ms)));
}, 180_000);
afterAll(async () => {
  await t?.close();
  policy?.remove();
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
    await drawAndAnswer(t, (ms) => (clock = ms), 'P-ALERT-SEALED', LATE, opening, (e) => e === decliner);
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
