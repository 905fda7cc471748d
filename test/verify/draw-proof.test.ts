// The offline proof verifier against a real disclosed draw: the honest bundle verifies; each single tampering fails
// and names its check. Semantic tamperings are re-logged as a log operator holding the signing key could present them
// (fresh tree, fresh checkpoint), so that only the draw-level check can catch them. Then the command, end to end.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { jcs, jcsHashHex, sha256Hex } from '../../src/crypto/canonical.js';
import { DEFAULT_POLICY, Policy } from '../../src/domain/policy.js';
import { Project } from '../../src/domain/project.js';
import { DrawRequest } from '../../src/domain/request.js';
import { regionTest } from '../../src/draw/candidates.js';
import { ALGORITHM_ID, extensionSize } from '../../src/draw/constants.js';
import { linesDigest } from '../../src/draw/digest.js';
import { resultCommitment } from '../../src/draw/entries.js';
import { DrawSampler, listGroup } from '../../src/draw/sample.js';
import { deriveSeed } from '../../src/draw/seed.js';
import { encodeEntry, leafHash, type LogEntry } from '../../src/log/entry.js';
import { assembleInclusionProof, assembleRoot, hashChildren, isComplete, MerkleFrontier, nodeKey } from '../../src/log/merkle.js';
import { generateNoteKeys, NoteSigner, signNote } from '../../src/log/note.js';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { verifyDrawProof, type CheckStatus, type DrawProofBundle, type DrawProofReport, type KeptInput } from '../../src/verify/draw-proof.js';
import { build, type Built } from '../helper.js';
import { everyFlipFails } from '../helpers/proof-bundle.js';

const BID_OPENING = '2026-12-01T10:00:00+08:00';
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 150, seed: 'proof', fixed: [{ code: 'C990101', members: 40 }, { code: 'C990102', members: 30 }] });
const holders = pool.experts.filter((e) => e.specialties.includes('C990101'));
// Approvals of an unseal come from people's login sessions (sid).
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

let t: Built;
let verifierKey: string;
/** The honest bundle of a two-group draw with exclusions (overlapping specialties: C9901 holds C990101). */
let bundle: DrawProofBundle;
/** The bundle of a draw whose group has a region filter. */
let regionBundle: DrawProofBundle;

/** Runs, unseals (after bid opening) and discloses a project's draw; returns the proof as an inspector fetches it. */
async function disclosedProof(projectId: string, groups: unknown): Promise<DrawProofBundle> {
  clock = Date.parse('2026-12-01T06:00:00+08:00');
  await t.ctx.projects.register(
    {
      // The employer of one C990101 holder bids, so that group has an exclusion for certain.
      project: { id: projectId, tenderer: pool.organisations[0]!, agency: null, bidders: [holders[3]!.employer], avoid: [], preparedBy: [holders[5]!.id], bidOpeningAt: BID_OPENING, region: '330106' },
      request: { groups: groups as never, tendererRepresentatives: 0 },
      name: null,
      venue: null,
      leadTimeMinutes: undefined,
    },
    op,
  );
  const { drawId } = await t.ctx.draws.run(projectId, 'immediate', op);
  clock = Date.parse('2026-12-01T10:05:00+08:00');
  for (const who of [op, sup]) await t.ctx.roster.approveUnseal(drawId, projectId, BID_OPENING, who);
  await t.ctx.disclosure.disclose(drawId, op);
  const res = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: t.auth('inspector') });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DrawProofBundle;
}

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  verifierKey = t.ctx.keys.logVerifier.verifierKey;
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  bundle = await disclosedProof('P-PROOF', [{ specialty: 'C990101', count: 3 }, { specialty: 'C9901', count: 2 }]);
  regionBundle = await disclosedProof('P-PROOF-REGION', [{ specialty: 'C990101', count: 5, regions: { exclude: [holders[0]!.region] } }]);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const verify = (b: unknown, options: { origin?: string; kept?: KeptInput } = {}) => verifyDrawProof(b, { verifierKey, ...options });
const ids = (report: DrawProofReport, status: CheckStatus) => report.checks.filter((c) => c.status === status).map((c) => c.id);
const copy = (b: DrawProofBundle): DrawProofBundle => structuredClone(b);
const flipHex = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');

type Entries = Record<'commit' | 'result' | 'reveal', { -readonly [K in keyof LogEntry<Record<string, any>>]: LogEntry<Record<string, any>>[K] }>;

/**
 * The bundle after `edit`, as a log operator holding the signing key could present it: the edited entries at their
 * indices in a fresh tree of the same size (the other leaves random), under a freshly signed checkpoint. An entry right
 * after another is re-chained to it (its prev is the edited one's leaf hash), as a careful forger would, unless
 * `rechain` is false.
 */
function relog(source: DrawProofBundle, edit: (entries: Entries) => void, { rechain = true } = {}): DrawProofBundle {
  const parts = ['commit', 'result', 'reveal'] as const;
  const entries = Object.fromEntries(parts.map((p) => [p, JSON.parse(source[p].entry)])) as Entries;
  edit(entries);
  for (let i = 1; i < parts.length && rechain; i++) {
    const [before, after] = [parts[i - 1]!, parts[i]!];
    if (source[after].index === source[before].index + 1) entries[after].prev = leafHash(encodeEntry(entries[before])).toString('hex');
  }
  const bytes = Object.fromEntries(parts.map((p) => [p, encodeEntry(entries[p])])) as Record<(typeof parts)[number], Buffer>;
  const size = source.reveal.index + 1;
  const nodes = new Map<string, Buffer>();
  for (let i = 0; i < size; i++) nodes.set(nodeKey({ level: 0, index: i }), randomBytes(32));
  for (const p of parts) nodes.set(nodeKey({ level: 0, index: source[p].index }), leafHash(bytes[p]));
  for (let level = 1; 2 ** level <= size; level++) {
    for (let index = 0; isComplete({ level, index }, size); index++) {
      const child = (k: number) => nodes.get(nodeKey({ level: level - 1, index: 2 * index + k }))!;
      nodes.set(nodeKey({ level, index }), hashChildren(child(0), child(1)));
    }
  }
  const signer = t.ctx.keys.logSigner;
  const checkpoint = signer.sign({ origin: signer.origin, size, rootHash: assembleRoot(size, nodes), extensions: [] });
  const part = (p: (typeof parts)[number]) => {
    const index = source[p].index;
    const hashes = assembleInclusionProof(index, size, nodes).map((h) => h.toString('hex'));
    return { index, entry: bytes[p].toString('utf8'), inclusion: { index, leafHash: leafHash(bytes[p]).toString('hex'), checkpoint, treeSize: size, hashes } };
  };
  return { drawId: source.drawId, commit: part('commit'), result: part('result'), reveal: part('reveal') };
}

describe('verifyDrawProof on an honest bundle', () => {
  it('passes every check of a disclosed draw', () => {
    const report = verify(bundle);
    expect(ids(report, 'fail').concat(ids(report, 'unverifiable'), ids(report, 'skipped'))).toEqual([]);
    expect(report).toMatchObject({ ok: true, drawId: bundle.drawId, projectId: 'P-PROOF', assurance: 'operator' });
    expect(report.checks.map((c) => c.id)).toEqual([
      'bundle',
      'commit.entry', 'commit.leaf-hash', 'commit.checkpoint', 'commit.inclusion',
      'result.entry', 'result.leaf-hash', 'result.checkpoint', 'result.inclusion',
      'reveal.entry', 'reveal.leaf-hash', 'reveal.checkpoint', 'reveal.inclusion',
      'checkpoint.same', 'links', 'times', 'chain', 'groups', 'reveal.nonce', 'reveal.members', 'reveal.exclusions', 'seed', 'reveal.request', 'policy', 'eligible',
      'region', 'members.consistent', 'facts', 'recusal.parties', 'recusal.positions', 'recusal.prepared', 'recusal.status', 'recusal.frequency',
      'ranking', 'extension', 'result.commitment', 'result.counts',
    ]);
    // The draw exercised what the checks read: exclusions, two groups, a non-empty extension, and a result entry right
    // after its commit (the chain check); the reveal, at disclosure, is far from both.
    expect(bundle.result.index).toBe(bundle.commit.index + 1);
    expect(bundle.reveal.index).toBeGreaterThan(bundle.result.index + 1);
    const reveal = JSON.parse(bundle.reveal.entry).payload;
    expect(reveal.groups[0].exclusions.length).toBeGreaterThan(0);
    expect(reveal.extension.map((e: string[]) => e.length)).toEqual([3, 3]);
  });

  it('passes after re-logging unchanged entries (the re-logging helper itself is sound)', () => {
    expect(verify(relog(bundle, () => undefined)).ok).toBe(true);
  });

  it('takes the origin from the verifier key, and checks a given one', () => {
    expect(verify(bundle, { origin: 'expert-draw.localhost/log' }).ok).toBe(true);
    const other = verify(bundle, { origin: 'other-centre.example/log' });
    expect(ids(other, 'fail')).toEqual(['commit.checkpoint', 'result.checkpoint', 'reveal.checkpoint']);
    expect(other.checks.find((c) => c.id === 'commit.checkpoint')!.detail).toContain('ORIGIN_MISMATCH');
  });
});

describe('verifyDrawProof names the check a tampering breaks', () => {
  it.each(['commit', 'result', 'reveal'] as const)('a changed byte in the %s entry', (part) => {
    const b = copy(bundle);
    b[part].entry = b[part].entry.replace(/"prev":"([0-9a-f]{64})"/, (_, prev: string) => `"prev":"${flipHex(prev)}"`);
    expect(b[part].entry).not.toBe(bundle[part].entry);
    const failed = ids(verify(b), 'fail');
    // The commit's leaf hash is in the seed: a changed commit also changes the ranking recomputed from it, and the
    // result's prev no longer names it. A changed prev of the result breaks the chain to the commit.
    const expected = {
      commit: ['commit.leaf-hash', 'commit.inclusion', 'chain', 'ranking', 'extension'],
      result: ['result.leaf-hash', 'result.inclusion', 'chain'],
      reveal: ['reveal.leaf-hash', 'reveal.inclusion'],
    };
    expect(failed).toEqual(expected[part]);
  });

  it('parts proved against different checkpoints: their agreement is not verifiable from the bundle', () => {
    // The commit proved against another checkpoint the log key signed (here a re-logged tree of the same size).
    const older = relog(bundle, () => undefined);
    const b = copy(bundle);
    b.commit = older.commit;
    const report = verify(b);
    expect(ids(report, 'fail')).toEqual([]);
    expect(ids(report, 'unverifiable')).toEqual(['checkpoint.same']);
  });

  it('a wrong hash in an inclusion proof', () => {
    const b = copy(bundle);
    b.reveal.inclusion.hashes[0] = flipHex(b.reveal.inclusion.hashes[0]!);
    expect(ids(verify(b), 'fail')).toEqual(['reveal.inclusion']);
  });

  it('a checkpoint signed by another key of the same name', () => {
    const b = copy(bundle);
    const note = b.commit.inclusion.checkpoint;
    const other = NoteSigner.fromKey(generateNoteKeys('expert-draw.localhost/log').signerKey);
    b.commit.inclusion.checkpoint = signNote(note.slice(0, note.lastIndexOf('\n\n') + 1), other);
    const report = verify(b);
    expect(ids(report, 'fail')).toEqual(['commit.checkpoint']);
    expect(ids(report, 'skipped')).toEqual(['commit.inclusion']);
    expect(report.checks.find((c) => c.id === 'commit.checkpoint')!.detail).toContain('UNVERIFIED_NOTE');
  });

  it('a selected expert swapped with an alternate in the revealed result', () => {
    const b = relog(bundle, ({ reveal }) => {
      const g = reveal.payload.result.groups[0];
      [g.selected[0], g.alternates[0]] = [g.alternates[0], g.selected[0]];
    });
    const report = verify(b);
    expect(ids(report, 'fail')).toEqual(['ranking', 'result.commitment']);
    expect(report.checks.find((c) => c.id === 'ranking')!.detail).toMatch(/^group 0 selected: recomputed /);
  });

  it('the same swap with the result entry’s commitment rewritten to match: still the ranking', () => {
    const b = relog(bundle, ({ result, reveal }) => {
      const g = reveal.payload.result.groups[0];
      [g.selected[0], g.alternates[0]] = [g.alternates[0], g.selected[0]];
      result.payload.resultHash = sha256Hex(Buffer.concat([Buffer.from(reveal.payload.salt, 'hex'), Buffer.from(jcs(reveal.payload.result))]));
    });
    expect(ids(verify(b), 'fail')).toEqual(['ranking']);
  });

  it('a changed nonce', () => {
    const b = relog(bundle, ({ reveal }) => {
      reveal.payload.nonce = flipHex(reveal.payload.nonce);
    });
    const report = verify(b);
    expect(ids(report, 'fail')).toEqual(['reveal.nonce', 'seed']);
    expect(ids(report, 'skipped')).toEqual(['ranking', 'extension']);
    expect(report.checks.find((c) => c.id === 'seed')!.detail).toContain('NONCE_MISMATCH');
  });

  it('a changed member line', () => {
    const b = relog(bundle, ({ reveal }) => {
      const members: string[] = reveal.payload.groups[0].members;
      members[0] = members[0]!.replace(/\t([^\t]+)\t/, '\t91000000MA00000000\t');
    });
    const failed = ids(verify(b), 'fail');
    expect(failed[0]).toBe('reveal.members');
    expect(failed.every((id) => ['reveal.members', 'ranking', 'extension'].includes(id))).toBe(true);
  });

  it('a changed exclusion line', () => {
    const b = relog(bundle, ({ reveal }) => {
      reveal.payload.groups[0].exclusions.pop();
    });
    expect(ids(verify(b), 'fail')).toContain('reveal.exclusions');
  });

  it('a wrong salt', () => {
    const b = relog(bundle, ({ reveal }) => {
      reveal.payload.salt = flipHex(reveal.payload.salt);
    });
    expect(ids(verify(b), 'fail')).toEqual(['result.commitment']);
  });

  it('entries dated out of order, a commit dated after the bid opening, a reveal dated before it (re-signed): times catches them', () => {
    const opening = Date.parse((JSON.parse(bundle.reveal.entry) as { payload: { project: { bidOpeningAt: string } } }).payload.project.bidOpeningAt);
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases: Array<[string, (e: Entries) => void, RegExp]> = [
      ['result before its commit', (e) => (e.result.time = iso(Date.parse(e.commit.time) - 60_000)), /the result \(entry \d+, .*\) is dated before the commit/],
      ['commit after the opening', (e) => ((e.commit.time = iso(opening + 1000)), (e.result.time = iso(opening + 1001))), /the commit is dated .*, not before the bid opening/],
      ['reveal before the opening', (e) => (e.reveal.time = iso(opening - 1000)), /the reveal is dated .*, before the bid opening/],
    ];
    for (const [what, edit, reason] of cases) {
      const report = verify(relog(bundle, edit));
      // (A commit re-dated has another leaf hash, so another seed: its ranking fails too.)
      expect(ids(report, 'fail').filter((id) => id !== 'ranking' && id !== 'extension'), what).toEqual(['times']);
      expect(report.checks.find((c) => c.id === 'times')!.detail, what).toMatch(reason);
    }
    // A result even a second or four before its own commit is caught: one process logs both, and its log never dates
    // an entry before the last it wrote (an outside inspector's forgery 4 s early passed under a 5 s tolerance).
    for (const early of [1, 4000]) {
      const report = verify(relog(bundle, (e) => (e.result.time = iso(Date.parse(e.commit.time) - early))));
      expect(ids(report, 'fail'), `${early} ms`).toEqual(['times']);
    }
    // The same result at its commit's very millisecond is fine (a planned draw writes both in one append).
    expect(ids(verify(relog(bundle, (e) => (e.result.time = e.commit.time))), 'fail')).toEqual([]);
  });

  it('a reveal naming another result entry', () => {
    const b = relog(bundle, ({ reveal }) => {
      reveal.payload.resultIndex += 1;
    });
    expect(ids(verify(b), 'fail')).toEqual(['links']);
  });

  it('a result entry that does not name its commit as prev, re-signed: only the hash chain catches it', () => {
    const b = relog(
      bundle,
      ({ result }) => {
        result.prev = flipHex(result.prev);
      },
      { rechain: false },
    );
    const report = verify(b);
    expect(ids(report, 'fail')).toEqual(['chain']);
    expect(report.checks.find((c) => c.id === 'chain')!.detail).toMatch(/^the result entry \(index \d+\) names prev [0-9a-f]{64}, the commit entry’s leaf hash is /);
  });

  it('a file that is not a proof bundle', () => {
    const report = verify({ drawId: 'D-1', commit: {} });
    expect(report.ok).toBe(false);
    expect(ids(report, 'fail')).toEqual(['bundle']);
    // The service's error answer saved in place of a bundle is named as such, not as a list of schema issues.
    const saved = verify({ error: { code: 'SEALED', message: '抽取结果在公开抽取后才提供证明' }, requestId: 'r-1' });
    expect(saved.checks[0]).toMatchObject({ id: 'bundle', status: 'fail', detail: 'this file is the service’s error answer SEALED (抽取结果在公开抽取后才提供证明), not a proof bundle: a draw’s proof is published when it is disclosed' });
  });
});

describe('verifyDrawProof says what it cannot verify', () => {
  it('a witnessed draw without a plan (the seed binds the commit’s leaf hash): witnessed, and the trust list says the witnesses’ timing is taken on trust', () => {
    const secret = randomBytes(32);
    const unplanned = reforge(bundle, (reveal, commit) => {
      commit.entropy = { beacon: null, witnessCommitments: [sha256Hex(secret)] };
      reveal.witnessReveals = [secret.toString('hex')];
    });
    const report = verify(unplanned);
    expect(report).toMatchObject({ ok: true, assurance: 'witnessed' });
    expect(report.notChecked.find((t) => t.id === 'witness.unplanned')).toMatchObject({ what: 'that the witnesses revealed their secrets only after the commit was logged' });
    // A planned draw (or an operator one) does not take it on trust: its seed reads neither the commit's time nor its place.
    expect(verify(bundle).notChecked.map((t) => t.id)).not.toContain('witness.unplanned');
  });


  it('a commit naming a beacon round the result entry does not carry: the round is not verifiable, nor what follows', () => {
    const b = relog(bundle, ({ commit }) => {
      commit.payload.entropy = { beacon: { chain: 'ab'.repeat(32), round: 12 }, witnessCommitments: [] };
    });
    const report = verify(b);
    expect(report).toMatchObject({ ok: false, assurance: 'beacon' });
    expect(ids(report, 'fail')).toEqual([]);
    expect(ids(report, 'unverifiable')).toEqual(['beacon']);
    expect(ids(report, 'skipped')).toEqual(['seed', 'ranking', 'extension']);
  });

});

describe('verifyDrawProof against the checkpoints an inspector kept', () => {
  const sizeOf = (b: DrawProofBundle) => b.reveal.inclusion.treeSize;
  /** A checkpoint of the log at `size`, signed as the log would sign it (its root rebuilt from the stored entries). */
  async function signedAt(size: number): Promise<string> {
    const frontier = new MerkleFrontier();
    for (const entry of await t.ctx.store.readEntries(0, size)) frontier.append(leafHash(entry));
    const signer = t.ctx.keys.logSigner;
    return signer.sign({ origin: signer.origin, size, rootHash: frontier.root(), extensions: [] });
  }
  const proof = async (from: number, to: number) => {
    const p = await t.ctx.logReader.consistency(from, to);
    return { fromSize: p.fromSize, toSize: p.toSize, hashes: p.hashes };
  };
  const kept = (report: DrawProofReport) => report.checks.find((c) => c.id === 'checkpoint.kept')!;

  it('the bundle’s own checkpoint kept: one history, no proof needed', () => {
    const report = verify(bundle, { kept: { notes: [bundle.reveal.inclusion.checkpoint] } });
    expect(report.ok).toBe(true);
    expect(kept(report)).toMatchObject({ status: 'pass', detail: `tree size ${sizeOf(bundle)} is a kept checkpoint (1 kept)` });
    expect(report.notChecked.map((t) => t.id)).not.toContain('log.consistency');
    expect(verify(bundle).notChecked.map((t) => t.id)).toContain('log.consistency');
  });

  it('an older and a newer kept checkpoint: proved both ways with the log’s consistency proofs', async () => {
    const older = sizeOf(bundle) - 5;
    const newer = sizeOf(regionBundle);
    expect(newer).toBeGreaterThan(sizeOf(bundle));
    const notes = [await signedAt(older), regionBundle.reveal.inclusion.checkpoint];
    const proofs = [await proof(older, sizeOf(bundle)), await proof(sizeOf(bundle), newer)];
    const report = verify(bundle, { kept: { notes, proofs } });
    expect(kept(report)).toMatchObject({ status: 'pass', detail: `tree size ${sizeOf(bundle)} extends kept ${older}; kept ${newer} extends tree size ${sizeOf(bundle)} (2 kept)` });
    expect(report.ok).toBe(true);
    // Without the proofs: not verifiable, so not verified.
    const without = verify(bundle, { kept: { notes } });
    expect(kept(without).status).toBe('unverifiable');
    expect(kept(without).detail).toContain(`${older} → ${sizeOf(bundle)}, ${sizeOf(bundle)} → ${newer}`);
    expect(without.ok).toBe(false);
    // A proof with one flipped hash is a fork.
    const bad = proofs.map((p) => ({ ...p, hashes: [...p.hashes] }));
    bad[1]!.hashes[0] = flipHex(bad[1]!.hashes[0]!);
    const forked = verify(bundle, { kept: { notes, proofs: bad } });
    expect(kept(forked).status).toBe('fail');
    expect(kept(forked).detail).toMatch(new RegExp(`^FORK with kept checkpoint ${newer}: the consistency proof from tree size ${sizeOf(bundle)} to ${newer} does not verify`));
  });

  it('kept with the watcher’s chain of proofs: a bundle proved against one of them verifies without the log; a changed kept proof fails, a fork is still one', async () => {
    const older = sizeOf(bundle) - 5;
    const newer = sizeOf(regionBundle);
    const notes = [await signedAt(older), bundle.reveal.inclusion.checkpoint, regionBundle.reveal.inclusion.checkpoint];
    const chain = [await proof(older, sizeOf(bundle)), await proof(sizeOf(bundle), newer)];
    const report = verify(bundle, { kept: { notes, proofs: chain } });
    expect(kept(report)).toMatchObject({ status: 'pass', detail: `tree size ${sizeOf(bundle)} is a kept checkpoint (3 kept)` });
    expect(report.ok).toBe(true);
    // One hash of a kept proof changed: the kept input is not to be relied on, whichever checkpoint the bundle names.
    const bad = chain.map((p) => ({ ...p, hashes: [...p.hashes] }));
    bad[0]!.hashes[0] = flipHex(bad[0]!.hashes[0]!);
    for (const b of [bundle, regionBundle]) {
      expect(kept(verify(b, { kept: { notes, proofs: bad } }))).toMatchObject({
        status: 'fail',
        detail: `the kept consistency proof from tree size ${older} to ${sizeOf(bundle)} does not verify against the two kept checkpoints: the kept folder was changed after log watch kept it`,
      });
    }
    // A bundle re-signed over another tree of a kept size is still a fork.
    const forged = relog(bundle, () => undefined);
    expect(kept(verify(forged, { kept: { notes, proofs: chain } }))).toMatchObject({ status: 'fail', detail: `FORK with kept checkpoint ${sizeOf(bundle)}: two roots for tree size ${sizeOf(bundle)}` });
  });

  it('a bundle re-signed over another tree of the same size as a kept checkpoint: a fork', () => {
    const forged = relog(bundle, () => undefined);
    expect(verify(forged).ok).toBe(true);
    const report = verify(forged, { kept: { notes: [bundle.reveal.inclusion.checkpoint] } });
    expect(ids(report, 'fail')).toEqual(['checkpoint.kept']);
    expect(kept(report).detail).toBe(`FORK with kept checkpoint ${sizeOf(bundle)}: two roots for tree size ${sizeOf(bundle)}`);
  });

  it('a kept checkpoint that does not verify against the key fails the check', () => {
    const note = bundle.reveal.inclusion.checkpoint;
    const other = NoteSigner.fromKey(generateNoteKeys('expert-draw.localhost/log').signerKey);
    const report = verify(bundle, { kept: { notes: [signNote(note.slice(0, note.lastIndexOf('\n\n') + 1), other)] } });
    expect(kept(report).status).toBe('fail');
    expect(kept(report).detail).toMatch(/^kept checkpoint 1 does not verify: UNVERIFIED_NOTE/);
  });
});

describe('verifyDrawProof with the revealed project, request and policy', () => {
  it('recomputes a region filter from the revealed request: the region-filtered draw verifies in full', () => {
    const report = verify(regionBundle);
    expect(ids(report, 'fail').concat(ids(report, 'unverifiable'), ids(report, 'skipped'))).toEqual([]);
    expect(report.checks.find((c) => c.id === 'eligible')!.detail).toMatch(/\d+ eligible \(\d+ outside the region filters\)/);
  });

  it('a revealed policy other than the one committed fails, and the ranking is not passed', () => {
    const report = verify(relog(bundle, ({ reveal }) => {
      reveal.payload.policy = { ...DEFAULT_POLICY, maxPerEmployerPerPanel: 2 };
    }));
    expect(ids(report, 'fail')).toEqual(['policy']);
    expect(ids(report, 'skipped')).toEqual(['eligible', 'region', 'members.consistent', 'facts', 'recusal.parties', 'recusal.positions', 'recusal.prepared', 'recusal.status', 'recusal.frequency', 'ranking', 'extension']);
  });

  it('a revealed request with its region filter dropped fails against the commit', () => {
    const report = verify(relog(regionBundle, ({ reveal }) => {
      delete reveal.payload.request.groups[0].regions;
    }));
    expect(ids(report, 'fail')).toEqual(['reveal.request']);
    expect(ids(report, 'skipped')).toEqual(['eligible', 'region', 'members.consistent', 'facts', 'recusal.parties', 'recusal.positions', 'recusal.prepared', 'recusal.status', 'recusal.frequency', 'ranking', 'extension']);
  });

  it('a request whose hash was rewritten in the commit too: the region filter no longer matches the committed count', () => {
    const report = verify(relog(regionBundle, ({ commit, reveal }) => {
      delete reveal.payload.request.groups[0].regions;
      commit.payload.requestHash = jcsHashHex({ project: reveal.payload.project, request: reveal.payload.request });
    }));
    expect(ids(report, 'fail')).toContain('eligible');
  });
});

describe('expert-draw proof verify', () => {
  const root = resolve(import.meta.dirname, '../..');
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-proof-cli-'));
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proof', 'verify', ...args], { cwd: root, encoding: 'utf8' });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 for the honest bundle and 1 for a tampered one, naming the check', () => {
    writeFileSync(join(dir, 'proof.json'), JSON.stringify(bundle));
    writeFileSync(join(dir, 'log-signer.vkey'), `${verifierKey}\n`);
    const good = cli(join(dir, 'proof.json'), '--verifier-key', join(dir, 'log-signer.vkey'));
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^✓ ranking +the ranking recomputed from the seed and the lines is the revealed result \(§8\)\n +group 0: /m);
    // Without --kept the verdict says in one more line that the log key alone vouches for the bundle.
    expect(good.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      'OK: all 37 checks passed',
      'checked against the log key only: a holder of the log key could have made this bundle; keep checkpoints with `expert-draw log watch --keep DIR` and pass `--kept DIR`',
    ]);
    // And the list of what is taken on trust names it, and that the entries' times are the log's word.
    expect(good.stdout).toMatch(/^ {2}- log\.consistency: .*a bundle a holder of the log key re-signed over a tree of their own verifies too/m);
    expect(good.stdout).toMatch(/^ {2}- log\.times: the entries’ times: each entry’s time stamp is the log’s word/m);

    const tampered = relog(bundle, ({ reveal }) => {
      reveal.payload.salt = flipHex(reveal.payload.salt);
    });
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(tampered));
    const bad = cli(join(dir, 'tampered.json'), '--verifier-key', verifierKey, '--json');
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout) as DrawProofReport;
    expect(report.ok).toBe(false);
    expect(ids(report, 'fail')).toEqual(['result.commitment']);
  }, 60_000);

  it('speaks Chinese with --lang zh-CN or a Chinese shell (LANG), titles, trust list and verdicts', () => {
    const zh = cli(join(dir, 'proof.json'), '--verifier-key', join(dir, 'log-signer.vkey'), '--lang', 'zh-CN');
    expect(zh.status, zh.stderr).toBe(0);
    // The assurance level in the console's words, its id beside it (as --json names it).
    expect(zh.stdout).toMatch(/^抽取 D-[^（]+（项目 [^）]+），保证级别 服务随机数（operator）$/m);
    expect(zh.stdout).toMatch(/^✓ ranking +\S*[\u4e00-\u9fff]/m);
    expect(zh.stdout).toContain('信任前提（本证明包的离线检查不覆盖）：');
    // The trust list in Chinese too, item by item (src/i18n/check-titles.ts TRUST_ZH).
    expect(zh.stdout).toContain('  - result.sealed-hash: 结果条目中的 sealedHash；密封的结果包从不公开');
    expect(zh.stdout).not.toMatch(/^  - [a-z.-]+: that /m);
    expect(zh.stdout.trimEnd().split('\n').slice(-2)).toEqual(['通过：全部 37 项检查均通过', '仅依据日志密钥核验：持有日志密钥者也可能制作出此证明包；请用 `expert-draw log watch --keep DIR` 保存检查点，并加 `--kept DIR` 核验']);
    expect(zh.stdout).toContain('  - log.times: 各条目的时间：每个条目的时间戳是日志自己的说法；');
    const shell = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proof', 'verify', join(dir, 'tampered.json'), '--verifier-key', verifierKey], { cwd: root, encoding: 'utf8', env: { ...process.env, LANG: 'zh_CN.UTF-8', LC_ALL: '' } });
    expect(shell.status).toBe(1);
    expect(shell.stdout.trimEnd().split('\n').at(-1)).toBe('未通过核验：失败 result.commitment');
    // A language it does not speak is refused as any bad option value (in the shell's language: English here).
    expect(cli(join(dir, 'proof.json'), '--verifier-key', verifierKey, '--lang', 'fr').stderr).toContain("error: option '--lang <lang>' argument 'fr' is invalid. expected zh-CN or en");
  }, 60_000);
});

/**
 * The bundle after `edit` to the reveal, forged as a log operator holding the signing key and the nonce could forge
 * it: the commit rewritten to bind the edited lines (digests and counts), the seed derived again from that commit, the
 * ranking and extension recomputed from the edited lines, the result's commitment and counts to match, re-logged.
 * Every check that only compares the bundle with itself then passes; only the rules recomputed from it can object.
 */
function reforge(source: DrawProofBundle, edit: (reveal: Record<string, any>, commit: Record<string, any>) => void): DrawProofBundle {
  return relog(source, ({ commit, result, reveal }) => {
    const p = reveal.payload;
    edit(p, commit.payload);
    const project = Project.parse(p.project);
    const request = DrawRequest.parse(p.request);
    const policy = Policy.parse(p.policy);
    const eligible = request.groups.map((g, i) => {
      const lines = p.groups[i];
      const inRegion = regionTest(g, project, policy);
      const out = new Set((lines.exclusions as string[]).map((l) => l.split('\t')[0]));
      const members = (lines.members as string[]).map((l) => l.slice(0, -1).split('\t')).map(([id, employer, region, rel]) => ({ id: id!, employer: employer!, region: region!, relatives: rel ? rel.split(',') : [] }));
      const list = members.filter((m) => !out.has(m.id) && (!inRegion || inRegion(Number(m.region))));
      const c = commit.payload.groups[i];
      Object.assign(c, { membersCount: lines.members.length, membersDigest: linesDigest(lines.members), excludedCount: lines.exclusions.length, exclusionDigest: linesDigest(lines.exclusions), eligibleCount: list.length });
      return listGroup(c.specialty, c.count, c.alternates, list);
    });
    const witnessReveals = ((p.witnessReveals ?? []) as string[]).map((r) => Buffer.from(r, 'hex'));
    const seed = deriveSeed(commit.payload.entropy, commit.payload.nonceHash, { nonce: Buffer.from(p.nonce, 'hex'), commitLeafHash: leafHash(encodeEntry(commit)), beaconRandomness: null, witnessReveals });
    const sampler = new DrawSampler(eligible, seed, policy.maxPerEmployerPerPanel);
    const ranked = sampler.rank();
    p.result = { algorithm: ALGORITHM_ID, drawId: p.drawId, groups: ranked };
    p.extension = ranked.map((g, i) => sampler.extend(i, extensionSize(g.selected.length)));
    result.payload.resultHash = resultCommitment(Buffer.from(p.salt, 'hex'), p.result);
    result.payload.groups = ranked.map((g) => ({ selected: g.selected.length, alternates: g.alternates.length, skipped: g.skipped.length }));
  });
}

/** Inserts a line into sorted lines. */
const insertSorted = (lines: string[], line: string) => [...lines, line].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('verifyDrawProof recomputes the recusal rules from the bundle', () => {
  const reveal = () => JSON.parse(bundle.reveal.entry).payload as { groups: Array<{ members: string[]; exclusions: string[] }>; project: { bidders: string[] }; facts: Record<string, string[]> };

  it('a forgery that changes nothing verifies (the forging helper itself is sound)', () => {
    expect(verify(reforge(bundle, () => undefined)).ok).toBe(true);
  });

  it('an employee of a bidder left eligible, everything else re-signed to match: recusal.parties fails', () => {
    const line = reveal().groups[0]!.exclusions.find((l) => l.includes('EMPLOYER_IS_BIDDER'))!;
    const id = line.split('\t')[0]!;
    const forged = reforge(bundle, (p) => {
      for (const g of p.groups) {
        g.exclusions = (g.exclusions as string[]).flatMap((l) => {
          if (!l.startsWith(`${id}\t`)) return [l];
          const codes = l.slice(id.length + 1, -1).split(',').filter((c) => c !== 'EMPLOYER_IS_BIDDER');
          return codes.length > 0 ? [`${id}\t${codes.join(',')}\n`] : [];
        });
      }
    });
    const report = verify(forged);
    expect(ids(report, 'fail')).toEqual(['recusal.parties']);
    expect(report.checks.find((c) => c.id === 'recusal.parties')!.detail).toContain(`${id} (employer ${reveal().project.bidders[0]}) should carry EMPLOYER_IS_BIDDER, its exclusion line has none`);
  });

  it('an eligible expert falsely excluded as a bidder’s employee, everything else re-signed to match: recusal.parties fails', () => {
    const { groups } = reveal();
    const excluded = new Set(groups.flatMap((g) => g.exclusions.map((l) => l.split('\t')[0])));
    const victim = groups[0]!.members.map((l) => l.split('\t')[0]!).find((id) => !excluded.has(id))!;
    const forged = reforge(bundle, (p) => {
      for (const g of p.groups) {
        if ((g.members as string[]).some((l) => l.startsWith(`${victim}\t`))) g.exclusions = insertSorted(g.exclusions, `${victim}\tEMPLOYER_IS_BIDDER\n`);
      }
    });
    const report = verify(forged);
    expect(ids(report, 'fail')).toEqual(['recusal.parties']);
    expect(report.checks.find((c) => c.id === 'recusal.parties')!.detail).toContain(`${victim} (employer `);
    expect(report.checks.find((c) => c.id === 'recusal.parties')!.detail).toContain('should carry none of these codes, its exclusion line has EMPLOYER_IS_BIDDER');
  });

  /** Every group's exclusion lines without `code` for `id` (the line goes when no code is left). */
  const dropCode = (p: Record<string, any>, id: string, code: string) => {
    for (const g of p.groups) {
      g.exclusions = (g.exclusions as string[]).flatMap((l) => {
        if (!l.startsWith(`${id}\t`)) return [l];
        const codes = l.slice(id.length + 1, -1).split(',').filter((c) => c !== code);
        return codes.length > 0 ? [`${id}\t${codes.join(',')}\n`] : [];
      });
    }
  };
  /** The first excluded member carrying `code`, in any group. */
  const excludedFor = (code: string) => reveal().groups.flatMap((g) => g.exclusions).find((l) => l.split('\t')[1]!.slice(0, -1).split(',').includes(code))!.split('\t')[0]!;

  it('the project’s preparer left eligible: recusal.prepared fails', () => {
    const id = excludedFor('PREPARED_PROJECT');
    const report = verify(reforge(bundle, (p) => dropCode(p, id, 'PREPARED_PROJECT')));
    expect(ids(report, 'fail')).toEqual(['recusal.prepared']);
    expect(report.checks.find((c) => c.id === 'recusal.prepared')!.detail).toContain(`${id} should carry PREPARED_PROJECT`);
  });

  it('a member whose facts give a status exclusion left eligible: recusal.status fails', () => {
    const statusLine = reveal().facts.status!.find((l) => /\t(blacklisted|retired)\t/.test(l))!;
    const id = statusLine.split('\t')[0]!;
    const code = statusLine.includes('\tblacklisted\t') ? 'BLACKLISTED' : 'RETIRED';
    const report = verify(reforge(bundle, (p) => dropCode(p, id, code)));
    expect(ids(report, 'fail')).toEqual(['recusal.status']);
    expect(report.checks.find((c) => c.id === 'recusal.status')!.detail).toContain(`${id} should carry ${code}`);
  });

  it('the facts changed instead, to hide why a member is excluded: recusal.status fails the other way', () => {
    const statusLine = reveal().facts.status!.find((l) => /\t(blacklisted|retired)\t/.test(l))!;
    const id = statusLine.split('\t')[0]!;
    const report = verify(reforge(bundle, (p) => {
      p.facts.status = (p.facts.status as string[]).filter((l) => l !== statusLine);
    }));
    expect(ids(report, 'fail')).toEqual(['recusal.status']);
    expect(report.checks.find((c) => c.id === 'recusal.status')!.detail).toContain(`${id} should carry none of these codes`);
  });

  /**
   * Selection lines (§10.2) that put two members of the second group only at a cap: `overall` at the overall cap (6 in
   * 30 days, another tenderer), `tenderer` at the same-tenderer cap (3 of this tenderer in a year, none in 30 days).
   * With `excluded`, both carry their code in their group's exclusion lines too.
   */
  const capForgery = (excluded: boolean) => {
    const { groups, project } = reveal() as ReturnType<typeof reveal> & { project: { tenderer: string } };
    const out = new Set(groups.flatMap((g) => g.exclusions.map((l) => l.split('\t')[0])));
    const inFirst = new Set(groups[0]!.members.map((l) => l.split('\t')[0]));
    const [overall, tenderer] = groups[1]!.members.map((l) => l.split('\t')[0]!).filter((id) => !inFirst.has(id) && !out.has(id));
    const other = pool.organisations.find((o) => o !== project.tenderer)!;
    const lines = [
      ...Array.from({ length: 6 }, (_, k) => `${overall}\tD-cap-overall-${k}\t2026-11-2${k}T02:00:00.000Z\t${other}\n`),
      ...Array.from({ length: 3 }, (_, k) => `${tenderer}\tD-cap-tenderer-${k}\t2026-0${k + 3}-01T02:00:00.000Z\t${project.tenderer}\n`),
    ];
    const forged = reforge(bundle, (p) => {
      for (const line of lines) p.facts.selections = insertSorted(p.facts.selections, line);
      if (excluded) {
        p.groups[1].exclusions = insertSorted(insertSorted(p.groups[1].exclusions, `${overall}\tFREQUENCY_CAP\n`), `${tenderer}\tTENDERER_FREQUENCY_CAP\n`);
      }
    });
    return { forged, overall: overall!, tenderer: tenderer! };
  };

  it('members the published selections put at a frequency cap, left eligible: recusal.frequency fails for each', () => {
    const { forged, overall, tenderer } = capForgery(false);
    const report = verify(forged);
    expect(ids(report, 'fail')).toEqual(['recusal.frequency']);
    const detail = report.checks.find((c) => c.id === 'recusal.frequency')!.detail;
    expect(detail).toContain(`group 1: ${overall} should carry FREQUENCY_CAP, its exclusion line has none`);
    expect(detail).toContain(`group 1: ${tenderer} should carry TENDERER_FREQUENCY_CAP, its exclusion line has none`);
  });

  it('the same members excluded for their caps: the forgery verifies in full, rule 6 recomputed', () => {
    const report = verify(capForgery(true).forged);
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.checks.find((c) => c.id === 'recusal.frequency')!.detail).toMatch(/^2 exclusion\(s\) for FREQUENCY_CAP, TENDERER_FREQUENCY_CAP/);
  });

  it('a selection line changed after a bundle holding it verified: the line is read again, not taken from the last list', () => {
    const { forged } = capForgery(true);
    expect(verify(forged).ok).toBe(true);
    // The same lines but one, whose date moves out of both windows (a year and more before the bid opening).
    const lines = (JSON.parse(forged.reveal.entry).payload.facts.selections as string[]).filter((l) => l.includes('D-cap-'));
    const moved = lines[2]!.replace(/\t2026-11-2\dT/, '\t2024-01-01T');
    const report = verify(reforge(forged, (p) => {
      p.facts.selections = insertSorted((p.facts.selections as string[]).filter((l) => l !== lines[2]), moved);
    }));
    expect(ids(report, 'fail')).toContain('facts');
    expect(report.checks.find((c) => c.id === 'facts')!.detail).toContain('is outside both frequency windows');
  });

  it('an exclusion of a member outside the group’s region filter fails region', () => {
    const { groups } = JSON.parse(regionBundle.reveal.entry).payload as { groups: Array<{ members: string[]; exclusions: string[] }> };
    const outside = groups[0]!.members.find((l) => l.split('\t')[2] === holders[0]!.region)!.split('\t')[0]!;
    const forged = reforge(regionBundle, (p) => {
      p.groups[0].exclusions = insertSorted(p.groups[0].exclusions, `${outside}\tEMPLOYER_IS_BIDDER\n`);
    });
    expect(ids(verify(forged), 'fail')).toEqual(['region']);
  });

  it('a reveal without facts (written before they were published): rules 2, 3, 5 and 6 are not verifiable, the rest verifies', () => {
    const report = verify(reforge(bundle, (p) => {
      delete p.facts;
    }));
    expect(ids(report, 'fail')).toEqual([]);
    expect(ids(report, 'unverifiable')).toEqual(['facts', 'recusal.positions', 'recusal.status', 'recusal.frequency']);
    expect(report.ok).toBe(false);
  });

  it('a relative named in one direction only fails members.consistent', () => {
    const forged = reforge(bundle, (p) => {
      const members: string[] = p.groups[0].members;
      const [a, b] = [members[0]!, members[1]!].map((l) => l.split('\t')[0]!);
      members[0] = members[0]!.replace(/\t([^\t]*)\n$/, (_, rel: string) => `\t${[...(rel ? rel.split(',') : []), b].sort().join(',')}\n`);
      expect(a).not.toBe(b);
    });
    expect(ids(verify(forged), 'fail')).toContain('members.consistent');
  });
});

describe('verifyDrawProof keeps nothing across bundles that could answer for another one', () => {
  const reveal = () => JSON.parse(bundle.reveal.entry).payload as { groups: Array<{ exclusions: string[] }>; facts: Record<string, string[]> };

  it('an honest bundle and forgeries that change one facts line or one exclusion code, in turn: each gets its own verdict', () => {
    // One status line rewritten in place (same list length, same id): the reads kept by content must not answer for it.
    const statusLine = reveal().facts.status!.find((l) => /\t(blacklisted|retired)\t/.test(l))!;
    const id = statusLine.split('\t')[0]!;
    const [was, now] = statusLine.includes('\tblacklisted\t') ? ['BLACKLISTED', 'RETIRED'] : ['RETIRED', 'BLACKLISTED'];
    const forgedFacts = reforge(bundle, (p) => {
      p.facts.status = (p.facts.status as string[]).map((l) => (l === statusLine ? `${id}\t${now.toLowerCase()}\t\n` : l));
    });
    // The same member's exclusion line with the other code: the exclusion lines kept by text must not answer for it.
    const forgedExclusion = reforge(bundle, (p) => {
      for (const g of p.groups) g.exclusions = (g.exclusions as string[]).map((l) => (l.startsWith(`${id}\t`) ? l.replace(was, now) : l));
    });
    expect(reveal().groups.some((g) => g.exclusions.some((l) => l.startsWith(`${id}\t`) && l.includes(was)))).toBe(true);
    for (let round = 0; round < 3; round++) {
      expect(verify(copy(bundle)).ok).toBe(true);
      const facts = verify(forgedFacts);
      expect(ids(facts, 'fail')).toEqual(['recusal.status']);
      expect(facts.checks.find((c) => c.id === 'recusal.status')!.detail).toContain(`${id} should carry ${now}, its exclusion line has ${was}`);
      expect(verify(copy(bundle)).ok).toBe(true);
      const exclusion = verify(forgedExclusion);
      expect(ids(exclusion, 'fail')).toEqual(['recusal.status']);
      expect(exclusion.checks.find((c) => c.id === 'recusal.status')!.detail).toContain(`${id} should carry ${was}, its exclusion line has ${now}`);
    }
  });

  it('bundles whose exclusion and selection lines differ a little from the last ones read get the verdict a fresh verifier gives each (property)', async () => {
    // The exclusion lines and selection lines read last are walked beside the next bundle's (draw-proof.ts,
    // reveal-facts.ts): lines changed, dropped, added, repeated or out of order right after them must read as in a
    // verifier that never saw them.
    const { groups, project } = JSON.parse(bundle.reveal.entry).payload as { groups: Array<{ members: string[]; exclusions: string[] }>; project: { tenderer: string } };
    const other = pool.organisations.find((o) => o !== project.tenderer)!;
    const someIds = groups[1]!.members.slice(0, 12).map((l) => l.split('\t')[0]!);
    const selection = (id: string, k: number, at = '2026-11-25T02:00:00.000Z') => `${id}\tD-near-${k}\t${at}\t${other}\n`;
    const selections = someIds.map((id, k) => selection(id, k));
    const withSelections = (lines: string[]) => (p: Record<string, any>) => {
      for (const line of lines) p.facts.selections = insertSorted(p.facts.selections, line);
    };
    const exclusions = groups[0]!.exclusions;
    const exclusionsOf = (lines: string[]) => (p: Record<string, any>) => {
      p.groups[0].exclusions = lines;
    };
    const codesChanged = exclusions.map((l) => (l === exclusions[0] ? l.replace(/\t.*\n$/, l.includes('RETIRED') ? '\tBLACKLISTED\n' : '\tRETIRED\n') : l));
    const swapped = exclusions.length > 1 ? [exclusions[1]!, exclusions[0]!, ...exclusions.slice(2)] : [...exclusions, ...exclusions];
    const bundles = [
      bundle,
      reforge(bundle, withSelections(selections)),
      reforge(bundle, withSelections(selections.slice(1))),
      reforge(bundle, withSelections([...selections.slice(0, 5), selection(someIds[5]!, 5, '2024-01-01T02:00:00.000Z'), ...selections.slice(6)])),
      reforge(bundle, withSelections([...selections, selection('E9999999', 99)])),
      reforge(bundle, withSelections([...selections.slice(0, 3), selection(someIds[11]!, 3), ...selections.slice(4)])),
      reforge(bundle, exclusionsOf(codesChanged)),
      reforge(bundle, exclusionsOf(exclusions.slice(1))),
      reforge(bundle, exclusionsOf(swapped)),
      reforge(bundle, exclusionsOf([exclusions[0]!, ...exclusions])),
      reforge(bundle, exclusionsOf(insertSorted(exclusions, 'E9999999\tRETIRED\n'))),
      reforge(bundle, exclusionsOf(exclusions.map((l, i) => (i === 0 ? l.replace(/\t.*\n$/, '\tNOPE\n') : l)))),
    ];
    /** A verifier that has read nothing yet (its modules loaded afresh). */
    const freshVerifier = async () => {
      vi.resetModules();
      return (await import('../../src/verify/draw-proof.js')).verifyDrawProof;
    };
    const fresh: DrawProofReport[] = [];
    for (const b of bundles) fresh.push((await freshVerifier())(b, { verifierKey }));
    expect(fresh.filter((r) => r.ok).length).toBeGreaterThan(1);
    expect(fresh.filter((r) => !r.ok).length).toBeGreaterThan(5);
    // Each sequence read by one verifier from the start: a list it has read whole before would answer for itself.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(bundles.length - 1), { minLength: 2, maxLength: 6 }), async (order) => {
        const verifier = await freshVerifier();
        for (const i of order) expect(verifier(bundles[i], { verifierKey })).toEqual(fresh[i]);
      }),
      { numRuns: 40 },
    );
  });

  it('a checkpoint that verified under the log key is checked again under another key of the same name, and fails', () => {
    expect(verify(bundle).ok).toBe(true);
    const other = generateNoteKeys('expert-draw.localhost/log').verifierKey;
    const report = verifyDrawProof(bundle, { verifierKey: other });
    expect(ids(report, 'fail')).toEqual(['commit.checkpoint', 'result.checkpoint', 'reveal.checkpoint']);
    expect(report.checks.find((c) => c.id === 'commit.checkpoint')!.detail).toContain('UNVERIFIED_NOTE');
    expect(verify(bundle).ok).toBe(true);
  });
});

describe('verifyDrawProof fails a bundle with any byte changed', () => {
  it('flipping any byte of the bundle file either leaves no JSON or fails a named check', () => {
    const file = Buffer.from(JSON.stringify(bundle), 'utf8');
    fc.assert(everyFlipFails(file, { from: 0, to: file.length }, verify), { numRuns: 400 });
  });
});
