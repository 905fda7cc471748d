// A remote site opens its result at once, so it could cancel drawn projects and register the tender again until an
// expert it wants is seated (docs/security.md T3). The alerts raise a rule for it: a site with the policy's number of
// drawn projects cancelled in its window (3 in 30 days by default). Here site-1 draws and cancels three projects,
// site-2 one, the centre one of its own, and site-1 cancels one more before its draw: only site-1 is named, with its
// three draws in order; the window ends where asked; the sentence speaks both languages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';
import { installCa, testCa } from '../../helpers/sites.js';

const ca = testCa();
// Made before any app runs: RSA key generation blocks the event loop.
const certs = [ca.issue('site-1'), ca.issue('site-2')];
const pool = generatePool({ size: 80, seed: 'withdrawn-alert', fixed: [{ code: 'C990101', members: 60 }] });

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const withdrawn: string[] = [];
const withdrawnProjects: string[] = [];

const site = (id: string) => t.auth('site', { site: id });
const project = (id: string) => ({
  id,
  tenderer: syntheticUscc(7001),
  agency: null,
  bidders: [syntheticUscc(7002)],
  avoid: [],
  preparedBy: [],
  bidOpeningAt: '2026-12-03T09:00:00+08:00',
  region: '330106',
  venue: '3号评标室',
  groups: [{ specialty: 'C990101', count: 5 }],
});

/** Registers a project as `headers` and draws it now: its draw id. */
async function drawn(id: string, headers: Record<string, string>): Promise<string> {
  const reg = await t.app.inject({ method: 'POST', url: '/v1/projects', headers, payload: project(id) });
  expect(reg.statusCode, reg.body).toBe(201);
  const res = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().drawId;
}
async function cancel(id: string, headers: Record<string, string>): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/cancel`, headers, payload: { reason: '招标人终止招标' } });
  expect(res.statusCode, res.body).toBe(200);
}
const alerts = async (at: string | null, lang = 'zh-CN') => {
  const res = await t.app.inject({ method: 'GET', url: `/v1/alerts${at ? `?at=${encodeURIComponent(at)}` : ''}`, headers: { ...t.auth('supervisor'), 'accept-language': lang } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().alerts as Array<Record<string, unknown>>;
};

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  installCa(t, ca.ca);
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  for (const c of certs) expect((await t.app.inject({ method: 'POST', url: '/v1/sites', headers: t.auth('admin'), payload: { certificate: c.certPem } })).statusCode).toBe(201);
  // site-1: three drawn and cancelled, ten minutes apart; one more cancelled before its draw (no result seen).
  for (const n of [1, 2, 3]) {
    clock += 10 * 60_000;
    withdrawn.push(await drawn(`S1-P${n}`, site('site-1')));
    await cancel(`S1-P${n}`, site('site-1'));
    withdrawnProjects.push(`S1-P${n}`);
  }
  expect((await t.app.inject({ method: 'POST', url: '/v1/projects', headers: site('site-1'), payload: project('S1-P4') })).statusCode).toBe(201);
  await cancel('S1-P4', site('site-1'));
  // site-2 once; the centre once, by its operator.
  await drawn('S2-P1', site('site-2'));
  await cancel('S2-P1', site('site-2'));
  await drawn('C-P1', t.auth('operator'));
  await cancel('C-P1', t.auth('operator'));
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('the withdrawn-draws alert', () => {
  it('names the site that cancelled three drawn projects, with its draws in order; nobody else', async () => {
    const raised = (await alerts(null)).filter((a) => a.kind === 'withdrawn-draws');
    expect(raised).toEqual([
      {
        kind: 'withdrawn-draws',
        site: 'site-1',
        withdrawn: 3,
        days: 30,
        min: 3,
        draws: withdrawn,
        projects: withdrawnProjects,
        message:
          '远程评标场所 site-1 近 30 天内取消了 3 个已完成抽取的项目（本策略 3 个即预警）：场所在抽取后即可打开结果，取消后以新项目重新登记可能是在“重抽”直至抽中想要的专家',
      },
    ]);
    const [en] = (await alerts(null, 'en')).filter((a) => a.kind === 'withdrawn-draws');
    expect(en!.message).toBe(
      'remote site site-1 cancelled 3 drawn projects in the last 30 days (the policy alerts at 3): a site opens its result at once, so cancelling and registering the tender again may be re-rolling for an expert it wants',
    );
  });

  it('counts the cancellations in the window before `at` only', async () => {
    // Before the third cancellation: two. Thirty days after the first: two again; after the last: none.
    expect((await alerts('2026-12-01T06:25:00+08:00')).some((a) => a.kind === 'withdrawn-draws')).toBe(false);
    expect((await alerts('2026-12-31T06:35:00+08:00')).filter((a) => a.kind === 'withdrawn-draws')).toEqual([]);
    expect((await alerts('2026-12-31T06:05:00+08:00')).filter((a) => a.kind === 'withdrawn-draws')).toHaveLength(1);
  });
});
