// Keeps the planned-draw benchmark from rotting: a few witnessed draws per arm on a tiny pool; checks the shape of what
// it writes and that the arms took one and two durable appends per draw. No speed limits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlannedSuite } from '../../bench/suites/planned.js';

const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'planned-bench-test-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('planned suite', () => {
  it('writes planned.json with the agreed keys: one row per arm, one and two durable appends a draw', async () => {
    const report = await runPlannedSuite({ pool: 2000, draws: 4, block: 2, tmpDir: outDir, outDir, log: () => {}, print: () => {} });
    const rows = JSON.parse(fs.readFileSync(path.join(outDir, 'planned.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(rows).toEqual(report.rows);
    expect(rows.map((r) => Object.keys(r).sort())).toEqual([0, 1].map(() => ['appends', 'draws', 'durable_appends_per_draw', 'p50_ms', 'p99_ms', 'store']));
    expect(rows.map((r) => [r.appends, r.draws, r.durable_appends_per_draw])).toEqual([
      [1, 4, 1],
      [2, 4, 2],
    ]);
    for (const r of rows) expect(r.p50_ms as number).toBeGreaterThan(0);
    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'planned-details.json'), 'utf8')) as Record<string, unknown>;
    expect(details).toMatchObject({ suite: 'planned', ratioP50: expect.any(Number), verdicts: [expect.stringContaining('one durable append')] });
  }, 120_000);
});
