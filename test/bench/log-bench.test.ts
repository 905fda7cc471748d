// Keeps the log benchmark from rotting: a tiny run in-process on both stores (a private redis-server for Redis),
// checking the shape of what it writes and that the numbers are sane. No speed limits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedisServer } from '../helpers/redis-server.js';
import { benchEntry, runLogSuite, type StoreName } from '../../bench/suites/log.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-bench-test-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));


const stores: StoreName[] = hasRedisServer() ? ['sqlite', 'redis'] : ['sqlite'];

describe('log suite', () => {
  it('writes entries that look like draw commits and results', () => {
    const commit = benchEntry(0);
    const result = benchEntry(1);
    expect(commit.type).toBe('draw.commit');
    expect(result.type).toBe('draw.result');
    expect(JSON.stringify(commit.payload).length).toBeGreaterThan(400);
    expect(result.payload).toMatchObject({ commitIndex: 0 });
  });

  it(`writes log.json with exactly the agreed keys for ${stores.join(' and ')}`, async () => {
    const lines: string[] = [];
    const report = await runLogSuite({
      stores,
      largeLogStores: stores,
      samples: 20,
      warmup: 5,
      concurrency: [8],
      throughputMs: 200,
      throughputWarmupMs: 20,
      logSize: 300,
      buildConcurrency: 64,
      buildMaxBatch: 50,
      proofs: 40,
      proofBudgetMs: 100,
      proofConcurrency: 4,
      verifications: 100,
      cliVerify: true,
      tmpDir: outDir,
      outDir,
      log: (line) => lines.push(line),
      print: () => {},
    });

    const rows: unknown = JSON.parse(fs.readFileSync(path.join(outDir, 'log.json'), 'utf8'));
    expect(rows).toEqual(report.rows);
    const list = rows as Array<Record<string, unknown>>;
    expect(list.map((r) => r.store)).toEqual(stores);
    for (const row of list) {
      expect(Object.keys(row).sort()).toEqual(['append_p50_ms', 'append_p99_ms', 'appends_per_s', 'floor_p50_ms', 'store', 'verify_1m_s']);
      for (const key of ['append_p50_ms', 'append_p99_ms', 'appends_per_s', 'floor_p50_ms']) {
        expect(typeof row[key]).toBe('number');
        expect(Number.isFinite(row[key])).toBe(true);
        expect(row[key] as number).toBeGreaterThan(0);
      }
      expect(row.append_p99_ms as number).toBeGreaterThanOrEqual(row.append_p50_ms as number);
      // Not a 1,000,000-entry log: not measured, and said so.
      expect(row.verify_1m_s).toBeNull();
    }

    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'log-details.json'), 'utf8'));
    expect(details.suite).toBe('log');
    expect(details.machine.node).toBe(process.version);
    expect(details.verdicts.some((v: string) => v.includes('verify_1m_s is null'))).toBe(true);
    for (const d of details.stores) {
      expect(d.floor.n).toBe(20);
      expect(d.append.n).toBe(20);
      expect(d.sequentialCommits).toBe(20);
      expect(d.floor.p99).toBeGreaterThanOrEqual(d.floor.p50);
      expect(d.ratio.p50).toBeGreaterThan(0);
      expect(d.entryBytes.min).toBeGreaterThan(200);
      expect(d.entryBytes.max).toBeLessThan(1200);
      expect(d.throughput).toHaveLength(1);
      expect(d.throughput[0].concurrency).toBe(8);
      expect(d.throughput[0].appends).toBeGreaterThan(0);
      expect(d.throughput[0].ackLatency.n).toBe(d.throughput[0].appends);
      const large = d.largeLog;
      expect(large.size).toBe(300);
      expect(large.build.seconds).toBeGreaterThan(0);
      expect(large.build.meanBatch).toBeLessThanOrEqual(50);
      expect(large.proofs.sequential.n).toBeGreaterThan(0);
      expect(large.proofs.sequential.perS).toBeGreaterThan(0);
      expect(large.proofs.hashesPerProof).toBeGreaterThan(0);
      expect(large.verification.verifyInclusionPerS).toBeGreaterThan(0);
      expect(large.verifyLog.ok).toBe(true);
      expect(large.verifyLog.seconds).toBeGreaterThan(0);
      expect(large.cliVerify.seconds).toBeGreaterThanOrEqual(0);
      expect(large.cliVerify.output).toContain('OK: 300 entries');
    }
    expect(report.table).toContain('appends/s @8');
    expect(lines.length).toBeGreaterThan(0);
  }, 30_000);
});
