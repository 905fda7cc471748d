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
import type { TokenClaims } from '../../src/auth/roles.js';
import type { Expert } from '../../src/domain/expert.js';
import { jcs, sha256Hex } from '../../src/crypto/canonical.js';
import { leafHashOfText } from '../../src/log/entry.js';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { panelVerified, verifyDrawProof, type DrawProofBundle, type DrawProofReport } from '../../src/verify/draw-proof.js';
import { ProofFilePool } from '../../src/verify/proof-pool.js';
import { build, type Built } from '../helper.js';
import { signedTree } from '../helpers/proof-bundle.js';

const BID_OPENING = '2026-12-01T10:00:00+08:00';
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

const generated = generatePool({ size: 40, seed: 'abandoned', fixed: [{ code: 'C990101', members: 2 }, { code: 'C990102', members: 4 }] });
const [E1, E2, E3, E4, E5] = generated.organisations.slice(1, 6) as [string, string, string, string, string];
/** Experts 0–1 hold C990101 (employers E1, E2); experts 2–5 hold C990102 (E1, E3, E4, E5); nobody else holds either. */
const experts: Expert[] = generated.experts.map((e, i) => {
  const others = e.specialties.filter((s) => s !== 'C990101' && s !== 'C990102');
  const plain = { ...e, status: 'active' as const, suspendedUntil: null, unavailable: [], relations: [] };
  if (i < 2) return { ...plain, specialties: ['C990101'], employer: [E1, E2][i]! };
  if (i < 6) return { ...plain, specialties: ['C990102'], employer: [E1, E3, E4, E5][i - 2]! };
  return { ...e, specialties: others.length > 0 ? others : ['C010101'] };
});

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-abandoned-'));
let t: Built;
let bundle: DrawProofBundle;
let failures = 0;

beforeAll(async () => {
  const policy = join(dir, 'policy.json');
  // The frequency caps raised: each success seats one of group 0's two experts for the same tenderer, and at the default
  // caps a run whose first few projects all succeed at once would leave nobody to draw (every later draw short).
  writeFileSync(policy, JSON.stringify({ alternatesPerGroup: 0, frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 } }));
  t = await build({ EXPERT_DRAW_POLICY_FILE: policy }, { now: () => clock });
  await t.ctx.pool.import(experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  // Projects until one fails at least once before it succeeds (each draw fails with chance 1/2).
  for (let p = 0; p < 24 && failures === 0; p++) {
    const id = `P-ABANDON-${p}`;
    clock = Date.parse('2026-12-01T06:00:00+08:00');
    await t.ctx.projects.register(
      {
        project: { id, tenderer: generated.organisations[0]!, agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt: BID_OPENING, region: '330106' },
        request: { groups: [{ specialty: 'C990101', count: 1 }, { specialty: 'C990102', count: 4 }], tendererRepresentatives: 0 },
        name: null,
        venue: null,
        leadTimeMinutes: undefined,
      },
      op,
    );
    let drawId: string | null = null;
    let failed = 0;
    while (drawId === null && failed < 30) {
      try {
        drawId = (await t.ctx.draws.run(id, 'immediate', op)).drawId;
      } catch (err) {
        expect((err as { code?: string }).code).toBe('INSUFFICIENT_CANDIDATES');
        failed++;
        // The operator resolves the failed project: the same opening, so nothing the draw hashed changes.
        await t.ctx.projects.reschedule(id, BID_OPENING, '重新抽取', op);
      }
    }
    if (failed === 0) continue;
    if (drawId === null) throw new Error(`${id}: 30 draws in a row fell short; the pool no longer makes success depend on the seed`);
    failures = failed;
    clock = Date.parse('2026-12-01T10:05:00+08:00');
    for (const who of [op, sup]) await t.ctx.roster.approveUnseal(drawId, id, BID_OPENING, who);
    await t.ctx.disclosure.disclose(drawId, op);
    const res = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: t.auth('inspector') });
    expect(res.statusCode, res.body).toBe(200);
    bundle = res.json() as DrawProofBundle;
  }
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

  it('verifies a mixed folder in file order, a broken file and all, the same with --jobs 2 as with --jobs 1, in worker threads and in-process', async () => {
    const folder = join(dir, 'mixed');
    mkdirSync(folder);
    const oneByte = structuredClone(bundle);
    oneByte.abandoned![0]!.end.entry = oneByte.abandoned![0]!.end.entry.replace('"group":1', '"group":0');
    const aborted = resigned(bundle, (_commit, end) => {
      end.type = 'draw.aborted';
      end.payload = { drawId: end.payload.drawId, projectId: end.payload.projectId, reason: 'no result before the lease expired', nonce: end.payload.nonce };
    });
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
      else expect('report' in v && v.report).toEqual(JSON.parse(JSON.stringify(verify(JSON.parse(files[name]!)))));
    }
    const ok = verdicts.map((v) => 'report' in v && v.report.ok);
    expect(ok).toEqual([true, false, false, false, false, false, true]);
    // A folder this small never starts a worker (not worth its start): the same files through two workers alone.
    const pool = new ProofFilePool({ verifierKey: key }, 2, { inThisThread: false });
    try {
      expect(await pool.verify(Object.keys(files).map((name) => join(folder, name)))).toEqual(verdicts);
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

type Editable = { type: string; payload: Record<string, any> };

/** The bundle with its first abandoned draw's entries edited, every part proved again in a fresh tree the log key signs. */
function resigned(original: DrawProofBundle, edit: (commit: Editable, end: Editable) => void): DrawProofBundle {
  const b = structuredClone(original);
  const a = b.abandoned![0]!;
  const commit = JSON.parse(a.commit.entry) as Editable;
  const end = JSON.parse(a.end.entry) as Editable;
  edit(commit, end);
  a.commit.entry = jcs(commit);
  a.end.entry = jcs(end);
  const parts = [b.commit, b.result, b.reveal, ...b.abandoned!.flatMap((x) => [x.commit, x.end])];
  const size = b.reveal.inclusion.treeSize;
  const tree = signedTree(t.ctx.keys.logSigner, size, new Map(parts.map((p) => [p.index, leafHashOfText(p.entry)])));
  for (const p of parts) p.inclusion = { index: p.index, leafHash: leafHashOfText(p.entry).toString('hex'), checkpoint: tree.checkpoint, treeSize: size, hashes: tree.proof(p.index) };
  return b;
}
