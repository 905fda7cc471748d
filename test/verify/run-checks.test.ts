// The checks across the bundles of one run (src/verify/run-checks.ts): two bundles that each verify alone, but could
// not both be the log's — a fork (one tree size, two roots), one draw told two ways, a nonce opening two draws — fail
// each other, by name, in `proof verify DIR`; duplicates and unrelated bundles do not; a bundle alone is as before.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { openCheckpoint } from '../../src/log/checkpoint.js';
import { NoteVerifier } from '../../src/log/note.js';
import { generatePool, syntheticUscc } from '../../src/pool/generator.js';
import type { DrawProofBundle } from '../../src/verify/draw-proof.js';
import { verifyProofFile, type FileVerdict } from '../../src/verify/proof-files.js';
import { checkRun, RUN_CHECKS } from '../../src/verify/run-checks.js';
import { testKeys } from '../helpers/log.js';
import { memoryBundle } from '../helpers/proof-bundle.js';

const keys = testKeys();
const pool = new PoolIndex(generatePool({ size: 60, seed: 'run-checks', fixed: [{ code: 'C990101', members: 30 }] }).experts, 1);
const project = (id: string) => ({ id, tenderer: syntheticUscc(9700), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: '2026-12-01T10:00:00+08:00', region: '330106' });
const nonce = (label: string) => createHash('sha256').update(`run-checks-${label}`).digest();
/** A disclosed draw's bundle in a tree of its own, of size commitIndex + 4. */
const draw = (drawId: string, label: string, commitIndex: number): DrawProofBundle =>
  memoryBundle({ drawId, pool, project: project(`P-${drawId}`), request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 }, policy: DEFAULT_POLICY, signer: keys.signer, nonce: nonce(label), commitIndex });

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-run-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bundles written to a folder of their own and verified one by one, then checked as a run. */
function run(name: string, bundles: Record<string, DrawProofBundle>): { folder: string; verdicts: FileVerdict[] } {
  const folder = join(dir, name);
  mkdirSync(folder);
  const files = Object.entries(bundles).map(([file, b]) => {
    writeFileSync(join(folder, file), JSON.stringify(b));
    return join(folder, file);
  });
  return { folder, verdicts: checkRun(files.map((f) => verifyProofFile(f, { verifierKey: keys.verifierKey }))) };
}
const check = (v: FileVerdict, id: string) => ('report' in v ? v.report.checks.find((c) => c.id === id) : undefined);
const root = (b: DrawProofBundle) => openCheckpoint(b.reveal.inclusion.checkpoint, NoteVerifier.fromKey(keys.verifierKey), keys.signer.origin).checkpoint.rootHash.toString('hex');

describe('checks across the bundles of one run', () => {
  // One draw, two panels: each bundle re-signed by the key holder at the same tree size with its own root.
  const honest = draw('D-RUN-1', 'honest', 5);
  const forged = draw('D-RUN-1', 'forged', 5);
  const other = draw('D-RUN-2', 'other', 9);

  it('two contradictory bundles of one draw, each verifying alone: both fail checkpoints.agree and draws.agree, naming both roots and files', () => {
    const { folder, verdicts } = run('fork', { 'a-honest.json': honest, 'b-forged.json': forged, 'c-other.json': other });
    const [a, b, c] = verdicts;
    // Alone, each verifies: only the run shows the contradiction.
    for (const file of ['a-honest.json', 'b-forged.json']) expect((verifyProofFile(join(folder, file), { verifierKey: keys.verifierKey }) as { report: { ok: boolean } }).report.ok).toBe(true);
    for (const v of [a!, b!]) {
      expect('report' in v && v.report.ok).toBe(false);
      expect(check(v, RUN_CHECKS.checkpoints)).toMatchObject({ status: 'fail' });
      expect(check(v, RUN_CHECKS.draws)).toMatchObject({ status: 'fail' });
      const detail = check(v, RUN_CHECKS.checkpoints)!.detail;
      expect(detail).toContain('FORK at tree size 9');
      expect(detail).toContain(`${root(honest)} in ${join(folder, 'a-honest.json')}`);
      expect(detail).toContain(`${root(forged)} in ${join(folder, 'b-forged.json')}`);
      expect(check(v, RUN_CHECKS.draws)!.detail).toMatch(/^draw D-RUN-1 has commit leaf hash [0-9a-f]{64} in .*a-honest\.json; [0-9a-f]{64} in .*b-forged\.json/);
    }
    // The unrelated bundle of the run passes the three.
    expect('report' in c! && c.report.ok).toBe(true);
    expect(['checkpoints.agree', 'draws.agree', 'nonces.unique'].map((id) => check(c!, id)?.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('the same bundle twice, and a bundle alone: nothing to object to', () => {
    const { verdicts } = run('duplicate', { 'a.json': honest, 'b.json': structuredClone(honest) });
    expect(verdicts.map((v) => 'report' in v && v.report.ok)).toEqual([true, true]);
    const alone = run('alone', { 'a.json': forged }).verdicts;
    expect('report' in alone[0]! && alone[0].report.checks.some((c) => c.id.endsWith('.agree'))).toBe(false);
  });

  it('one draw id with another commit at another tree size (no fork to see): draws.agree fails both', () => {
    const { verdicts } = run('draw-twice', { 'a.json': honest, 'b.json': draw('D-RUN-1', 'forged', 7) });
    for (const v of verdicts) {
      expect(check(v, RUN_CHECKS.checkpoints)!.status).toBe('pass');
      expect(check(v, RUN_CHECKS.draws)!.status).toBe('fail');
    }
  });

  it('the same nonce revealed by two draws: nonces.unique fails both', () => {
    const { folder, verdicts } = run('nonce', { 'a.json': honest, 'b.json': draw('D-RUN-3', 'honest', 11) });
    for (const v of verdicts) {
      expect(['checkpoints.agree', 'draws.agree'].map((id) => check(v, id)!.status)).toEqual(['pass', 'pass']);
      expect(check(v, RUN_CHECKS.nonces)).toMatchObject({
        status: 'fail',
        detail: `nonce ${nonce('honest').toString('hex')} opens draw D-RUN-1 in ${join(folder, 'a.json')}; D-RUN-3 in ${join(folder, 'b.json')}: a nonce is 32 random bytes drawn for one draw; reused, it was chosen`,
      });
    }
  });

  it('proof verify DIR prints the failed run check in each report and exits 1', () => {
    const folder = join(dir, 'fork');
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proof', 'verify', folder, '--verifier-key', keys.verifierKey, '--quiet', '--lang', 'en'], { cwd: resolve(import.meta.dirname, '../..'), encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(1);
    expect(out.stdout.match(/^✗ checkpoints\.agree +no other bundle of the run holds a checkpoint of the same tree size with another root/gm)).toHaveLength(2);
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe(`NOT VERIFIED: 2 of 3 bundles: ${join(folder, 'a-honest.json')}, ${join(folder, 'b-forged.json')}`);
    // A run that verifies, without --kept: the verdict adds that the log key alone vouches for the bundles.
    const honestRun = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proof', 'verify', join(dir, 'duplicate'), '--verifier-key', keys.verifierKey, '--quiet', '--lang', 'en'], { cwd: resolve(import.meta.dirname, '../..'), encoding: 'utf8' });
    expect(honestRun.status, honestRun.stderr).toBe(0);
    expect(honestRun.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      'OK: all 2 bundles verified',
      'checked against the log key only: a holder of the log key could have made these bundles; keep checkpoints with `expert-draw log watch --keep DIR` and pass `--kept DIR`',
    ]);
  }, 60_000);
});
