// Pool routes through inject(): every endpoint, roles, the audit trail, and a table of invalid requests that must
// each get their 4xx code and leave the store exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';

let t: Built;
const pm = () => t.auth('pool-manager', { subject: 'pm-1' });
const experts = generatePool({ size: 40, seed: 'routes' }).experts;
const body = (i: number) => ({ ...experts[i]!, personal: syntheticPersonal(i) });

beforeAll(async () => {
  t = await build();
});
afterAll(async () => {
  await t.close();
});

async function snapshot() {
  return {
    log: await t.ctx.store.logSize(),
    experts: (await t.ctx.store.listRecords('experts')).map((r) => r.value.toString()),
    orgs: (await t.ctx.store.listRecords('organisations')).length,
    version: t.ctx.pool.poolVersion,
  };
}

describe('experts', () => {
  it('adds an expert, logs it without personal data, and never returns personal data', async () => {
    const before = await t.ctx.store.logSize();
    const res = await t.app.inject({ method: 'POST', url: '/v1/experts', headers: pm(), payload: body(0) });
    expect(res.statusCode).toBe(201);
    const out = res.json();
    expect(out).toMatchObject({ id: experts[0]!.id, revision: 1 });
    const personal = syntheticPersonal(0);
    for (const secret of [personal.name, personal.phone, personal.idNumber]) expect(res.body).not.toContain(secret);
    expect(await t.ctx.store.logSize()).toBe(before + 1);
    const entry = (await t.ctx.auditLog.entry(before)).toString();
    expect(JSON.parse(entry)).toMatchObject({ type: 'expert.created', payload: { expert: { id: experts[0]!.id }, by: 'pm-1', poolVersion: 1 } });
    for (const secret of [personal.name, personal.phone, personal.idNumber]) expect(entry).not.toContain(secret);
    // At rest: sealed and keyed-hashed, and the vault opens it again.
    const stored = (await t.ctx.store.getRecord('experts', experts[0]!.id))!.toString();
    for (const secret of [personal.name, personal.phone, personal.idNumber]) expect(stored).not.toContain(secret);
    expect(t.ctx.vault.open(experts[0]!.id, JSON.parse(stored).sealed)).toEqual(personal);
  });

  it('reads, lists with filters and pages, and follows changes with revisions and pool versions', async () => {
    for (let i = 1; i < 6; i++) expect((await t.app.inject({ method: 'POST', url: '/v1/experts', headers: pm(), payload: body(i) })).statusCode).toBe(201);
    const one = await t.app.inject({ method: 'GET', url: `/v1/experts/${experts[3]!.id}`, headers: pm() });
    expect(one.json()).toMatchObject({ id: experts[3]!.id, specialties: experts[3]!.specialties });
    const page1 = (await t.app.inject({ method: 'GET', url: '/v1/experts?limit=4', headers: pm() })).json();
    expect(page1.items).toHaveLength(4);
    const page2 = (await t.app.inject({ method: 'GET', url: `/v1/experts?limit=4&after=${page1.next}`, headers: pm() })).json();
    expect(page2.items).toHaveLength(2);
    expect(page2.next).toBeNull();
    const top = experts[2]!.specialties[0]!.slice(0, 1);
    const filtered = (await t.app.inject({ method: 'GET', url: `/v1/experts?specialty=${top}`, headers: pm() })).json();
    expect(filtered.items.every((e: { specialties: string[] }) => e.specialties.some((s) => s.startsWith(top)))).toBe(true);

    const version = t.ctx.pool.poolVersion;
    const patched = await t.app.inject({ method: 'PATCH', url: `/v1/experts/${experts[1]!.id}`, headers: pm(), payload: { region: '110105' } });
    expect(patched.json()).toMatchObject({ region: '110105', revision: 2 });
    const suspended = await t.app.inject({ method: 'POST', url: `/v1/experts/${experts[1]!.id}/status`, headers: pm(), payload: { status: 'suspended', reason: '连续两次无故缺席', until: '2027-03-31' } });
    expect(suspended.json()).toMatchObject({ status: 'suspended', suspendedUntil: '2027-03-31', revision: 3 });
    const avail = await t.app.inject({ method: 'PUT', url: `/v1/experts/${experts[1]!.id}/availability`, headers: pm(), payload: { unavailable: ['2026-12-03', '2026-12-01', '2026-12-03'] } });
    expect(avail.json().unavailable).toEqual(['2026-12-01', '2026-12-03']);
    const rel = await t.app.inject({
      method: 'PUT',
      url: `/v1/experts/${experts[1]!.id}/relations`,
      headers: pm(),
      payload: { relations: [{ kind: 'org', holder: 'self', role: 'employee', org: syntheticUscc(900), until: '2025-06-30' }, { kind: 'relative', expertId: experts[2]!.id }] },
    });
    expect(rel.json().relations).toHaveLength(2);
    expect(t.ctx.pool.poolVersion).toBe(version + 4);
    expect(t.ctx.pool.current().version).toBe(version + 4);
    const last = JSON.parse((await t.ctx.auditLog.entry((await t.ctx.store.logSize()) - 1)).toString());
    expect(last).toMatchObject({ type: 'expert.relations', payload: { id: experts[1]!.id, by: 'pm-1' } });
    const status = JSON.parse((await t.ctx.auditLog.entry((await t.ctx.store.logSize()) - 3)).toString());
    expect(status).toMatchObject({ type: 'expert.status', payload: { from: 'active', to: 'suspended', reason: '连续两次无故缺席' } });
  });

  it('searches by employer and region prefix as well, never showing personal data', async () => {
    const listed = async (query: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/v1/experts?${query}`, headers: t.auth('admin') });
      expect(res.statusCode, res.body).toBe(200);
      for (let i = 0; i < 6; i++) for (const secret of Object.values(syntheticPersonal(i))) expect(res.body).not.toContain(secret);
      return (res.json().items as Array<{ id: string }>).map((e) => e.id);
    };
    const inPool = experts.slice(0, 6);
    const byId = (a: string, b: string) => (a < b ? -1 : 1);
    const e = experts[2]!;
    expect(await listed(`employer=${e.employer}`)).toEqual(inPool.filter((x) => x.employer === e.employer).map((x) => x.id).sort(byId));
    expect(await listed(`employer=${syntheticUscc(9999)}`)).toEqual([]);
    // Expert 1 moved to 110105 above.
    expect(await listed('region=1101')).toContain(experts[1]!.id);
    expect(await listed(`region=${e.region.slice(0, 2)}&specialty=${e.specialties[0]}`)).toContain(e.id);
    for (const bad of ['region=1', 'region=110', 'region=0101', 'employer=123', 'specialty=D']) {
      expect((await t.app.inject({ method: 'GET', url: `/v1/experts?${bad}`, headers: pm() })).statusCode, bad).toBe(400);
    }
  });

  it('refuses a second expert with the same id or the same ID number, without naming the number', async () => {
    const again = await t.app.inject({ method: 'POST', url: '/v1/experts', headers: pm(), payload: body(0) });
    expect(again.statusCode).toBe(409);
    // A phone of its own: another expert's phone is refused before (test/routes/v1/expert-phones.test.ts).
    const sameIdNumber = await t.app.inject({ method: 'POST', url: '/v1/experts', headers: pm(), payload: { ...experts[30]!, personal: { ...syntheticPersonal(0), phone: '13800000030' } } });
    expect(sameIdNumber.statusCode).toBe(409);
    expect(sameIdNumber.json().error.code).toBe('CONFLICT');
    expect(sameIdNumber.body).not.toContain(syntheticPersonal(0).idNumber);
  });

  it('writes nothing for an edit that changes nothing, and logs only the fields that did change', async () => {
    const id = experts[4]!.id;
    const current = t.ctx.pool.expert(id)!;
    const before = await snapshot();
    const same = await t.app.inject({ method: 'PATCH', url: `/v1/experts/${id}`, headers: pm(), payload: { specialties: current.specialties, region: current.region } });
    expect(same.statusCode, same.body).toBe(200);
    expect(await snapshot()).toEqual(before);
    const region = current.region === '110105' ? '330106' : '110105';
    const moved = await t.app.inject({ method: 'PATCH', url: `/v1/experts/${id}`, headers: pm(), payload: { specialties: current.specialties, region } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(t.ctx.pool.poolVersion).toBe(before.version + 1);
    expect(JSON.parse((await t.ctx.auditLog.entry(before.log)).toString()).payload.changes).toEqual(['region']);
  });

  it('writes nothing for a status change to the status the expert has', async () => {
    const id = experts[5]!.id;
    const set = { status: 'suspended', reason: '连续缺席', until: '2027-02-28' };
    expect((await t.app.inject({ method: 'POST', url: `/v1/experts/${id}/status`, headers: pm(), payload: set })).statusCode).toBe(200);
    const before = await snapshot();
    const again = await t.app.inject({ method: 'POST', url: `/v1/experts/${id}/status`, headers: pm(), payload: { ...set, reason: '再次确认' } });
    expect(again.statusCode, again.body).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it('does not repeat an id shaped like an ID or phone number in its 404', async () => {
    const idNumber = syntheticPersonal(7).idNumber;
    for (const asked of [idNumber, '15973994367']) {
      const res = await t.app.inject({ method: 'GET', url: `/v1/experts/${asked}`, headers: pm() });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain(asked);
    }
    // Nor does any other error answer: another route's 404, an unknown route's.
    for (const [url, headers] of [[`/v1/projects/${idNumber}`, t.auth('operator')], ['/v1/projects/P-15973994367', t.auth('operator')], ['/v1/experts/15973994367/no-such-thing', pm()]] as const) {
      const res = await t.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain(idNumber);
      expect(res.body).not.toContain('15973994367');
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/experts/E-NOPE', headers: pm() })).body).toContain('E-NOPE');
  });

  it('registers and reads organisations', async () => {
    const code = syntheticUscc(77);
    expect((await t.app.inject({ method: 'PUT', url: `/v1/organisations/${code}`, headers: pm(), payload: { name: '杭州市建设工程有限公司' } })).json()).toEqual({ code, name: '杭州市建设工程有限公司' });
    expect((await t.app.inject({ method: 'GET', url: `/v1/organisations/${code}`, headers: pm() })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/v1/organisations/${syntheticUscc(78)}`, headers: pm() })).statusCode).toBe(404);
  });

  it('is closed to operators, supervisors, check-in terminals, sites and inspectors', async () => {
    for (const role of ['operator', 'supervisor', 'checkin', 'site', 'inspector'] as const) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/experts', headers: t.auth(role) });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/experts' })).statusCode).toBe(401);
  });
});

describe('invalid pool requests change nothing', () => {
  const id = () => experts[2]!.id;
  const valid = () => body(20);
  const cases: Array<[string, { method: 'POST' | 'PATCH' | 'PUT' | 'GET'; url: () => string; payload?: () => unknown; raw?: string; headers?: Record<string, string> }, number, string]> = [
    ['missing specialties', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), specialties: undefined }) }, 400, 'INVALID_INPUT'],
    ['empty specialties', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), specialties: [] }) }, 400, 'INVALID_INPUT'],
    ['bad specialty code', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), specialties: ['Z0101'] }) }, 400, 'INVALID_INPUT'],
    ['specialty with odd digits', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), specialties: ['A010'] }) }, 400, 'INVALID_INPUT'],
    ['region not 6 digits', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), region: '3301' }) }, 400, 'INVALID_INPUT'],
    ['employer with a bad check character', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), employer: `${syntheticUscc(5).slice(0, 17)}${syntheticUscc(5).endsWith('0') ? '1' : '0'}` }) }, 400, 'INVALID_INPUT'],
    ['employer too short', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), employer: '91330106' }) }, 400, 'INVALID_INPUT'],
    ['unknown status', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), status: 'on-leave' }) }, 400, 'INVALID_INPUT'],
    ['id with spaces', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), id: 'E 1' }) }, 400, 'INVALID_INPUT'],
    ['unknown field', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), salary: 1 }) }, 400, 'INVALID_INPUT'],
    ['personal data missing', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), personal: undefined }) }, 400, 'INVALID_INPUT'],
    ['ID number with a bad check digit', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), personal: { ...syntheticPersonal(20), idNumber: `${syntheticPersonal(20).idNumber.slice(0, 17)}${syntheticPersonal(20).idNumber.endsWith('1') ? '2' : '1'}` } }) }, 400, 'INVALID_INPUT'],
    ['ID number with an impossible birth date', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), personal: { ...syntheticPersonal(20), idNumber: '110105199902300011' } }) }, 400, 'INVALID_INPUT'],
    ['phone with letters', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), personal: { ...syntheticPersonal(20), phone: '138abc' } }) }, 400, 'INVALID_INPUT'],
    ['empty name', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), personal: { ...syntheticPersonal(20), name: '' } }) }, 400, 'INVALID_INPUT'],
    ['wrong type for unavailable', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), unavailable: '2026-12-01' }) }, 400, 'INVALID_INPUT'],
    ['impossible date', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), unavailable: ['2026-02-30'] }) }, 400, 'INVALID_INPUT'],
    ['relation of unknown kind', { method: 'POST', url: () => '/v1/experts', payload: () => ({ ...valid(), relations: [{ kind: 'friend', expertId: 'E1' }] }) }, 400, 'INVALID_INPUT'],
    ['not JSON', { method: 'POST', url: () => '/v1/experts', raw: '{"id": "E1",', headers: { 'content-type': 'application/json' } }, 400, 'INVALID_INPUT'],
    ['not a JSON content type', { method: 'POST', url: () => '/v1/experts', raw: 'id=E1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['body over the limit', { method: 'POST', url: () => '/v1/experts', raw: JSON.stringify({ pad: 'x'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' } }, 413, 'PAYLOAD_TOO_LARGE'],
    ['patch with nothing', { method: 'PATCH', url: () => `/v1/experts/${id()}`, payload: () => ({}) }, 400, 'INVALID_INPUT'],
    ['patch of a status (needs a reason)', { method: 'PATCH', url: () => `/v1/experts/${id()}`, payload: () => ({ status: 'blacklisted' }) }, 400, 'INVALID_INPUT'],
    ['patch of an unknown expert', { method: 'PATCH', url: () => '/v1/experts/E9999999', payload: () => ({ region: '110105' }) }, 404, 'NOT_FOUND'],
    ['status without a reason', { method: 'POST', url: () => `/v1/experts/${id()}/status`, payload: () => ({ status: 'blacklisted' }) }, 400, 'INVALID_INPUT'],
    ['status with an end date but not a suspension', { method: 'POST', url: () => `/v1/experts/${id()}/status`, payload: () => ({ status: 'retired', reason: '年满70周岁', until: '2027-01-01' }) }, 400, 'INVALID_INPUT'],
    ['status whose reason holds a mobile number (the log keeps it for good)', { method: 'POST', url: () => `/v1/experts/${id()}/status`, payload: () => ({ status: 'suspended', reason: '本人来电 159 7399 4367 请假', until: '2027-01-31' }) }, 400, 'INVALID_INPUT'],
    ['status whose reason holds an ID number', { method: 'POST', url: () => `/v1/experts/${id()}/status`, payload: () => ({ status: 'suspended', reason: `身份证 ${syntheticPersonal(3).idNumber} 请假`, until: '2027-01-31' }) }, 400, 'INVALID_INPUT'],
    ['status whose reason names the expert', { method: 'POST', url: () => `/v1/experts/${id()}/status`, payload: () => ({ status: 'suspended', reason: `${t.ctx.pool.personal(id()).name}本人来电请假`, until: '2027-01-31' }) }, 400, 'INVALID_INPUT'],
    ['status for an unknown expert', { method: 'POST', url: () => '/v1/experts/E9999999/status', payload: () => ({ status: 'retired', reason: '年满70周岁' }) }, 404, 'NOT_FOUND'],
    ['availability not a list', { method: 'PUT', url: () => `/v1/experts/${id()}/availability`, payload: () => ({ unavailable: 'tomorrow' }) }, 400, 'INVALID_INPUT'],
    ['relations with a bad organisation code', { method: 'PUT', url: () => `/v1/experts/${id()}/relations`, payload: () => ({ relations: [{ kind: 'org', holder: 'self', role: 'employee', org: '123', until: null }] }) }, 400, 'INVALID_INPUT'],
    ['organisation with a bad code', { method: 'PUT', url: () => '/v1/organisations/ABC', payload: () => ({ name: 'x' }) }, 400, 'INVALID_INPUT'],
    ['organisation whose name holds a mobile number (the log keeps it for good)', { method: 'PUT', url: () => `/v1/organisations/${syntheticUscc(91)}`, payload: () => ({ name: '杨丽 15973994367 咨询公司' }) }, 400, 'INVALID_INPUT'],
    ['status whose reason names the expert with middle dots', { method: 'POST', url: () => `/v1/experts/${id()}/status`, payload: () => ({ status: 'suspended', reason: `本人${[...t.ctx.pool.personal(id()).name].join('·')}申请`, until: '2027-01-31' }) }, 400, 'INVALID_INPUT'],
    ['organisation without a name', { method: 'PUT', url: () => `/v1/organisations/${syntheticUscc(91)}`, payload: () => ({ name: '  ' }) }, 400, 'INVALID_INPUT'],
    ['page size over the limit', { method: 'GET', url: () => '/v1/experts?limit=100000' }, 400, 'INVALID_INPUT'],
    ['bad status filter', { method: 'GET', url: () => '/v1/experts?status=asleep' }, 400, 'INVALID_INPUT'],
  ];

  it.each(cases)('%s → %i %s', async (_name, req, status, code) => {
    const before = await snapshot();
    const res = await t.app.inject({
      method: req.method,
      url: req.url(),
      headers: { ...pm(), ...(req.headers ?? {}) },
      ...(req.raw !== undefined ? { payload: req.raw } : req.payload ? { payload: req.payload() as object } : {}),
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await snapshot()).toEqual(before);
    // An error never carries the personal data that was sent.
    const p = syntheticPersonal(20);
    for (const secret of [p.name, p.phone, p.idNumber]) expect(res.body).not.toContain(secret);
  });
});
