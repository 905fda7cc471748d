// Rules with two service instances on one Redis: when both run their rules pass at the moment a second no-show draw
// is disclosed, each expert who missed both is suspended exactly once (one rule.applied, one status change), whichever
// instance gets there first, and later passes on either add nothing; the other instance's pool sees the suspension.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, waitForPool, type Built } from '../helper.js';
import { drawnCalls, importPool, tokenOf } from '../helpers/calls.js';
import { person } from '../helpers/people.js';

const at = (iso: string) => Date.parse(iso);

describe('rules on two instances', () => {
  let a: Built;
  let b: Built;
  let clock = at('2026-12-01T08:00:00+08:00');
  const ranked: Record<string, string[]> = {};
  const entries = async () => {
    const out: Array<{ type: string; payload: Record<string, unknown> }> = [];
    for (let i = 0; i < (await a.ctx.store.logSize()); i++) out.push(JSON.parse((await a.ctx.auditLog.entry(i)).toString()));
    return out;
  };
  const missedDraw = async (projectId: string, day: string): Promise<string> => {
    clock = at(`${day}T08:00:00+08:00`);
    const { drawId, links } = await drawnCalls(a, projectId, { bidOpeningAt: `${day}T10:00:00+08:00` });
    clock = at(`${day}T08:02:00+08:00`);
    for (const link of links) expect((await a.app.inject({ method: 'POST', url: `/v1/responses/${tokenOf(link)}`, payload: { answer: 'accept' } })).statusCode).toBe(200);
    ranked[drawId] = (await a.ctx.roster.read(drawId)).roster.groups[0]!.ranking.slice(0, 5);
    clock = at(`${day}T23:59:59+08:00`) + 2000;
    expect((await a.ctx.calls.tick()).noShows).toBe(5);
    const [operator, supervisor] = [await person(a, 'operator'), await person(a, 'supervisor')];
    for (const who of [operator, supervisor]) expect((await a.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/unseal`, headers: who.auth })).statusCode).toBe(200);
    expect((await a.app.inject({ method: 'POST', url: `/v1/draws/${drawId}/disclose`, headers: a.auth('operator') })).statusCode).toBe(200);
    return drawId;
  };

  beforeAll(async () => {
    a = await build({ EXPERT_DRAW_STORE: 'redis' }, { now: () => clock });
    b = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
    await importPool(a, 'rules-instances', 30);
    const employers = new Set<string>();
    const free: string[] = [];
    for (const e of a.ctx.pool.list({ limit: 100 }).items) if (free.length < 7 && e.status === 'active' && e.relations.length === 0 && !employers.has(e.employer)) (employers.add(e.employer), free.push(e.id));
    for (const e of a.ctx.pool.list({ limit: 100 }).items) {
      if (!free.includes(e.id)) await a.ctx.pool.update(e.id, { unavailable: ['2026-12-01', '2026-12-10'] }, { sub: 'seed', role: 'pool-manager', iat: 0, exp: 0 }, 'expert.availability');
    }
    await waitForPool(b, 30);
  }, 90_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('suspends each expert who missed both once, whichever instance runs first', async () => {
    const first = await missedDraw('P-RULES-I1', '2026-12-01');
    expect((await Promise.all([a.ctx.rules.tick(), b.ctx.rules.tick()])).map((x) => x.applied)).toEqual([0, 0]);
    const second = await missedDraw('P-RULES-I2', '2026-12-10');
    const twice = ranked[first]!.filter((id) => ranked[second]!.includes(id));
    expect(twice.length).toBeGreaterThanOrEqual(3);
    clock = at('2026-12-11T09:00:00+08:00');
    const ticks = await Promise.all([a.ctx.rules.tick(), b.ctx.rules.tick()]);
    // The instance that lost a race looks again on its next pass, and finds the consequence there.
    const again = await Promise.all([a.ctx.rules.tick(), b.ctx.rules.tick()]);
    expect(ticks[0]!.applied + ticks[1]!.applied + again[0]!.applied + again[1]!.applied).toBe(twice.length);
    expect((await Promise.all([a.ctx.rules.tick(), b.ctx.rules.tick()])).map((x) => x.applied)).toEqual([0, 0]);
    const logged = await entries();
    expect(logged.filter((e) => e.type === 'rule.applied').map((e) => e.payload.expertId).sort()).toEqual([...twice].sort());
    expect(logged.filter((e) => e.type === 'expert.status' && e.payload.to === 'suspended').map((e) => e.payload.id).sort()).toEqual([...twice].sort());
    for (const id of twice) {
      expect(a.ctx.pool.get(id).status).toBe('suspended');
      await expect.poll(() => b.ctx.pool.get(id).status, { timeout: 5000 }).toBe('suspended');
    }
  });
});
