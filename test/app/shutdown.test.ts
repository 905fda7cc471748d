// SIGTERM to a real server process in the middle of a burst of scheduled draws loses nothing: every project is drawn
// exactly once (commit and result) or still scheduled with nothing committed, no draw is left half-done, the log
// verifies and its last checkpoint covers it; a restart draws the rest. On both stores.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { verifyLog } from '../../src/log/verify.js';
import { openContext } from '../../src/open-context.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { ProjectRecord } from '../../src/records/projects.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { drawEntriesByProject } from '../helpers/log.js';
import { deleteRedisKeys } from '../helpers/redis-keys.js';

const PROJECTS = 400;
const dir = mkdtempSync(join(tmpdir(), 'expert-draw-shutdown-'));
// 400 panels from 150 experts select each expert many times: the frequency caps would rightly leave projects short.
const POLICY_FILE = join(dir, 'policy.json');
writeFileSync(POLICY_FILE, JSON.stringify({ frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 } }));
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
  rmSync(dir, { recursive: true, force: true });
});

/** A pool and PROJECTS projects whose draws are all due now (registered inside the lead time). */
async function seed(config: Config): Promise<void> {
  const opened = await openContext(config);
  try {
    const { pool, projects } = opened.ctx;
    const experts = generatePool({ size: 400, seed: 'shutdown', fixed: [{ code: 'C990101', members: 150 }] }).experts;
    await pool.import(experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
    const opening = new Date(Date.now() + 30 * 60_000).toISOString();
    for (let i = 0; i < PROJECTS; i++) {
      await projects.register(
        {
          project: { id: `P-${String(i).padStart(3, '0')}`, tenderer: syntheticUscc(7000 + (i % 50)), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: opening, region: '330106' },
          request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
          name: null,
          venue: null,
          leadTimeMinutes: undefined,
        },
        { sub: 'op', role: 'operator', iat: 0, exp: 0 },
      );
    }
  } finally {
    await opened.close();
  }
}

async function states(store: Store): Promise<Map<string, ProjectRecord['state']>> {
  const records = await store.listRecords('projects');
  return new Map(records.map((r) => [r.key, (JSON.parse(r.value.toString()) as ProjectRecord).state]));
}

const count = (m: Map<string, string>, state: string) => [...m.values()].filter((s) => s === state).length;

for (const kind of ['sqlite', 'redis'] as const) {
  describe(`SIGTERM during a burst of scheduled draws (${kind})`, () => {
    it('finishes the draws under way, starts no other, and leaves a log that verifies', async () => {
      const prefix = `test:${randomBytes(6).toString('hex')}:`;
      prefixes.push(prefix);
      const env = {
        EXPERT_DRAW_STORE: kind,
        EXPERT_DRAW_DATA_DIR: join(dir, kind, 'data'),
        EXPERT_DRAW_KEYS_DIR: join(dir, kind, 'keys'),
        EXPERT_DRAW_REDIS_PREFIX: prefix,
        EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: 'true',
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        EXPERT_DRAW_POLICY_FILE: POLICY_FILE,
        EXPERT_DRAW_PORT: '0',
        EXPERT_DRAW_METRICS_PORT: 'off',
        EXPERT_DRAW_LOG_LEVEL: 'warn',
      };
      const config = loadConfig(env);
      await seed(config);

      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => (output += `${line}\n`));
      await new Promise<void>((resolve, reject) => {
        lines.on('line', (line) => line.includes('listening on') && resolve());
        void exited.then(() => reject(new Error(`the server exited: ${output}`)));
      });

      // The scheduler's first tick starts the burst; SIGTERM once some draws are done and most are not.
      const watcher = await openStore(config);
      let atSignal: Map<string, string>;
      for (const start = Date.now(); ; ) {
        atSignal = await states(watcher);
        if (count(atSignal, 'drawn') >= 10) break;
        if (Date.now() - start > 60_000) throw new Error(`the burst never started: ${output}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      expect(output).toMatch(/SIGTERM: shutting down/);
      expect(output).toMatch(/expert-draw: stopped/);

      // Every project drawn once, or untouched: nothing half-done (`drawing`), nothing aborted.
      const after = await states(watcher);
      const drawn = count(after, 'drawn');
      const scheduled = count(after, 'scheduled');
      console.info(`${kind}: SIGTERM with ${count(atSignal, 'drawn')} drawn; after shutdown ${drawn} drawn, ${scheduled} still scheduled`);
      expect(drawn + scheduled).toBe(PROJECTS);
      expect(drawn).toBeGreaterThanOrEqual(count(atSignal, 'drawn'));
      expect(scheduled, 'the signal came after the burst had ended').toBeGreaterThan(0);
      const byProject = await drawEntriesByProject(watcher);
      for (const [id, state] of after) expect(byProject.get(id) ?? [], id).toEqual(state === 'drawn' ? ['draw.commit', 'draw.result'] : []);

      // The log verifies, and the final checkpoint covers every entry.
      const reopened = await openContext(config);
      try {
        const { ctx } = reopened;
        const report = await verifyLog({ store: ctx.store, verifier: ctx.keys.logVerifier, origin: ctx.auditLog.origin });
        expect(report.failure).toBeNull();
        expect((await ctx.store.latestCheckpoint())?.size).toBe(await ctx.store.logSize());
        // A restart draws the rest, each once.
        await ctx.scheduler.tick();
        expect(count(await states(ctx.store), 'drawn')).toBe(PROJECTS);
        for (const [id, types] of await drawEntriesByProject(ctx.store)) expect(types, id).toEqual(['draw.commit', 'draw.result']);
      } finally {
        await reopened.close();
        await watcher.close();
      }
    }, 240_000);
  });
}
