// Two service instances on one Redis with 200 projects due in the same minute: every draw executes exactly once, also
// when one instance (a child process) is killed in the middle of the burst.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrawRecord } from '../../src/records/draws.js';
import type { ProjectRecord } from '../../src/records/projects.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { drawEntriesByProject } from '../helpers/log.js';
import { build, waitForPool, type Built } from '../helper.js';

let a: Built;
let b: Built;
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const PROJECTS = 200;
// 200 panels of 5 from 150 experts select each expert ~7 times: the frequency caps (6 in 30 days by default) would
// rightly leave the last projects short. Exactly-once is what these tests are about, so the caps are raised.
const policyDir = mkdtempSync(join(tmpdir(), 'expert-draw-two-instances-'));
const POLICY_FILE = join(policyDir, 'policy.json');
writeFileSync(POLICY_FILE, JSON.stringify({ frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 } }));

beforeAll(async () => {
  a = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_POLICY_FILE: POLICY_FILE }, { now: () => clock });
  b = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_POLICY_FILE: POLICY_FILE, EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
  const pool = generatePool({ size: 400, seed: 'two-instances', fixed: [{ code: 'C990101', members: 150 }] });
  await a.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  await registerProjects(a);
  await waitForPool(b, 400);
}, 120_000);

async function registerProjects(t: Built): Promise<void> {
  const by = { sub: 'op', role: 'operator' as const, iat: 0, exp: 0 };
  for (let i = 0; i < PROJECTS; i++) {
    await t.ctx.projects.register(
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
}


afterAll(async () => {
  await b?.close();
  await a?.close();
  rmSync(policyDir, { recursive: true, force: true });
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

describe('two instances, one killed in the middle of the burst', () => {
  const LEASE_MS = 1500;
  let c: Built;

  afterAll(async () => {
    await c?.close();
  });

  it('aborts the killed instance\'s half-done draws after its lease and draws each project exactly once', async () => {
    const at0800 = Date.parse('2026-12-01T08:00:00+08:00');
    c = await build(
      { EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_POLICY_FILE: POLICY_FILE, EXPERT_DRAW_REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:`, EXPERT_DRAW_DRAW_LEASE_MS: String(LEASE_MS) },
      { now: () => at0800 },
    );
    const pool = generatePool({ size: 400, seed: 'killed-instance', fixed: [{ code: 'C990101', members: 150 }] });
    await c.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
    await registerProjects(c);

    // The other instance is a child process that starts the burst; it is SIGKILLed once some projects are half-done
    // (committed, no result yet: the child never writes the results of projects whose id ends in 7, nor anything that
    // shares their group commit — with one burst committing in a few large batches, that is most of them).
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/services/scheduler-child.ts', c.config.EXPERT_DRAW_KEYS_DIR, c.config.EXPERT_DRAW_REDIS_PREFIX, new Date(at0800).toISOString(), String(LEASE_MS), POLICY_FILE], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) if (line.startsWith('ready')) break;
    const states = async () => {
      const records = (await c.ctx.store.listRecords('projects')).map((r) => JSON.parse(r.value.toString()) as ProjectRecord);
      return { drawn: records.filter((p) => p.state === 'drawn').length, drawing: records.filter((p) => p.state === 'drawing').map((p) => p.project.id) };
    };
    for (const start = Date.now(); ; ) {
      const s = await states();
      // Half-done draws (the child hangs some results until it dies) and, normally, others already drawn.
      if (s.drawing.length > 0 && (s.drawn >= 10 || Date.now() - start > 5_000)) break;
      if (Date.now() - start > 60_000) throw new Error(`the child never got going: ${JSON.stringify(s)} ${stderr}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    await exited;
    const atKill = await states();
    console.info(`killed with ${atKill.drawn} drawn and ${atKill.drawing.length} half-done`);
    expect(atKill.drawing.length).toBeGreaterThan(0);
    expect(atKill.drawn).toBeLessThan(PROJECTS);

    // The surviving instance ticks on: the half-done draws wait for the dead instance's lease, then are aborted and
    // drawn again; the untouched ones are drawn at once.
    const deadline = Date.now() + 60_000;
    for (;;) {
      await c.ctx.scheduler.tick();
      const s = await states();
      if (s.drawn === PROJECTS) break;
      if (Date.now() > deadline) throw new Error(`not finished: ${JSON.stringify({ drawn: s.drawn, drawing: s.drawing.length })}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const byProject = await drawEntriesByProject(c.ctx.store);
    expect(byProject.size).toBe(PROJECTS);
    const halfDone = new Set(atKill.drawing);
    for (const [id, types] of byProject) {
      // Exactly one result per project; a half-done draw stays visible as committed and aborted before its redraw.
      expect(types.filter((t) => t === 'draw.result'), id).toHaveLength(1);
      if (halfDone.has(id)) expect(types, id).toEqual(['draw.commit', 'draw.aborted', 'draw.commit', 'draw.result']);
      else expect(types, id).toEqual(['draw.commit', 'draw.result']);
    }
    for (const id of halfDone) {
      const project = JSON.parse((await c.ctx.store.getRecord('projects', id))!.toString()) as ProjectRecord;
      const draw = JSON.parse((await c.ctx.store.getRecord('draws', project.drawId!))!.toString()) as DrawRecord;
      const aborted = JSON.parse((await c.ctx.store.getRecord('draws', draw.supersedes!))!.toString()) as DrawRecord;
      expect(aborted.state).toBe('aborted');
      expect(draw.state).toBe('drawn');
    }
  }, 180_000);
});
