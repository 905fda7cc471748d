// summary.md: every target scored from the result files, MET / MISSED / not measured, errors turning a target MISSED,
// quick runs, notes and the machine's calibration labelled. Fixture rows, no benchmark run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordRunAndSummarize, scoreTargets } from '../../bench/lib/summary.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-test-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function folder(name: string, files: Record<string, unknown>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, value] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), JSON.stringify(value));
  return dir;
}

const httpRow = (connections: number, p50: number, p99: number, perS: number) => ({ store: 'sqlite', connections, draws_per_s: perS, p50_ms: p50, p99_ms: p99, p999_ms: p99 * 2, floor_p50_ms: 0.2 });
const round = (connections: number, errors: number) => ({ store: 'sqlite', connections, load: { errors: { total: errors } } });

describe('summary.md', () => {
  it('scores every target from the files, and says what was not measured', () => {
    const dir = folder('scores', {
      'http.json': [httpRow(1, 0.8, 2.5, 1200), httpRow(10, 3, 9, 2500)],
      'http-details.json': { rounds: [round(1, 0), round(10, 0)], verdicts: [] },
      'burst.json': [
        { store: 'sqlite', instances: 1, projects: 2000, seconds: 1.2, draws_per_s: 1667, met: true },
        { store: 'redis', instances: 2, projects: 2000, seconds: 4, draws_per_s: 500, met: false },
      ],
      'peer.json': [{ pool: 100_000, peer_p50_ms: 60, ours_p50_ms: 0.8, ratio: 75 }],
    });
    const byTarget = Object.fromEntries(scoreTargets(dir).map((s) => [s.target, s.verdict]));
    expect(byTarget['HTTP draw p50 <= 1 ms, 1 connection, SQLite']).toBe('MET');
    expect(byTarget['HTTP draw p99 <= 3 ms, 1 connection, SQLite']).toBe('MET');
    expect(byTarget['>= 2000 durable draws/s, 10 connections, SQLite']).toBe('MET');
    expect(byTarget['burst: 2000 due draws committed <= 1.5 s, SQLite']).toBe('MET');
    expect(byTarget['burst: 2000 due draws committed <= 3 s, two instances on Redis']).toBe('MISSED');
    expect(byTarget['>= 50x faster than the PostgreSQL peer at 100k (HTTP durable draw p50)']).toBe('MET');
    expect(byTarget['engine draw p50 <= 0.5 ms at 100k']).toBe('not measured');
  });

  it('turns a target with failed requests into MISSED, whatever the figure', () => {
    const dir = folder('errors', {
      'http.json': [httpRow(1, 0.8, 2.5, 1200), httpRow(10, 3, 9, 2500)],
      'http-details.json': { rounds: [round(1, 0), round(10, 7)], verdicts: [] },
    });
    const thr = scoreTargets(dir).find((s) => s.target.includes('10 connections'))!;
    expect(thr.verdict).toBe('MISSED');
    expect(thr.figure).toContain('7 errors');
  });

  it('records the run and labels quick runs and notes', () => {
    const machine = { cpuModel: 'Test CPU', cpus: 2, node: 'v20.0.0', date: '2026-12-03T00:00:00.000Z', calibration: { sha256Ms: 18.9, jsonMs: 79.3, load1: 0.46 } };
    const dir = folder('written', { 'http.json': [httpRow(1, 5, 9, 100)], 'http-details.json': { machine, rounds: [round(1, 0)], verdicts: ['MISSED x'] } });
    const file = recordRunAndSummarize(dir, 'http', { date: '2026-12-03T00:00:00.000Z', revision: 'abc1234', quick: true, note: 'shared, busy machine', args: '--suite http --quick' });
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'runs.json'), 'utf8')).http.revision).toBe('abc1234');
    expect(text).toContain('## Targets');
    expect(text).toContain('| HTTP draw p50 <= 1 ms, 1 connection, SQLite | 5.000 ms | **MISSED** | http (quick) |');
    expect(text).toContain('**QUICK smoke run');
    expect(text).toContain('**Note:** shared, busy machine');
    expect(text).toContain('revision abc1234');
    expect(text).toContain('Test CPU, 2 cpus, node v20.0.0; calibration: SHA-256 of 32 MiB 18.9 ms, JSON of 50k records 79.3 ms, load 0.46');
    expect(text).toContain('- MISSED x');
  });

  it("shows the verify suite's command timings, where a run measured them", () => {
    const side = (median: number) => ({ median, rounds: [median] });
    const command = { files: 64, jobs: 2, oneThread: side(0.84), withJobs: side(1.07), oneFile: side(0.47) };
    const row = { shape: 'engine', members: 10500, proof_kib: 634, proofs_per_s: 484, met: false, files_per_s_1: 348, files_per_s_jobs: 379, jobs: 2, jobs_ratio: 1.09 };
    const dir = folder('verify', { 'verify.json': [row], 'verify-details.json': { verdicts: [], shapes: [{ shape: 'engine', command }, { shape: 'older' }] } });
    const text = fs.readFileSync(recordRunAndSummarize(dir, 'verify', { date: '2026-12-06T00:00:00.000Z', revision: 'abc1234', quick: false, note: null, args: '--suite verify' }), 'utf8');
    expect(text).toContain('- engine: `proof verify DIR` of 64 files in a fresh process 0.84 s with --jobs 1, 1.07 s with --jobs 2; one file 0.47 s');
    // A shape without the figure (a run from before it was measured) adds no line.
    expect(text).not.toContain('- older:');
  });
});
