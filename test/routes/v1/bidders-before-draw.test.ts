// Bidders made known after registration (POST /v1/projects/{id}/bidders): before the draw they join the project's own
// bidders, so the draw excludes their people and commits to them; after it, the commit stands and check-in re-checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticUscc } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';
import { importPool, SPECIALTY } from '../../helpers/calls.js';

describe('bidders added before and after the draw', () => {
  let t: Built;
  beforeAll(async () => {
    t = await build();
    await importPool(t, 'bidders-before', 30);
  });
  afterAll(async () => {
    await t.close();
  });
  const op = () => t.auth('operator', { subject: 'op-bidders' });
  const register = async (id: string) => {
    const project = { id, tenderer: syntheticUscc(9601), agency: syntheticUscc(9602), bidOpeningAt: '2026-12-20T09:00:00+08:00', region: '330106', groups: [{ specialty: SPECIALTY, count: 5 }] };
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: op(), payload: project });
    expect(res.statusCode, res.body).toBe(201);
  };
  const draw = async (id: string) => {
    const res = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers: op() });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { drawId: string; groups: Array<{ eligibleCount: number }> };
  };
  const addBidders = (id: string, bidders: string[]) => t.app.inject({ method: 'POST', url: `/v1/projects/${id}/bidders`, headers: op(), payload: { bidders } });

  it('excludes the people of a bidder added before the draw, and keeps one added after it beside the commit', async () => {
    // The employer with the most active experts of the group: a bidder the registration did not know.
    const active = [...t.ctx.pool.records()].map((r) => r.expert).filter((e) => e.status === 'active' && e.specialties.includes(SPECIALTY));
    const count = new Map<string, number>();
    for (const e of active) count.set(e.employer, (count.get(e.employer) ?? 0) + 1);
    const [bidder, staff] = [...count].sort((a, b) => b[1] - a[1])[0]!;
    expect(staff).toBeGreaterThan(0);

    await register('P-BID-CONTROL');
    await register('P-BID-EARLY');
    const added = await addBidders('P-BID-EARLY', [bidder]);
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ project: { bidders: [bidder] }, knownBidders: [bidder] });
    const control = await draw('P-BID-CONTROL');
    const early = await draw('P-BID-EARLY');
    // Everyone the bidder employs is out of the early project's draw, and nobody else.
    expect(control.groups[0]!.eligibleCount - early.groups[0]!.eligibleCount).toBe(staff);
    const { roster } = await t.ctx.roster.read(early.drawId);
    for (const id of roster.groups[0]!.ranking) expect(t.ctx.pool.expert(id)!.employer).not.toBe(bidder);

    // After the draw its commit stands: a bidder added now is kept beside it, for the check-in desk.
    const late = syntheticUscc(8777);
    const after = await addBidders('P-BID-EARLY', [late]);
    expect(after.statusCode, after.body).toBe(200);
    expect(after.json()).toMatchObject({ project: { bidders: [bidder] }, knownBidders: [bidder, late].sort() });
  });
});
