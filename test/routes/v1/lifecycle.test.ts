// Admission and exit over HTTP: every transition allowed or refused with its code, each allowed one logged with who,
// each refused one logging nothing; an import files applicants or admits; a revised file cannot bring back an expert
// who left or reinstate a lapsed one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';
import { person, type Person } from '../../helpers/people.js';

const DAY = 86_400_000;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 40, seed: 'lifecycle-routes' });
// Born 1970 or later: nobody reaches the retirement age in these tests.
const youngNumbers = Array.from({ length: 2000 }, (_, n) => 20_000 + n).filter((n) => syntheticPersonal(n).idNumber.slice(6, 14) >= '19700101');
const personal = (i: number) => syntheticPersonal(youngNumbers[i]!);
const young = (i: number) => ({ ...pool.experts[i]!, status: 'active' as const, suspendedUntil: null });
const body = (i: number, id = pool.experts[i]!.id) => ({ ...young(i), id, personal: personal(i) });
let t: Built;
let pm: Person;
let pmAuth: { authorization: string };

/** Sends, and returns the answer with the types of the entries it appended. */
async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers = pmAuth) {
  const before = t.ctx.auditLog.size;
  const res = await t.app.inject({ method, url, headers: { ...headers, 'accept-language': 'zh-CN' }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const types: string[] = [];
  for (let i = before; i < t.ctx.auditLog.size; i++) types.push((JSON.parse((await t.ctx.auditLog.entry(i)).toString()) as { type: string }).type);
  return { status: res.statusCode, json: res.json(), types };
}

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  pm = await person(t, 'pool-manager');
  pmAuth = pm.auth;
  await t.ctx.pool.import(Array.from({ length: 20 }, (_, i) => ({ line: i + 1, expert: young(i), personal: personal(i) })), [], 'all', { sub: 'importer', role: 'admin', iat: 0, exp: 0 });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('applications', () => {
  it('applied → admitted: filed by pool staff, admitted by a pool manager in person, logged with who', async () => {
    const filed = await call('POST', '/v1/applications', body(20, 'APP-1'), t.auth('admin'));
    expect(filed.status).toBe(201);
    expect(filed.json).toMatchObject({ id: 'APP-1', state: 'applied', appliedBy: 'test-admin' });
    expect(JSON.stringify(filed.json)).not.toContain(personal(20).idNumber);
    expect(filed.types).toEqual(['expert.applied']);
    expect((await call('GET', '/v1/experts/APP-1')).status).toBe(404);
    expect((await call('GET', '/v1/applications?state=applied')).json.items.map((a: { id: string }) => a.id)).toEqual(['APP-1']);
    // An administrator files, a pool manager's machine token does not decide: a person does.
    expect((await call('POST', '/v1/applications/APP-1/admit', undefined, t.auth('admin'))).status).toBe(403);
    expect((await call('POST', '/v1/applications/APP-1/admit', undefined, t.auth('pool-manager'))).status).toBe(403);
    const admitted = await call('POST', '/v1/applications/APP-1/admit');
    expect(admitted.status).toBe(200);
    expect(admitted.json).toMatchObject({ state: 'admitted', decidedBy: pm.userId });
    expect(admitted.types).toEqual(['expert.created', 'expert.admitted']);
    expect((await call('GET', '/v1/experts/APP-1')).json.status).toBe('active');
    const life = await call('GET', '/v1/experts/APP-1/lifecycle');
    expect(life.json).toMatchObject({ id: 'APP-1', status: 'active', admittedBy: pm.userId, confirmationDue: '2029-12-01', exit: null });
  });

  it('refuses a decided application (409 APPLICATION_DECIDED), a taken id or ID number (409 CONFLICT), and logs nothing', async () => {
    for (const [url, payload] of [['/v1/applications/APP-1/admit', undefined], ['/v1/applications/APP-1/reject', { reason: '材料不全' }]] as const) {
      const r = await call('POST', url, payload);
      expect([r.status, r.json.error.code, r.types]).toEqual([409, 'APPLICATION_DECIDED', []]);
      // When it was decided, as the centre's clocks read it (06:00 in Asia/Shanghai), not as ISO in UTC.
      expect(r.json.error.message).toContain('已于 2026-12-01 06:00 处理（已准入）');
    }
    const sameId = await call('POST', '/v1/applications', body(21, pool.experts[0]!.id));
    expect([sameId.status, sameId.json.error.code, sameId.types]).toEqual([409, 'CONFLICT', []]);
    const sameIdNumber = await call('POST', '/v1/applications', { ...body(21, 'APP-2'), personal: personal(3) });
    expect([sameIdNumber.status, sameIdNumber.json.error.code, sameIdNumber.types]).toEqual([409, 'CONFLICT', []]);
    expect((await call('POST', '/v1/applications/APP-NONE/admit')).status).toBe(404);
  });

  it('applied → rejected with a reason; the application is kept', async () => {
    expect((await call('POST', '/v1/applications', body(22, 'APP-3'))).status).toBe(201);
    // The reason is logged in the clear: never the applicant's name, however written (nothing stored).
    const named = await call('POST', '/v1/applications/APP-3/reject', { reason: `${[...personal(22).name].join(' ')} 资料不全` });
    expect([named.status, named.json.error.code, named.types]).toEqual([400, 'INVALID_INPUT', []]);
    const rejected = await call('POST', '/v1/applications/APP-3/reject', { reason: '从业年限不足' });
    expect(rejected.json).toMatchObject({ state: 'rejected', reason: '从业年限不足', decidedBy: pm.userId });
    expect(rejected.types).toEqual(['expert.rejected']);
    expect((await call('GET', '/v1/applications/APP-3')).json.state).toBe('rejected');
    expect((await call('GET', '/v1/experts/APP-3')).status).toBe(404);
  });

  it('a bulk import admits by default, and files applicants with admission=applied', async () => {
    const line = (i: number, id: string) => `${JSON.stringify(body(i, id))}\n`;
    const applied = await t.app.inject({ method: 'POST', url: '/v1/experts/import?admission=applied', headers: { ...pmAuth, 'content-type': 'application/x-ndjson' }, payload: line(23, 'APP-4') + line(24, 'APP-5') });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().imported).toBe(2);
    expect(t.ctx.pool.expert('APP-4')).toBeUndefined();
    expect((await call('GET', '/v1/applications?state=applied')).json.items.map((a: { id: string }) => a.id)).toEqual(['APP-4', 'APP-5']);
    const admitted = await t.app.inject({ method: 'POST', url: '/v1/experts/import', headers: { ...pmAuth, 'content-type': 'application/x-ndjson' }, payload: line(25, 'IMP-1') });
    expect(admitted.statusCode, admitted.body).toBe(200);
    expect(t.ctx.pool.expert('IMP-1')?.status).toBe('active');
    expect((await call('GET', '/v1/experts/IMP-1/lifecycle')).json.admittedBy).toBe(pm.userId);
    const upsertApplied = await t.app.inject({ method: 'POST', url: '/v1/experts/import?mode=upsert&admission=applied', headers: { ...pmAuth, 'content-type': 'application/x-ndjson' }, payload: line(26, 'APP-6') });
    expect(upsertApplied.statusCode).toBe(400);
  });
});

describe('exit, lapse and re-confirmation', () => {
  const X = () => pool.experts[5]!.id;
  const L = () => pool.experts[6]!.id;

  it('exit with a closed-list reason: retired for good, records kept; every later change refused with 409 EXPERT_EXITED', async () => {
    expect((await call('POST', `/v1/experts/${X()}/exit`, { reason: 'moved-away' })).status).toBe(400);
    // The note stays in the log for good: no phone, ID number or the expert's own name in it (nothing stored).
    const size = await t.ctx.store.logSize();
    const name = t.ctx.pool.personal(X()).name;
    for (const note of ['联系 15973994367', '联系+86 159.7399.4367', `身份证 ${syntheticPersonal(8).idNumber}`, `${name}已调离`, `${name[0]} ${name.slice(1)}已调离`, `${[...name].join('·')}已调离`, `电话 壹伍玖柒叁玖玖肆叁陆柒`, `身份证 110105 1976-09-06 0009`]) {
      const refused = await call('POST', `/v1/experts/${X()}/exit`, { reason: 'resigned', note });
      expect(refused.status, note).toBe(400);
      expect(refused.json).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    }
    expect(await t.ctx.store.logSize()).toBe(size);
    // A reason the log would record falsely: only a revised register says not-in-register; retirement age and an
    // expired certificate only once true (this expert's retirement day and certificate are years away).
    expect((await call('POST', `/v1/experts/${X()}/exit`, { reason: 'not-in-register' })).status).toBe(400);
    for (const reason of ['retired-age', 'certificate-expired']) {
      const untrue = await call('POST', `/v1/experts/${X()}/exit`, { reason });
      expect([untrue.status, untrue.json.error.code], reason).toEqual([409, 'CONFLICT']);
      expect(untrue.json.error.message).toContain('尚不成立');
    }
    expect(await t.ctx.store.logSize()).toBe(size);
    const exit = await call('POST', `/v1/experts/${X()}/exit`, { reason: 'resigned', note: '本人书面申请' });
    expect(exit.status).toBe(200);
    expect(exit.json).toMatchObject({ status: 'retired', exit: { reason: 'resigned', by: pm.userId, on: '2026-12-01' }, exitLabel: '本人申请退出' });
    const english = await t.app.inject({ method: 'GET', url: `/v1/experts/${X()}/lifecycle`, headers: { ...pmAuth, 'accept-language': 'en' } });
    expect(english.json().exitLabel).toBe('Resigned');
    expect(exit.types).toEqual(['expert.status', 'expert.exited']);
    for (const [method, url, payload] of [
      ['POST', `/v1/experts/${X()}/exit`, { reason: 'deceased' }],
      ['POST', `/v1/experts/${X()}/confirm`, undefined],
      ['PUT', `/v1/experts/${X()}/certificate`, { certificateExpires: '2030-01-01' }],
      ['POST', `/v1/experts/${X()}/status`, { status: 'active', reason: '恢复' }],
    ] as const) {
      const r = await call(method, url, payload);
      expect([url, r.status, r.json.error.code, r.types]).toEqual([url, 409, 'EXPERT_EXITED', []]);
    }
    // A revised pool file cannot bring them back either.
    const file = `${JSON.stringify(body(5))}\n`;
    const upsert = await t.app.inject({ method: 'POST', url: '/v1/experts/import?mode=upsert', headers: { ...pmAuth, 'content-type': 'application/x-ndjson' }, payload: file });
    expect(upsert.statusCode).toBe(422);
    expect(upsert.json().error.details.errors.map((e: { code: string }) => e.code)).toEqual(['EXITED_EXPERT']);
    expect(t.ctx.pool.expert(X())?.status).toBe('retired');
    expect(t.ctx.pool.get(X()).id).toBe(X());
  });

  it('a lapsed confirmation is listed as due, refuses reinstatement (409 CONFIRMATION_LAPSED), and a re-confirmation lifts it', async () => {
    const soon = await call('GET', '/v1/confirmations/due?withinDays=30');
    expect(soon.json.items).toEqual([]);
    clock += (3 * 365 + 20) * DAY;
    // Three years on, the morning's session is long over: the pool manager logs in again.
    pmAuth = (await person(t, 'pool-manager')).auth;
    const due = await call('GET', '/v1/confirmations/due?withinDays=60');
    expect(due.json.items.map((i: { id: string }) => i.id)).toContain(L());
    expect(due.json.items.find((i: { id: string }) => i.id === L())).toMatchObject({ confirmationDue: '2029-12-01', lapsed: false });
    clock += 30 * DAY;
    pmAuth = (await person(t, 'pool-manager')).auth;
    const pass = await t.ctx.lifecycle.pass();
    expect(pass.lapsed).toContain(L());
    expect(pass.lapsed).not.toContain(X());
    expect(t.ctx.pool.expert(L())).toMatchObject({ status: 'suspended', suspendedUntil: null });
    expect((await call('GET', '/v1/confirmations/due')).json.items.find((i: { id: string }) => i.id === L())).toMatchObject({ lapsed: true });
    for (const payload of [{ status: 'active', reason: '恢复' }, { status: 'suspended', reason: '暂停', until: '2031-01-01' }]) {
      const r = await call('POST', `/v1/experts/${L()}/status`, payload);
      expect([r.status, r.json.error.code, r.types]).toEqual([409, 'CONFIRMATION_LAPSED', []]);
    }
    const upsert = await t.app.inject({ method: 'POST', url: '/v1/experts/import?mode=upsert', headers: { ...pmAuth, 'content-type': 'application/x-ndjson' }, payload: `${JSON.stringify(body(6))}\n` });
    expect(upsert.json().error.details.errors.map((e: { code: string }) => e.code)).toEqual(['CONFIRMATION_LAPSED']);
    // A blacklisting is still taken (harsher), and the lapse then no longer holds the status.
    const confirmed = await call('POST', `/v1/experts/${L()}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.json).toMatchObject({ status: 'active', lapsed: null, confirmedOn: '2030-01-19', confirmationDue: '2033-01-19' });
    expect(confirmed.types).toEqual(['expert.status', 'expert.confirmed']);
  });

  it('a certificate that expires retires the expert at the next pass (exit reason certificate-expired)', async () => {
    const C = pool.experts[7]!.id;
    expect((await call('PUT', `/v1/experts/${C}/certificate`, { certificateExpires: '2030-01-25' })).types).toEqual(['expert.certificate']);
    await call('POST', `/v1/experts/${C}/confirm`);
    expect((await t.ctx.lifecycle.pass()).exited).toEqual([]);
    clock += 7 * DAY;
    pmAuth = (await person(t, 'pool-manager')).auth;
    expect((await t.ctx.lifecycle.pass()).exited).toEqual([{ id: C, reason: 'certificate-expired' }]);
    expect((await call('GET', `/v1/experts/${C}/lifecycle`)).json).toMatchObject({ status: 'retired', exit: { reason: 'certificate-expired', by: 'lifecycle' } });
  });
});

describe('accountability after an exit', () => {
  it('misconduct found after an exit still blacklists; a blacklisted expert who exits stays blacklisted', async () => {
    pmAuth = (await person(t, 'pool-manager')).auth;
    const X = pool.experts[5]!.id;
    const black = await call('POST', `/v1/experts/${X}/status`, { status: 'blacklisted', reason: '退出后查实串通投标' });
    expect([black.status, black.json.status, black.types]).toEqual([200, 'blacklisted', ['expert.status']]);
    const B = pool.experts[8]!.id;
    await call('POST', `/v1/experts/${B}/confirm`);
    expect((await call('POST', `/v1/experts/${B}/status`, { status: 'blacklisted', reason: '串通投标' })).status).toBe(200);
    const exit = await call('POST', `/v1/experts/${B}/exit`, { reason: 'removed' });
    expect([exit.status, exit.json.status, exit.json.exit.reason, exit.types]).toEqual([200, 'blacklisted', 'removed', ['expert.exited']]);
    expect((await call('POST', `/v1/experts/${B}/status`, { status: 'active', reason: '恢复' })).json.error.code).toBe('EXPERT_EXITED');
  });
});
