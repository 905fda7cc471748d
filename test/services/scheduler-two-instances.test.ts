// Two service instances on one Redis with 200 projects due in the same minute: every draw executes exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { build, type Built } from '../helper.js';

let a: Built;
let b: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const PROJECTS = 200;

beforeAll(async () => {
  a = await build({ EXPERT_DRAW_STORE: 'redis' }, { now: () => clock });
  b = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
  const pool = generatePool({ size: 400, seed: 'two-instances', fixed: [{ code: 'C990101', members: 150 }] });
  await a.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  const by = { sub: 'op', role: 'operator' as const, iat: 0, exp: 0 };
  for (let i = 0; i < PROJECTS; i++) {
    await a.ctx.projects.register(
      {
        project: { id: `P-${String(i).padStart(3, '0')}`, tenderer: syntheticUscc(7000 + (i % 50)), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T09:00:00+08:00', region: '330106' },
        request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
        name: null,
        venue: null,
        leadTimeMinutes: undefined,
      },
      by,
    );
  }
  // Instance b follows a's pool changes through the change feed.
  for (const start = Date.now(); b.ctx.pool.size() < 400; ) {
    if (Date.now() - start > 5000) throw new Error('b never saw the pool');
    await new Promise((r) => setTimeout(r, 20));
  }
}, 120_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('two instances, 200 draws due at 08:00', () => {
  it('draws every project exactly once between them', async () => {
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    const [ra, rb] = await Promise.all([a.ctx.scheduler.tick(), b.ctx.scheduler.tick()]);
    // Stragglers (claimed by an instance while the other held the lease) go on the next tick.
    const [ra2, rb2] = await Promise.all([a.ctx.scheduler.tick(), b.ctx.scheduler.tick()]);
    const drawn = [...ra.drawn, ...rb.drawn, ...ra2.drawn, ...rb2.drawn];
    expect(new Set(drawn).size).toBe(drawn.length);
    expect(drawn).toHaveLength(PROJECTS);
    console.info(`two instances: a drew ${ra.drawn.length + ra2.drawn.length}, b drew ${rb.drawn.length + rb2.drawn.length}`);
    const commits = new Map<string, number>();
    const results = new Map<string, number>();
    const size = await a.ctx.store.logSize();
    for (let i = 0; i < size; i++) {
      const e = JSON.parse((await a.ctx.auditLog.entry(i)).toString());
      if (e.type === 'draw.commit') commits.set(e.payload.projectId, (commits.get(e.payload.projectId) ?? 0) + 1);
      if (e.type === 'draw.result') results.set(e.payload.projectId, (results.get(e.payload.projectId) ?? 0) + 1);
    }
    expect(results.size).toBe(PROJECTS);
    expect([...results.values()].every((n) => n === 1)).toBe(true);
    expect([...commits.values()].every((n) => n === 1)).toBe(true);
    for (const p of await a.ctx.projects.all()) expect(p.state).toBe('drawn');
  }, 120_000);
});
