// Offline verification of a disclosed draw's proof bundle (GET /v1/draws/{id}/proof; docs/draw-proof.md "Verifying a
// proof offline"). No store, no network: the bundle, the pinned log verifier key and the policy are all it reads.
// Every check is named; one the bundle cannot support is reported as not verifiable, never as passed.
import { z } from 'zod';
import { jcs, jcsHashHex } from '../crypto/canonical.js';
import { Policy } from '../domain/policy.js';
import { Hex32 } from '../domain/primitives.js';
import { Project } from '../domain/project.js';
import { DrawRequest } from '../domain/request.js';
import { regionTest } from '../draw/candidates.js';
import { COMMIT_ENTRY_TYPE, CommitPayload, RESULT_ENTRY_TYPE, resultCommitment, ResultPayload, REVEAL_ENTRY_TYPE, RevealPayload, RevealedResult } from '../draw/entries.js';
import { EXCLUSION_CODES, type PanelMember } from '../draw/conflicts.js';
import { ALGORITHM_ID, extensionSize } from '../draw/constants.js';
import { exclusionLine, linesDigest, memberLine } from '../draw/digest.js';
import type { DrawResult } from '../draw/engine.js';
import { DrawSampler, listGroup, type RankedGroup } from '../draw/sample.js';
import { assuranceOf, deriveSeed, nonceHash, type Assurance } from '../draw/seed.js';
import { AppError } from '../errors.js';
import { openCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import { leafHash } from '../log/entry.js';
import { verifyInclusion } from '../log/merkle.js';
import { NoteVerifier } from '../log/note.js';
import type { BeaconChain } from '../beacon/chains.js';
import { BEACON_CHECK, checkBeaconRound, hasBeacon } from './beacon-proof.js';

// ---- the bundle and the three payloads, as the service writes them -------------------------------------------------

const Inclusion = z
  .object({
    index: z.int().min(0).describe('Log index the proof is for'),
    leafHash: Hex32.describe('RFC 9162 leaf hash of the entry'),
    checkpoint: z.string().describe('Signed checkpoint (C2SP signed note) the proof leads to'),
    treeSize: z.int().min(1).describe('Tree size of that checkpoint'),
    hashes: z.array(Hex32).describe('RFC 9162 inclusion path, leaf to root'),
  })
  .strict();

const Part = z
  .object({
    index: z.int().min(0).describe('Log index of the entry'),
    entry: z.string().describe('The entry’s exact bytes (RFC 8785 JSON)'),
    inclusion: Inclusion,
  })
  .strict();

/** What GET /v1/draws/{id}/proof answers (DrawService.proof). */
export const DrawProofBundle = z
  .object({ drawId: z.string(), commit: Part, result: Part, reveal: Part })
  .strict()
  .describe('A disclosed draw’s commit, result and reveal entries, each with an inclusion proof');
export type DrawProofBundle = z.infer<typeof DrawProofBundle>;

const Envelope = z.object({ type: z.string(), time: z.string(), prev: Hex32, payload: z.unknown() }).strict();

// ---- the report ----------------------------------------------------------------------------------------------------

/** pass; fail; unverifiable: the bundle lacks what the check needs; skipped: a check it depends on did not pass. */
export type CheckStatus = 'pass' | 'fail' | 'unverifiable' | 'skipped';

export interface Check {
  /** Stable name, e.g. `commit.inclusion`, `seed`, `ranking`. */
  readonly id: string;
  /** What the check establishes when it passes. */
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface DrawProofReport {
  /** True only when every check passed. */
  readonly ok: boolean;
  readonly drawId: string | null;
  readonly projectId: string | null;
  readonly assurance: Assurance | null;
  readonly checks: readonly Check[];
  /** What no offline check of this bundle covers, in words (docs/draw-proof.md "Verifying a proof offline"). */
  readonly notChecked: readonly string[];
}

export interface VerifyDrawProofOptions {
  /** The log's note verifier key (`name+keyid+base64`), pinned by the inspector. */
  readonly verifierKey: string | NoteVerifier;
  /** Checkpoint origin; by default the verifier key's name (the log signer is named after its origin). */
  readonly origin?: string;
  /** drand chains the inspector pinned, besides the League of Entropy's public ones (beacon-proof.ts). */
  readonly beaconChains?: readonly BeaconChain[];
}

export const NOT_CHECKED: readonly string[] = [
  'sealedHash of the result entry: the sealed box is not published',
  'the recusal codes of rules 1–6: taken as revealed (their digest is checked), not recomputed; that needs the experts’ relations, status, availability and selection history',
  'member lines against the pool: that they are the pool at the commit’s pool version needs the log’s pool entries (the service checks it before writing the reveal)',
  'the hash chain (prev) and the entries between the three: the bundle holds no neighbours',
  'consistency of the bundle’s checkpoint with checkpoints you already hold: compare it with the log’s published checkpoints (a consistency proof from the log)',
];

type Outcome = { readonly status: CheckStatus; readonly detail: string };
const pass = (detail: string): Outcome => ({ status: 'pass', detail });
const fail = (detail: string): Outcome => ({ status: 'fail', detail });
const unverifiable = (detail: string): Outcome => ({ status: 'unverifiable', detail });
const skipped = (detail: string): Outcome => ({ status: 'skipped', detail });

/** Collects named checks; a check that throws fails with the error's message. */
class Checks {
  readonly list: Check[] = [];

  run(id: string, title: string, check: () => Outcome): boolean {
    let outcome: Outcome;
    try {
      outcome = check();
    } catch (err) {
      outcome = fail(describeError(err));
    }
    this.list.push({ id, title, ...outcome });
    return outcome.status === 'pass';
  }
}

function describeError(err: unknown): string {
  if (err instanceof AppError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

// ---- one logged entry: its bytes, leaf hash, checkpoint and inclusion ----------------------------------------------

type PartName = 'commit' | 'result' | 'reveal';

interface OpenedPart<P> {
  /** SHA-256(0x00 ‖ entry) as computed here, whatever the bundle claims. */
  readonly leaf: Buffer;
  /** The parsed payload, when the entry is canonical JSON of the expected type. */
  readonly payload: P | undefined;
}

function checkPart<P>(
  checks: Checks,
  name: PartName,
  part: DrawProofBundle['commit'],
  type: string,
  schema: z.ZodType<P>,
  verifier: NoteVerifier,
  origin: string,
  opened: Map<string, Checkpoint | Error>,
): OpenedPart<P> {
  const bytes = Buffer.from(part.entry, 'utf8');
  const leaf = leafHash(bytes);
  let payload: P | undefined;

  checks.run(`${name}.entry`, `the ${name} entry is canonical JSON (RFC 8785) of a well-formed ${type} entry`, () => {
    let value: unknown;
    try {
      value = JSON.parse(part.entry);
    } catch {
      return fail('the entry is not JSON');
    }
    // Re-encoding must give the same bytes: otherwise what is parsed here and what was hashed could differ.
    if (jcs(value) !== part.entry) return fail('the entry is not in RFC 8785 canonical form');
    const envelope = Envelope.safeParse(value);
    if (!envelope.success) return fail(`not a log entry: ${issues(envelope.error)}`);
    if (envelope.data.type !== type) return fail(`the entry is ${envelope.data.type}, not ${type}`);
    const parsed = schema.safeParse(envelope.data.payload);
    if (!parsed.success) return fail(`malformed ${type} payload: ${issues(parsed.error)}`);
    payload = parsed.data;
    return pass(`${type} at index ${part.index}, logged ${envelope.data.time}`);
  });

  checks.run(`${name}.leaf-hash`, `the ${name} proof's leaf hash is SHA-256(0x00 ‖ entry) (RFC 9162 §2.1.1)`, () => {
    if (part.inclusion.index !== part.index) return fail(`the proof is for index ${part.inclusion.index}, the entry is at ${part.index}`);
    const given = part.inclusion.leafHash;
    return leaf.toString('hex') === given ? pass(given) : fail(`SHA-256(0x00 ‖ entry) is ${leaf.toString('hex')}, the proof gives ${given}`);
  });

  let checkpoint: Checkpoint | undefined;
  checks.run(`${name}.checkpoint`, `the ${name} proof's checkpoint is signed by the log key, origin ${origin}`, () => {
    // openCheckpoint reads the body only after the signature verified, then checks the origin. The same note text
    // (the three parts normally share one) is verified once.
    let known = opened.get(part.inclusion.checkpoint);
    if (!known) {
      try {
        known = openCheckpoint(part.inclusion.checkpoint, verifier, origin).checkpoint;
      } catch (err) {
        known = err instanceof Error ? err : new Error(String(err));
      }
      opened.set(part.inclusion.checkpoint, known);
    }
    if (known instanceof Error) throw known;
    checkpoint = known;
    return pass(`tree size ${checkpoint.size}, root ${checkpoint.rootHash.toString('hex')}`);
  });

  checks.run(`${name}.inclusion`, `the ${name} entry is in the tree of its checkpoint (RFC 9162 §2.1.3.2)`, () => {
    if (!checkpoint) return skipped('needs a verified checkpoint');
    if (part.inclusion.treeSize !== checkpoint.size) return fail(`the proof is for tree size ${part.inclusion.treeSize}, the checkpoint has ${checkpoint.size}`);
    const path = part.inclusion.hashes.map((h) => Buffer.from(h, 'hex'));
    // The leaf is the one computed from the entry: a proof for the claimed leaf hash alone would prove nothing.
    return verifyInclusion(leaf, part.index, checkpoint.size, path, checkpoint.rootHash)
      ? pass(`index ${part.index} of ${checkpoint.size}, ${path.length} hashes`)
      : fail(`the path does not lead from the entry at index ${part.index} to the checkpoint's root`);
  });

  return { leaf, payload };
}

// ---- member and exclusion lines (§4) --------------------------------------------------------------------------------

const MEMBER_LINE = /^([^\t\n]+)\t([^\t\n]*)\t([^\t\n]*)\t([^\t\n]*)\n$/;
const EXCLUSION_LINE = /^([^\t\n]+)\t([^\t\n]+)\n$/;
/** Rules 1–6: the codes an exclusion line may carry (rule 7 applies only while ranking). */
const PRE_RANKING_CODES: readonly string[] = EXCLUSION_CODES.filter((c) => c !== 'RELATIVE_ON_PANEL' && c !== 'EMPLOYER_CAP_ON_PANEL');

/** A member line back into what the ranking reads; the line must be exactly what memberLine would write. */
function parseMemberLine(line: string): PanelMember & { readonly region: string } {
  const m = MEMBER_LINE.exec(line);
  if (!m) throw new Error(`malformed member line ${JSON.stringify(line)}`);
  const member = { id: m[1]!, employer: m[2]!, region: m[3]!, relatives: m[4] === '' ? [] : m[4]!.split(',') };
  if (memberLine(member) !== line) throw new Error(`member line ${JSON.stringify(line)} does not re-encode to itself`);
  return member;
}

/** Ids must be strictly ascending (UTF-16 code units): the order the digests are taken in, and no duplicates. */
function checkIdOrder(ids: readonly string[], what: string): void {
  for (let i = 1; i < ids.length; i++) {
    if (!(ids[i - 1]! < ids[i]!)) throw new Error(`${what} are not in strictly ascending id order at ${ids[i]}`);
  }
}

/**
 * The eligible list of one group: its members in id order minus the excluded ids. Exact only when the group has no
 * region filter that leaves members out; the caller compares the length with the commit's eligibleCount.
 */
/** The members not excluded, in id order, with the region their line names (for the group's region filter). */
function eligibleOf(members: readonly string[], exclusions: readonly string[]): Array<PanelMember & { readonly region: string }> {
  const parsed = members.map(parseMemberLine);
  checkIdOrder(parsed.map((m) => m.id), 'member lines');
  const memberIds = new Set(parsed.map((m) => m.id));
  const excluded: string[] = [];
  for (const line of exclusions) {
    const m = EXCLUSION_LINE.exec(line);
    if (!m) throw new Error(`malformed exclusion line ${JSON.stringify(line)}`);
    const [id, text] = [m[1]!, m[2]!];
    const codes = text.split(',');
    const at = codes.map((c) => PRE_RANKING_CODES.indexOf(c));
    if (at.some((i, k) => i < 0 || (k > 0 && i <= at[k - 1]!))) throw new Error(`exclusion of ${id}: codes ${text} are not rule 1–6 codes in table order`);
    if (exclusionLine(id, text) !== line) throw new Error(`exclusion line ${JSON.stringify(line)} does not re-encode to itself`);
    if (!memberIds.has(id)) throw new Error(`excluded ${id} is not a member of the group`);
    excluded.push(id);
  }
  checkIdOrder(excluded, 'exclusion lines');
  const out = new Set(excluded);
  return parsed.filter((m) => !out.has(m.id));
}

/** Parsed verifier keys: an inspector checking many bundles parses the pinned key once. */
const verifiers = new Map<string, NoteVerifier>();
function verifierFor(key: string): NoteVerifier {
  let v = verifiers.get(key);
  if (!v) {
    v = NoteVerifier.fromKey(key);
    if (verifiers.size >= 16) verifiers.clear();
    verifiers.set(key, v);
  }
  return v;
}

// ---- the verification ----------------------------------------------------------------------------------------------

/**
 * Verifies a proof bundle offline. Never throws for a bad bundle (that is a failing check); throws only for a
 * malformed verifier key, which is the caller's input rather than the bundle's.
 */
export function verifyDrawProof(bundle: unknown, options: VerifyDrawProofOptions): DrawProofReport {
  const verifier = typeof options.verifierKey === 'string' ? verifierFor(options.verifierKey.trim()) : options.verifierKey;
  const opened = new Map<string, Checkpoint | Error>();
  const origin = options.origin ?? verifier.name;
  const checks = new Checks();
  const parsed = DrawProofBundle.safeParse(bundle);
  const report = (commit?: CommitPayload): DrawProofReport => ({
    ok: checks.list.every((c) => c.status === 'pass'),
    drawId: commit?.drawId ?? (parsed.success ? parsed.data.drawId : null),
    projectId: commit?.projectId ?? null,
    assurance: commit ? assuranceOf(commit.entropy) : null,
    checks: checks.list,
    notChecked: NOT_CHECKED,
  });

  // 0. The bundle's shape: without it nothing else can be read.
  checks.run('bundle', 'the file is a draw proof bundle', () =>
    parsed.success ? pass(`draw ${parsed.data.drawId}: entries ${parsed.data.commit.index}, ${parsed.data.result.index}, ${parsed.data.reveal.index}`) : fail(issues(parsed.error)),
  );
  if (!parsed.success) return report();
  const b = parsed.data;

  // 1. Each entry: canonical, of its type, hashed to its leaf, in a tree whose checkpoint the log key signed.
  const commit = checkPart(checks, 'commit', b.commit, COMMIT_ENTRY_TYPE, CommitPayload, verifier, origin, opened);
  const result = checkPart<ResultPayload>(checks, 'result', b.result, RESULT_ENTRY_TYPE, ResultPayload, verifier, origin, opened);
  const reveal = checkPart<RevealPayload>(checks, 'reveal', b.reveal, REVEAL_ENTRY_TYPE, RevealPayload, verifier, origin, opened);
  const c = commit.payload;
  const r = result.payload;
  const v = reveal.payload;
  const needEntries = (...names: PartName[]) => skipped(`needs well-formed ${names.join(' and ')} entries`);

  // One tree for the three: the service proves them against one checkpoint, so no consistency proof is needed between
  // them. Different checkpoints are not wrong in themselves, but only the log can show that they agree.
  checks.run('checkpoint.same', 'the three entries are proved against one checkpoint (one tree)', () => {
    const notes = new Set([b.commit.inclusion.checkpoint, b.result.inclusion.checkpoint, b.reveal.inclusion.checkpoint]);
    if (notes.size === 1) return pass(`tree size ${b.reveal.inclusion.treeSize}`);
    return unverifiable(`the parts name ${notes.size} different checkpoints; their consistency needs the log’s consistency proofs`);
  });

  // 2. The three entries are one draw: same ids, each naming the others' log indices, in log order.
  checks.run('links', 'the commit, result and reveal entries are one draw, in log order', () => {
    if (!c || !r || !v) return needEntries('commit', 'result', 'reveal');
    const problems: string[] = [];
    const same = (what: string, values: Record<string, unknown>) => {
      const distinct = new Set(Object.values(values));
      if (distinct.size > 1) problems.push(`${what} differs: ${Object.entries(values).map(([k, x]) => `${k} ${String(x)}`).join(', ')}`);
    };
    same('drawId', { bundle: b.drawId, commit: c.drawId, result: r.drawId, reveal: v.drawId, 'revealed result': v.result.drawId });
    same('projectId', { commit: c.projectId, result: r.projectId, reveal: v.projectId });
    if (r.commitIndex !== b.commit.index) problems.push(`the result names commit ${r.commitIndex}, the commit is at ${b.commit.index}`);
    if (v.commitIndex !== b.commit.index) problems.push(`the reveal names commit ${v.commitIndex}, the commit is at ${b.commit.index}`);
    if (v.resultIndex !== b.result.index) problems.push(`the reveal names result ${v.resultIndex}, the result is at ${b.result.index}`);
    if (!(b.commit.index < b.result.index && b.result.index < b.reveal.index)) problems.push('the entries are not in the order commit, result, reveal');
    return problems.length === 0 ? pass(`draw ${c.drawId}, project ${c.projectId}, entries ${b.commit.index} → ${b.result.index} → ${b.reveal.index}`) : fail(problems.join('; '));
  });

  // Every per-group list (lines, result, extension, counts) must line up with the commit's groups.
  const groupsAligned = checks.run('groups', 'every list has one group per committed group, in commit order', () => {
    if (!c || !r || !v) return needEntries('commit', 'result', 'reveal');
    const n = c.groups.length;
    const lengths = { 'reveal lines': v.groups.length, 'revealed result': v.result.groups.length, extension: v.extension.length, 'result entry counts': r.groups.length };
    const wrong = Object.entries(lengths).filter(([, len]) => len !== n);
    if (wrong.length > 0) return fail(`the commit has ${n} groups; ${wrong.map(([k, len]) => `${k} ${len}`).join(', ')}`);
    for (let i = 0; i < n; i++) {
      const spec = c.groups[i]!.specialty;
      for (const [what, g] of [['reveal lines', v.groups[i]!], ['revealed result', v.result.groups[i]!]] as const) {
        if (g.index !== i || g.specialty !== spec) return fail(`${what} group ${i} is ${g.index}/${g.specialty}, the commit's is ${i}/${spec}`);
      }
    }
    return pass(`${n} group${n === 1 ? '' : 's'}: ${c.groups.map((g) => g.specialty).join(', ')}`);
  });
  const needGroups = () => (c && r && v ? skipped('needs the group lists to line up (see groups)') : needEntries('commit', 'result', 'reveal'));

  // 3. Commit ↔ reveal: the revealed nonce and lines are the ones the commit bound before the seed existed.
  checks.run('reveal.nonce', 'SHA-256(revealed nonce) is the commit’s nonceHash', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    const h = nonceHash(Buffer.from(v.nonce, 'hex'));
    return h === c.nonceHash ? pass(c.nonceHash) : fail(`SHA-256(nonce) is ${h}, the commit holds ${c.nonceHash}`);
  });
  const digestCheck = (which: 'members' | 'exclusions'): Outcome => {
    if (!groupsAligned || !c || !v) return needGroups();
    const [countField, digestField] = which === 'members' ? (['membersCount', 'membersDigest'] as const) : (['excludedCount', 'exclusionDigest'] as const);
    const problems: string[] = [];
    c.groups.forEach((g, i) => {
      const lines = v.groups[i]![which];
      if (lines.length !== g[countField]) problems.push(`group ${i}: ${lines.length} lines, the commit counts ${g[countField]}`);
      const digest = linesDigest(lines);
      if (digest !== g[digestField]) problems.push(`group ${i}: the lines hash to ${digest}, the commit holds ${g[digestField]}`);
    });
    return problems.length === 0 ? pass(`${c.groups.map((g) => g[countField]).join(' + ')} lines`) : fail(problems.join('; '));
  };
  checks.run('reveal.members', 'the revealed member lines hash to the commit’s membersDigest per group (§4)', () => digestCheck('members'));
  checks.run('reveal.exclusions', 'the revealed exclusion lines hash to the commit’s exclusionDigest per group (§4)', () => digestCheck('exclusions'));

  // 4. The seed, from the commit's entropy plan and the commit's leaf hash as computed from its bytes.
  // A beacon draw's round, checked on its own (beacon-proof.ts); its randomness enters the seed.
  let beaconRandomness: Buffer | undefined;
  if (hasBeacon(c, r)) {
    checks.run(BEACON_CHECK.id, BEACON_CHECK.title, () => {
      const outcome = checkBeaconRound(c, b.commit.entry, r, options.beaconChains);
      beaconRandomness = outcome.randomness;
      return outcome;
    });
  }
  let seed: Buffer | undefined;
  checks.run('seed', 'the seed follows from the commit’s entropy plan, its leaf hash and the nonce (§6)', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    const plan = c.entropy;
    if (plan.beacon && !beaconRandomness) return skipped(`needs drand round ${plan.beacon.round} verified (see beacon)`);
    if (plan.witnessCommitments.length > 0) {
      return unverifiable(`assurance ${assuranceOf(plan)}: the seed needs ${plan.witnessCommitments.length} witness reveal(s), which the bundle does not carry`);
    }
    seed = deriveSeed(plan, c.nonceHash, { nonce: Buffer.from(v.nonce, 'hex'), commitLeafHash: commit.leaf, beaconRandomness: beaconRandomness ?? null, witnessReveals: [] });
    return pass(`${seed.toString('hex')} (assurance ${assuranceOf(plan)}: ${plan.beacon ? `the server nonce and drand round ${plan.beacon.round}` : 'the server nonce alone'})`);
  });

  // The project, request and policy the reveal publishes are the ones the commit hashed; the region filters and the
  // ranking read them.
  let request: { project: Project; request: DrawRequest } | undefined;
  checks.run('reveal.request', 'the revealed project and request hash to the commit’s requestHash', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    const h = jcsHashHex({ project: v.project, request: v.request });
    if (h !== c.requestHash) return fail(`JCS({project, request}) hashes to ${h}, the commit holds ${c.requestHash}`);
    const project = Project.safeParse(v.project);
    const req = DrawRequest.safeParse(v.request);
    if (!project.success) return fail(`the revealed project is malformed: ${issues(project.error)}`);
    if (!req.success) return fail(`the revealed request is malformed: ${issues(req.error)}`);
    request = { project: project.data, request: req.data };
    return pass(`project ${project.data.id}, tenderer ${project.data.tenderer}, ${req.data.groups.length} group(s)`);
  });
  let policy: Policy | undefined;
  checks.run('policy', 'the revealed policy hashes to the commit’s policyHash', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    const h = jcsHashHex(v.policy);
    if (h !== c.policyHash) return fail(`the revealed policy hashes to ${h}, the commit holds ${c.policyHash}`);
    const parsed = Policy.safeParse(v.policy);
    if (!parsed.success) return fail(`the revealed policy is malformed: ${issues(parsed.error)}`);
    policy = parsed.data;
    return pass(`maxPerEmployerPerPanel ${policy.maxPerEmployerPerPanel}`);
  });

  // The eligible lists: the member lines inside the group's region filter, minus the excluded ids (§4), exactly as
  // many as the commit counts.
  let eligible: PanelMember[][] | undefined;
  checks.run('eligible', 'each group’s eligible list is its member lines in its region filter minus its exclusion lines, as many as the commit counts', () => {
    if (!groupsAligned || !c || !v) return needGroups();
    if (!request || !policy) return skipped('needs the revealed request and policy (see reveal.request, policy)');
    const lists: PanelMember[][] = [];
    const filtered: number[] = [];
    for (const [i, g] of c.groups.entries()) {
      const group = request.request.groups[i];
      if (!group || group.specialty !== g.specialty) return fail(`group ${i} of the request is ${group?.specialty ?? 'missing'}, the commit's is ${g.specialty}`);
      const inRegion = regionTest(group, request.project, policy);
      const all = eligibleOf(v.groups[i]!.members, v.groups[i]!.exclusions);
      const list = inRegion ? all.filter((m) => inRegion(Number(m.region))) : all;
      if (list.length !== g.eligibleCount) return fail(`group ${i}: ${list.length} members are in its region filter and not excluded, the commit counts ${g.eligibleCount}`);
      lists.push(list);
      filtered.push(all.length - list.length);
    }
    eligible = lists;
    const outside = filtered.reduce((a, b) => a + b, 0);
    return pass(`${lists.map((l) => l.length).join(' + ')} eligible${outside > 0 ? ` (${outside} outside the region filters)` : ''}`);
  });

  // 5. The ranking and its extension, recomputed with the engine's own sampler from the seed and the eligible lists.
  let sampler: DrawSampler | undefined;
  let ranked: RankedGroup[] | undefined;
  checks.run('ranking', 'the ranking recomputed from the seed and the lines is the revealed result (§8)', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    if (!seed) return skipped('needs the seed');
    if (!eligible) return skipped('needs exact eligible lists');
    if (!policy) return skipped('needs the draw’s policy');
    sampler = new DrawSampler(
      c.groups.map((g, i) => listGroup(g.specialty, g.count, g.alternates, eligible![i]!)),
      seed,
      policy.maxPerEmployerPerPanel,
    );
    ranked = sampler.rank();
    const recomputed: DrawResult = { algorithm: ALGORITHM_ID, drawId: c.drawId, groups: ranked };
    if (jcs(recomputed) === jcs(v.result)) {
      return pass(ranked.map((g) => `group ${g.index}: ${g.selected.length} selected, ${g.alternates.length} alternates, ${g.skipped.length} skipped`).join('; '));
    }
    return fail(firstDifference(ranked, v.result.groups));
  });
  checks.run('extension', 'the revealed extension continues the same streams (§9, top-up of max(3, count))', () => {
    if (!v) return needEntries('reveal');
    if (!sampler || !ranked) return skipped('needs the recomputed ranking');
    // Group by group, as the service does right after ranking: the panel state carries over between groups.
    const recomputed = ranked.map((g, i) => sampler!.extend(i, extensionSize(g.selected.length)));
    for (const [i, ids] of recomputed.entries()) {
      if (jcs(ids) !== jcs(v.extension[i])) return fail(`group ${i}: recomputed ${ids.join(' ')}, revealed ${v.extension[i]!.join(' ')}`);
    }
    return pass(recomputed.map((ids, i) => `group ${i}: ${ids.length}`).join('; '));
  });

  // 6. The result entry committed to exactly this result, under this salt, before disclosure.
  checks.run('result.commitment', 'SHA-256(salt ‖ JCS(result)) is the result entry’s resultHash', () => {
    if (!r || !v) return needEntries('result', 'reveal');
    const h = resultCommitment(Buffer.from(v.salt, 'hex'), v.result);
    return h === r.resultHash ? pass(r.resultHash) : fail(`SHA-256(salt ‖ JCS(result)) is ${h}, the result entry holds ${r.resultHash}`);
  });
  checks.run('result.counts', 'the result entry’s per-group counts are those of the revealed result', () => {
    if (!groupsAligned || !r || !v) return needGroups();
    for (const [i, g] of v.result.groups.entries()) {
      const logged = r.groups[i]!;
      const revealed = { selected: g.selected.length, alternates: g.alternates.length, skipped: g.skipped.length };
      if (jcs(logged) !== jcs(revealed)) return fail(`group ${i}: logged ${jcs(logged)}, revealed ${jcs(revealed)}`);
    }
    return pass(r.groups.map((g) => `${g.selected}/${g.alternates}/${g.skipped}`).join(', '));
  });

  return report(c);
}

/** Names the first group and list where the recomputed ranking and the revealed one part. */
function firstDifference(recomputed: readonly RankedGroup[], revealed: z.infer<typeof RevealedResult>['groups']): string {
  for (const [i, g] of recomputed.entries()) {
    const other = revealed[i];
    if (!other) return `group ${i} is missing from the revealed result`;
    for (const field of ['selected', 'alternates', 'skipped'] as const) {
      if (jcs(g[field]) !== jcs(other[field])) return `group ${i} ${field}: recomputed ${show(g[field])}, revealed ${show(other[field])}`;
    }
  }
  return 'the revealed result differs from the recomputed one outside the ranked lists';
}

function show(list: ReadonlyArray<string | { id: string; reason: string }>): string {
  return list.length === 0 ? '(none)' : list.map((x) => (typeof x === 'string' ? x : `${x.id}:${x.reason}`)).join(' ');
}
