// Keeps the verify benchmark from rotting: two small disclosed draws, verified for a few short rounds; checks the
// shape of what it writes. No speed limits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVerifySuite } from '../../bench/suites/verify.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-bench-test-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('verify suite', () => {
  it('writes verify.json with exactly the agreed keys', async () => {
    const report = await runVerifySuite({
      shapes: [{ name: 'tiny', groups: [{ code: 'C990104', members: 60, count: 5 }] }],
      proofs: 2,
      warmUpProofs: 1,
      pool: 1000,
      rounds: 2,
      roundMs: 50,
      profile: true,
      jobs: 2,
      tmpDir: outDir,
      outDir,
      log: () => {},
      print: () => {},
    });

    const rows: unknown = JSON.parse(fs.readFileSync(path.join(outDir, 'verify.json'), 'utf8'));
    expect(rows).toEqual(report.rows);
    const list = rows as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    const row = list[0]!;
    expect(Object.keys(row).sort()).toEqual(['files_per_s_1', 'files_per_s_jobs', 'jobs', 'jobs_ratio', 'members', 'met', 'proof_kib', 'proofs_per_s', 'shape']);
    expect(row.shape).toBe('tiny');
    expect(row.members).toBe(60);
    expect(row.proofs_per_s as number).toBeGreaterThan(0);
    expect(typeof row.met).toBe('boolean');
    // The same bundles as files, in one thread and over two workers (A/B): both verified, both timed.
    expect(row.jobs).toBe(2);
    expect(row.files_per_s_1 as number).toBeGreaterThan(0);
    expect(row.files_per_s_jobs as number).toBeGreaterThan(0);

    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'verify-details.json'), 'utf8'));
    expect(details.suite).toBe('verify');
    expect(details.verdicts[0]).toMatch(/^(MET|MISSED) +tiny/);
    const shape = details.shapes[0];
    expect(shape.proofs).toBe(2);
    expect(shape.proofsPerS.rounds).toHaveLength(2);
    // Passes of fresh pools: twice the rounds, the warm-up draw's file and the two timed ones per pass here.
    expect(shape.files.oneThread.rounds).toHaveLength(4);
    expect(shape.files.workers.rounds).toHaveLength(4);
    expect(shape.files.warmUpFiles).toBe(1);
    expect(shape.files.timedFiles).toBe(2);
    expect(details.verdicts[1]).toMatch(/^(MET|MISSED) +tiny .*proof verify DIR --jobs 2/);
    // The floor (read a file, hash it once) is measured and lies below what verifying a file takes.
    expect(shape.files.floorMs).toBeGreaterThan(0);
    expect(shape.files.floorMs).toBeLessThan(1000 / shape.files.oneThread.median);
    expect(details.verdicts[2]).toMatch(/^BOUND +tiny: the least a verifier does per file here/);
    // CPU per bundle by thread where /proc can tell (Linux); too few clock ticks here for the figures to mean anything.
    if (process.platform === 'linux') {
      for (const side of [shape.files.cpuMsPerBundle.oneWorker, shape.files.cpuMsPerBundle.workers]) expect(Object.keys(side).sort()).toEqual(['main', 'other', 'workers']);
    }
    // The timed files through the command itself, fresh processes (every bundle verified, or the suite throws).
    expect(shape.command.files).toBe(2);
    expect(shape.command.jobs).toBe(2);
    for (const side of [shape.command.oneThread, shape.command.withJobs, shape.command.oneFile]) {
      expect(side.rounds).toHaveLength(2);
      expect(side.median).toBeGreaterThan(0);
    }
    expect(report.table).toContain('the command (a fresh process, start included)');
    expect(shape.checksPerProof).toBeGreaterThan(20);
    // Every draw made is disclosed: the two timed and the warm-up one.
    expect(shape.setup.discloseMs.n).toBe(3);
    expect(shape.profile.topInclusive.some((f: { fn: string }) => f.fn.startsWith('verifyDrawProof'))).toBe(true);
    expect(report.table).toContain('proofs/s');
  }, 120_000);
});
