// Keeps the http benchmark from rotting: a tiny run in-process (real app on a loopback port, SQLite, and Redis on a
// private redis-server when one is installed), checking the shape of what it writes. No speed limits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedisServer } from '../helpers/redis-server.js';
import { runHttpSuite, type StoreName } from '../../bench/suites/http.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-bench-test-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));


const stores: StoreName[] = hasRedisServer() ? ['sqlite', 'redis'] : ['sqlite'];

describe('http suite', () => {
  it(`writes http.json with exactly the agreed keys for ${stores.join(' and ')}`, async () => {
    const lines: string[] = [];
    const report = await runHttpSuite({ stores, pool: 2000, samples: 8, warmup: 2, profileDraws: 3, tmpDir: outDir, outDir, log: (l) => lines.push(l), print: () => {} });

    const rows: unknown = JSON.parse(fs.readFileSync(path.join(outDir, 'http.json'), 'utf8'));
    expect(rows).toEqual(report.rows);
    const list = rows as Array<Record<string, unknown>>;
    expect(list.map((r) => r.store)).toEqual(stores);
    for (const row of list) {
      expect(Object.keys(row).sort()).toEqual(['draw_p50_ms', 'draw_p99_ms', 'durable_appends_per_draw', 'floor_p50_ms', 'p50_over_floor_ms', 'p50_ratio', 'store']);
      for (const key of ['draw_p50_ms', 'draw_p99_ms', 'floor_p50_ms', 'p50_ratio', 'durable_appends_per_draw']) {
        expect(typeof row[key]).toBe('number');
        expect(row[key] as number).toBeGreaterThan(0);
      }
      expect(row.draw_p99_ms as number).toBeGreaterThanOrEqual(row.draw_p50_ms as number);
      // A draw commits before its seed exists and again with its result: at least two durable appends.
      expect(row.durable_appends_per_draw as number).toBeGreaterThanOrEqual(2);
    }

    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'http-details.json'), 'utf8'));
    expect(details.suite).toBe('http');
    expect(details.machine.node).toBe(process.version);
    expect(details.verdicts).toHaveLength(stores.length);
    expect(details.verdicts.every((v: string) => /^(MET|MISSED)/.test(v))).toBe(true);
    for (const d of details.stores) {
      for (const series of ['floor', 'httpDraw', 'serviceDraw', 'httpRead']) expect(d[series].n).toBe(8);
      expect(d.httpCosts.appends.min).toBeGreaterThanOrEqual(2);
      expect(d.httpCosts.byPosition[0].entries).toBe(1);
      expect(d.oneRequestWrites[0].entries).toEqual({ 'draw.commit': 1 });
      // The draw route answers once the result is durable; the calls are placed just after (outside the timing).
      expect(d.oneRequestWrites[1].entries).toEqual({ 'draw.result': 1 });
      expect(d.oneRequestWrites).toHaveLength(2);
      expect(d.profile.topSelf.length).toBeGreaterThan(0);
      expect(d.setup.imports).toBe(1);
    }
    expect(report.table).toContain('p50 - floor');
    expect(lines.length).toBeGreaterThan(0);
  }, 60_000);
});
