// Rules and objections over HTTP (docs/records.md): after two disclosed draws whose experts never came, and conduct
// entered in the second, the rules suspend and blacklist; a pool manager lodges objections on experts' behalf and
// decides them. Upheld against a record: the record is withdrawn by an appended entry and the suspension lifted, in
// one commit; rejected: everything stays; a correction of entered conduct lifts the blacklist it caused. A record of
// a draw still sealed is refused exactly like one that is not the expert's. Every step names who took it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Built } from '../../helper.js';
import { drawnCalls, importPool, tokenOf } from '../../helpers/calls.js';
import { person, type Person } from '../../helpers/people.js';

const at = (iso: string) => Date.parse(iso);

describe('rules and objections over HTTP', () => {
  let t: Built;
  let clock = at('2026-12-01T08:00:00+08:00');
  let manager: Person;
  let decider: Person;
  /** The supervisor who entered the misconduct record the blacklist rests on. */
  let recorder: Person;
  const ranked: Record<string, string[]> = {};
  let first = '';
  let second = '';
  let twice: string[] = [];
  let conductRecord = '';
  let conductExpert = '';
  const entries = async (from = 0) => {
    const out: Array<{ index: number; type: string; payload: Record<string, unknown> }> = [];
    for (let i = from; i < (await t.ctx.store.logSize()); i++) out.push({ index: i, ...JSON.parse((await t.ctx.auditLog.entry(i)).toString()) });
    return out;
  };
  const missedDraw = async (projectId: string, day: string): Promise<string> => {
    clock = at(`${day}T08:00:00+08:00`);
    const { drawId, links } = await drawnCalls(t, projectId, { bidOpeningAt: `${day}T10:00:00+08:00` });
    clock = at(`${day}T08:02:00+08:00`);
    for (const link of links) expect((await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(link)}`, payload: { answer: 'accept' } })).statusCode).toBe(200);
    ranked[drawId] = (await t.ctx.roster.read(drawId)).roster.groups[0]!.ranking.slice(0, 5);
    return drawId;
  };
  const noShows = async (day: string) => {
    clock = at(`${day}T23:59:59+08:00`) + 2000;
    expect((await t.ctx.calls.tick()).noShows).toBe(5);
  };
  const disclose = async (drawId: string) => {
    const [operator, supervisor] = [await person(t, 'operator'), await person(t, 'supervisor')];
    for (const who of [operator, supervisor]) expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: who.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/disclose`, headers: t.auth('operator') })).statusCode).toBe(200);
  };
  const consequencesOf = async (expertId: string) => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/experts/${expertId}/consequences`, headers: { ...t.auth('pool-manager'), 'accept-language': 'en' } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { consequences: Array<Record<string, unknown> & { id: string; records: Array<{ index: number }> }>; objections: Array<Record<string, unknown>> };
  };
  const lodge = (expertId: string, against: object, reason = '本人当日因突发疾病未能到场，有医院证明') =>
    t.app.inject({ method: 'POST', url: `/v1/experts/${expertId}/objections`, headers: manager.auth, payload: { against, reason } });
  /** Decided by a second pool manager: who lodged an objection does not decide it. */
  const decide = (id: string, upheld: boolean, reason: string, who?: Person) => t.app.inject({ method: 'POST', url: `/v1/objections/${id}/decision`, headers: (who ?? decider).auth, payload: { upheld, reason } });

  beforeAll(async () => {
    t = await build({ EXPERT_DRAW_STORE: 'sqlite' }, { now: () => clock });
    await importPool(t, 'objections-http', 30);
    // Seven experts of seven employers serve on the first two dates (at least three of them twice); everyone on the third.
    const employers = new Set<string>();
    const free: string[] = [];
    for (const e of t.ctx.pool.list({ limit: 100 }).items) if (free.length < 7 && e.status === 'active' && e.relations.length === 0 && !employers.has(e.employer)) (employers.add(e.employer), free.push(e.id));
    for (const e of t.ctx.pool.list({ limit: 100 }).items) {
      if (!free.includes(e.id)) await t.ctx.pool.update(e.id, { unavailable: ['2026-12-01', '2026-12-10'] }, { sub: 'seed', role: 'pool-manager', iat: 0, exp: 0 }, 'expert.availability');
    }
    first = await missedDraw('P-OBJ-1', '2026-12-01');
    await noShows('2026-12-01');
    await disclose(first);
    second = await missedDraw('P-OBJ-2', '2026-12-10');
    await noShows('2026-12-10');
    twice = ranked[first]!.filter((id) => ranked[second]!.includes(id));
    // After the evaluation, a supervisor records that seat 0's expert took instructions from a party.
    clock = at('2026-12-11T09:00:00+08:00');
    recorder = await person(t, 'supervisor');
    const entered = await t.app.inject({ method: 'POST', url: `/v1/draws/${second}/records`, headers: recorder.auth, payload: { group: 0, seat: 0, code: 'TOOK_INSTRUCTIONS', note: '开标后与投标人代表私下联系' } });
    expect(entered.statusCode, entered.body).toBe(201);
    conductRecord = entered.json().recordId;
    conductExpert = ranked[second]![0]!;
    await disclose(second);
    await t.ctx.rules.tick();
    manager = await person(t, 'pool-manager');
  }, 90_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lists the rules in force and the consequences they set, in the asked language', async () => {
    const rules = await t.app.inject({ method: 'GET', url: '/v1/rules', headers: { ...t.auth('inspector'), 'accept-language': 'en' } });
    expect(rules.statusCode).toBe(200);
    expect(rules.json().rules.map((r: { id: string }) => r.id)).toEqual(['NO_SHOW_TWICE', 'SERIOUS_MISCONDUCT', 'LOW_ANNUAL_SCORE']);
    expect(rules.json().rules[0]).toMatchObject({ label: 'Two no-shows within 12 months: suspended for 6 months', consequence: { kind: 'suspend', months: 6 } });
    const inForce = await t.app.inject({ method: 'GET', url: '/v1/consequences', headers: t.auth('supervisor') });
    const list = inForce.json().consequences as Array<{ expertId: string; ruleId: string }>;
    expect(list.filter((c) => c.ruleId === 'NO_SHOW_TWICE').map((c) => c.expertId).sort()).toEqual([...twice].sort());
    expect(list.filter((c) => c.ruleId === 'SERIOUS_MISCONDUCT').map((c) => c.expertId)).toEqual([conductExpert]);
    expect(t.ctx.pool.get(conductExpert).status).toBe('blacklisted');
    // Operators and inspectors do not read who is suspended.
    expect((await t.app.inject({ method: 'GET', url: '/v1/consequences', headers: t.auth('operator') })).statusCode).toBe(403);
  });

  it('refuses an objection against a record of a sealed draw exactly like one against a record that is not the expert’s', async () => {
    const expert = twice.find((id) => id !== conductExpert)!;
    // A third draw, sealed: its call records exist, but are nobody's yet.
    const third = await missedDraw('P-OBJ-3', '2026-12-20');
    // The manager logs in again (the clock moved past the first session's lifetime).
    manager = await person(t, 'pool-manager');
    decider = await person(t, 'pool-manager');
    const sealedRecord = (await entries()).find((e) => e.type === 'record.call' && e.payload.drawId === third)!.index;
    const otherExpert = (await entries()).find((e) => e.type === 'record.no-show' && e.payload.drawId === first && ranked[first]![e.payload.seat as number] !== expert)!.index;
    const size = await t.ctx.store.logSize();
    const a = await lodge(ranked[third]![0]!, { record: sealedRecord });
    const b = await lodge(expert, { record: otherExpert });
    expect([a.statusCode, a.json().error.code, b.statusCode, b.json().error.code]).toEqual([404, 'NOT_FOUND', 404, 'NOT_FOUND']);
    expect(await t.ctx.store.logSize()).toBe(size);
    // A machine token cannot lodge: a person must.
    expect((await t.app.inject({ method: 'POST', url: `/v1/experts/${expert}/objections`, headers: t.auth('pool-manager'), payload: { against: { record: otherExpert }, reason: 'x' } })).statusCode).toBe(403);
  });

  it('upholds an objection against a no-show: the record is withdrawn by an appended entry and the suspension lifted, in one commit', async () => {
    const expert = twice.find((id) => id !== conductExpert)!;
    const { consequences } = await consequencesOf(expert);
    const suspension = consequences.find((c) => c.ruleId === 'NO_SHOW_TWICE')!;
    const record = suspension.records[1]!.index;
    const recordOf = async () => (await t.app.inject({ method: 'GET', url: `/v1/experts/${expert}/record`, headers: t.auth('pool-manager') })).json();
    expect((await recordOf()).tally.noShows).toBe(2);
    const size = await t.ctx.store.logSize();
    const lodged = await lodge(expert, { record });
    expect(lodged.statusCode, lodged.body).toBe(201);
    expect(lodged.json()).toMatchObject({ expertId: expert, against: { record }, state: 'open', lodgedBy: manager.userId, reason: '本人当日因突发疾病未能到场，有医院证明' });
    const again = await lodge(expert, { record });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'CONFLICT']);

    // Who lodged it on the expert's behalf does not decide it: one pool manager alone could lift a rule's sanction.
    const own = await decide(lodged.json().id, true, '医院证明属实', manager);
    expect([own.statusCode, own.json().error.code, await t.ctx.store.logSize()]).toEqual([409, 'CONFLICT', size + 1]);
    expect(own.json().error.message).toContain('须由另一位专家库管理员决定');
    const decided = await decide(lodged.json().id, true, '医院证明属实');
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ state: 'upheld', decidedBy: decider.userId, decision: '医院证明属实' });
    const logged = await entries(size);
    expect(logged.map((e) => e.type)).toEqual(['objection.lodged', 'objection.decided', 'record.withdrawn', 'rule.lifted', 'expert.status']);
    expect(logged[0]!.payload).toMatchObject({ expertId: expert, against: { record }, by: manager.userId, role: 'pool-manager' });
    // Reasons are sealed in the log.
    expect(JSON.stringify(logged)).not.toContain('医院');
    expect(logged[2]!.payload).toMatchObject({ withdraws: record, objectionId: lodged.json().id, by: decider.userId });
    expect(logged[3]!.payload).toMatchObject({ consequenceId: suspension.id, why: 'objection', changed: true, by: decider.userId });
    expect(logged[4]!.payload).toMatchObject({ id: expert, from: 'suspended', to: 'active' });
    // The record is still in the log as it was; the record stands no more, and the rule does not fire again.
    expect((await t.ctx.auditLog.entry(record)).toString()).toContain('"record.no-show"');
    expect(t.ctx.pool.get(expert).status).toBe('active');
    // The expert's record shows it withdrawn, and counts it no more.
    const shown = await recordOf();
    expect(shown.tally.noShows).toBe(1);
    const withdrawn = (shown.draws as Array<{ records: Array<{ index: number; withdrawnBy?: string }> }>).flatMap((d) => d.records).find((r) => r.index === record);
    expect(withdrawn).toMatchObject({ kind: 'no-show', withdrawnBy: lodged.json().id });
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: 0 });
    const after = await consequencesOf(expert);
    expect(after.consequences.find((c) => c.id === suspension.id)).toMatchObject({ state: 'annulled', endedWhy: 'objection' });
    expect(after.objections).toMatchObject([{ state: 'upheld' }]);
    const decidedTwice = await decide(lodged.json().id, false, '再议');
    expect([decidedTwice.statusCode, decidedTwice.json().error.code]).toEqual([409, 'CONFLICT']);
  });

  it('rejects an objection against a consequence: it stays, logged', async () => {
    const expert = twice.filter((id) => id !== conductExpert)[1]!;
    const suspension = (await consequencesOf(expert)).consequences.find((c) => c.ruleId === 'NO_SHOW_TWICE')!;
    const lodged = await lodge(expert, { consequence: suspension.id }, '处理过重');
    expect(lodged.statusCode, lodged.body).toBe(201);
    const size = await t.ctx.store.logSize();
    const decided = await decide(lodged.json().id, false, '两次未到场均无正当理由');
    expect(decided.json()).toMatchObject({ state: 'rejected' });
    expect((await entries(size)).map((e) => [e.type, e.payload.upheld, e.payload.by])).toEqual([['objection.decided', false, decider.userId]]);
    expect(t.ctx.pool.get(expert).status).toBe('suspended');
    expect((await consequencesOf(expert)).consequences.find((c) => c.id === suspension.id)).toMatchObject({ state: 'in-force' });
    // An objection lodged (and rejected) on the expert's behalf does not take the expert's own from them.
    const ownObjection = await t.ctx.rules.lodge(expert, { consequence: suspension.id }, '本人不服，另附材料', { sub: `expert:${expert}`, role: 'expert', link: 'L-test', linkSentBy: decider.userId });
    expect(ownObjection).toMatchObject({ state: 'open', against: { consequence: suspension.id } });
    // Lodged through a record link the decider had sent: another pool manager decides it (a pool manager who put their
    // own number on the expert would receive the link, object as the expert, and uphold it alone).
    const viaOwnLink = await decide(ownObjection.id, true, '材料属实');
    expect([viaOwnLink.statusCode, viaOwnLink.json().error.code]).toEqual([409, 'CONFLICT']);
    expect(viaOwnLink.json().error.message).toContain('经您发送的查询链接提出');
    expect((await decide(ownObjection.id, false, '材料不足以推翻', manager)).statusCode).toBe(200);
    await expect(t.ctx.rules.lodge(expert, { consequence: suspension.id }, '再次申诉', { sub: `expert:${expert}`, role: 'expert', link: 'L-test' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses a pool manager’s change that would weaken a sanction in force, by hand or by file; a stronger one is taken', async () => {
    const status = (id: string, body: object) => t.app.inject({ method: 'POST', url: `/v1/experts/${id}/status`, headers: { ...manager.auth, 'accept-language': 'en' }, payload: body });
    const size = await t.ctx.store.logSize();
    const version = t.ctx.pool.poolVersion;
    // The blacklist the conduct rule set: neither reinstated, nor turned into a suspension, nor retired away.
    for (const body of [{ status: 'active', reason: '已电话核实，恢复' }, { status: 'suspended', reason: '改为暂停', until: '2027-06-30' }, { status: 'retired', reason: '本人申请退出' }]) {
      const res = await status(conductExpert, body);
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'SANCTION_IN_FORCE', message: expect.stringContaining('only an upheld objection lifts it') });
    }
    // Nor by a revised pool file: its row is refused, and the file with it.
    const row = JSON.stringify({ ...t.ctx.pool.expert(conductExpert)!, status: 'active', personal: t.ctx.pool.personal(conductExpert) });
    const file = await t.app.inject({ method: 'POST', url: '/v1/experts/import?mode=upsert', headers: { ...manager.auth, 'content-type': 'application/x-ndjson' }, payload: `${row}\n` });
    expect(file.statusCode, file.body).toBe(422);
    expect(file.json().error.details.errors).toEqual([{ line: 1, field: 'status', code: 'SANCTION_IN_FORCE', message: expect.any(String) }]);
    expect(t.ctx.pool.get(conductExpert).status).toBe('blacklisted');
    expect(await t.ctx.store.logSize()).toBe(size);
    expect(t.ctx.pool.poolVersion).toBe(version);
    // A suspension by rule (its objection rejected): a shorter one is refused, a blacklisting is taken.
    const suspended = twice.filter((id) => id !== conductExpert)[1]!;
    const until = t.ctx.pool.expert(suspended)!.suspendedUntil!;
    expect((await status(suspended, { status: 'suspended', reason: '缩短暂停', until: '2027-01-01' })).json().error.code).toBe('SANCTION_IN_FORCE');
    expect(until > '2027-01-01').toBe(true);
    const stronger = await status(suspended, { status: 'blacklisted', reason: '又查实收受好处' });
    expect(stronger.statusCode, stronger.body).toBe(200);
    expect(t.ctx.pool.get(suspended).status).toBe('blacklisted');
  });

  it('lifts the blacklist when the conduct it rests on is corrected, back to what else is in force', async () => {
    // Not by who entered the record: one person alone would lift the blacklist the rules set on it.
    const own = await t.ctx.sessions.login(recorder.username, recorder.password);
    const alone = await t.app.inject({ method: 'POST', url: `/v1/draws/${second}/records`, headers: { authorization: `Bearer ${own.accessToken}` }, payload: { corrects: conductRecord, code: null, note: '录入有误' } });
    expect([alone.statusCode, alone.json().error.code]).toEqual([409, 'CONFLICT']);
    expect(alone.json().error.message).toContain('录入该记录的人不能更正撤下它');
    const supervisor = await person(t, 'supervisor');
    const size = await t.ctx.store.logSize();
    const fix = await t.app.inject({ method: 'POST', url: `/v1/draws/${second}/records`, headers: supervisor.auth, payload: { corrects: conductRecord, code: null, note: '复核：联系对象并非投标人' } });
    expect(fix.statusCode, fix.body).toBe(201);
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: 1 });
    const lifted = (await entries(size)).filter((e) => e.type === 'rule.lifted' || e.type === 'expert.status');
    const suspendedToo = twice.includes(conductExpert);
    expect(lifted.map((e) => e.payload.why ?? e.payload.to)).toEqual(['record-corrected', suspendedToo ? 'suspended' : 'active']);
    expect(t.ctx.pool.get(conductExpert).status).toBe(suspendedToo ? 'suspended' : 'active');
  });
});
