// Keeps the peer benchmark from rotting: where no PostgreSQL answers it must say so and write an empty peer.json (not
// fail); where one answers (BENCH_PG_URL or the local default), its --quick run at 1k writes the agreed keys. No speed
// limits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/lib/redis-server.js';
import { DEFAULT_PG_URL } from '../../bench/lib/pg-peer.js';
import { peerSkipReason } from '../../bench/lib/peer-run.js';
import { PEER_QUICK, runPeerSuite } from '../../bench/suites/peer.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'peer-bench-test-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const pgAnswers = (await peerSkipReason(DEFAULT_PG_URL)) === null;

describe('peer suite', () => {
  it('is skipped with a clear message, not a failure, where no PostgreSQL answers', async () => {
    const outDir = path.join(root, 'skipped');
    const printed: string[] = [];
    // Nothing listens on a port just freed.
    const url = `postgresql://postgres@127.0.0.1:${await freePort()}/test`;
    const report = await runPeerSuite({ ...PEER_QUICK, pgUrl: url, outDir, tmpDir: root, log: () => {}, print: (t) => printed.push(t) });
    expect(report.rows).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'peer.json'), 'utf8'))).toEqual([]);
    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'peer-details.json'), 'utf8'));
    expect(details.skipped).toMatch(/^skipped: no PostgreSQL answers at postgresql:\/\/127\.0\.0\.1:\d+\/test/);
    expect(details.verdicts).toEqual([`n/a    peer suite ${details.skipped}`]);
    expect(printed.join('\n')).toContain('skipped: no PostgreSQL answers');
  });

  it.skipIf(!pgAnswers)('writes peer.json with exactly pool, peer_p50_ms, ours_p50_ms, ratio', async () => {
    const outDir = path.join(root, 'measured');
    const report = await runPeerSuite({ ...PEER_QUICK, pools: [1_000], outDir, tmpDir: root, log: () => {}, print: () => {} });
    const rows = JSON.parse(fs.readFileSync(path.join(outDir, 'peer.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(rows).toEqual(report.rows);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(['ours_p50_ms', 'peer_p50_ms', 'pool', 'ratio']);
    expect(rows[0]!.pool).toBe(1_000);
    for (const key of ['peer_p50_ms', 'ours_p50_ms', 'ratio']) expect(rows[0]![key] as number).toBeGreaterThan(0);
    const details = JSON.parse(fs.readFileSync(path.join(outDir, 'peer-details.json'), 'utf8'));
    expect(details.skipped).toBeNull();
    const p = details.pools[0];
    expect(p.peer.n).toBe(PEER_QUICK.peerDraws);
    expect(p.engine.n).toBe(PEER_QUICK.engineDraws);
    expect(p.http.errors.total).toBe(0);
    expect(p.http.drawn).toBe(PEER_QUICK.httpDraws);
    expect(p.server.fsync).toBeDefined();
    expect(details.verdicts[0]).toMatch(/^info/);
  }, 90_000);
});
