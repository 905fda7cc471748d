// Keeps the http benchmark from rotting: its --quick run in-process (autocannon forked against the real app on a
// loopback port, SQLite, and Redis on a private redis-server when one is installed), checking the shape of what it
// writes. No speed limits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedisServer } from '../helpers/redis-server.js';
import { ms } from '../../bench/lib/format.js';
import { HTTP_QUICK, runHttpSuite, type StoreName } from '../../bench/suites/http.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-bench-test-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

const stores: StoreName[] = hasRedisServer() ? ['sqlite', 'redis'] : ['sqlite'];
const connections = [1, 10, 50];

describe('http suite', () => {
  it(`writes http.json with exactly the agreed keys for ${stores.join(' and ')} at ${connections.join(', ')} connections`, async () => {
    const lines: string[] = [];
    const report = await runHttpSuite({ ...HTTP_QUICK, stores, connections, draws: 50, tmpDir: outDir, outDir, log: (l) => lines.push(l), print: () => {} });

    const rows: unknown = JSON.parse(fs.readFileSync(path.join(outDir, 'http.json'), 'utf8'));
    expect(rows).toEqual(report.rows);
    const list = rows as Array<Record<string, unknown>>;
    expect(list.map((r) => `${String(r.store)}/${String(r.connections)}`)).toEqual(stores.flatMap((s) => connections.map((c) => `${s}/${c}`)));
    for (const row of list) {
      expect(Object.keys(row).sort()).toEqual(['connections', 'draws_per_s', 'floor_p50_ms', 'p50_ms', 'p999_ms', 'p99_ms', 'store']);
      for (const key of ['draws_per_s', 'p50_ms', 'p99_ms', 'p999_ms', 'floor_p50_ms']) {
        expect(typeof row[key]).toBe('number');
        expect(row[key] as number).toBeGreaterThan(0);
      }
      expect(row.p99_ms as number).toBeGreaterThanOrEqual(row.p50_ms as number);
      expect(row.p999_ms as number).toBeGreaterThanOrEqual(row.p99_ms as number);
    }

    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'http-details.json'), 'utf8'));
    expect(details.suite).toBe('http');
    expect(details.machine.node).toBe(process.version);
    expect(details.verdicts.every((v: string) => /^(MET|MISSED|ERRORS|BOUND|n\/a)/.test(v))).toBe(true);
    for (const r of details.rounds) {
      // 50 draws rounded up to a multiple of the connections; every one a different project, answered 201 drawn.
      expect(r.load.requests).toBe(Math.max(r.connections, Math.ceil(50 / r.connections) * r.connections));
      expect(r.load.errors.total).toBe(0);
      expect(r.load.drawn).toBe(r.load.requests);
      expect(r.load.latency.n).toBe(r.load.requests);
      expect(r.warmup.errors).toBe(0);
      expect(r.floor.n).toBe(HTTP_QUICK.floorSamples);
    }
    for (const d of details.stores) {
      const b = d.breakdown;
      for (const series of ['floor', 'httpDraw', 'serviceDraw', 'httpRead', 'httpReadAlone', 'plainRead']) expect(b[series].n).toBe(HTTP_QUICK.breakdownSamples);
      expect(b.httpCosts.appends.min).toBeGreaterThanOrEqual(2);
      // The bare server and the service's GET answered with the same bytes (readsAlone throws otherwise), both timed.
      expect(b.plainRead.p50).toBeGreaterThan(0);
      expect(b.httpReadAlone.p50).toBeGreaterThan(0);
      // The service's CPU per request, with the client in a process of its own: the in-process draw and the GET too.
      for (const costs of ['httpCosts', 'serviceCosts', 'readCosts']) {
        expect(b[costs].cpuMs.n).toBe(HTTP_QUICK.breakdownSamples);
        expect(b[costs].cpuMs.p50).toBeGreaterThan(0);
      }
      expect(b.oneRequestWrites[0].entries).toEqual({ 'draw.commit': 1 });
      // The draw route answers once the result is durable, with its expert calls in the same transaction.
      expect(b.oneRequestWrites[1].entries).toEqual({ 'draw.result': 1, 'calls.placed': 1 });
      expect(b.oneRequestWrites).toHaveLength(2);
      expect(b.profile.topSelf.length).toBeGreaterThan(0);
      expect(d.setup.imports).toBe(1);
      // The design's floor: its parts measured in this run (the bare server's and the floor's from the breakdown), added up.
      const bound = d.bound;
      expect(bound.engineDraws).toBe(50);
      expect(bound.bareFastifyP50Ms).toBe(b.plainRead.p50);
      expect(bound.floorP50Ms).toBeLessThanOrEqual(b.floor.p50);
      expect(bound.engineP50Ms).toBeGreaterThan(0);
      expect(bound.sumMs).toBeCloseTo(bound.bareFastifyP50Ms + bound.engineP50Ms + 2 * bound.floorP50Ms, 2);
    }
    const sqliteBound = details.stores.find((d: { store: string }) => d.store === 'sqlite')?.bound;
    if (sqliteBound) expect(details.verdicts.some((v: string) => v.startsWith('BOUND') && v.includes(`= ${ms(sqliteBound.sumMs)} ms`))).toBe(true);
    // The PostgreSQL peer on the same pool: measured, or skipped with its reason.
    if (details.peer.skipped) expect(details.peer.reason).toMatch(/^skipped: no PostgreSQL answers/);
    else expect(details.peer.draw.n).toBe(HTTP_QUICK.peerDraws);
    expect(report.table).toContain('p99.9 ms');
    expect(lines.length).toBeGreaterThan(0);
  }, 120_000);
});
