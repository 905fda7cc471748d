// Keeps the burst benchmark from rotting: a tiny burst on SQLite in-process and, with redis-server installed, on two
// forked instances sharing a private Redis; checks the shape of what it writes and that every project was drawn once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedisServer } from '../helpers/redis-server.js';
import { runBurstSuite, type StoreName } from '../../bench/suites/burst.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'burst-bench-test-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));


const stores: StoreName[] = hasRedisServer() ? ['sqlite', 'redis'] : ['sqlite'];

describe('burst suite', () => {
  it(`writes burst.json with exactly the agreed keys for ${stores.join(' and ')}`, async () => {
    const report = await runBurstSuite({ stores, projects: 12, pool: 2000, instances: 2, profile: true, timeoutMs: 60_000, tmpDir: outDir, outDir, log: () => {}, print: () => {} });

    const rows: unknown = JSON.parse(fs.readFileSync(path.join(outDir, 'burst.json'), 'utf8'));
    expect(rows).toEqual(report.rows);
    const list = rows as Array<Record<string, unknown>>;
    expect(list.map((r) => r.store)).toEqual(stores);
    for (const row of list) {
      expect(Object.keys(row).sort()).toEqual(['draws_per_s', 'instances', 'met', 'projects', 'seconds', 'store']);
      expect(row.projects).toBe(12);
      expect(row.instances).toBe(row.store === 'redis' ? 2 : 1);
      expect(row.seconds as number).toBeGreaterThan(0);
      expect(row.draws_per_s as number).toBeGreaterThan(0);
      // Fewer projects than the target's 2,000: never MET.
      expect(row.met).toBe(false);
    }

    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'burst-details.json'), 'utf8'));
    expect(details.suite).toBe('burst');
    expect(details.verdicts.every((v: string) => v.startsWith('n/a'))).toBe(true);
    for (const d of details.stores) {
      expect(d.outcome).toEqual({ projectStates: { drawn: 12 }, drawStates: { drawn: 12 }, drawnTwice: 0 });
      expect(d.perInstance).toHaveLength(d.instances);
      expect(d.perInstance.reduce((s: number, p: { drawn: number }) => s + p.drawn, 0)).toBe(12);
      for (const p of d.perInstance) expect(p.ticks.length).toBeGreaterThan(0);
    }
    const sqlite = details.stores.find((d: { store: string }) => d.store === 'sqlite');
    // Each draw commits, then writes its result: two rounds at least, shared by the draws of the burst (group commit).
    expect(sqlite.perInstance[0].store.appendLog.calls).toBeGreaterThanOrEqual(2);
    expect(sqlite.profile.summary.topSelf.length).toBeGreaterThan(0);
    expect(report.table).toContain('draws/s');
  }, 90_000);
});
