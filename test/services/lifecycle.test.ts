// Admission and exit through the real draw path on a real SQLite file: an applicant is never a member of a draw's pool
// until admitted; a lapsed, retired-by-age, certificate-expired or exited expert is excluded (and the verifier's replay
// of the log reproduces every draw); the periodic pass applies each change once, logs it, keeps the birth date out of
// the log, and deletes nothing.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import type { Expert } from '../../src/domain/expert.js';
import { addMonths, retirementDay } from '../../src/domain/lifecycle.js';
import { syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { DrawRecord } from '../../src/records/draws.js';
import type { ExpertRecord } from '../../src/records/pool.js';
import type { LifecycleSettings } from '../../src/services/pool.service.js';
import { rebuildDraw, replayPool, revealLines } from '../../src/verify/pool-replay.js';
import { build, type Built } from '../helper.js';

const DAY = 86_400_000;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const by: TokenClaims = { sub: 'pm-1', role: 'pool-manager', iat: 0, exp: 0 };
const op: TokenClaims = { sub: 'op-1', role: 'operator', iat: 0, exp: 0 };
let t: Built;

/** Synthetic people whose 70th birthday is before (old) or long after (young) the test's days. */
const birthOf = (n: number) => syntheticPersonal(n).idNumber.slice(6, 14);
const numbers = Array.from({ length: 20_000 }, (_, n) => n + 10_000);
const old = numbers.filter((n) => birthOf(n) <= '19561130').slice(0, 1);
const young = numbers.filter((n) => birthOf(n) >= '19700101').slice(0, 24);
const expert = (i: number): Expert => ({ id: `L${String(i).padStart(2, '0')}`, specialties: ['C990101'], region: '330106', employer: syntheticUscc(7000 + i), status: 'active', suspendedUntil: null, unavailable: [], relations: [] });
/** L00 is old; L01–L20 young; L21 an applicant (young). */
const people = [old[0]!, ...young];
const personalOf = (i: number) => syntheticPersonal(people[i]!);

const records = async (id: string) => JSON.parse((await t.ctx.store.getRecord('experts', id))!.toString()) as ExpertRecord;
const today = () => new Date(clock + 8 * 3600_000).toISOString().slice(0, 10);

let serial = 0;
async function drawNow(): Promise<{ draw: DrawRecord; excluded: Map<string, readonly string[]>; members: string[] }> {
  const id = `P-LIFE-${++serial}`;
  const bidOpeningAt = new Date(clock + 8 * 3600_000 + 3 * 3600_000).toISOString().replace('Z', '+08:00').replace('.000', '');
  const res = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: { id, tenderer: syntheticUscc(9001), bidOpeningAt, region: '330106', groups: [{ specialty: 'C990101', count: 5 }] } });
  expect(res.statusCode, res.body).toBe(201);
  await t.ctx.draws.run(id, 'immediate', op);
  const { record } = await t.ctx.projects.get(id);
  const draw = JSON.parse((await t.ctx.store.getRecord('draws', record.drawId!))!.toString()) as DrawRecord;
  // The verifier's path: the pool replayed from the log reproduces the committed digests (throws otherwise).
  const { prepared } = await rebuildDraw(t.ctx.store, { commitIndex: draw.commitIndex, poolVersion: draw.poolVersion, drawId: draw.drawId, project: record.project, request: record.request, policy: t.ctx.projects.policy });
  const g = prepared.groups[0]!;
  return { draw, excluded: new Map(g.excluded.map((e) => [e.id, e.reasons])), members: revealLines(prepared)[0]!.members.map((l) => l.split('\t')[0]!) };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lifecycle-policy-'));
  const policyFile = join(dir, 'policy.json');
  // A one-month confirmation period, so that a lapse is a month away. The frequency caps raised: drawNow replays each
  // draw without the selection history (sealed), so a cap that fired (an expert seated in three draws of the same
  // tenderer, about one run in four at the defaults) would differ from the replay.
  writeFileSync(policyFile, JSON.stringify({ lifecycle: { confirmationMonths: 1 }, frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 } }));
  t = await build({ EXPERT_DRAW_POLICY_FILE: policyFile }, { now: () => clock });
  expect(t.config.EXPERT_DRAW_STORE).toBe('sqlite');
  await t.ctx.pool.import(Array.from({ length: 21 }, (_, i) => ({ line: i + 1, expert: expert(i), personal: personalOf(i) })), [], 'all', by);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('admission and exit', () => {
  it('an import admits (who and when) and starts each lifecycle: confirmation due a period on, the retirement day from the ID number', async () => {
    const r = await records('L05');
    expect(r.lifecycle).toMatchObject({ admittedBy: 'pm-1', confirmedOn: null, confirmationDue: addMonths(today(), 1), lapsed: null, exit: null, retirementAge: 70 });
    expect(r.lifecycle!.admittedAt).toBe(new Date(clock).toISOString());
    expect(r.lifecycle!.retiresOn).toBe(retirementDay(personalOf(5).idNumber, 70));
    expect(r.lifecycle!.retiresOn! > '2039-12-31').toBe(true);
  });

  it('an applicant is not drawn: never a member of a draw until a pool manager admits them', async () => {
    const applicant = { ...expert(21) };
    const filed = await t.ctx.lifecycle.apply(applicant, personalOf(21), null, by);
    expect(filed).toMatchObject({ id: 'L21', state: 'applied', appliedBy: 'pm-1', decidedAt: null });
    expect(t.ctx.pool.expert('L21')).toBeUndefined();
    const before = await drawNow();
    expect(before.members).not.toContain('L21');
    expect(before.members).toHaveLength(21);
    const admitted = await t.ctx.lifecycle.admit('L21', { ...by, sub: 'pm-2' });
    expect(admitted).toMatchObject({ state: 'admitted', decidedBy: 'pm-2' });
    const after = await drawNow();
    expect(after.members).toContain('L21');
    expect(after.excluded.has('L21')).toBe(false);
    const logged = await entriesOf('expert.admitted');
    expect(logged.at(-1)).toMatchObject({ id: 'L21', appliedBy: 'pm-1', by: 'pm-2' });
  });

  it('the periodic pass retires by age and certificate expiry and lapses confirmations; draws exclude them; the replay agrees', async () => {
    await t.ctx.lifecycle.setCertificate('L02', '2026-12-15', by);
    await t.ctx.lifecycle.exit('L03', 'resigned', '本人书面申请', by);
    // L04 suspended by a decision until a day after the lapse: the lapse holds them; re-confirmed, the suspension resumes.
    await t.ctx.pool.setStatus('L04', { status: 'suspended', reason: '核查中', until: '2027-01-20' }, by);
    const first = await t.ctx.lifecycle.pass();
    expect(first.exited).toEqual([{ id: 'L00', reason: 'retired-age' }]);
    expect(first.lapsed).toEqual([]);
    // L10–L20 are re-confirmed on day 35 (due a month later); the others' month is over on day 40.
    clock += 35 * DAY;
    for (let i = 10; i <= 20; i++) await t.ctx.lifecycle.confirm(expert(i).id, by);
    clock += 5 * DAY;
    const second = await t.ctx.lifecycle.pass();
    expect(second.exited).toEqual([{ id: 'L02', reason: 'certificate-expired' }]);
    expect([...second.lapsed].sort()).toEqual(['L01', 'L04', 'L05', 'L06', 'L07', 'L08', 'L09', 'L21']);
    expect((await t.ctx.lifecycle.pass()).lapsed).toEqual([]);
    const { excluded, members } = await drawNow();
    expect(members).toHaveLength(22);
    expect(excluded.get('L00')).toEqual(['RETIRED']);
    expect(excluded.get('L02')).toEqual(['RETIRED']);
    expect(excluded.get('L03')).toEqual(['RETIRED']);
    expect(excluded.get('L05')).toEqual(['SUSPENDED']);
    expect(excluded.get('L04')).toEqual(['SUSPENDED']);
    expect(excluded.get('L21')).toEqual(['SUSPENDED']);
    expect((await records('L00')).lifecycle!.exit).toMatchObject({ reason: 'retired-age', by: 'lifecycle' });
    expect((await records('L05')).lifecycle!.lapsed).toMatchObject({ held: true, resumeUntil: null });
    expect((await records('L04')).lifecycle!.lapsed).toMatchObject({ held: true, resumeUntil: '2027-01-20' });
  });

  it('re-confirmation lifts the lapse: an active expert is drawn again, an unfinished suspension resumes', async () => {
    const life = await t.ctx.lifecycle.confirm('L05', by);
    expect(life).toMatchObject({ confirmedOn: today(), confirmationDue: addMonths(today(), 1), lapsed: null });
    expect(t.ctx.pool.expert('L05')?.status).toBe('active');
    await t.ctx.lifecycle.confirm('L04', by);
    expect(t.ctx.pool.expert('L04')).toMatchObject({ status: 'suspended', suspendedUntil: '2027-01-20' });
    const { excluded } = await drawNow();
    expect(excluded.has('L05')).toBe(false);
    expect(excluded.get('L04')).toEqual(['SUSPENDED']);
    expect(excluded.get('L06')).toEqual(['SUSPENDED']);
  });

  it('a dated suspension ends after its last day: the pass makes the expert active and logs it; open-ended ones and lapses stay', async () => {
    await t.ctx.pool.setStatus('L10', { status: 'suspended', reason: '待定', until: null }, by);
    // L11's suspension is the sanction rules' (their rule-status record names it): theirs to lift (rule.lifted), not the pass's.
    await t.ctx.pool.setStatus('L11', { status: 'suspended', reason: 'rule no-show-twice', until: '2027-01-15' }, by);
    await t.ctx.store.putUnloggedRecord('rule-status', 'L11', Buffer.from(JSON.stringify({ status: 'suspended', suspendedUntil: '2027-01-15' })));
    clock = Date.parse('2027-01-20T06:00:00+08:00');
    expect(t.ctx.pool.expert('L04')).toMatchObject({ status: 'suspended', suspendedUntil: '2027-01-20' });
    expect((await t.ctx.lifecycle.pass()).resumed).toEqual([]);
    clock += DAY;
    const size = t.ctx.auditLog.size;
    expect((await t.ctx.lifecycle.pass()).resumed).toEqual(['L04']);
    expect(t.ctx.pool.expert('L04')).toMatchObject({ status: 'active', suspendedUntil: null });
    expect(t.ctx.pool.expert('L10')).toMatchObject({ status: 'suspended', suspendedUntil: null });
    expect(t.ctx.pool.expert('L11')).toMatchObject({ status: 'suspended', suspendedUntil: '2027-01-15' });
    expect(t.ctx.pool.expert('L06')?.status).toBe('suspended');
    const logged = (await t.ctx.store.readEntries(size, t.ctx.auditLog.size)).map((b) => JSON.parse(b.toString('utf8')) as { type: string; payload: Record<string, unknown> });
    expect(logged.map((e) => e.type)).toEqual(['expert.status']);
    expect(logged[0]!.payload).toMatchObject({ id: 'L04', from: 'suspended', to: 'active', until: null, reason: 'suspension ended', by: 'lifecycle' });
    expect((await t.ctx.lifecycle.pass()).resumed).toEqual([]);
    const { excluded } = await drawNow();
    expect(excluded.has('L04')).toBe(false);
    expect(excluded.get('L10')).toEqual(['SUSPENDED']);
  });

  it('nothing is deleted: every expert, the application and the log stay; the pool replays from the log', async () => {
    for (let i = 0; i <= 21; i++) expect(await t.ctx.store.getRecord('experts', expert(i).id), expert(i).id).not.toBeNull();
    expect((await t.ctx.lifecycle.applications()).map((a) => a.id)).toEqual(['L21']);
    const replayed = await replayPool(t.ctx.store, t.ctx.auditLog.size, t.ctx.pool.poolVersion);
    expect(replayed).toEqual([...t.ctx.pool.records()].map((r) => r.expert).sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect((await entriesOf('expert.exited')).map((p) => [p.id, p.reason])).toEqual([['L03', 'resigned'], ['L00', 'retired-age'], ['L02', 'certificate-expired']]);
  });

  it('no birth date and no retirement day is in the log', async () => {
    const size = t.ctx.auditLog.size;
    const text = (await t.ctx.store.readEntries(0, size)).map((b) => b.toString('utf8')).join('\n');
    for (let i = 0; i <= 21; i++) {
      const birth = personalOf(i).idNumber.slice(6, 14);
      const dashed = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
      expect(text.includes(birth), `birth of L${i}`).toBe(false);
      expect(text.includes(dashed), `birth of L${i}`).toBe(false);
      expect(text.includes(retirementDay(personalOf(i).idNumber, 70)), `retirement day of L${i}`).toBe(false);
    }
  });

  it('a lowered retirement age (a new policy) recomputes every retirement day from the sealed ID number and retires who is past it', async () => {
    const pool = t.ctx.pool as unknown as { lifecycleSettings: LifecycleSettings };
    pool.lifecycleSettings = { ...pool.lifecycleSettings, policy: { ...pool.lifecycleSettings.policy, retirementAge: 56 } };
    const staying = [...t.ctx.pool.records()].filter((r) => !r.lifecycle!.exit).map((r) => r.expert.id);
    const due = staying.filter((id) => retirementDay(personalOf(Number(id.slice(1))).idNumber, 56) <= today());
    expect(due.length).toBeGreaterThan(0);
    expect(due.length).toBeLessThan(staying.length);
    const size = t.ctx.auditLog.size;
    const report = await t.ctx.lifecycle.pass();
    expect(report.recomputed).toBe(staying.length);
    expect(report.exited.map((e) => e.id).sort()).toEqual(due.sort());
    expect(new Set(report.exited.map((e) => e.reason))).toEqual(new Set(['retired-age']));
    for (const id of staying) expect((await records(id)).lifecycle).toMatchObject({ retirementAge: 56, retiresOn: retirementDay(personalOf(Number(id.slice(1))).idNumber, 56) });
    const text = (await t.ctx.store.readEntries(size, t.ctx.auditLog.size)).map((b) => b.toString('utf8')).join('\n');
    for (const id of staying) expect(text.includes(retirementDay(personalOf(Number(id.slice(1))).idNumber, 56))).toBe(false);
    expect((await t.ctx.lifecycle.pass()).recomputed).toBe(0);
  });
});

async function entriesOf(type: string): Promise<Array<Record<string, unknown>>> {
  const size = t.ctx.auditLog.size;
  return (await t.ctx.store.readEntries(0, size)).map((b) => JSON.parse(b.toString('utf8')) as { type: string; payload: Record<string, unknown> }).filter((e) => e.type === type).map((e) => e.payload);
}

describe('experts added before admission existed', () => {
  let legacy: Built;
  beforeAll(async () => {
    legacy = await build({}, { now: () => Date.parse('2026-12-01T06:00:00+08:00') });
    await legacy.ctx.pool.import(Array.from({ length: 4 }, (_, i) => ({ line: i + 1, expert: { ...expert(i + 1), status: i === 3 ? ('retired' as const) : ('active' as const) }, personal: personalOf(i + 1) })), [], 'all', by);
    // The records as an earlier release wrote them: no lifecycle.
    for (const r of [...legacy.ctx.pool.records()]) {
      const { lifecycle: _l, ...old } = r;
      await legacy.ctx.store.putUnloggedRecord('experts', r.expert.id, Buffer.from(JSON.stringify(old)));
    }
    await legacy.ctx.pool.reload();
  }, 60_000);
  afterAll(async () => {
    await legacy?.close();
  });

  it('are adopted by the first pass: confirmation due a full period on, retirement day from the ID number, the retired ones exited', async () => {
    expect([...legacy.ctx.pool.records()].every((r) => r.lifecycle === undefined)).toBe(true);
    // Before adoption, a retired expert is already out for good.
    await expect(legacy.ctx.pool.setStatus('L04', { status: 'active', reason: '恢复', until: null }, by)).rejects.toMatchObject({ code: 'EXPERT_EXITED' });
    const size = legacy.ctx.auditLog.size;
    const report = await legacy.ctx.lifecycle.pass();
    expect(report).toMatchObject({ adopted: 4, lapsed: [], exited: [] });
    const adopted = JSON.parse((await legacy.ctx.auditLog.entry(size)).toString());
    expect(adopted).toMatchObject({ type: 'lifecycle.adopted', payload: { ids: ['L01', 'L02', 'L03', 'L04'], confirmationDue: '2029-12-01', exited: ['L04'] } });
    const stored = JSON.parse((await legacy.ctx.store.getRecord('experts', 'L01'))!.toString()) as ExpertRecord;
    expect(stored.lifecycle).toMatchObject({ admittedAt: null, confirmationDue: '2029-12-01', retiresOn: retirementDay(personalOf(1).idNumber, 70), exit: null });
    expect(legacy.ctx.pool.recordOf('L04')!.lifecycle!.exit).toMatchObject({ reason: 'other', by: 'lifecycle' });
    expect(legacy.ctx.pool.expert('L01')?.status).toBe('active');
    expect((await legacy.ctx.lifecycle.pass()).adopted).toBe(0);
  });
});

describe('never drawable while lapsed or exited', () => {
  let r: Built;
  let now = Date.parse('2026-12-01T06:00:00+08:00');
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifecycle-policy-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ lifecycle: { confirmationMonths: 1 } }));
    r = await build({ EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') }, { now: () => now });
    await r.ctx.pool.import(Array.from({ length: 6 }, (_, i) => ({ line: i + 1, expert: expert(i + 1), personal: personalOf(i + 1) })), [], 'all', by);
  }, 60_000);
  afterAll(async () => {
    await r?.close();
  });

  /** Whether rule 5 of the draw leaves the expert eligible on `day` (docs/draw-proof.md §3). */
  const drawable = (e: Expert, day: string) => e.status === 'active' || (e.status === 'suspended' && e.suspendedUntil !== null && e.suspendedUntil < day);

  it('holds over a random sequence of status decisions, passes, re-confirmations and exits (fixed seed)', async () => {
    // mulberry32: a small seeded generator, so that the sequence is the same every run.
    let seed = 20261201;
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return (((x ^ (x >>> 14)) >>> 0) / 4294967296) * n | 0;
    };
    const ids = Array.from({ length: 6 }, (_, i) => expert(i + 1).id);
    const outcomes = new Map<string, number>();
    for (let step = 0; step < 300; step++) {
      const id = ids[rand(ids.length)]!;
      const day = localToday(now);
      const op = rand(6);
      let outcome = 'ok';
      try {
        if (op === 0) now += rand(20) * DAY;
        else if (op === 1) await r.ctx.lifecycle.pass();
        else if (op === 2) await r.ctx.lifecycle.confirm(id, by);
        else if (op === 3 && rand(40) === 0) await r.ctx.lifecycle.exit(id, 'resigned', undefined, by);
        else {
          const status = (['active', 'suspended', 'suspended', 'blacklisted'] as const)[rand(4)]!;
          const until = status === 'suspended' && rand(2) === 0 ? addMonths(day, 1 + rand(3)) : null;
          await r.ctx.pool.setStatus(id, { status, reason: '随机决定', until }, by);
        }
      } catch (err) {
        outcome = (err as { code?: string }).code ?? String(err);
        expect(['EXPERT_EXITED', 'CONFIRMATION_LAPSED']).toContain(outcome);
      }
      outcomes.set(`${op}:${outcome}`, (outcomes.get(`${op}:${outcome}`) ?? 0) + 1);
      // After every step: the pass would have lapsed anyone past due today; nobody lapsed or exited is drawable.
      await r.ctx.lifecycle.pass();
      const today = localToday(now);
      for (const rec of r.ctx.pool.records()) {
        const life = rec.lifecycle!;
        if (life.exit) expect(['retired', 'blacklisted'], rec.expert.id).toContain(rec.expert.status);
        if (life.lapsed || life.exit) expect(drawable(rec.expert, today), `${rec.expert.id} at step ${step}`).toBe(false);
        if (!life.exit && !life.lapsed) expect(life.confirmationDue >= today).toBe(true);
      }
    }
    // The sequence reached each kind of refusal and each kind of change.
    for (const k of ['2:ok', '1:ok', '4:ok']) expect(outcomes.get(k) ?? 0, k).toBeGreaterThan(0);
    expect([...outcomes.keys()].some((k) => k.endsWith('CONFIRMATION_LAPSED'))).toBe(true);
    expect([...outcomes.keys()].some((k) => k.endsWith('EXPERT_EXITED'))).toBe(true);
  }, 120_000);
});

function localToday(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}
