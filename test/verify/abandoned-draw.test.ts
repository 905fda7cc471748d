// A draw that fails after its commit is opened, and its successor's proof lets an inspector check that it failed
// genuinely (docs/draw-proof.md §11). The pool is made so that whether a draw fills depends on its seed: group 0 takes
// one of two experts, and when it takes the one whose employer a group-1 expert shares, the employer cap leaves
// group 1 one short — after the commit. The project is drawn again until a draw succeeds; its proof carries the failed
// draws, each recomputed from its revealed nonce. A forged failure (re-signed as a log operator could) is caught.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/canonical.js';
import { panelVerified, verifyDrawProof, verifyDrawProofWithFacts, type DrawProofBundle, type DrawProofReport } from '../../src/verify/draw-proof.js';
import { ProofFilePool } from '../../src/verify/proof-pool.js';
import { checkRun, RUN_CHECKS } from '../../src/verify/run-checks.js';
import type { Built } from '../helper.js';
import { resignedAbandoned, type EditableEntry } from '../helpers/proof-bundle.js';
import { OPERATOR, seedDependent } from '../helpers/seed-dependent.js';

const BID_OPENING = '2026-12-01T10:00:00+08:00';
let clock = Date.parse('2026-12-01T06:00:00+08:00');

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-abandoned-'));
let t: Built;
let bundle: DrawProofBundle;
let failures = 0;

beforeAll(async () => {
  const service = await seedDependent(dir, 'abandoned', () => clock);
  t = service.t;
  // The operator resolves each failure: the same opening, so nothing the draw hashed changes.
  const drawn = await service.firstThatFails('P-ABANDON-', BID_OPENING, () => BID_OPENING, (ms) => (clock = ms));
  failures = drawn.failures;
  bundle = drawn.bundle as DrawProofBundle;
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const verify = (b: unknown) => verifyDrawProof(b, { verifierKey: t.ctx.keys.logVerifier.verifierKey });
const check = (b: unknown) => verify(b).checks.find((c) => c.id === 'abandoned');

describe('a draw that failed after its commit, checked from its successor’s proof', () => {
  it('carries every failed draw of the project, and each verifies as failed genuinely, recomputed from its nonce', () => {
    expect(failures).toBeGreaterThan(0);
    expect(bundle.abandoned).toHaveLength(failures);
    const report = verify(bundle);
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.ok).toBe(true);
    const abandoned = check(bundle)!;
    expect(abandoned.status).toBe('pass');
    expect(abandoned.detail.match(/failed genuinely: recomputed from its nonce, group 1 short by 1, as logged/g)).toHaveLength(failures);
  });

  it('adds each earlier draw’s commit and revealed nonce to the facts a run of bundles compares (run-checks.ts)', () => {
    const { facts } = verifyDrawProofWithFacts(bundle, { verifierKey: t.ctx.keys.logVerifier.verifierKey });
    const earlier = bundle.abandoned!.map((a) => JSON.parse(a.end.entry) as { payload: { drawId: string; nonce: string } });
    expect(facts.nonces).toEqual([{ nonce: JSON.parse(bundle.reveal.entry).payload.nonce, drawId: bundle.drawId }, ...earlier.map((e) => ({ nonce: e.payload.nonce, drawId: e.payload.drawId }))]);
    expect(facts.draws.map((d) => d.drawId)).toEqual([bundle.drawId, ...earlier.map((e) => e.payload.drawId)]);
    expect(facts.draws.slice(1).map((d) => d.commit)).toEqual(bundle.abandoned!.map((a) => a.commit.inclusion.leafHash));
    expect(facts.checkpoints).toEqual([{ size: bundle.reveal.inclusion.treeSize, root: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('is named in its successor’s commit (follows), so that a bundle without it fails', () => {
    const commit = JSON.parse(bundle.commit.entry) as { payload: { follows?: string[] } };
    const failed = bundle.abandoned!.map((a) => (JSON.parse(a.commit.entry) as { payload: { drawId: string } }).payload.drawId);
    expect(commit.payload.follows).toEqual(failed);
    // Whoever handles the file takes the failures out: the commit still names them.
    const { abandoned: _gone, ...stripped } = structuredClone(bundle);
    const report = verify(stripped);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'abandoned')).toMatchObject({ status: 'fail', detail: `the commit follows ${failed.join(', ')}; the bundle carries no earlier draw` });
    if (failed.length > 1) {
      const short = structuredClone(bundle);
      short.abandoned = short.abandoned!.slice(1);
      expect(check(short)).toMatchObject({ status: 'fail' });
    }
  });

  it('fails a failure whose entry does not belong to the log (one byte changed)', () => {
    const forged = structuredClone(bundle);
    forged.abandoned![0]!.end.entry = forged.abandoned![0]!.end.entry.replace('"group":1', '"group":0');
    expect(check(forged)).toMatchObject({ status: 'fail' });
    expect(verify(forged).ok).toBe(false);
  });

  it('fails a forged failure, re-signed as the log’s operator could: a draw that filled every group logged as short', () => {
    // The forger writes the failed draw's commit with another nonce, whose ranking fills both groups (half of all
    // nonces do), keeps the logged shortfall, and signs a fresh tree holding every part: only the recomputation can tell.
    for (let attempt = 1; attempt <= 64; attempt++) {
      const nonce = Buffer.alloc(32, attempt);
      const outcome = check(resigned(bundle, (commit, end) => {
        commit.payload.nonceHash = sha256Hex(nonce);
        end.payload.nonce = nonce.toString('hex');
      }))!;
      if (outcome.status === 'fail') {
        expect(outcome.detail).toMatch(/logged INSUFFICIENT_CANDIDATES, but recomputed from its nonce its ranking fills every group/);
        return;
      }
      // Every other nonce gives a shortfall as logged, which is what a genuine failure looks like.
      expect(outcome.status, outcome.detail).toBe('pass');
    }
    throw new Error('no forged nonce filled the groups');
  });

  it('leaves an abort unverifiable, showing the panel it discarded; the draw’s own panel still counts for fairness', () => {
    const aborted = resigned(bundle, (_commit, end) => {
      end.type = 'draw.aborted';
      end.payload = { drawId: end.payload.drawId, projectId: end.payload.projectId, reason: 'no result before the lease expired', nonce: end.payload.nonce };
    });
    const report = verifyDrawProof(aborted, { verifierKey: t.ctx.keys.logVerifier.verifierKey, panels: true });
    expect(report.ok).toBe(false);
    expect(panelVerified(report)).toBe(true);
    // A failing check anywhere else, and the panel no longer counts.
    const broken = structuredClone(aborted);
    broken.result.inclusion.hashes[0] = 'ab'.repeat(32);
    expect(panelVerified(verifyDrawProof(broken, { verifierKey: t.ctx.keys.logVerifier.verifierKey, panels: true }))).toBe(false);
    // A failure that cannot be recomputed (another code) is open too, but it is not an abort: the panel does not count.
    const otherFailure = resigned(bundle, (_commit, end) => {
      end.payload.code = 'BEACON_UNAVAILABLE';
    });
    const open = verifyDrawProof(otherFailure, { verifierKey: t.ctx.keys.logVerifier.verifierKey, panels: true });
    expect(open.checks.find((c) => c.id === 'abandoned')).toMatchObject({ status: 'unverifiable' });
    expect(panelVerified(open)).toBe(false);
    const outcome = check(aborted)!;
    expect(outcome.status).toBe('unverifiable');
    expect(outcome.detail).toMatch(/was aborted \(no result before the lease expired\); an abort cannot be proved genuine offline|was aborted \(no result before the lease expired\), and its ranking runs short anyway/);
  });
});

describe('proof verify over a folder: worker threads give the verdicts the single thread gives', () => {
  const root = resolve(import.meta.dirname, '../..');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proof', 'verify', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  type Verdict = { file: string; report: DrawProofReport } | { file: string; error: string };
  const runChecks: string[] = Object.values(RUN_CHECKS);

  it('verifies a mixed folder in file order, a broken file and all, the same with --jobs 2 as with --jobs 1, in worker threads and in-process', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    const oneByte = structuredClone(bundle);
    oneByte.abandoned![0]!.end.entry = oneByte.abandoned![0]!.end.entry.replace('"group":1', '"group":0');
    // Re-signed over a larger tree: a forgery at the honest bundle's tree size would be a fork, which fails both in one
    // run (run-checks.ts, tested in test/verify/run-checks.test.ts).
    const aborted = resignedAbandoned(
      bundle,
      t.ctx.keys.logSigner,
      ({ end }) => {
        end.type = 'draw.aborted';
        end.payload = { drawId: end.payload.drawId, projectId: end.payload.projectId, reason: 'no result before the lease expired', nonce: end.payload.nonce };
      },
      { treeSize: bundle.reveal.inclusion.treeSize + 1 },
    );
    const tampered = structuredClone(bundle);
    tampered.reveal.entry = tampered.reveal.entry.replace(/"salt":"([0-9a-f])/, (_, c: string) => `"salt":"${c === '0' ? '1' : '0'}`);
    // Named so that the honest bundle comes first and last, with the broken files between the others.
    const files: Record<string, string> = {
      'a-failed-draw.json': JSON.stringify(bundle),
      'b-one-byte.json': JSON.stringify(oneByte),
      'c-truncated.json': JSON.stringify(bundle).slice(0, 5000),
      'd-aborted.json': JSON.stringify(aborted),
      'e-not-a-bundle.json': '{"drawId":"D-1"}',
      'f-tampered-salt.json': JSON.stringify(tampered),
      'g-failed-draw-again.json': JSON.stringify(bundle),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    writeFileSync(join(folder, 'notes.txt'), 'not a bundle: only .json files are read');
    const key = t.ctx.keys.logVerifier.verifierKey;

    const single = cli(folder, '--verifier-key', key, '--json', '--jobs', '1');
    const workers = cli(folder, '--verifier-key', key, '--json', '--jobs', '2');
    expect(single.status, single.stderr).toBe(1);
    expect(workers.status, workers.stderr).toBe(1);
    const verdicts = JSON.parse(workers.stdout) as Verdict[];
    expect(verdicts).toEqual(JSON.parse(single.stdout));
    expect(verdicts.map((v) => v.file)).toEqual(Object.keys(files).map((name) => join(folder, name)));
    // Each verdict is the verifier's own on that file: JSON it cannot parse is said, never verified.
    for (const [i, name] of Object.keys(files).entries()) {
      const v = verdicts[i]!;
      if (name === 'c-truncated.json') expect(v).toEqual({ file: join(folder, name), error: `${join(folder, name)} is not JSON: save the answer of GET /v1/draws/{id}/proof as it came` });
      else {
        // The verifier's own report, then the checks across the run, which no bundle of this folder contradicts.
        const own = 'report' in v ? v.report.checks.filter((c) => !runChecks.includes(c.id)) : [];
        expect('report' in v && { ...v.report, checks: own }).toEqual(JSON.parse(JSON.stringify(verify(JSON.parse(files[name]!)))));
        expect('report' in v && v.report.checks.filter((c) => runChecks.includes(c.id) && c.status === 'fail')).toEqual([]);
      }
    }
    const ok = verdicts.map((v) => 'report' in v && v.report.ok);
    expect(ok).toEqual([true, false, false, false, false, false, true]);
    // A folder this small never starts a worker (not worth its start): the same files through two workers alone.
    const pool = new ProofFilePool({ verifierKey: key }, 2, { inThisThread: false });
    try {
      const viaWorkers = checkRun(await pool.verify(Object.keys(files).map((name) => join(folder, name))));
      expect(viaWorkers.map((v) => ('report' in v ? { file: v.file, report: v.report } : v))).toEqual(verdicts);
    } finally {
      await pool.close();
    }

    const text = cli(folder, '--verifier-key', key, '--jobs', '2');
    expect(text.status).toBe(1);
    expect(text.stdout.match(/^== .+$/gm)).toEqual(Object.keys(files).map((name) => `== ${join(folder, name)}`));
    expect(text.stdout).toContain(`== ${join(folder, 'c-truncated.json')}\nNOT VERIFIED: ${join(folder, 'c-truncated.json')} is not JSON`);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(`NOT VERIFIED: 5 of 7 bundles: ${['b-one-byte', 'c-truncated', 'd-aborted', 'e-not-a-bundle', 'f-tampered-salt'].map((n) => join(folder, `${n}.json`)).join(', ')}`);
    // Progress goes to stderr, never into the reports.
    expect(text.stderr).toMatch(/verifying \[#+\] 100% 7\/7/);
  }, 180_000);
});

/** The bundle with its first abandoned draw's commit and end edited, re-signed as the log's operator could. */
const resigned = (original: DrawProofBundle, edit: (commit: EditableEntry, end: EditableEntry) => void) => resignedAbandoned(original, t.ctx.keys.logSigner, (e) => edit(e.commit, e.end));
