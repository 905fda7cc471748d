// Rules on a real SQLite file, through the real draw path: two disclosed draws whose experts accepted and never came
// suspend those who missed both (one entry citing both no-shows, in the commit of the status change), not before the
// second draw is disclosed; the rule fires once however often it is evaluated, also by a service that starts afresh;
// a later draw ranks none of them; the day after the suspension's last day it is lifted, logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RulesService } from '../../src/services/rules.service.js';
import { build, type Built } from '../helper.js';
import { drawnCalls, importPool, tokenOf } from '../helpers/calls.js';
import { person } from '../helpers/people.js';

const at = (iso: string) => Date.parse(iso);

describe('rules on a real SQLite file', () => {
  let t: Built;
  let clock = at('2026-12-01T08:00:00+08:00');
  const seen: Record<string, string[]> = {};
  const entries = async (from = 0) => {
    const out: Array<{ index: number; type: string; payload: Record<string, unknown> }> = [];
    for (let i = from; i < (await t.ctx.store.logSize()); i++) out.push({ index: i, ...JSON.parse((await t.ctx.auditLog.entry(i)).toString()) });
    return out;
  };
  /** A draw whose five selected experts accept and never check in; the no-shows recorded after the opening's day. */
  const missedDraw = async (projectId: string, day: string): Promise<string> => {
    clock = at(`${day}T08:00:00+08:00`);
    const { drawId, links } = await drawnCalls(t, projectId, { bidOpeningAt: `${day}T10:00:00+08:00` });
    clock = at(`${day}T08:02:00+08:00`);
    for (const link of links) expect((await t.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(link)}`, payload: { answer: 'accept' } })).statusCode).toBe(200);
    clock = at(`${day}T23:59:59+08:00`) + 2000;
    expect((await t.ctx.calls.tick()).noShows).toBe(5);
    const { roster } = await t.ctx.roster.read(drawId);
    seen[drawId] = roster.groups[0]!.ranking.slice(0, 5);
    return drawId;
  };
  const disclose = async (drawId: string) => {
    const [operator, supervisor] = [await person(t, 'operator'), await person(t, 'supervisor')];
    for (const who of [operator, supervisor]) expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: who.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/disclose`, headers: t.auth('operator') })).statusCode).toBe(200);
  };

  beforeAll(async () => {
    t = await build({ EXPERT_DRAW_STORE: 'sqlite' }, { now: () => clock });
    await importPool(t, 'rules-sqlite', 30);
    // Only seven experts (of seven employers) can serve on the first two dates: five of seven twice, so at least three
    // are drawn both times.
    const employers = new Set<string>();
    for (const e of t.ctx.pool.list({ limit: 100 }).items) if (free.length < 12 && e.status === 'active' && e.relations.length === 0 && !employers.has(e.employer)) (employers.add(e.employer), free.push(e.id));
    spare = free.splice(7);
    for (const e of t.ctx.pool.list({ limit: 100 }).items) {
      if (!free.includes(e.id)) await t.ctx.pool.update(e.id, { unavailable: ['2026-12-01', '2026-12-10'] }, { sub: 'seed', role: 'pool-manager', iat: 0, exp: 0 }, 'expert.availability');
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  let twice: string[] = [];
  /** The seven who can serve on the first two dates, and five more (all of distinct employers) for the third. */
  const free: string[] = [];
  let spare: string[] = [];
  let first = '';
  let second = '';

  it('does nothing while the second draw is sealed, and suspends who missed both once it is disclosed, citing both no-shows', async () => {
    first = await missedDraw('P-RULES-1', '2026-12-01');
    await disclose(first);
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: 0 });
    second = await missedDraw('P-RULES-2', '2026-12-10');
    twice = seen[first]!.filter((id) => seen[second]!.includes(id));
    expect(twice.length).toBeGreaterThanOrEqual(3);
    // Sealed: a suspension now would tell who was drawn.
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: 0 });
    for (const id of twice) expect(t.ctx.pool.get(id).status).toBe('active');

    clock = at('2026-12-11T09:00:00+08:00');
    await disclose(second);
    const size = await t.ctx.store.logSize();
    expect(await t.ctx.rules.tick()).toEqual({ applied: twice.length, lifted: 0 });
    const logged = await entries(size);
    const applied = logged.filter((e) => e.type === 'rule.applied');
    expect(applied.map((e) => e.payload.expertId).sort()).toEqual([...twice].sort());
    const noShows = new Map((await entries()).filter((e) => e.type === 'record.no-show').map((e) => [e.index, e.payload.drawId]));
    for (const e of applied) {
      expect(e.payload).toMatchObject({ ruleId: 'NO_SHOW_TWICE', kind: 'suspend', from: '2026-12-11', until: '2027-06-10', changed: true, by: 'expert-draw/rules' });
      const cited = e.payload.records as Array<{ index: number; drawId: string }>;
      expect(cited.map((r) => r.drawId)).toEqual([first, second]);
      for (const r of cited) expect(noShows.get(r.index)).toBe(r.drawId);
      // The status change is the next entry, committed with it.
      const status = logged.find((x) => x.index === e.index + 1)!;
      expect(status).toMatchObject({ type: 'expert.status', payload: { id: e.payload.expertId, from: 'active', to: 'suspended', until: '2027-06-10' } });
    }
    for (const id of twice) expect(t.ctx.pool.get(id)).toMatchObject({ status: 'suspended', suspendedUntil: '2027-06-10' });
    const once = seen[first]!.filter((id) => !twice.includes(id));
    for (const id of once) expect(t.ctx.pool.get(id).status).toBe('active');
  });

  it('fires once: again, and in a service that starts afresh on the same store', async () => {
    const size = await t.ctx.store.logSize();
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: 0 });
    const fresh = new RulesService(t.ctx.store, t.ctx.auditLog, t.ctx.pool, t.ctx.vault, t.ctx.projects.policy, t.config.EXPERT_DRAW_TIME_ZONE, () => clock);
    expect(await fresh.tick()).toEqual({ applied: 0, lifted: 0 });
    expect(await t.ctx.store.logSize()).toBe(size);
    const listed = await t.app.inject({ method: 'GET', url: `/v1/experts/${twice[0]}/consequences`, headers: t.auth('pool-manager') });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().consequences).toMatchObject([{ ruleId: 'NO_SHOW_TWICE', state: 'in-force', until: '2027-06-10', changedStatus: true }]);
  });

  it('leaves them out of a later draw', async () => {
    // On the third date exactly seven can serve besides the suspended: the draw must rank those seven and nobody else.
    expect(spare.length).toBeGreaterThanOrEqual(twice.length);
    const open = new Set([...free, ...spare.slice(0, twice.length)]);
    for (const e of t.ctx.pool.list({ limit: 100 }).items) {
      if (!open.has(e.id)) await t.ctx.pool.update(e.id, { unavailable: ['2026-12-01', '2026-12-10', '2026-12-20'] }, { sub: 'seed', role: 'pool-manager', iat: 0, exp: 0 }, 'expert.availability');
    }
    clock = at('2026-12-20T08:00:00+08:00');
    const { drawId } = await drawnCalls(t, 'P-RULES-3', { bidOpeningAt: '2026-12-20T10:00:00+08:00' });
    const { roster } = await t.ctx.roster.read(drawId);
    const ranked = roster.groups[0]!.ranking.slice(0, 7);
    expect(new Set(ranked)).toEqual(new Set([...open].filter((id) => !twice.includes(id))));
  });

  it('lifts the suspension the day after its last day, logged, and the expert is drawn again', async () => {
    clock = at('2027-06-10T23:00:00+08:00');
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: 0 });
    const size = await t.ctx.store.logSize();
    clock = at('2027-06-11T00:00:30+08:00');
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: twice.length });
    const logged = await entries(size);
    expect(logged.filter((e) => e.type === 'rule.lifted').map((e) => [e.payload.expertId, e.payload.why, e.payload.changed])).toEqual(expect.arrayContaining(twice.map((id) => [id, 'expired', true])));
    expect(logged.filter((e) => e.type === 'expert.status').map((e) => [e.payload.id, e.payload.from, e.payload.to])).toEqual(expect.arrayContaining(twice.map((id) => [id, 'suspended', 'active'])));
    for (const id of twice) expect(t.ctx.pool.get(id)).toMatchObject({ status: 'active', suspendedUntil: null });
    expect(await t.ctx.rules.tick()).toEqual({ applied: 0, lifted: 0 });
  });
});
