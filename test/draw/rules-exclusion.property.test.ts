// A draw never selects an expert whom a rule has suspended (or blacklisted) at the draw's time: random consequences
// fire on random days and the daily pass lifts those that ended, exactly as the rules service sets statuses
// (src/domain/sanctions.ts); then the real draw (prepare, commit, seed, ranking: src/draw/protocol.ts) runs for an
// opening on a random day. Nobody a consequence covers on that day is ranked, and the draw excludes exactly them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expert } from '../../src/domain/expert.js';
import { Policy } from '../../src/domain/policy.js';
import type { Project } from '../../src/domain/project.js';
import { addDays, afterLift, imposed, strengthen, suspensionLastDay, type StatusState } from '../../src/domain/sanctions.js';
import { prepareDraw } from '../../src/draw/engine.js';
import { EMPTY_HISTORY } from '../../src/draw/history.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { runDraw } from '../../src/draw/protocol.js';
import { GENESIS_PREV } from '../../src/log/entry.js';
import { syntheticUscc } from '../../src/pool/generator.js';

const date = (day: number) => addDays('2026-01-01', day);
const policy = Policy.parse({ minCommitteeSize: 1, oddCommittee: false, minExpertShareNum: 0, alternatesPerGroup: 2 });

type Fired = { expert: number; day: number; kind: 'suspend' | 'blacklist'; months: number };
const scenario = fc.record({
  n: fc.integer({ min: 14, max: 30 }),
  fired: fc.array(fc.record({ expert: fc.nat(29), day: fc.integer({ min: 0, max: 400 }), kind: fc.constantFrom<'suspend' | 'blacklist'>('suspend', 'suspend', 'suspend', 'blacklist'), months: fc.integer({ min: 1, max: 8 }) }), { maxLength: 10 }),
  drawDay: fc.integer({ min: 0, max: 500 }),
  nonce: fc.uint8Array({ minLength: 32, maxLength: 32 }),
});

/** The statuses the rules service leaves on `drawDay`: each day's pass lifts what ended, then applies what fires. */
function statuses(n: number, fired: readonly Fired[], drawDay: number): StatusState[] {
  const status: StatusState[] = Array.from({ length: n }, () => ({ status: 'active', suspendedUntil: null }));
  const owned: Array<StatusState | null> = Array.from({ length: n }, () => null);
  const inForce: Array<{ expert: number; imposes: StatusState }> = [];
  const days = [...new Set([...fired.map((f) => f.day).filter((d) => d <= drawDay), drawDay])].sort((a, b) => a - b);
  for (const day of days) {
    const today = date(day);
    for (let i = 0; i < inForce.length; i++) {
      const c = inForce[i]!;
      if (c.imposes.status !== 'suspended' || c.imposes.suspendedUntil! >= today) continue;
      inForce.splice(i--, 1);
      const others = inForce.filter((o) => o.expert === c.expert).map((o) => o.imposes);
      const next = afterLift(status[c.expert]!, owned[c.expert]!, others, today);
      if (next) status[c.expert] = owned[c.expert] = next;
    }
    if (day === drawDay && !fired.some((f) => f.day === day)) continue;
    for (const f of fired.filter((x) => x.day === day && x.expert < n)) {
      const imposes = imposed(f.kind === 'suspend' ? { kind: 'suspend', months: f.months } : { kind: 'blacklist' }, today)!;
      const set = strengthen(status[f.expert]!, imposes);
      if (set) status[f.expert] = owned[f.expert] = set;
      inForce.push({ expert: f.expert, imposes });
    }
  }
  return status;
}

describe('a draw and the rules', () => {
  it('never ranks an expert a rule has suspended or blacklisted on the opening day, and excludes exactly those', () => {
    fc.assert(
      fc.property(scenario, ({ n, fired, drawDay, nonce }) => {
        const status = statuses(n, fired, drawDay);
        const experts: Expert[] = status.map((s, i) => ({
          id: `E${String(i).padStart(3, '0')}`,
          specialties: ['A0101'],
          region: '330106',
          employer: syntheticUscc(100 + i),
          status: s.status as Expert['status'],
          suspendedUntil: s.suspendedUntil,
          unavailable: [],
          relations: [],
        }));
        // By hand: covered on the opening day by a blacklist fired before, or a suspension fired before that runs to it.
        const covered = new Set(
          fired.filter((f) => f.expert < n && f.day <= drawDay && (f.kind === 'blacklist' || suspensionLastDay(date(f.day), f.months) >= date(drawDay))).map((f) => experts[f.expert]!.id),
        );
        fc.pre(n - covered.size >= 7);
        const project: Project = { id: 'P-rules', tenderer: syntheticUscc(1), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: `${date(drawDay)}T09:00:00+08:00`, region: '330106' };
        const input = { drawId: 'D-rules', project, request: { groups: [{ specialty: 'A0101', count: 5 }], tendererRepresentatives: 0 }, policy, pool: new PoolIndex(experts, 1), history: EMPTY_HISTORY };
        const excluded = prepareDraw(input).groups[0]!.excluded;
        expect(new Set(excluded.map((e) => e.id))).toEqual(covered);
        const out = runDraw(input, { plan: { beacon: null, witnessCommitments: [] }, nonce, beaconRandomness: null, witnessReveals: [], time: '2026-01-01T00:00:00.000Z', prev: GENESIS_PREV });
        const ranked = [...out.result.groups[0]!.selected, ...out.result.groups[0]!.alternates];
        expect(ranked).toHaveLength(7);
        for (const id of ranked) expect(covered.has(id), id).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
