// Projects and draws through inject(), on a controllable clock: the draw fires at bid opening minus the lead time,
// moves with a new opening time, catches up after downtime, is missed past opening, runs once on an immediate request
// however often it is repeated, and never shows an expert identity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';

let t: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const at = (local: string, day = '2026-12-01') => (clock = Date.parse(`${day}T${local}+08:00`));
const pool = generatePool({ size: 300, seed: 'projects', fixed: [{ code: 'C990101', members: 60 }, { code: 'C990102', members: 6 }] });
const op = () => t.auth('operator', { subject: 'op-1' });

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  const report = await t.ctx.pool.import(
    pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })),
    [],
    'all',
    { sub: 'seed', role: 'admin', iat: 0, exp: 0 },
  );
  expect(report.imported).toBe(300);
});
afterAll(async () => {
  await t.close();
});

const project = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  tenderer: syntheticUscc(5001),
  agency: syntheticUscc(5002),
  bidOpeningAt: '2026-12-01T09:00:00+08:00',
  region: '330106',
  venue: '杭州市公共资源交易中心 3号评标室',
  groups: [{ specialty: 'C990101', count: 5 }],
  ...over,
});
const register = (body: object) => t.app.inject({ method: 'POST', url: '/v1/projects', headers: op(), payload: body });
const get = async (id: string) => (await t.app.inject({ method: 'GET', url: `/v1/projects/${id}`, headers: op() })).json();
const types = async (from: number) => {
  const size = await t.ctx.store.logSize();
  const out: string[] = [];
  for (let i = from; i < size; i++) out.push(JSON.parse((await t.ctx.auditLog.entry(i)).toString()).type);
  return out;
};

describe('scheduled draws', () => {
  it('schedules the draw one hour before bid opening and runs it at that minute, not before', async () => {
    at('06:00:00');
    const from = await t.ctx.store.logSize();
    const res = await register(project('P-SCHED-1'));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ state: 'scheduled', drawAt: '2026-12-01T00:00:00.000Z', leadTimeMinutes: 60 });
    at('07:59:59');
    expect((await t.ctx.scheduler.tick()).drawn).toEqual([]);
    at('08:00:00');
    expect((await t.ctx.scheduler.tick()).drawn).toEqual(['P-SCHED-1']);
    const p = await get('P-SCHED-1');
    expect(p.state).toBe('drawn');
    const draw = await t.app.inject({ method: 'GET', url: `/v1/draws/${p.drawId}`, headers: t.auth('supervisor') });
    expect(draw.statusCode).toBe(200);
    expect(draw.json()).toMatchObject({ state: 'drawn', kind: 'scheduled', groups: [{ specialty: 'C990101', count: 5, alternates: 2 }], assurance: 'operator' });
    expect(draw.json().resultIndex).toBe(draw.json().commitIndex + 1);
    // No expert id in the status, nor in the log entries of the draw.
    for (const e of pool.experts) expect(draw.body).not.toContain(`"${e.id}"`);
    const size = await t.ctx.store.logSize();
    for (let i = draw.json().commitIndex; i < size; i++) {
      const entry = (await t.ctx.auditLog.entry(i)).toString();
      for (const e of pool.experts) expect(entry).not.toContain(`"${e.id}"`);
    }
    // The five selected experts are called at once, in one entry: by seat and rank, never by name.
    expect(await types(from)).toEqual(['project.registered', 'draw.commit', 'draw.result', 'calls.placed']);
    // A second tick does nothing: the draw ran exactly once.
    expect((await t.ctx.scheduler.tick()).drawn).toEqual([]);
  });

  it('writes every bid opening in the centre’s zone, so that the day a draw reads is the centre’s day', async () => {
    at('06:00:00');
    // 20:30 UTC on the 1st is 04:30 on the 2nd in Shanghai: an expert unavailable on the 2nd must not be called.
    const res = await register(project('P-ZONE', { bidOpeningAt: '2026-12-01T20:30:00Z' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().project.bidOpeningAt).toBe('2026-12-02T04:30:00+08:00');
    const moved = await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-ZONE/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-12-01T21:00:00.500-00:00', reason: '招标人申请延期' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().project.bidOpeningAt).toBe('2026-12-02T05:00:00.500+08:00');
  });

  it('moves the draw with a new bid opening, and logs why', async () => {
    at('06:00:00');
    expect((await register(project('P-MOVE'))).statusCode).toBe(201);
    const moved = await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-MOVE/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-12-01T10:30:00+08:00', reason: '招标人申请延期' } });
    expect(moved.json()).toMatchObject({ drawAt: '2026-12-01T01:30:00.000Z', revision: 2 });
    at('08:00:00');
    expect((await t.ctx.scheduler.tick()).drawn).toEqual([]);
    at('09:30:00');
    expect((await t.ctx.scheduler.tick()).drawn).toEqual(['P-MOVE']);
  });

  it('does not draw a cancelled project', async () => {
    at('06:00:00');
    await register(project('P-CANCEL'));
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-CANCEL/cancel', headers: op(), payload: { reason: '项目终止' } });
    expect(res.json().state).toBe('cancelled');
    at('08:00:00');
    const report = await t.ctx.scheduler.tick();
    expect(report.drawn).not.toContain('P-CANCEL');
  });

  it('catches up after downtime while bid opening is still ahead, and marks missed what is past opening', async () => {
    at('06:00:00');
    await register(project('P-LATE', { bidOpeningAt: '2026-12-01T11:00:00+08:00' }));
    await register(project('P-MISSED', { bidOpeningAt: '2026-12-01T10:00:00+08:00' }));
    // Down from 06:00 to 10:30: P-LATE was due at 10:00 and opens at 11:00; P-MISSED opened at 10:00.
    at('10:30:00');
    const report = await t.ctx.scheduler.tick();
    expect(report.drawn).toContain('P-LATE');
    expect(report.missed).toContain('P-MISSED');
    expect((await get('P-MISSED')).state).toBe('missed');
    const last = JSON.parse((await t.ctx.auditLog.entry((await t.ctx.store.logSize()) - 1)).toString());
    expect(['draw.missed', 'calls.placed']).toContain(last.type);

    // The operator resolves it by postponing the opening: the project is scheduled again and drawn at its new time.
    const size = await t.ctx.store.logSize();
    const moved = await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-MISSED/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-12-01T13:00:00+08:00', reason: '系统故障，开标延期' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ state: 'scheduled', drawAt: '2026-12-01T04:00:00.000Z' });
    const entry = JSON.parse((await t.ctx.auditLog.entry(size)).toString());
    expect(entry).toMatchObject({ type: 'project.rescheduled', payload: { id: 'P-MISSED', rearmed: 'missed', to: '2026-12-01T13:00:00+08:00' } });
    at('12:00:00');
    expect((await t.ctx.scheduler.tick()).drawn).toContain('P-MISSED');
  });

  it('fails visibly, naming the short group, when the pool cannot fill a group', async () => {
    at('06:00:00');
    expect((await register(project('P-SHORT', { groups: [{ specialty: 'C990102', count: 5 }] }))).statusCode).toBe(201);
    at('08:00:00');
    expect((await t.ctx.scheduler.tick()).failed).toContain('P-SHORT');
    const p = await get('P-SHORT');
    expect(p.state).toBe('failed');
    const draw = (await t.app.inject({ method: 'GET', url: `/v1/draws/${p.drawId}`, headers: op() })).json();
    expect(draw).toMatchObject({ state: 'failed', failure: { code: 'INSUFFICIENT_CANDIDATES' } });
    // Its reason in the answer's language: Chinese by default, English when asked, in the list as for the one draw.
    expect(draw.failure.message).toMatch(/^符合条件的专家不足|专家不足/);
    const english = (await t.app.inject({ method: 'GET', url: `/v1/draws/${p.drawId}`, headers: { ...op(), 'accept-language': 'en' } })).json();
    expect(english.failure.message).toMatch(/^not enough eligible experts/);
    const listed = (await t.app.inject({ method: 'GET', url: '/v1/draws?state=failed', headers: op() })).json().items.find((d: { drawId: string }) => d.drawId === p.drawId);
    expect(listed.failure.message).toBe(draw.failure.message);

    // Postponed, it is drawn again at the new time; the new draw names the failed one (here it fails again: the pool
    // is still short).
    const moved = await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-SHORT/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-12-02T09:00:00+08:00', reason: '专家不足，开标延期' } });
    expect(moved.json()).toMatchObject({ state: 'scheduled' });
    at('08:00:00', '2026-12-02');
    expect((await t.ctx.scheduler.tick()).failed).toContain('P-SHORT');
    const again = (await t.app.inject({ method: 'GET', url: `/v1/draws/${(await get('P-SHORT')).drawId}`, headers: op() })).json();
    expect(again).toMatchObject({ state: 'failed', supersedes: p.drawId });
    expect(again.drawId).not.toBe(p.drawId);
  });
});

describe('immediate draws', () => {
  it('draws once however often the same Idempotency-Key is sent, and refuses the key for another request', async () => {
    at('06:00:00');
    await register(project('P-NOW'));
    await register(project('P-NOW-2'));
    const headers = { ...op(), 'idempotency-key': 'draw-P-NOW-0001' };
    const first = await t.app.inject({ method: 'POST', url: '/v1/projects/P-NOW/draw', headers });
    expect(first.statusCode).toBe(201);
    // The calls are placed with the result: all five seats are being called when the draw answers.
    expect(await t.ctx.roster.summary(first.json().drawId)).toMatchObject({ calling: 5 });
    const again = await t.app.inject({ method: 'POST', url: '/v1/projects/P-NOW/draw', headers });
    expect(again.statusCode).toBe(201);
    expect(again.json().drawId).toBe(first.json().drawId);
    expect(first.json().kind).toBe('immediate');
    const other = await t.app.inject({ method: 'POST', url: '/v1/projects/P-NOW-2/draw', headers });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('IDEMPOTENCY_CONFLICT');
    const withoutKey = await t.app.inject({ method: 'POST', url: '/v1/projects/P-NOW/draw', headers: op() });
    expect(withoutKey.statusCode).toBe(409);
  });

  it('is for operators only', async () => {
    for (const role of ['supervisor', 'pool-manager', 'admin', 'inspector'] as const) {
      expect((await t.app.inject({ method: 'POST', url: '/v1/projects/P-NOW-2/draw', headers: t.auth(role) })).statusCode).toBe(403);
    }
  });
});

describe('invalid project requests change nothing', () => {
  const snapshot = async () => ({ log: await t.ctx.store.logSize(), projects: (await t.ctx.store.listRecords('projects')).length });
  it.each([
    ['bid opening in the past', project('P-X1', { bidOpeningAt: '2026-12-01T05:00:00+08:00' }), 422, 'SCHEDULE_RULES'],
    // At 06:00 with 15 minutes for the experts to answer: opening at 06:10 leaves them no time.
    ['bid opening too soon for the experts to answer', project('P-X1B', { bidOpeningAt: '2026-12-01T06:10:00+08:00' }), 422, 'SCHEDULE_RULES'],
    ['lead time over the cap', project('P-X2', { leadTimeMinutes: 3000 }), 400, 'INVALID_INPUT'],
    // 15 minutes to answer and the minute before opening: a draw 10 minutes (or 0) before opening calls experts who
    // cannot answer in time (it was accepted, and missed or called in vain at its time).
    ['lead time shorter than the time to answer', project('P-X2B', { leadTimeMinutes: 10 }), 422, 'SCHEDULE_RULES'],
    ['lead time of zero', project('P-X2C', { leadTimeMinutes: 0 }), 422, 'SCHEDULE_RULES'],
    ['even committee', project('P-X3', { groups: [{ specialty: 'C990101', count: 6 }] }), 422, 'POLICY_RULES'],
    ['committee below five', project('P-X4', { groups: [{ specialty: 'C990101', count: 3 }] }), 422, 'POLICY_RULES'],
    ['fewer alternates than the policy', project('P-X5', { groups: [{ specialty: 'C990101', count: 5, alternates: 1 }] }), 422, 'POLICY_RULES'],
    ['unknown specialty', project('P-X6', { groups: [{ specialty: 'B990909', count: 5 }] }), 422, 'UNKNOWN_SPECIALTY'],
    ['bid opening without a time zone', project('P-X7', { bidOpeningAt: '2026-12-01T09:00:00' }), 400, 'INVALID_INPUT'],
    ['tenderer with a bad code', project('P-X8', { tenderer: '91330106MA27XXXXXX' }), 400, 'INVALID_INPUT'],
    ['no groups', project('P-X9', { groups: [] }), 400, 'INVALID_INPUT'],
    ['count as a string', project('P-X10', { groups: [{ specialty: 'C990101', count: '5' }] }), 400, 'INVALID_INPUT'],
    ['region prefix of odd length', project('P-X11', { groups: [{ specialty: 'C990101', count: 5, regions: { include: ['330'] } }] }), 400, 'INVALID_INPUT'],
    ['project id with spaces', project('P X12'), 400, 'INVALID_INPUT'],
    ['an existing project id', project('P-SCHED-1'), 409, 'CONFLICT'],
  ] as const)('%s → %i %s', async (_name, body, status, code) => {
    at('06:00:00');
    const before = await snapshot();
    const res = await register(body);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await snapshot()).toEqual(before);
  });

  it('makes a project registered inside its lead time due now, never at a time already past', async () => {
    at('06:00:00');
    const res = await register(project('P-INSIDE', { bidOpeningAt: '2026-12-01T06:40:00+08:00' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ state: 'scheduled', drawAt: new Date(clock).toISOString() });
  });

  it('reschedules only scheduled projects, to a future time, with a reason', async () => {
    const before = await snapshot();
    expect((await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-SCHED-1/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-12-02T09:00:00+08:00', reason: '延期' } })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-NOW-2/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-11-30T09:00:00+08:00', reason: '延期' } })).statusCode).toBe(422);
    // Too soon for the experts to answer, as at registration: it would be drawn at once and its calls end unanswered.
    const soon = new Date(clock + 20_000).toISOString();
    const tooSoon = await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-NOW-2/bid-opening', headers: op(), payload: { bidOpeningAt: soon, reason: '延期' } });
    expect(tooSoon.statusCode, tooSoon.body).toBe(422);
    expect(tooSoon.json().error).toMatchObject({ code: 'SCHEDULE_RULES' });
    expect(tooSoon.json().error.details.rules.join('')).toContain('分钟');
    expect((await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-NOW-2/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-12-02T09:00:00+08:00' } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-NONE/bid-opening', headers: op(), payload: { bidOpeningAt: '2026-12-02T09:00:00+08:00', reason: '延期' } })).statusCode).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});
