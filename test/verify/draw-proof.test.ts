// The offline proof verifier against a real disclosed draw: the honest bundle verifies; each single tampering fails
// and names its check. Semantic tamperings are re-logged as a log operator holding the signing key could present them
// (fresh tree, fresh checkpoint), so that only the draw-level check can catch them. Then the command, end to end.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { jcs, jcsHashHex, sha256Hex } from '../../src/crypto/canonical.js';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import { encodeEntry, leafHash, type LogEntry } from '../../src/log/entry.js';
import { assembleInclusionProof, assembleRoot, hashChildren, isComplete, nodeKey } from '../../src/log/merkle.js';
import { generateNoteKeys, NoteSigner, signNote } from '../../src/log/note.js';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { verifyDrawProof, type CheckStatus, type DrawProofBundle, type DrawProofReport } from '../../src/verify/draw-proof.js';
import { build, type Built } from '../helper.js';

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

const verify = (b: unknown, options: { origin?: string } = {}) => verifyDrawProof(b, { verifierKey, ...options });
const ids = (report: DrawProofReport, status: CheckStatus) => report.checks.filter((c) => c.status === status).map((c) => c.id);
const copy = (b: DrawProofBundle): DrawProofBundle => structuredClone(b);
const flipHex = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');

type Entries = Record<'commit' | 'result' | 'reveal', LogEntry<Record<string, any>>>;

/**
 * The bundle after `edit`, as a log operator holding the signing key could present it: the edited entries at their
 * indices in a fresh tree of the same size (the other leaves random), under a freshly signed checkpoint.
 */
function relog(source: DrawProofBundle, edit: (entries: Entries) => void): DrawProofBundle {
  const parts = ['commit', 'result', 'reveal'] as const;
  const entries = Object.fromEntries(parts.map((p) => [p, JSON.parse(source[p].entry)])) as Entries;
  edit(entries);
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
      'checkpoint.same', 'links', 'groups', 'reveal.nonce', 'reveal.members', 'reveal.exclusions', 'seed', 'reveal.request', 'policy', 'eligible', 'ranking', 'extension',
      'result.commitment', 'result.counts',
    ]);
    // The draw exercised what the checks read: exclusions, two groups and a non-empty extension.
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
    // The commit's leaf hash is in the seed: a changed commit also changes the ranking recomputed from it.
    expect(failed).toEqual(part === 'commit' ? ['commit.leaf-hash', 'commit.inclusion', 'ranking', 'extension'] : [`${part}.leaf-hash`, `${part}.inclusion`]);
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

  it('a reveal naming another result entry', () => {
    const b = relog(bundle, ({ reveal }) => {
      reveal.payload.resultIndex += 1;
    });
    expect(ids(verify(b), 'fail')).toEqual(['links']);
  });

  it('a file that is not a proof bundle', () => {
    const report = verify({ drawId: 'D-1', commit: {} });
    expect(report.ok).toBe(false);
    expect(ids(report, 'fail')).toEqual(['bundle']);
  });
});

describe('verifyDrawProof says what it cannot verify', () => {
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
    expect(ids(report, 'skipped')).toEqual(['eligible', 'ranking', 'extension']);
  });

  it('a revealed request with its region filter dropped fails against the commit', () => {
    const report = verify(relog(regionBundle, ({ reveal }) => {
      delete reveal.payload.request.groups[0].regions;
    }));
    expect(ids(report, 'fail')).toEqual(['reveal.request']);
    expect(ids(report, 'skipped')).toEqual(['eligible', 'ranking', 'extension']);
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
    expect(good.stdout).toContain(`OK: all 27 checks passed`);

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
});
