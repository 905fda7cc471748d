// A service whose draws fail after their commit with chance 1/2 (docs/draw-proof.md §11): group 0 takes one of two
// experts, and when it takes the one whose employer a group-1 expert shares, the employer cap leaves group 1 one short.
// The tests of abandoned draws build on it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenClaims } from '../../src/auth/roles.js';
import type { Expert } from '../../src/domain/expert.js';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';

export const OPERATOR: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
export const SUPERVISOR: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

export interface SeedDependent {
  readonly t: Built;
  /** Registers a project drawing 1 of C990101 and 4 of C990102 for the tenderer, with this bid opening. */
  register(id: string, bidOpeningAt: string): Promise<void>;
  /**
   * Draws the project until a draw succeeds, at most 30 times; after each failure (a shortfall, as the pool makes it)
   * the operator reschedules it to `opening(failures so far)`. Then, with `disclose`, the clock moves past that opening,
   * the list is unsealed, the draw disclosed and its proof bundle answered. Null when the first draw succeeded.
   */
  drawAfterFailures(id: string, opening: (failures: number) => string, setClock: (ms: number) => void): Promise<{ failures: number; bundle: unknown } | null>;
  /**
   * Projects `${prefix}0`, `${prefix}1`, … registered at `first` (the clock at 06:00 that day) and drawn as
   * drawAfterFailures does, until one fails at least once before it succeeds (each draw fails with chance 1/2).
   */
  firstThatFails(prefix: string, first: string, opening: (failures: number) => string, setClock: (ms: number) => void): Promise<{ failures: number; bundle: unknown }>;
}

/** The service on `clock`, its pool imported, with the policy file written in `dir`. */
export async function seedDependent(dir: string, seed: string, clock: () => number): Promise<SeedDependent> {
  const generated = generatePool({ size: 40, seed, fixed: [{ code: 'C990101', members: 2 }, { code: 'C990102', members: 4 }] });
  const [E1, E2, E3, E4, E5] = generated.organisations.slice(1, 6) as [string, string, string, string, string];
  /** Experts 0–1 hold C990101 (employers E1, E2); experts 2–5 hold C990102 (E1, E3, E4, E5); nobody else holds either. */
  const experts: Expert[] = generated.experts.map((e, i) => {
    const others = e.specialties.filter((s) => s !== 'C990101' && s !== 'C990102');
    const plain = { ...e, status: 'active' as const, suspendedUntil: null, unavailable: [], relations: [] };
    if (i < 2) return { ...plain, specialties: ['C990101'], employer: [E1, E2][i]! };
    if (i < 6) return { ...plain, specialties: ['C990102'], employer: [E1, E3, E4, E5][i - 2]! };
    return { ...e, specialties: others.length > 0 ? others : ['C010101'] };
  });
  const policy = join(dir, 'policy.json');
  // The frequency caps raised: each success seats one of group 0's two experts for the same tenderer, and at the default
  // caps a run whose first few projects all succeed at once would leave nobody to draw (every later draw short).
  writeFileSync(policy, JSON.stringify({ alternatesPerGroup: 0, frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 } }));
  const t = await build({ EXPERT_DRAW_POLICY_FILE: policy }, { now: clock });
  await t.ctx.pool.import(experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  const register = async (id: string, bidOpeningAt: string) => {
    await t.ctx.projects.register(
      {
        project: { id, tenderer: generated.organisations[0]!, agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt, region: '330106' },
        request: { groups: [{ specialty: 'C990101', count: 1 }, { specialty: 'C990102', count: 4 }], tendererRepresentatives: 0 },
        name: null,
        venue: null,
        leadTimeMinutes: undefined,
      },
      OPERATOR,
    );
  };
  const drawAfterFailures = async (id: string, opening: (failures: number) => string, setClock: (ms: number) => void) => {
    let drawId: string | null = null;
    let failures = 0;
    while (drawId === null && failures < 30) {
      try {
        drawId = (await t.ctx.draws.run(id, 'immediate', OPERATOR)).drawId;
      } catch (err) {
        if ((err as { code?: string }).code !== 'INSUFFICIENT_CANDIDATES') throw err;
        failures++;
        await t.ctx.projects.reschedule(id, opening(failures), '重新抽取', OPERATOR);
      }
    }
    if (failures === 0) return null;
    if (drawId === null) throw new Error(`${id}: 30 draws in a row fell short; the pool no longer makes success depend on the seed`);
    const last = opening(failures);
    setClock(Date.parse(last) + 5 * 60_000);
    for (const who of [OPERATOR, SUPERVISOR]) await t.ctx.roster.approveUnseal(drawId, id, last, who);
    await t.ctx.disclosure.disclose(drawId, OPERATOR);
    const res = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: t.auth('inspector') });
    if (res.statusCode !== 200) throw new Error(`the proof answered ${res.statusCode}: ${res.body}`);
    return { failures, bundle: res.json() as unknown };
  };
  const firstThatFails = async (prefix: string, first: string, opening: (failures: number) => string, setClock: (ms: number) => void) => {
    for (let p = 0; p < 24; p++) {
      setClock(Date.parse(`${first.slice(0, 10)}T06:00:00+08:00`));
      await register(`${prefix}${p}`, first);
      const drawn = await drawAfterFailures(`${prefix}${p}`, opening, setClock);
      if (drawn) return drawn;
    }
    throw new Error('24 projects in a row were drawn at the first try; the pool no longer makes success depend on the seed');
  };
  return { t, register, drawAfterFailures, firstThatFails };
}
