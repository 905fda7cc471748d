// Keeps the engine benchmark from rotting: a tiny run in-process, checking the shape of what it writes (no speed limits).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEngineSuite } from '../../bench/suites/engine.js';
import { percentile, summarize } from '../../bench/lib/stats.js';
import { formatPoolSize, parsePoolList } from '../../bench/lib/format.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-bench-test-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('bench helpers', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 90)).toBe(9);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile([7], 1)).toBe(7);
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(summarize([3, 1, 2])).toMatchObject({ n: 3, min: 1, max: 3, mean: 2, p50: 2, p99: 3 });
  });

  it('reads and writes pool sizes', () => {
    expect(parsePoolList('1k,10k,100k,1M,2500')).toEqual([1_000, 10_000, 100_000, 1_000_000, 2_500]);
    expect(() => parsePoolList('1x')).toThrow(RangeError);
    expect([1_000, 1_000_000, 2_500].map(formatPoolSize)).toEqual(['1k', '1M', '2500']);
  });
});

describe('engine suite', () => {
  it('writes engine.json with exactly pool, p50_ms, p99_ms, baseline_p50_ms', async () => {
    const report = await runEngineSuite({
      pools: [1_000],
      draws: 30,
      warmup: 5,
      baselineDraws: 5,
      baselineWarmup: 1,
      projects: 4,
      outDir,
      log: () => {},
      print: () => {},
    });
    const rows: unknown = JSON.parse(fs.readFileSync(path.join(outDir, 'engine.json'), 'utf8'));
    expect(rows).toEqual(report.rows);
    expect(Array.isArray(rows)).toBe(true);
    const list = rows as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    const row = list[0]!;
    expect(Object.keys(row).sort()).toEqual(['baseline_p50_ms', 'p50_ms', 'p99_ms', 'pool']);
    expect(row.pool).toBe(1_000);
    for (const key of ['p50_ms', 'p99_ms', 'baseline_p50_ms']) {
      expect(typeof row[key]).toBe('number');
      expect(Number.isFinite(row[key])).toBe(true);
      expect(row[key] as number).toBeGreaterThan(0);
    }
    expect(row.p99_ms as number).toBeGreaterThanOrEqual(row.p50_ms as number);

    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'engine-details.json'), 'utf8'));
    expect(details.machine.node).toBe(process.version);
    // The machine's speed at the time, beside the figures (bench/lib/machine.ts).
    expect(details.machine.calibration.sha256Ms).toBeGreaterThan(0);
    expect(details.machine.calibration.jsonMs).toBeGreaterThan(0);
    expect(details.machine.calibration.load1).toBeGreaterThanOrEqual(0);
    const pool = details.pools[0];
    expect(pool.engine.n).toBe(30);
    expect(pool.baseline.n).toBe(5);
    expect(pool.groups.map((g: { candidates: number }) => g.candidates)).toEqual([200, 200, 200]);
    expect(pool.baseline.p99).toBeGreaterThanOrEqual(pool.baseline.p50);
    expect(report.table).toContain('1k');
  });
});
