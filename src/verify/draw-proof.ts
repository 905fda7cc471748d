// Offline verification of a disclosed draw's proof bundle (GET /v1/draws/{id}/proof; docs/draw-proof.md "Verifying a
// proof offline"). No store, no network: the bundle, the pinned log verifier key and the policy are all it reads.
// Every check is named; one the bundle cannot support is reported as not verifiable, never as passed.
import { z } from 'zod';
import { isCanonicalText, jcs, jcsHashHex, sha256Hex, type KnownJson } from '../crypto/canonical.js';
import { Policy } from '../domain/policy.js';
import { Hex32 } from '../domain/primitives.js';
import { Project } from '../domain/project.js';
import { DrawRequest } from '../domain/request.js';
import { bucketIndex, regionTest } from '../draw/candidates.js';
import { ABORTED_ENTRY_TYPE, AbortedPayload, COMMIT_ENTRY_TYPE, CommitPayload, DEPOSIT_ENTRY_TYPE, DepositPayload, FAILED_ENTRY_TYPE, FailedPayload, LINES_ENTRY_TYPE, LinesPayload, PLANNED_ENTRY_TYPE, PlannedPayload, RESULT_ENTRY_TYPE, resultCommitment, ResultPayload, REVEAL_ENTRY_TYPE, RevealPayload, RevealedResult } from '../draw/entries.js';
import { createHash } from 'node:crypto';
import { EXCLUSION_CODES } from '../draw/conflicts.js';
import { ALGORITHM_ID, extensionSize, MAX_WITNESSES } from '../draw/constants.js';
import { linesDigest } from '../draw/digest.js';
import type { DrawResult } from '../draw/engine.js';
import { DrawSampler, type RankedGroup, type SamplingGroup } from '../draw/sample.js';
import { lowerBound } from '../draw/sorted.js';
import { assuranceOf, deriveSeed, isPlanned, nonceHash, witnessCommitment, type Assurance } from '../draw/seed.js';
import { AppError, InsufficientCandidatesError } from '../errors.js';
import { openCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import { leafHash, leafHashOfText } from '../log/entry.js';
import { verifyInclusion } from '../log/merkle.js';
import { NoteVerifier } from '../log/note.js';
import { knownTable, memberTable, type MemberTable } from './member-table.js';
import { cutText, type CutText } from './cut-text.js';
import { isReadList } from './list-runs.js';
import { earlierIds, factsContext, readFacts, type InsideTest, type ReadFacts } from './reveal-facts.js';
import type { ConflictContext } from '../draw/conflicts.js';
import type { BeaconChain } from '../beacon/chains.js';
import { BEACON_CHECK, BEACON_KEPT_CHECK, checkBeaconKept, checkBeaconRound, hasBeacon } from './beacon-proof.js';
import { firstKeptHolding, relateToKept, type KeptInput, type KeptRelation } from './kept-history.js';
import { KNOWN_CHAINS } from '../beacon/chains.js';
import { NO_RUN_FACTS, type RunFacts } from './run-checks.js';

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
/**
 * An earlier draw of the project that ended after its commit without a result: its commit, its end and, where its
 * commit bound other inputs than the disclosed draw's, the lines it read (§11).
 */
const AbandonedDraw = z.object({ commit: Part, end: Part, lines: Part.optional() }).strict();
/** A planned draw's plan and the deposits its commit took (§6.2). */
const PlannedParts = z.object({ plan: Part, deposits: z.array(Part).max(MAX_WITNESSES) }).strict();

export const DrawProofBundle = z
  .object({
    drawId: z.string(),
    commit: Part,
    result: Part,
    reveal: Part,
    abandoned: z.array(AbandonedDraw).max(1000).optional(),
    planned: PlannedParts.optional(),
  })
  .strict()
  .describe('A disclosed draw’s commit, result and reveal entries, each with an inclusion proof; and the project’s earlier draws that ended after their commit');
export type DrawProofBundle = z.infer<typeof DrawProofBundle>;

/**
 * The reveal payload's schema with its long lists of lines checked in one pass (they are read line by line later):
 * the same shape as RevealPayload, which the log's catalogue holds.
 */
const Lines = z.custom<string[]>((x) => Array.isArray(x) && (keptLines(x) || isReadList(x) || x.every((line) => typeof line === 'string')), 'expected an array of strings');
/** Lines equal, one by one, to a kept table's are strings (its lines were checked to be before it was kept). */
const keptLines = (x: readonly unknown[]): boolean => x.length >= 64 && knownTable(x) !== undefined;
const LineGroups = z.array(z.object({ index: z.int(), specialty: z.string(), members: Lines, exclusions: Lines }).strict());
const LineFacts = z.object({ status: Lines, unavailable: Lines, positions: Lines, selections: Lines }).strict();
const RevealLines = RevealPayload.extend({ groups: LineGroups, facts: LineFacts.optional() }) as unknown as z.ZodType<RevealPayload>;

/** An abandoned draw's lines entry, its long lists checked in one pass as the reveal's are. */
const LinesLines = LinesPayload.extend({ groups: LineGroups, facts: LineFacts }) as unknown as z.ZodType<LinesPayload>;

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
  /** What no offline check of this bundle covers: taken on trust, each with why (docs/draw-proof.md §13). */
  readonly notChecked: readonly TakenOnTrust[];
  /**
   * With `panels`: per group, the eligible ids and the selected ones, once the ranking was recomputed from them and
   * matched (what fairness over many draws reads: src/verify/fairness.ts).
   */
  readonly panels?: ReadonlyArray<{ readonly eligible: readonly string[]; readonly selected: readonly string[] }>;
  /** How each earlier draw the `abandoned` check could not verify ended (null: its end could not be read). */
  readonly abandonedOpen?: ReadonlyArray<'failed' | 'aborted' | null>;
}

export interface VerifyDrawProofOptions {
  /** The log's note verifier key (`name+keyid+base64`), pinned by the inspector. */
  readonly verifierKey: string | NoteVerifier;
  /** Checkpoint origin; by default the verifier key's name (the log signer is named after its origin). */
  readonly origin?: string;
  /**
   * Checkpoints the inspector kept (`expert-draw log watch --keep`), with the consistency proofs that relate the
   * bundle's checkpoint to them (GET /v1/log/consistency). With them, check `checkpoint.kept` runs.
   */
  readonly kept?: KeptInput;
  /** drand chains the inspector pinned, besides the League of Entropy's public ones (beacon-proof.ts). */
  readonly beaconChains?: readonly BeaconChain[];
  /** Also answer each group's eligible and selected ids when the ranking matched (fairness). */
  readonly panels?: boolean;
}

export type { KeptInput } from './kept-history.js';

export interface TakenOnTrust {
  readonly id: string;
  readonly what: string;
  readonly why: string;
}

export const NOT_CHECKED: readonly TakenOnTrust[] = [
  { id: 'result.sealed-hash', what: 'the result entry’s sealedHash', why: 'the sealed box is never published' },
  {
    id: 'pool.members',
    what: 'that the member lines are the pool’s members of each specialty at the commit’s pool version, none left out or added',
    why: 'the pool is in the log’s pool entries, not in the bundle; every draw at one pool version must show the same membersDigest for one specialty',
  },
  {
    id: 'pool.facts',
    what: 'that the revealed facts (status, unavailability, positions at the parties) are the pool’s at that version, and complete',
    why: 'they are checked against the exclusion lines here, and against the pool only in the log’s pool entries',
  },
  {
    id: 'history.selections',
    what: 'that the selection lines are every selection of an already disclosed draw inside the frequency windows',
    why: 'each names its draw, whose own disclosure shows whom it selected; selections of draws not yet disclosed are never published (their lists are confidential), so a cap reached through one is not verifiable here',
  },
  {
    id: 'log.chain',
    what: 'the hash chain (prev) across the entries between the three',
    why: 'the bundle holds only the draw’s own entries; two that are adjacent in the log are checked (chain)',
  },
  {
    id: 'project.abandoned',
    what: 'that a commit without `follows` is the first of its project to reach a commit',
    why: 'a re-draw’s commit names the earlier draws it follows, and the bundle must carry each of them (abandoned); a commit that left them out (or one written before commits named them) would show in the log’s entries about the project (GET /v1/log/projects/{id}/entries), which list every commit',
  },
  { id: 'roster', what: 'that seats passed strictly down the revealed ranking (calls, promotions, check-in)', why: 'the roster entries are not in the bundle; they name group, seat and rank only' },
  {
    id: 'log.times',
    what: 'the entries’ times: each entry’s time stamp is the log’s word',
    why: 'times checks them against log order and the bid opening, but a holder of the log key who re-dates entries consistently is not caught',
  },
];

/** What a planned draw's bundle takes on trust besides (§6.2). */
export const NOT_CHECKED_PLANNED: readonly TakenOnTrust[] = [
  {
    id: 'witness.deposits',
    what: 'that the bundle names every deposit logged for the plan before its close',
    why: 'the log’s entries about the project (GET /v1/log/projects/{id}/entries) show every witness.deposited entry; each witness holds the receipt of their own (its log index and commitment)',
  },
  {
    id: 'pool.changes',
    what: 'that nobody who could read the deposited secrets changed the pool between the deposits and the commit to steer the ranking',
    why: 'the service holds the secrets sealed before the draw; every pool change is a logged, attributed entry (pool.*) whose time shows against the plan’s close',
  },
];

/**
 * What a witnessed draw without a plan takes on trust besides (§6.2, §11): its seed binds the commit's leaf hash, so
 * its commit's time and log position are inputs too. The service makes witnessed draws only through a plan; the
 * engine (and vector 03) can make one without.
 */
export const NOT_CHECKED_UNPLANNED_WITNESSES: readonly TakenOnTrust[] = [
  {
    id: 'witness.unplanned',
    what: 'that the witnesses revealed their secrets only after the commit was logged',
    why: 'the draw has no plan (§6.2): its seed binds the commit’s leaf hash, so whoever held the secrets before the commit (the service, holding deposits) could have tried commit times or log positions until the ranking suited; the service makes witnessed draws only through a plan',
  },
];

/** What is not checked when no kept checkpoints are given. */
export const NOT_CHECKED_WITHOUT_KEPT: TakenOnTrust = {
  id: 'log.consistency',
  what: 'that the bundle’s checkpoint is one history with checkpoints you hold: checked against the log key alone, a bundle a holder of the log key re-signed over a tree of their own verifies too',
  why: 'keep checkpoints with expert-draw log watch --keep DIR and give them: proof verify --kept DIR',
};

type Outcome = { readonly status: CheckStatus; readonly detail: string };
const pass = (detail: string): Outcome => ({ status: 'pass', detail });
const fail = (detail: string): Outcome => ({ status: 'fail', detail });
const unverifiable = (detail: string): Outcome => ({ status: 'unverifiable', detail });
const skipped = (detail: string): Outcome => ({ status: 'skipped', detail });

/** Collects named checks; a check that throws fails with the error's message. */
class Checks {
  readonly list: Check[] = [];

  /** Whether every one of these checks ran and passed. */
  passed(...ids: string[]): boolean {
    return ids.every((id) => this.list.some((c) => c.id === id && c.status === 'pass'));
  }

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
  /** The entry's prev when it is JSON with a string prev (the chain check reads it), else null. */
  readonly prev: string | null;
  /** The entry's time when it is JSON with a string time (the times check reads it), else null. */
  readonly time: string | null;
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
  known?: KnownJson,
  cut?: CutText,
): OpenedPart<P> {
  const leaf = cut ? cut.leafHash() : leafHashOfText(part.entry);
  let payload: P | undefined;
  let prev: string | null = null;
  let time: string | null = null;
  checks.run(`${name}.entry`, `the ${name} entry is canonical JSON (RFC 8785) of a well-formed ${type} entry`, () => {
    const read = readEntry(part, type, schema, known, cut);
    payload = read.payload;
    prev = read.prev;
    time = read.time;
    return read.outcome;
  });
  checks.run(`${name}.leaf-hash`, `the ${name} proof's leaf hash is SHA-256(0x00 ‖ entry) (RFC 9162 §2.1.1)`, () => leafOutcome(part, leaf));
  let checkpoint: Checkpoint | undefined;
  checks.run(`${name}.checkpoint`, `the ${name} proof's checkpoint is signed by the log key, origin ${origin}`, () => {
    checkpoint = openNote(part, verifier, origin, opened);
    return pass(`tree size ${checkpoint.size}, root ${checkpoint.rootHash.toString('hex')}`);
  });
  checks.run(`${name}.inclusion`, `the ${name} entry is in the tree of its checkpoint (RFC 9162 §2.1.3.2)`, () => (checkpoint ? inclusionOutcome(part, leaf, checkpoint) : skipped('needs a verified checkpoint')));
  return { leaf, payload, prev, time };
}

/**
 * The entry's bytes read as a log entry of this type: canonical, well-formed, its payload parsed. `cut`: the entry's
 * text with its kept lists cut out (cut-text.ts: by the file reader, or from the text), which reads as the whole text
 * would.
 */
function readEntry<P>(part: DrawProofBundle['commit'], type: string, schema: z.ZodType<P>, known?: KnownJson, cut?: CutText): { outcome: Outcome; payload?: P; prev: string | null; time: string | null } {
  let value: unknown;
  try {
    // The reveal's long member lists, when kept from an earlier bundle, are taken from their tables (checked below).
    value = cut ? cut.parse() : JSON.parse(part.entry);
  } catch {
    return { outcome: fail('the entry is not JSON'), prev: null, time: null };
  }
  const prev = stringProp(value, 'prev');
  const time = stringProp(value, 'time');
  // Re-encoding must give the same bytes: otherwise what is parsed here and what was hashed could differ.
  if (!(cut ? cut.isCanonical(value) : isCanonicalText(value, part.entry, known))) return { outcome: fail('the entry is not in RFC 8785 canonical form'), prev, time };
  const envelope = Envelope.safeParse(value);
  if (!envelope.success) return { outcome: fail(`not a log entry: ${issues(envelope.error)}`), prev, time };
  if (envelope.data.type !== type) return { outcome: fail(`the entry is ${envelope.data.type}, not ${type}`), prev, time };
  const parsed = schema.safeParse(envelope.data.payload);
  if (!parsed.success) return { outcome: fail(`malformed ${type} payload: ${issues(parsed.error)}`), prev, time };
  return { outcome: pass(`${type} at index ${part.index}, logged ${envelope.data.time}`), payload: parsed.data, prev, time };
}

/** A JSON value's string property, else null. */
function stringProp(value: unknown, key: string): string | null {
  const x = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  return typeof x === 'string' ? x : null;
}

function leafOutcome(part: DrawProofBundle['commit'], leaf: Buffer): Outcome {
  if (part.inclusion.index !== part.index) return fail(`the proof is for index ${part.inclusion.index}, the entry is at ${part.index}`);
  const given = part.inclusion.leafHash;
  return leaf.toString('hex') === given ? pass(given) : fail(`SHA-256(0x00 ‖ entry) is ${leaf.toString('hex')}, the proof gives ${given}`);
}

/**
 * The part's checkpoint, its signature verified by the log key (throws when it does not). openCheckpoint reads the body
 * only after the signature verified, then checks the origin. The same note text (the parts normally share one) is
 * verified once.
 */
function openNote(part: DrawProofBundle['commit'], verifier: NoteVerifier, origin: string, opened: Map<string, Checkpoint | Error>): Checkpoint {
  let known = opened.get(part.inclusion.checkpoint);
  if (!known) {
    try {
      known = verifiedCheckpoint(part.inclusion.checkpoint, verifier, origin);
    } catch (err) {
      known = err instanceof Error ? err : new Error(String(err));
    }
    opened.set(part.inclusion.checkpoint, known);
  }
  if (known instanceof Error) throw known;
  return known;
}

/**
 * Checkpoints verified by earlier bundles, most recently used last: an inspector checking many bundles of one log meets
 * the same few notes again and again. Only a note that verified is kept. The key is everything the answer depends on
 * (the verifier's name, key ID and whole public key, the expected origin and the note's exact text): Ed25519
 * verification and the body's parse are pure functions of these, so a note text that verified once under one key and
 * origin verifies again to the same checkpoint, and a different key, origin or text can never meet this entry.
 */
const verifiedNotes = new Map<string, Checkpoint>();
const VERIFIED_NOTES_KEPT = 64;
function verifiedCheckpoint(note: string, verifier: NoteVerifier, origin: string): Checkpoint {
  const key = `${verifier.name}\n${verifier.keyId}\n${verifier.publicKey.toString('hex')}\n${origin}\n${note}`;
  let checkpoint = verifiedNotes.get(key);
  if (checkpoint) verifiedNotes.delete(key);
  else {
    checkpoint = openCheckpoint(note, verifier, origin).checkpoint;
    if (verifiedNotes.size >= VERIFIED_NOTES_KEPT) verifiedNotes.delete(verifiedNotes.keys().next().value!);
  }
  verifiedNotes.set(key, checkpoint);
  return checkpoint;
}

function inclusionOutcome(part: DrawProofBundle['commit'], leaf: Buffer, checkpoint: Checkpoint): Outcome {
  if (part.inclusion.treeSize !== checkpoint.size) return fail(`the proof is for tree size ${part.inclusion.treeSize}, the checkpoint has ${checkpoint.size}`);
  const path = part.inclusion.hashes.map((h) => Buffer.from(h, 'hex'));
  // The leaf is the one computed from the entry: a proof for the claimed leaf hash alone would prove nothing.
  return verifyInclusion(leaf, part.index, checkpoint.size, path, checkpoint.rootHash)
    ? pass(`index ${part.index} of ${checkpoint.size}, ${path.length} hashes`)
    : fail(`the path does not lead from the entry at index ${part.index} to the checkpoint's root`);
}

/** One part read quietly, all four steps: its payload, or the first step that did not pass (for the abandoned draws). */
function openPart<P>(part: DrawProofBundle['commit'], type: string, schema: z.ZodType<P>, verifier: NoteVerifier, origin: string, opened: Map<string, Checkpoint | Error>): { leaf: Buffer; payload: P } | { problem: string } {
  const read = readEntry(part, type, schema);
  if (!read.payload) return { problem: read.outcome.detail };
  const leaf = leafHashOfText(part.entry);
  const hashed = leafOutcome(part, leaf);
  if (hashed.status !== 'pass') return { problem: hashed.detail };
  let checkpoint: Checkpoint;
  try {
    checkpoint = openNote(part, verifier, origin, opened);
  } catch (err) {
    return { problem: `its checkpoint: ${describeError(err)}` };
  }
  const included = inclusionOutcome(part, leaf, checkpoint);
  return included.status === 'pass' ? { leaf, payload: read.payload } : { problem: included.detail };
}

// ---- member and exclusion lines (§4) --------------------------------------------------------------------------------

/** Rules 1–6: the codes an exclusion line may carry (rule 7 applies only while ranking), and each one's bit. */
const PRE_RANKING_CODES: readonly string[] = EXCLUSION_CODES.filter((c) => c !== 'RELATIVE_ON_PANEL' && c !== 'EMPLOYER_CAP_ON_PANEL');
const BIT: Readonly<Record<string, number>> = Object.fromEntries(PRE_RANKING_CODES.map((c, i) => [c, 1 << i]));
const codesOf = (mask: number): string[] => PRE_RANKING_CODES.filter((c) => mask & BIT[c]!);
/** Code lists as written (`A,B`) → their mask, or -1 when not rule 1–6 codes in table order; a few distinct lists. */
const codeMasks = new Map<string, number>();
function maskOf(text: string): number {
  let mask = codeMasks.get(text);
  if (mask === undefined) {
    const at = text.split(',').map((c) => PRE_RANKING_CODES.indexOf(c));
    mask = at.some((i, k) => i < 0 || (k > 0 && i <= at[k - 1]!)) ? -1 : at.reduce((m, i) => m | (1 << i), 0);
    if (codeMasks.size < 4096) codeMasks.set(text, mask);
  }
  return mask;
}

/** One group's exclusion lines: the excluded members' indices in its table, ascending, and their code masks; throws naming the first bad line. */
function readExclusions(table: MemberTable, lines: readonly string[]): { excluded: Int32Array; codes: Int32Array } {
  const excluded = new Int32Array(lines.length);
  const codes = new Int32Array(lines.length);
  const read = exclusionReads(table);
  const known = new Float64Array(lines.length);
  // The last list read against this table, walked beside this one: both are in id order, so one pass finds the lines
  // they share (most of them) by comparing strings, quicker than looking each one up by its text.
  const { lines: before, known: knownBefore } = read.last;
  let j = 0;
  let previous = -1;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    while (j < before.length && before[j]! < line) j++;
    let value = j < before.length && before[j] === line ? knownBefore[j] : read.byText.get(line);
    if (value === undefined) {
      const tab = line.indexOf('\t');
      const end = line.length - 1;
      if (tab <= 0 || tab === end - 1 || line.indexOf('\t', tab + 1) >= 0 || line.indexOf('\n') !== end) throw new Error(`malformed exclusion line ${JSON.stringify(line)}`);
      const id = line.slice(0, tab);
      const text = line.slice(tab + 1, end);
      const mask = maskOf(text);
      if (mask < 0) throw new Error(`exclusion of ${id}: codes ${text} are not rule 1–6 codes in table order`);
      const i = table.indexOf(id);
      if (i === undefined) throw new Error(`excluded ${id} is not a member of the group`);
      value = i * CODE_SPAN + mask;
      if (read.byText.size >= EXCLUSION_READS_KEPT) read.byText.clear();
      read.byText.set(line, value);
    }
    const i = Math.floor(value / CODE_SPAN);
    if (i <= previous) throw new Error(`exclusion lines are not in strictly ascending id order at ${line.slice(0, line.indexOf('\t'))}`);
    previous = i;
    known[k] = value;
    excluded[k] = i;
    codes[k] = value % CODE_SPAN;
  }
  // A copy: the walk must not follow a later change to the caller's array.
  read.last = { lines: [...lines], known };
  return { excluded, codes };
}

/**
 * Exclusion lines read before against one table, by their text: the member's index times CODE_SPAN plus the codes'
 * mask; and the last list read whole, line by line. Draws at one pool version exclude mostly the same members for the
 * same reasons (status, unavailability), so most lines recur. Only a line that is well formed, of known codes and
 * naming a member is kept, and what is kept is a pure function of the line's text (Map keys and the walk compare by
 * content) and the table (never changed): a line's order is checked for each list all the same.
 */
interface ExclusionReads {
  readonly byText: Map<string, number>;
  last: { readonly lines: readonly string[]; readonly known: Float64Array };
}
const exclusionMemo = new WeakMap<MemberTable, ExclusionReads>();
const EXCLUSION_READS_KEPT = 1 << 12;
const CODE_SPAN = 1 << PRE_RANKING_CODES.length;
function exclusionReads(table: MemberTable): ExclusionReads {
  let read = exclusionMemo.get(table);
  if (!read) exclusionMemo.set(table, (read = { byText: new Map(), last: { lines: [], known: new Float64Array(0) } }));
  return read;
}

/** One group as the checks after `eligible` read it. */
interface GroupView {
  readonly table: MemberTable;
  /** Inside the group's region filter; null when it has none (every member). */
  readonly inRegion: ((i: number) => boolean) | null;
  readonly regionList: Int32Array | null;
  /** The excluded members' indices, ascending (no index twice). */
  readonly excluded: Int32Array;
  /** Their code masks (BIT), each non-zero, one for one. */
  readonly codes: Int32Array;
  readonly eligible: number;
}

/** The i-th eligible member's table index: the members inside the region filter, skipping the excluded ones. */
function eligibleGroup(specialty: string, count: number, alternates: number, view: GroupView): SamplingGroup {
  const { table, regionList } = view;
  // Positions (in the region list, or the table when there is no filter) of the excluded, ascending.
  const skipped: number[] = [];
  for (const i of view.excluded) {
    if (!regionList) skipped.push(i);
    else {
      const at = lowerBound(regionList, i);
      if (regionList[at] === i) skipped.push(at);
    }
  }
  return {
    specialty,
    count,
    alternates,
    size: view.eligible,
    candidate: (k: number) => {
      if (k < 0 || k >= view.eligible) throw new RangeError(`no eligible candidate ${k}`);
      const at = bucketIndex(skipped, k);
      return table.member(regionList ? regionList[at]! : at);
    },
  };
}


// ---- recusal rules 1–6, recomputed (§3 step 3) ----------------------------------------------------------------------

/** The rules by check, each with the codes it decides. */
const RULE_FAMILIES = {
  'recusal.parties': ['EMPLOYER_IS_TENDERER', 'EMPLOYER_IS_AGENCY', 'EMPLOYER_IS_BIDDER', 'EMPLOYER_IS_AVOIDED'],
  'recusal.positions': ['POSITION_AT_PARTY', 'RELATIVE_POSITION_AT_PARTY'],
  'recusal.prepared': ['PREPARED_PROJECT'],
  'recusal.status': ['SUSPENDED', 'BLACKLISTED', 'RETIRED', 'UNAVAILABLE'],
  'recusal.frequency': ['FREQUENCY_CAP', 'TENDERER_FREQUENCY_CAP'],
} as const;
type RuleFamily = keyof typeof RULE_FAMILIES;
const PARTY_CODES = { tenderer: 'EMPLOYER_IS_TENDERER', agency: 'EMPLOYER_IS_AGENCY', bidder: 'EMPLOYER_IS_BIDDER', avoid: 'EMPLOYER_IS_AVOIDED' } as const;

const FAMILY_MASKS = Object.fromEntries(Object.entries(RULE_FAMILIES).map(([family, codes]) => [family, codes.reduce((m, c) => m | BIT[c]!, 0)])) as Record<RuleFamily, number>;

/**
 * Each id's index in a table, -1 for none. Kept per ids array and table: a facts list read from its text is shared by
 * the bundles that publish it (reveal-facts.ts) and its ids array is never changed, nor is a table, so the answer is
 * a pure function of the two and holds for as long as the array lives. A selection list's ids are mostly those of the
 * list read before it (earlierIds): an id taken from there has the index worked out there, when it was.
 */
const indexCache = new WeakMap<readonly string[], Map<MemberTable, Int32Array>>();
const NOWHERE = new Int32Array(0);
function indicesIn(table: MemberTable, ids: readonly string[]): Int32Array {
  let byTable = indexCache.get(ids);
  if (!byTable) indexCache.set(ids, (byTable = new Map()));
  let at = byTable.get(table);
  if (!at) {
    at = new Int32Array(ids.length);
    const seen = factIds(table);
    const earlier = earlierIds(ids);
    const known = earlier && indexCache.get(earlier.ids)?.get(table);
    // Where each id stands in the earlier list whose indices are known (-1: looked up here).
    const from = known ? earlier.at : NOWHERE;
    for (let k = 0; k < ids.length; k++) {
      const j = k < from.length ? from[k]! : -1;
      if (j >= 0) {
        at[k] = known![j]!;
        continue;
      }
      const id = ids[k]!;
      let i = seen.get(id);
      if (i === undefined) {
        i = table.indexOf(id) ?? -1;
        if (seen.size >= FACT_IDS_KEPT) seen.clear();
        seen.set(id, i);
      }
      at[k] = i;
    }
    byTable.set(table, at);
  }
  return at;
}

/**
 * The ids the facts named before, with their index in one table (-1 for none): the few hundred ids a pool's facts name
 * recur draw after draw, and a small map of them is much quicker to ask than the table's index of every member. A pure
 * function of the id's text (Map keys compare by content) and the table (never changed).
 */
const factIdMemo = new WeakMap<MemberTable, Map<string, number>>();
const FACT_IDS_KEPT = 1 << 12;
function factIds(table: MemberTable): Map<string, number> {
  let seen = factIdMemo.get(table);
  if (!seen) factIdMemo.set(table, (seen = new Map()));
  return seen;
}

/**
 * Rule 5's codes by member index of a table, from the status and unavailable lines (the pool's at one version, alike
 * in every draw at it) and the reference date: the last answer per table is kept. It is a pure function of the two
 * lists as read (reveal-facts.ts keeps a read by the lines' content and never changes it, so the same read object
 * means the same lines), the table (never changed) and the date, all of which the entry holds and is compared on.
 */
const rule5Memo = new WeakMap<MemberTable, { readonly status: ReadFacts['status']; readonly unavailable: ReadFacts['unavailable']; readonly refDate: string; readonly masks: Int32Array }>();
function rule5Masks(table: MemberTable, facts: ReadFacts, refDate: string): Int32Array {
  const kept = rule5Memo.get(table);
  if (kept && kept.status === facts.status && kept.unavailable === facts.unavailable && kept.refDate === refDate) return kept.masks;
  const masks = new Int32Array(table.size);
  const status = facts.status;
  let at = indicesIn(table, status.ids);
  for (let k = 0; k < at.length; k++) {
    if (at[k]! < 0) continue;
    const s = status.facts[k]!;
    if (s.status === 'suspended' && (s.until === null || s.until >= refDate)) masks[at[k]!]! |= BIT.SUSPENDED!;
    if (s.status === 'blacklisted') masks[at[k]!]! |= BIT.BLACKLISTED!;
    if (s.status === 'retired') masks[at[k]!]! |= BIT.RETIRED!;
  }
  at = indicesIn(table, facts.unavailable.ids);
  for (let k = 0; k < at.length; k++) if (at[k]! >= 0) masks[at[k]!]! |= BIT.UNAVAILABLE!;
  rule5Memo.set(table, { status: facts.status, unavailable: facts.unavailable, refDate, masks });
  return masks;
}

/**
 * Every code of rules 1–6 the revealed project, policy and facts give each member of one group, by member index. Only
 * the members the parties, preparedBy or the facts name can carry one, so the work follows those, not the group.
 * `capped`: the selection lines' frequency caps (cappedRuns).
 */
function expectedMasks(table: MemberTable, ctx: ConflictContext, facts: ReadFacts | undefined, capped: readonly CappedRun[]): Int32Array {
  const masks = facts ? rule5Masks(table, facts, ctx.refDate).slice() : new Int32Array(table.size);
  for (const [org, roles] of ctx.parties) {
    let bits = 0;
    for (const role of roles) bits |= BIT[PARTY_CODES[role]]!;
    for (const i of table.employedBy(org)) masks[i]! |= bits;
  }
  for (const id of ctx.preparedBy) {
    const i = table.indexOf(id);
    if (i !== undefined) masks[i]! |= BIT.PREPARED_PROJECT!;
  }
  if (!facts) return masks;
  const positions = facts.positions;
  let at = indicesIn(table, positions.ids);
  for (let k = 0; k < at.length; k++) {
    const p = positions.facts[k]!;
    if (at[k]! >= 0 && (p.until === null || p.until >= ctx.windowStart)) masks[at[k]!]! |= BIT[p.holder === 'self' ? 'POSITION_AT_PARTY' : 'RELATIVE_POSITION_AT_PARTY']!;
  }
  at = indicesIn(table, facts.selections.ids);
  for (const run of capped) if (at[run.first]! >= 0) masks[at[run.first]!]! |= run.bits;
  return masks;
}

/** A member at a frequency cap: the first of its selection lines, and the codes its lines give (rule 6). */
interface CappedRun {
  readonly first: number;
  readonly bits: number;
}

/**
 * The members the selection lines put at a frequency cap, whatever their group: the lines are in order, so one
 * member's lines are adjacent, and each run is counted once per bundle, not once per group.
 */
function cappedRuns(ctx: ConflictContext, facts: ReadFacts | undefined): CappedRun[] {
  const capped: CappedRun[] = [];
  if (!facts) return capped;
  const { ids, facts: lines } = facts.selections;
  // A run shorter than both caps reaches neither: most members have a selection or two.
  const shortest = Math.min(ctx.maxDraws, ctx.maxDrawsSameTenderer);
  for (let k = 0; k < ids.length; ) {
    const first = k;
    while (k < ids.length && ids[k] === ids[first]) k++;
    if (k - first < shortest) continue;
    let recent = 0;
    let sameTenderer = 0;
    for (let n = first; n < k; n++) {
      const p = lines[n]!;
      if (p.atMs >= ctx.frequencySinceMs) recent++;
      if (p.tenderer === ctx.tenderer && p.atMs >= ctx.tendererSinceMs) sameTenderer++;
    }
    const bits = (recent >= ctx.maxDraws ? BIT.FREQUENCY_CAP! : 0) | (sameTenderer >= ctx.maxDrawsSameTenderer ? BIT.TENDERER_FREQUENCY_CAP! : 0);
    if (bits !== 0) capped.push({ first, bits });
  }
  return capped;
}

/**
 * Per rule family, where the revealed exclusion lines and the recomputed codes part, for every member inside its
 * group's region filter that either side excludes: everyone excluded, in id order; then everyone else the rules give a
 * code, in id order.
 */
function recusalProblems(views: readonly GroupView[], ctx: ConflictContext, facts: ReadFacts | undefined): { problems: Record<RuleFamily, string[]>; unpublished: string[] } {
  const problems = Object.fromEntries(Object.keys(RULE_FAMILIES).map((k) => [k, [] as string[]])) as Record<RuleFamily, string[]>;
  // Frequency codes the published selections do not explain: the reveal publishes only selections of draws disclosed
  // before it (§10.2), so a cap reached through an undisclosed draw shows as a code without its reason here.
  const unpublished: string[] = [];
  const families = Object.entries(FAMILY_MASKS) as Array<[RuleFamily, number]>;
  const capped = cappedRuns(ctx, facts);
  views.forEach((view, g) => {
    const { table, excluded, codes } = view;
    const expected = expectedMasks(table, ctx, facts, capped);
    const compare = (i: number, revealed: number) => {
      const want = expected[i]!;
      if (want === revealed || (view.inRegion && !view.inRegion(i))) return;
      const id = table.ids[i]!;
      for (const [family, bits] of families) {
        if ((want & bits) === (revealed & bits)) continue;
        if (family === 'recusal.frequency' && (want & bits & ~revealed) === 0) {
          unpublished.push(`group ${g}: ${id} (${codesOf(revealed & bits & ~want).join(',')})`);
          continue;
        }
        const why = family === 'recusal.parties' ? ` (employer ${table.employers[i]})` : '';
        problems[family].push(`group ${g}: ${id}${why} should carry ${codesOf(want & bits).join(',') || 'none of these codes'}, its exclusion line has ${codesOf(revealed & bits).join(',') || 'none'}`);
      }
    };
    for (let k = 0; k < excluded.length; k++) if (expected[excluded[k]!] !== codes[k]) compare(excluded[k]!, codes[k]!);
    // The excluded are ascending: one pass over the group skips them.
    let next = 0;
    for (let i = 0; i < table.size; i++) {
      if (next < excluded.length && excluded[next] === i) next++;
      else if (expected[i] !== 0) compare(i, 0);
    }
  });
  return { problems, unpublished };
}

/** What a reveal publishes of the lines a draw read (§10.1), and what an abandoned draw's draw.lines entry does (§11). */
type PublishedLines = Pick<RevealPayload, 'groups' | 'facts' | 'project' | 'request' | 'policy'>;

/**
 * Step 3's lines: each group's member and exclusion lines hash to the commit's digests (§4). Answers the SHA-256 of each
 * group's member lines as computed here, once they matched the commit: the key of its table. `waiting`: why the checks
 * cannot run yet (the groups do not line up), or null.
 */
function checkDigests(checks: Checks, c: CommitPayload | undefined, v: PublishedLines | undefined, waiting: () => Outcome | null): string[] {
  const memberDigests: string[] = [];
  const digestCheck = (which: 'members' | 'exclusions'): Outcome => {
    const wait = waiting();
    if (wait || !c || !v) return wait ?? skipped('needs the commit and the lines');
    const [countField, digestField] = which === 'members' ? (['membersCount', 'membersDigest'] as const) : (['excludedCount', 'exclusionDigest'] as const);
    const problems: string[] = [];
    c.groups.forEach((g, i) => {
      const lines = v.groups[i]![which];
      if (lines.length !== g[countField]) problems.push(`group ${i}: ${lines.length} lines, the commit counts ${g[countField]}`);
      // Lines equal, one by one, to lines hashed before have their digest; any others are hashed here.
      const digest = knownTable(lines)?.digest ?? linesDigest(lines);
      if (digest !== g[digestField]) problems.push(`group ${i}: the lines hash to ${digest}, the commit holds ${g[digestField]}`);
      else if (which === 'members') memberDigests[i] = digest;
    });
    return problems.length === 0 ? pass(`${c.groups.map((g) => g[countField]).join(' + ')} lines`) : fail(problems.join('; '));
  };
  checks.run('reveal.members', 'the revealed member lines hash to the commit’s membersDigest per group (§4)', () => digestCheck('members'));
  checks.run('reveal.exclusions', 'the revealed exclusion lines hash to the commit’s exclusionDigest per group (§4)', () => digestCheck('exclusions'));
  return memberDigests;
}

/**
 * The published project, request and policy are the ones the commit hashed; with them, the eligible lists, the region
 * filters, the facts and recusal rules 1–6 recomputed from the lines (§3, §10.2). Answers the eligible lists and the
 * policy where their checks passed: the ranking reads them.
 */
function checkRules(
  checks: Checks,
  c: CommitPayload | undefined,
  v: PublishedLines | undefined,
  memberDigests: readonly string[],
  needEntries: (...names: PartName[]) => Outcome,
  waiting: () => Outcome | null,
): { views: GroupView[] | undefined; policy: Policy | undefined } {
  // The project, request and policy the reveal publishes are the ones the commit hashed; the region filters and the
  // ranking read them.
  let request: { project: Project; request: DrawRequest } | undefined;
  checks.run('reveal.request', 'the revealed project and request hash to the commit’s requestHash', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    const h = jcsHashHex({ project: v.project, request: v.request });
    if (h !== c.requestHash) return fail(`JCS({project, request}) hashes to ${h}, the commit holds ${c.requestHash}`);
    const project = revealedProject(v.project);
    const req = parsedAlike(requests, DrawRequest, v.request);
    if (!project.success) return fail(`the revealed project is malformed: ${issues(project.error)}`);
    if (!req.success) return fail(`the revealed request is malformed: ${issues(req.error)}`);
    // The commit's projectId is the id of the project the draw read (§5): the one its requestHash covers.
    if (project.data.id !== c.projectId) return fail(`the revealed project is ${project.data.id}, the commit names ${c.projectId}`);
    request = { project: project.data, request: req.data };
    return pass(`project ${project.data.id}, tenderer ${project.data.tenderer}, ${req.data.groups.length} group(s)`);
  });
  let policy: Policy | undefined;
  checks.run('policy', 'the revealed policy hashes to the commit’s policyHash', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    const text = jcs(v.policy);
    const h = sha256Hex(text);
    if (h !== c.policyHash) return fail(`the revealed policy hashes to ${h}, the commit holds ${c.policyHash}`);
    const parsed = parsedAlike(policies, Policy, v.policy, text);
    if (!parsed.success) return fail(`the revealed policy is malformed: ${issues(parsed.error)}`);
    policy = parsed.data;
    return pass(`maxPerEmployerPerPanel ${policy.maxPerEmployerPerPanel}`);
  });

  // The eligible lists: the member lines inside the group's region filter, minus the excluded ids (§4), exactly as
  // many as the commit counts.
  let views: GroupView[] | undefined;
  checks.run('eligible', 'each group’s eligible list is its member lines in its region filter minus its exclusion lines, as many as the commit counts', () => {
    const wait = waiting();
    if (wait || !c || !v) return wait ?? needEntries('commit', 'reveal');
    if (!request || !policy) return skipped('needs the revealed request and policy (see reveal.request, policy)');
    if (memberDigests.length !== c.groups.length || memberDigests.includes(undefined as never)) return skipped('needs member lines that match the commit (see reveal.members)');
    const list: GroupView[] = [];
    const outside: number[] = [];
    for (const [i, g] of c.groups.entries()) {
      const group = request.request.groups[i];
      if (!group || group.specialty !== g.specialty) return fail(`group ${i} of the request is ${group?.specialty ?? 'missing'}, the commit's is ${g.specialty}`);
      const table = memberTable(memberDigests[i]!, v.groups[i]!.members);
      const { excluded, codes } = readExclusions(table, v.groups[i]!.exclusions);
      const test = regionTest(group, request.project, policy);
      const regionList = test ? table.inRegion(`${jcs(group.regions)}/${request.project.region}/${policy.localRegionLevel}`, test) : null;
      const inRegion = test ? (k: number) => test(table.regions[k]!) : null;
      let excludedInRegion = 0;
      for (const k of excluded) if (!inRegion || inRegion(k)) excludedInRegion++;
      const eligible = (regionList ? regionList.length : table.size) - excludedInRegion;
      if (eligible !== g.eligibleCount) return fail(`group ${i}: ${eligible} members are in its region filter and not excluded, the commit counts ${g.eligibleCount}`);
      list.push({ table, inRegion, regionList, excluded, codes, eligible });
      outside.push(regionList ? table.size - regionList.length : 0);
    }
    views = list;
    const out = outside.reduce((a, b) => a + b, 0);
    return pass(`${list.map((l) => l.eligible).join(' + ')} eligible${out > 0 ? ` (${out} outside the region filters)` : ''}`);
  });

  // Members outside a group's region filter are not members of it for the rules: none may be excluded (§3 step 2).
  checks.run('region', 'every exclusion line names a member inside its group’s region filter (§3 step 2)', () => {
    if (!views) return skipped('needs the eligible lists');
    const wrong: string[] = [];
    views.forEach((view, g) => {
      for (const k of view.excluded) if (view.inRegion && !view.inRegion(k)) wrong.push(`group ${g}: ${view.table.ids[k]} (region ${view.table.regions[k]})`);
    });
    if (wrong.length > 0) return fail(`excluded though outside the region filter: ${wrong.join('; ')}`);
    const filtered = views.filter((w) => w.inRegion).length;
    return pass(filtered === 0 ? 'no group has a region filter' : `${filtered} group(s) with a region filter`);
  });

  // One pool behind every group: an expert in several groups has one line, and close relatives are mutual (§2).
  checks.run('members.consistent', 'an expert in several groups has the same member line in each, and every relative named is named back (§2)', () => {
    if (!views) return skipped('needs the eligible lists');
    const tables = views.map((w) => w.table);
    const problems = consistencyProblems(tables);
    return problems.length === 0 ? pass(`${tables.length} group(s), ${tables.reduce((n, t) => n + t.withRelatives.length, 0)} member line(s) naming relatives`) : fail(problems.slice(0, 5).join('; '));
  });

  // The facts the disclosure publishes (§10.2), read against the revealed project and policy.
  let ctx: ConflictContext | undefined;
  let facts: ReadFacts | undefined;
  const factsPresent = checks.run('facts', 'the revealed facts are well formed, in order, and name only members inside a region filter (§10.2)', () => {
    if (!v) return needEntries('reveal');
    if (!views || !request || !policy) return skipped('needs the eligible lists');
    ctx = factsContext(request.project, policy);
    if (!v.facts) return unverifiable('the reveal carries no facts (written before they were published): rules 2, 3, 5 and 6 are taken as revealed');
    const groups = views;
    const inside: InsideTest = (ids) => {
      const at = groups.map((w) => indicesIn(w.table, ids));
      return (k) => {
        for (let g = 0; g < groups.length; g++) {
          const i = at[g]![k]!;
          if (i >= 0 && (!groups[g]!.inRegion || groups[g]!.inRegion!(i))) return true;
        }
        return false;
      };
    };
    facts = readFacts(v.facts, inside, ctx);
    const f = v.facts;
    return pass(`${f.status.length} status, ${f.unavailable.length} unavailable, ${f.positions.length} position, ${f.selections.length} selection line(s)`);
  });

  // Rules 1–6 recomputed for every member inside a region filter and compared with the exclusion lines, rule by rule.
  let recusal: ReturnType<typeof recusalProblems> | undefined;
  const NEEDS_FACTS: readonly RuleFamily[] = ['recusal.positions', 'recusal.status', 'recusal.frequency'];
  const RULE_TITLES: Record<RuleFamily, string> = {
    'recusal.parties': 'rule 1: exactly the members employed by the tenderer, the agency, a bidder or an avoided organisation are excluded for it',
    'recusal.positions': 'rules 2–3: exactly the members holding, or with a relative holding, a position at a party within the window are excluded for it',
    'recusal.prepared': 'rule 4: exactly the members named as having prepared the project are excluded for it',
    'recusal.status': 'rule 5: exactly the suspended, blacklisted, retired and unavailable members are excluded for it',
    'recusal.frequency': 'rule 6: exactly the members at a frequency cap are excluded for it',
  };
  for (const family of Object.keys(RULE_FAMILIES) as RuleFamily[]) {
    checks.run(family, RULE_TITLES[family], () => {
      if (!views || !ctx) return skipped('needs the eligible lists and the revealed project and policy');
      if (NEEDS_FACTS.includes(family) && !facts) {
        return factsPresent ? skipped('needs well-formed facts') : v?.facts ? skipped('needs well-formed facts (see facts)') : unverifiable('the reveal carries no facts: these codes are taken as revealed');
      }
      recusal ??= recusalProblems(views, ctx, facts);
      const found = recusal.problems[family];
      if (found.length > 0) return fail(found.slice(0, 5).join('; ') + (found.length > 5 ? `; and ${found.length - 5} more` : ''));
      const open = family === 'recusal.frequency' ? recusal.unpublished : [];
      if (open.length > 0) {
        return unverifiable(`${open.length} frequency exclusion(s) rest on selections this reveal does not publish (draws not yet disclosed when it was written): ${open.slice(0, 5).join('; ')}${open.length > 5 ? '; …' : ''}`);
      }
      const codes: readonly string[] = RULE_FAMILIES[family];
      const bits = FAMILY_MASKS[family];
      let n = 0;
      for (const w of views) for (let k = 0; k < w.codes.length; k++) if ((w.codes[k]! & bits) !== 0) n++;
      return pass(`${n} exclusion(s) for ${codes.join(', ')}, as recomputed`);
    });
  }
  return { views, policy };
}

/**
 * Project.safeParse of a revealed project, once per parsed value: the times check and reveal.request both read it, and
 * the value (a bundle's, never changed) answers alike both times.
 */
const revealedProjects = new WeakMap<object, ReturnType<typeof Project.safeParse>>();
function revealedProject(value: unknown): ReturnType<typeof Project.safeParse> {
  if (value === null || typeof value !== 'object') return Project.safeParse(value);
  let parsed = revealedProjects.get(value);
  if (!parsed) revealedProjects.set(value, (parsed = Project.safeParse(value)));
  return parsed;
}

/**
 * A schema's answer for a revealed JSON object, kept by the object's canonical text (RFC 8785): equal texts are equal
 * JSON values, which a schema answers alike. The policy and the request recur draw after draw, and their schemas fill
 * defaults, so parsing them costs more than writing the text. A parsed value is frozen: it is handed to every bundle
 * that reveals the same text. Anything but a plain object is parsed as it is.
 */
type Parsed<T> = ReturnType<z.ZodType<T>['safeParse']>;
const policies = new Map<string, Parsed<Policy>>();
const requests = new Map<string, Parsed<DrawRequest>>();
const PARSED_KEPT = 64;
function parsedAlike<T>(kept: Map<string, Parsed<T>>, schema: z.ZodType<T>, value: unknown, text?: string): Parsed<T> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return schema.safeParse(value);
  const key = text ?? jcs(value);
  let parsed = kept.get(key);
  if (!parsed) {
    parsed = schema.safeParse(value);
    if (parsed.success) deepFreeze(parsed.data);
    if (kept.size >= PARSED_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(key, parsed);
  }
  return parsed;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const x of Object.values(value)) deepFreeze(x);
}

/**
 * One logged `draw.result` entry with its inclusion proof, as a remote site's sealed file carries it (`result`): its
 * payload once the entry is canonical, of that type, and in a tree the log key signed; otherwise what is wrong.
 */
export function verifyResultPart(part: unknown, verifierKey: string): { payload: ResultPayload; index: number } | { problem: string } {
  const parsed = Part.safeParse(part);
  if (!parsed.success) return { problem: `not a log entry with its inclusion proof: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'part'}: ${i.message}`).join('; ')}` };
  const verifier = verifierFor(verifierKey.trim());
  const opened = openPart(parsed.data, RESULT_ENTRY_TYPE, ResultPayload, verifier, verifier.name, new Map());
  return 'problem' in opened ? opened : { payload: opened.payload, index: parsed.data.index };
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
 * malformed verifier key, which is the caller's input rather than the bundle's. `cut`: the reveal entry's text as
 * readProofFile cut it from the file (kept-lists.ts), used when it is the bundle's reveal entry.
 */
export function verifyDrawProof(bundle: unknown, options: VerifyDrawProofOptions, cut?: CutText): DrawProofReport {
  return verifyDrawProofWithFacts(bundle, options, cut).report;
}

/**
 * verifyDrawProof, and the facts the bundle adds to the checks across a run of bundles (run-checks.ts): what the log
 * key vouches for in it, which another bundle of the run may contradict.
 */
export function verifyDrawProofWithFacts(bundle: unknown, options: VerifyDrawProofOptions, cut?: CutText): { report: DrawProofReport; facts: RunFacts } {
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
    notChecked: [...NOT_CHECKED, ...(commit ? entropyTrust(commit.entropy) : []), ...(options.kept ? [] : [NOT_CHECKED_WITHOUT_KEPT])],
    ...(panels ? { panels } : {}),
    ...(abandonedOpen.length > 0 ? { abandonedOpen } : {}),
  });
  let panels: Array<{ eligible: string[]; selected: string[] }> | undefined;
  let abandonedOpen: Array<'failed' | 'aborted' | null> = [];

  // 0. The bundle's shape: without it nothing else can be read.
  checks.run('bundle', 'the file is a draw proof bundle', () =>
    parsed.success ? pass(`draw ${parsed.data.drawId}: entries ${parsed.data.commit.index}, ${parsed.data.result.index}, ${parsed.data.reveal.index}`) : fail(errorAnswerOf(bundle) ?? issues(parsed.error)),
  );
  if (!parsed.success) return { report: report(), facts: NO_RUN_FACTS };
  const b = parsed.data;

  // 1. Each entry: canonical, of its type, hashed to its leaf, in a tree whose checkpoint the log key signed.
  const commit = checkPart(checks, 'commit', b.commit, COMMIT_ENTRY_TYPE, CommitPayload, verifier, origin, opened);
  const result = checkPart<ResultPayload>(checks, 'result', b.result, RESULT_ENTRY_TYPE, ResultPayload, verifier, origin, opened);
  // Member lists seen in earlier bundles (same pool version and specialty) are compared, not canonicalised again.
  const known: KnownJson = (array) => (array.length >= 64 ? knownTable(array)?.table.json : undefined);
  // A file read with the reveal's kept lists cut out (readProofFile) hands its text along: it is this very entry. A
  // bundle read otherwise has them cut from the entry's text here.
  const revealCut = cut?.text === b.reveal.entry ? cut : cutText(b.reveal.entry);
  const reveal = checkPart<RevealPayload>(checks, 'reveal', b.reveal, REVEAL_ENTRY_TYPE, RevealLines, verifier, origin, opened, known, revealCut);
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

  // The entries' times (§5 `time`): in log order, give or take the clocks of two instances; the commit before the bid
  // opening (nobody draws after it), the reveal at or after it (the list is unsealed only from then, §10.2).
  checks.run('times', 'the entries’ times follow log order; the commit is before the bid opening, the reveal not before it', () => {
    if (!c || !r || !v) return needEntries('commit', 'result', 'reveal');
    const project = revealedProject(v.project);
    if (!project.success) return skipped('needs the revealed project (see reveal.request)');
    // The three parts' times as their checks read them (the reveal is the bundle's bulk: it is not parsed again); the
    // few small entries besides are read here.
    const small = (name: string, part: { index: number; entry: string }, disclosure = false) => ({ name, index: part.index, time: entryTime(part.entry), disclosure });
    const timed = [
      ...(b.planned ? [small('plan', b.planned.plan), ...b.planned.deposits.map((d, k) => small(`deposit ${k}`, d))] : []),
      ...(b.abandoned ?? []).flatMap((a, k) => [small(`earlier draw ${k}’s commit`, a.commit), small(`earlier draw ${k}’s end`, a.end), ...(a.lines ? [small(`earlier draw ${k}’s lines`, a.lines, true)] : [])]),
      { name: 'commit', index: b.commit.index, time: validTime(commit.time), disclosure: false },
      { name: 'result', index: b.result.index, time: validTime(result.time), disclosure: false },
      { name: 'reveal', index: b.reveal.index, time: validTime(reveal.time), disclosure: true },
    ].sort((x, y) => x.index - y.index);
    const problems: string[] = [];
    for (const e of timed) if (e.time === null) problems.push(`the ${e.name} (entry ${e.index}) has no time`);
    if (problems.length > 0) return fail(problems.join('; '));
    for (let i = 1; i < timed.length; i++) {
      const [before, after] = [timed[i - 1]!, timed[i]!];
      // A draw's result is written by the process that logged its commit, whose log never dates an entry before the
      // last it wrote (docs/log.md): no tolerance there. Between other entries two instances' clocks may meet.
      const skew = before.name === 'commit' && after.name === 'result' ? 0 : CLOCK_SKEW_MS;
      if (Date.parse(after.time!) < Date.parse(before.time!) - skew) problems.push(`the ${after.name} (entry ${after.index}, ${after.time}) is dated before the ${before.name} (entry ${before.index}, ${before.time})`);
    }
    const opening = project.data.bidOpeningAt;
    const at = (name: string) => timed.find((e) => e.name === name)!.time!;
    if (!(Date.parse(at('commit')) < Date.parse(opening))) problems.push(`the commit is dated ${at('commit')}, not before the bid opening ${opening}`);
    // The reveal, and an earlier draw's lines published with it (§11), not before the opening.
    for (const e of timed) if (e.disclosure && Date.parse(e.time!) < Date.parse(opening)) problems.push(`the ${e.name} is dated ${e.time}, before the bid opening ${opening}`);
    return problems.length === 0 ? pass(`commit ${at('commit')}, result ${at('result')}, bid opening ${opening}, reveal ${at('reveal')}`) : fail(problems.join('; '));
  });

  // The hash chain where the bundle holds neighbours: an entry right after another names that one's leaf hash as prev.
  // The commit and the result are adjacent unless another append joined the draw's group commit between them.
  const parts = { commit, result, reveal };
  const adjacent = (['commit', 'result', 'reveal'] as const).flatMap((name, i, all) => {
    const before = i > 0 ? all[i - 1]! : undefined;
    return before && b[name].index === b[before].index + 1 ? [[before, name] as const] : [];
  });
  if (adjacent.length > 0) {
    checks.run('chain', 'an entry right after another names that entry’s leaf hash as prev (the hash chain)', () => {
      const problems: string[] = [];
      for (const [before, after] of adjacent) {
        const prev = parts[after].prev;
        const leaf = parts[before].leaf.toString('hex');
        if (prev !== leaf) problems.push(`the ${after} entry (index ${b[after].index}) names prev ${prev ?? '(none)'}, the ${before} entry’s leaf hash is ${leaf}`);
      }
      const checked = adjacent.map(([x, y]) => `${x} → ${y}`).join(', ');
      return problems.length === 0 ? pass(`${checked}: prev is the leaf hash of the entry before`) : fail(problems.join('; '));
    });
  }

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
  const memberDigests = checkDigests(checks, c, v, () => (!groupsAligned || !c || !v ? needGroups() : null));

  // 3b. A planned draw (§6.2): the commit follows the plan logged at scheduling, and its witness commitments are the
  // deposits for that plan, logged after it and before its close, in log order.
  if ((c && isPlanned(c.entropy)) || b.planned) {
    let plan: { index: number; payload: PlannedPayload } | undefined;
    checks.run(PLANNED_CHECKS.plan, 'the commit follows its plan: the draw.planned entry it names, in the tree, with the same draw, project and nonceHash, logged before it (§6.2)', () => {
      if (!c) return needEntries('commit');
      if (!isPlanned(c.entropy)) return fail(`the bundle carries a plan (entry ${b.planned!.plan.index}), the commit names none`);
      if (!b.planned) return unverifiable(`the commit names plan entry ${c.entropy.planIndex}, the bundle carries no plan`);
      const opened_ = openPart(b.planned.plan, PLANNED_ENTRY_TYPE, PlannedPayload, verifier, origin, opened);
      if ('problem' in opened_) return fail(`the plan entry: ${opened_.problem}`);
      const p = opened_.payload;
      const problems: string[] = [];
      if (b.planned.plan.index !== c.entropy.planIndex) problems.push(`the commit names plan entry ${c.entropy.planIndex}, the bundle’s is at ${b.planned.plan.index}`);
      if (p.drawId !== c.drawId) problems.push(`the plan is for draw ${p.drawId}, the commit is ${c.drawId}`);
      if (p.projectId !== c.projectId) problems.push(`the plan is for project ${p.projectId}, the commit’s is ${c.projectId}`);
      if (p.nonceHash !== c.nonceHash) problems.push(`the plan fixed nonceHash ${p.nonceHash}, the commit holds ${c.nonceHash}`);
      if (!(b.planned.plan.index < b.commit.index)) problems.push(`the plan (entry ${b.planned.plan.index}) is not before the commit (entry ${b.commit.index})`);
      if (problems.length > 0) return fail(problems.join('; '));
      plan = { index: b.planned.plan.index, payload: p };
      return pass(`entry ${plan.index}: draw ${p.drawId}, nonceHash ${p.nonceHash}, deposits close ${p.depositsCloseAt}, ${p.witnesses.required} required (${p.witnesses.onShort} when short)`);
    });
    checks.run(PLANNED_CHECKS.deposits, 'the commit’s witnessCommitments are the deposits for its plan, in log order, each logged after the plan and before its close (§6.2)', () => {
      if (!c || !b.planned) return needEntries('commit');
      if (!plan) return skipped('needs the plan (see plan)');
      const problems: string[] = [];
      const commitments: string[] = [];
      const witnesses = new Set<string>();
      let last = plan.index;
      for (const [k, part] of b.planned.deposits.entries()) {
        const d = openPart(part, DEPOSIT_ENTRY_TYPE, DepositPayload, verifier, origin, opened);
        if ('problem' in d) {
          problems.push(`deposit ${k}: ${d.problem}`);
          continue;
        }
        const time = (JSON.parse(part.entry) as { time: string }).time;
        if (d.payload.drawId !== plan.payload.drawId || d.payload.projectId !== plan.payload.projectId) problems.push(`deposit ${k} (entry ${part.index}) is for ${d.payload.projectId}/${d.payload.drawId}, not the plan’s`);
        if (!(part.index > last)) problems.push(`deposit ${k} (entry ${part.index}) is not after ${k === 0 ? 'the plan' : 'the deposit before it'} (entry ${last})`);
        if (!(part.index < b.commit.index)) problems.push(`deposit ${k} (entry ${part.index}) is not before the commit`);
        if (!(time < plan.payload.depositsCloseAt)) problems.push(`deposit ${k} (entry ${part.index}) was logged ${time}, not before the close ${plan.payload.depositsCloseAt}`);
        if (witnesses.has(d.payload.witness.user)) problems.push(`deposit ${k}: a second deposit by ${d.payload.witness.user}`);
        witnesses.add(d.payload.witness.user);
        last = part.index;
        commitments.push(d.payload.commitment);
      }
      if (problems.length > 0) return fail(problems.join('; '));
      const committed = c.entropy.witnessCommitments;
      if (jcs(commitments) !== jcs(committed)) {
        return fail(`the deposits’ commitments in log order are [${commitments.join(', ')}], the commit’s witnessCommitments [${committed.join(', ')}]`);
      }
      return pass(`${commitments.length} deposit(s) at ${b.planned.deposits.map((x) => x.index).join(', ') || '(none)'}, the commit’s ${committed.length} commitment(s) in order`);
    });
  }
  if (c && (c.entropy.witnessCommitments.length > 0 || v?.witnessReveals)) {
    checks.run(PLANNED_CHECKS.witnesses, 'the revealed witness secrets hash to the commit’s witnessCommitments, in order (§6)', () => {
      if (!v) return needEntries('reveal');
      const reveals = v.witnessReveals ?? [];
      const committed = c.entropy.witnessCommitments;
      if (!v.witnessReveals) return unverifiable(`the commit holds ${committed.length} witness commitment(s); the reveal carries no secrets`);
      if (reveals.length !== committed.length) return fail(`${reveals.length} secret(s) revealed, the commit holds ${committed.length} commitment(s)`);
      const wrong = reveals.flatMap((r, i) => (witnessCommitment(Buffer.from(r, 'hex')) === committed[i] ? [] : [i]));
      return wrong.length === 0 ? pass(`${reveals.length} secret(s)`) : fail(`secret(s) ${wrong.join(', ')} do not hash to their commitment`);
    });
  }

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
  checks.run('seed', 'the seed follows from the commit’s entropy plan, the commit (its leaf hash; a planned draw: its payload’s hash) and the nonce (§6)', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    const plan = c.entropy;
    if (plan.beacon && !beaconRandomness) return skipped(`needs drand round ${plan.beacon.round} verified (see beacon)`);
    if (plan.witnessCommitments.length > 0 && !v.witnessReveals) {
      return unverifiable(`assurance ${assuranceOf(plan)}: the seed needs ${plan.witnessCommitments.length} witness reveal(s), which the bundle does not carry`);
    }
    const witnessReveals = (v.witnessReveals ?? []).map((r) => Buffer.from(r, 'hex'));
    // A planned draw's seed binds the commit payload's hash (§6.2), computed here from the entry's own bytes.
    const payloadHash = isPlanned(plan) ? { commitPayloadHash: createHash('sha256').update(jcs((JSON.parse(b.commit.entry) as { payload: unknown }).payload)).digest() } : {};
    seed = deriveSeed(plan, c.nonceHash, { nonce: Buffer.from(v.nonce, 'hex'), commitLeafHash: commit.leaf, ...payloadHash, beaconRandomness: beaconRandomness ?? null, witnessReveals });
    const from = plan.beacon ? `the server nonce and drand round ${plan.beacon.round}` : witnessReveals.length > 0 ? `the server nonce and ${witnessReveals.length} witness secret(s)` : 'the server nonce alone';
    return pass(`${seed.toString('hex')} (assurance ${assuranceOf(plan)}: ${from}${isPlanned(plan) ? `; planned at entry ${plan.planIndex}, binding SHA-256(JCS(commit payload))` : ''})`);
  });

  const { views, policy } = checkRules(checks, c, v, memberDigests, needEntries, () => (!groupsAligned || !c || !v ? needGroups() : null));

  // 5. The ranking and its extension, recomputed with the engine's own sampler from the seed and the eligible lists.
  let sampler: DrawSampler | undefined;
  let ranked: RankedGroup[] | undefined;
  checks.run('ranking', 'the ranking recomputed from the seed and the lines is the revealed result (§8)', () => {
    if (!c || !v) return needEntries('commit', 'reveal');
    if (!seed) return skipped('needs the seed');
    if (!views) return skipped('needs exact eligible lists');
    if (!policy) return skipped('needs the draw’s policy');
    sampler = new DrawSampler(
      c.groups.map((g, i) => eligibleGroup(g.specialty, g.count, g.alternates, views![i]!)),
      seed,
      policy.maxPerEmployerPerPanel,
    );
    ranked = sampler.rank();
    const recomputed: DrawResult = { algorithm: ALGORITHM_ID, drawId: c.drawId, groups: ranked };
    if (sameResult(recomputed, v.result)) {
      if (options.panels) {
        panels = c.groups.map((g, i) => {
          const group = eligibleGroup(g.specialty, g.count, g.alternates, views![i]!);
          return { eligible: Array.from({ length: group.size }, (_, k) => group.candidate(k).id), selected: [...ranked![i]!.selected] };
        });
      }
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
      if (!sameStrings(ids, v.extension[i]!)) return fail(`group ${i}: recomputed ${ids.join(' ')}, revealed ${v.extension[i]!.join(' ')}`);
    }
    return pass(recomputed.map((ids, i) => `group ${i}: ${ids.length}`).join('; '));
  });

  // 5b. The project's earlier draws that ended after their commit (§11): each one's nonce, with this draw's revealed
  // lines where its commit bound the same ones, recomputes its ranking; a failure must be the shortfall it logged.
  //     A re-draw's commit names them (`follows`, §5): the bundle must carry exactly those, so that none can be left out.
  const abandoned = b.abandoned ?? [];
  if (abandoned.length > 0 || c?.follows) {
    checks.run(ABANDONED_CHECK, 'each earlier draw of the project that ended after its commit is in the bundle and ended as its entries say (§11)', () => {
      if (!c || !v) return needEntries('commit', 'reveal');
      if (c.follows) {
        const carried = abandoned.map((a) => commitDrawIdOf(a.commit.entry) ?? '?');
        if (jcs(carried) !== jcs(c.follows)) return fail(`the commit follows ${c.follows.join(', ')}; the bundle carries ${carried.length > 0 ? carried.join(', ') : 'no earlier draw'}`);
      }
      if (!views || !policy) return skipped('needs exact eligible lists and the draw’s policy');
      const outcomes = abandoned.map((a) => ({ ...abandonedOutcome(a, { commit: c, commitIndex: b.commit.index, resultIndex: b.result.index, revealIndex: b.reveal.index, views: views!, policy: policy! }, verifier, origin, opened), end: endKind(a.end.entry) }));
      const detail = outcomes.map((o) => o.detail).join('; ');
      if (outcomes.some((o) => o.status === 'fail')) return fail(detail);
      // Only aborts left open still let the draw's own panel count over many draws (panelVerified).
      abandonedOpen = outcomes.filter((o) => o.status !== 'pass').map((o) => o.end);
      if (abandonedOpen.length > 0) return unverifiable(detail);
      return pass(detail);
    });
  }

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
      if (logged.selected !== revealed.selected || logged.alternates !== revealed.alternates || logged.skipped !== revealed.skipped) return fail(`group ${i}: logged ${jcs(logged)}, revealed ${jcs(revealed)}`);
    }
    return pass(r.groups.map((g) => `${g.selected}/${g.alternates}/${g.skipped}`).join(', '));
  });

  if (options.kept) {
    const kept = options.kept;
    let related: KeptRelation | undefined;
    checks.run('checkpoint.kept', 'the bundle’s checkpoint and the checkpoints you kept are one history (RFC 9162 §2.1.4)', () => {
      related = relateToKept([...opened.values()].filter((x): x is Checkpoint => !(x instanceof Error)), kept, verifier, origin);
      return related;
    });
    // A beacon draw's commit against the inspector's own clock (§6.1): the first kept checkpoint holding it bounds when
    // it was logged. A folder kept before the watcher recorded fetch times has none to hold it to: the check does not
    // run, as without --kept.
    const plan = c?.entropy.beacon;
    if (plan && (kept.fetched?.length ?? 0) > 0) {
      checks.run(BEACON_KEPT_CHECK.id, BEACON_KEPT_CHECK.title, () => {
        if (!checks.passed(BEACON_CHECK.id)) return skipped('needs the round verified (see beacon)');
        if (!related?.linked) return skipped('needs the bundle’s checkpoint one history with the kept ones (see checkpoint.kept)');
        const holder = firstKeptHolding(related.linked, b.commit.index);
        if (!holder) return unverifiable(`no kept checkpoint with a recorded fetch time holds the commit (entry ${b.commit.index}): keep checkpoints with this version of log watch, which records when it fetched each`);
        const chain = [...(options.beaconChains ?? []), ...KNOWN_CHAINS].find((x) => x.hash === plan.chain)!;
        return checkBeaconKept(b.commit.entry, b.commit.index, plan.round, chain, holder);
      });
    }
  }

  const proved = (name: PartName) => checks.passed(`${name}.entry`, `${name}.leaf-hash`, `${name}.checkpoint`, `${name}.inclusion`);
  const disclosed = c && proved('commit') ? { drawId: c.drawId, commit: commit.leaf, result: r && proved('result') && r.drawId === c.drawId ? result.leaf : undefined, nonce: v && proved('reveal') && v.drawId === c.drawId ? v.nonce : undefined, nonceHash: c.nonceHash } : undefined;
  return { report: report(c), facts: runFacts(opened, disclosed, abandoned, verifier, origin) };
}

/** What a draw's entropy leaves on trust: a planned draw's deposits and pool; an unplanned witnessed draw's timing. */
function entropyTrust(entropy: CommitPayload['entropy']): readonly TakenOnTrust[] {
  if (isPlanned(entropy)) return NOT_CHECKED_PLANNED;
  return assuranceOf(entropy) === 'witnessed' ? NOT_CHECKED_UNPLANNED_WITNESSES : [];
}

type EarlierDraw = NonNullable<DrawProofBundle['abandoned']>[number];

/** A draw as the log key vouches for it: its commit's leaf hash, its result's, and the nonce that opens its commit. */
interface VouchedDraw {
  readonly drawId: string;
  readonly commit: Buffer;
  readonly result?: Buffer | undefined;
  readonly nonce?: string | undefined;
  readonly nonceHash: string;
}

/**
 * What the bundle shows under the log key, for the checks across a run (run-checks.ts): its checkpoints that opened,
 * the draws whose commit is in a tree (the disclosed one and each earlier one it carries) and the nonces that open them.
 */
function runFacts(opened: Map<string, Checkpoint | Error>, disclosed: VouchedDraw | undefined, abandoned: readonly EarlierDraw[], verifier: NoteVerifier, origin: string): RunFacts {
  const draws = [...(disclosed ? [disclosed] : []), ...abandoned.flatMap((a) => vouchedEarlierDraw(a, verifier, origin, opened) ?? [])];
  // After the earlier draws: their parts may open checkpoints no check opened (the abandoned check skipped).
  const checkpoints = [...opened.values()].flatMap((cp) => (cp instanceof Error ? [] : [{ size: cp.size, root: cp.rootHash.toString('hex') }]));
  return {
    checkpoints,
    draws: draws.map((d) => ({ drawId: d.drawId, commit: d.commit.toString('hex'), ...(d.result ? { result: d.result.toString('hex') } : {}) })),
    // A nonce counts once it opens its draw's commit: the hash is the commit's.
    nonces: draws.flatMap((d) => (d.nonce !== undefined && nonceHash(Buffer.from(d.nonce, 'hex')) === d.nonceHash ? [{ nonce: d.nonce, drawId: d.drawId }] : [])),
  };
}

/** An earlier draw the bundle carries, when its commit is in a tree the key signed; with its end's nonce when that is too. */
function vouchedEarlierDraw(a: EarlierDraw, verifier: NoteVerifier, origin: string, opened: Map<string, Checkpoint | Error>): VouchedDraw | undefined {
  const commit = openPart(a.commit, COMMIT_ENTRY_TYPE, CommitPayload, verifier, origin, opened);
  if ('problem' in commit) return undefined;
  const end = typeOf(a.end.entry) === ABORTED_ENTRY_TYPE ? openPart(a.end, ABORTED_ENTRY_TYPE, AbortedPayload, verifier, origin, opened) : openPart(a.end, FAILED_ENTRY_TYPE, FailedPayload, verifier, origin, opened);
  const nonce = 'problem' in end || end.payload.drawId !== commit.payload.drawId ? undefined : end.payload.nonce;
  return { drawId: commit.payload.drawId, commit: commit.leaf, nonce, nonceHash: commit.payload.nonceHash };
}

/**
 * One abandoned draw: its two entries verified into the log; its nonce opens its commit; where its commit bound the
 * same policy, pool version and lines as the disclosed draw, its ranking is recomputed from its own seed over the
 * disclosed draw's eligible lists. A failure for want of candidates passes only when the ranking runs short exactly as
 * logged; an abort (the holder died) cannot be proved genuine offline, so it is not verifiable, with the panel it
 * discarded shown.
 */
function abandonedOutcome(
  a: { readonly commit: DrawProofBundle['commit']; readonly end: DrawProofBundle['commit']; readonly lines?: DrawProofBundle['commit'] },
  disclosed: { readonly commit: CommitPayload; readonly commitIndex: number; readonly resultIndex: number; readonly revealIndex: number; readonly views: readonly GroupView[]; readonly policy: Policy },
  verifier: NoteVerifier,
  origin: string,
  opened: Map<string, Checkpoint | Error>,
): Outcome {
  const at = `draw at ${a.commit.index}`;
  const commit = openPart(a.commit, COMMIT_ENTRY_TYPE, CommitPayload, verifier, origin, opened);
  if ('problem' in commit) return fail(`${at}: its commit: ${commit.problem}`);
  const ac = commit.payload;
  const name = `draw ${ac.drawId}`;
  const type = typeOf(a.end.entry);
  const end = type === ABORTED_ENTRY_TYPE ? openPart(a.end, ABORTED_ENTRY_TYPE, AbortedPayload, verifier, origin, opened) : openPart(a.end, FAILED_ENTRY_TYPE, FailedPayload, verifier, origin, opened);
  if ('problem' in end) return fail(`${name}: its end: ${end.problem}`);
  const e: FailedPayload | AbortedPayload = end.payload;
  // Its lines, where the bundle carries them, are the log's and published with this draw's disclosure, whatever the
  // verdict below: a part that is not the log's fails, even beside an end that cannot be recomputed.
  const lines = a.lines ? openLines({ ...a, lines: a.lines }, ac, disclosed, verifier, origin, opened) : null;
  if (lines && 'status' in lines) return { status: lines.status, detail: `${name}: ${lines.detail}` };
  const d = disclosed.commit;
  if (ac.drawId === d.drawId || e.drawId !== ac.drawId || ac.projectId !== d.projectId || e.projectId !== d.projectId) {
    return fail(`${name}: its entries name draw ${e.drawId} of project ${e.projectId}, commit of project ${ac.projectId}: not an earlier draw of project ${d.projectId}`);
  }
  if (!(a.commit.index < a.end.index && a.end.index < disclosed.commitIndex)) return fail(`${name}: commit ${a.commit.index}, end ${a.end.index}: not before this draw’s commit ${disclosed.commitIndex}`);
  if ('committed' in e && !e.committed) return fail(`${name}: its failure says it came before any commit, yet the commit is in the log`);
  if (!e.nonce) return unverifiable(`${name} (${describeEnd(e)}): its end reveals no nonce (written before ends were opened)`);
  if (nonceHash(Buffer.from(e.nonce, 'hex')) !== ac.nonceHash) return fail(`${name}: SHA-256 of the nonce its end reveals is not its commit’s nonceHash`);
  if ('code' in e && e.code !== 'INSUFFICIENT_CANDIDATES') return unverifiable(`${name} failed with ${e.code}: only a shortfall of candidates is recomputed offline`);
  // A witnessed draw's end opens its witnesses' secrets too (§11): with them its seed follows, planned or not.
  const reveals = e.witnessReveals ?? [];
  if (ac.entropy.beacon || (ac.entropy.witnessCommitments.length > 0 && reveals.length === 0)) return unverifiable(`${name} (${describeEnd(e)}): assurance ${assuranceOf(ac.entropy)}, and its end carries no beacon round or witness reveals`);
  // Its own lines where they were published (draw.lines); else the lines revealed for this draw, which are the abandoned
  // one's only where its commit bound the same digests.
  let read: { views: readonly GroupView[]; policy: Policy };
  if (lines) {
    const own = ownLines(lines, ac);
    if ('status' in own) return { status: own.status, detail: `${name} (${describeEnd(e)}): ${own.detail}` };
    read = own;
  } else {
    const same = ac.policyHash === d.policyHash && ac.requestHash === d.requestHash && ac.poolVersion === d.poolVersion && jcs(ac.groups) === jcs(d.groups);
    if (!same) return unverifiable(`${name} (${describeEnd(e)}): its commit bound another request, policy, pool version or lines than this draw, so this reveal does not open it, and the bundle carries no lines of its own`);
    read = { views: disclosed.views, policy: disclosed.policy };
  }
  const payloadHash = isPlanned(ac.entropy) ? { commitPayloadHash: createHash('sha256').update(jcs((JSON.parse(a.commit.entry) as { payload: unknown }).payload)).digest() } : {};
  const seed = deriveSeed(ac.entropy, ac.nonceHash, { nonce: Buffer.from(e.nonce, 'hex'), commitLeafHash: commit.leaf, ...payloadHash, beaconRandomness: null, witnessReveals: reveals.map((r) => Buffer.from(r, 'hex')) });
  const sampler = new DrawSampler(ac.groups.map((g, i) => eligibleGroup(g.specialty, g.count, g.alternates, read.views[i]!)), seed, read.policy.maxPerEmployerPerPanel);
  let ranked: RankedGroup[];
  try {
    ranked = sampler.rank();
  } catch (err) {
    if (!(err instanceof InsufficientCandidatesError)) throw err;
    if (!('code' in e)) return unverifiable(`${name} was aborted (${e.reason}), and its ranking runs short anyway: ${shortfalls(err.groups)}`);
    const logged = (e.details as { groups?: unknown } | null)?.groups;
    return jcs(err.groups) === jcs(logged ?? null)
      ? pass(`${name} failed genuinely: recomputed from its nonce, ${shortfalls(err.groups)}, as logged`)
      : fail(`${name}: recomputed, ${shortfalls(err.groups)}; its failure logged ${jcs(logged ?? null)}`);
  }
  const panel = ranked.map((g) => `group ${g.index}: ${g.selected.join(' ')}`).join(', ');
  if ('code' in e) return fail(`${name} logged INSUFFICIENT_CANDIDATES, but recomputed from its nonce its ranking fills every group (${panel})`);
  return unverifiable(`${name} was aborted (${e.reason}); an abort cannot be proved genuine offline; recomputed from its nonce, it would have selected ${panel}`);
}

/**
 * An abandoned draw's draw.lines entry (§11), opened: in the log's tree, naming this draw, its commit and its end, and
 * published with the disclosed draw's disclosure (after its result, before its reveal, naming it). Answers its payload,
 * or the outcome that says what is wrong.
 */
function openLines(
  a: { readonly commit: DrawProofBundle['commit']; readonly end: DrawProofBundle['commit']; readonly lines: DrawProofBundle['commit'] },
  ac: CommitPayload,
  disclosed: { readonly commit: CommitPayload; readonly resultIndex: number; readonly revealIndex: number },
  verifier: NoteVerifier,
  origin: string,
  opened: Map<string, Checkpoint | Error>,
): LinesPayload | Outcome {
  const entry = openPart(a.lines, LINES_ENTRY_TYPE, LinesLines, verifier, origin, opened);
  if ('problem' in entry) return fail(`its lines: ${entry.problem}`);
  const l = entry.payload;
  const problems: string[] = [];
  if (l.drawId !== ac.drawId || l.projectId !== ac.projectId) problems.push(`its lines are of draw ${l.drawId} of project ${l.projectId}`);
  if (l.commitIndex !== a.commit.index || l.endIndex !== a.end.index) problems.push(`its lines name commit ${l.commitIndex} and end ${l.endIndex}, its entries are at ${a.commit.index} and ${a.end.index}`);
  if (l.disclosedWith !== disclosed.commit.drawId) problems.push(`its lines name ${l.disclosedWith} as the draw they were published with, not ${disclosed.commit.drawId}`);
  // Published with the disclosure (after the bid opening, before the reveal): before it they would have shown who was
  // eligible and who was excluded for which party.
  if (!(disclosed.resultIndex < a.lines.index && a.lines.index < disclosed.revealIndex)) {
    problems.push(`its lines (entry ${a.lines.index}) are not between this draw’s result (${disclosed.resultIndex}) and reveal (${disclosed.revealIndex}): not published with its disclosure`);
  }
  if (l.groups.length !== ac.groups.length || l.groups.some((g, i) => g.index !== i || g.specialty !== ac.groups[i]!.specialty)) {
    problems.push(`its lines have groups ${l.groups.map((g) => `${g.index}/${g.specialty}`).join(', ')}, its commit ${ac.groups.map((g, i) => `${i}/${g.specialty}`).join(', ')}`);
  }
  return problems.length > 0 ? fail(problems.join('; ')) : l;
}

/**
 * An abandoned draw's own lines (openLines), checked as a reveal's are against its own commit: the digests, the
 * project, request and policy its commit hashed, the eligible counts, the region filters and recusal rules 1–6
 * recomputed from the facts. Answers its eligible lists and policy, or the outcome of the first check that did not
 * pass.
 */
function ownLines(l: LinesPayload, ac: CommitPayload): { views: readonly GroupView[]; policy: Policy } | Outcome {
  const checks = new Checks();
  const digests = checkDigests(checks, ac, l, () => null);
  const { views, policy } = checkRules(checks, ac, l, digests, () => skipped('needs its commit and lines'), () => null);
  const failed = checks.list.find((x) => x.status === 'fail');
  if (failed) return fail(`its lines: ${failed.id}: ${failed.detail}`);
  const open = checks.list.find((x) => x.status !== 'pass');
  if (open || !views || !policy) return unverifiable(`its lines: ${open ? `${open.id}: ${open.detail}` : 'no eligible lists'}`);
  return { views, policy };
}

const shortfalls = (groups: readonly { group: number; shortfall: number }[]) => groups.map((g) => `group ${g.group} short by ${g.shortfall}`).join(', ');
const describeEnd = (e: FailedPayload | AbortedPayload) => ('code' in e ? `failed, ${e.code}` : `aborted, ${e.reason}`);

/** The ids of the checks a planned (witnessed) draw's bundle adds (§6.2). */
export const PLANNED_CHECKS = { plan: 'plan', deposits: 'deposits', witnesses: 'reveal.witnesses' } as const;

/** The id of the check of a bundle that carries the project's earlier draws ended after their commit. */
export const ABANDONED_CHECK = 'abandoned';

/**
 * Whether a verified bundle's panel may be counted over many draws (fairness): every check passed, except that an
 * earlier aborted draw of the project may be not verifiable (an abort cannot be proved offline); the draw's own ranking
 * was recomputed either way.
 */
export function panelVerified(report: DrawProofReport): boolean {
  const onlyAborts = (report.abandonedOpen ?? []).every((end) => end === 'aborted');
  return report.panels !== undefined && report.checks.every((c) => c.status === 'pass' || (c.id === ABANDONED_CHECK && c.status === 'unverifiable' && onlyAborts));
}

/**
 * How far back an entry's time may be from the one logged before it: two instances (Redis) stamp entries with their own
 * clocks, which agree within this under NTP. One instance's entries never go back (AuditLog holds a clock stepped back
 * by up to this much at the last time it wrote).
 */
const CLOCK_SKEW_MS = 5_000;

/** An entry's `time` (ISO 8601 UTC, §5), or null. */
function entryTime(entry: string): string | null {
  try {
    return validTime((JSON.parse(entry) as { time?: unknown }).time);
  } catch {
    return null;
  }
}

/** A time that reads as an instant, or null. */
function validTime(time: unknown): string | null {
  return typeof time === 'string' && Number.isFinite(Date.parse(time)) ? time : null;
}

/**
 * A file that holds the service's error answer instead of a bundle (saved by `curl -o` without `-f`, e.g. SEALED
 * before disclosure): what it says, or null.
 */
function errorAnswerOf(file: unknown): string | null {
  const error = (file as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error !== 'object' || error === null || typeof error.code !== 'string') return null;
  const said = typeof error.message === 'string' ? ` (${error.message})` : '';
  return `this file is the service’s error answer ${error.code}${said}, not a proof bundle${error.code === 'SEALED' ? ': a draw’s proof is published when it is disclosed' : ''}`;
}

/** How an abandoned draw ended, by its end entry's type (null: not one of the two). */
function endKind(entry: string): 'failed' | 'aborted' | null {
  const type = typeOf(entry);
  return type === ABORTED_ENTRY_TYPE ? 'aborted' : type === FAILED_ENTRY_TYPE ? 'failed' : null;
}

/** The draw id in a commit entry's bytes, or null (the part itself is verified by its own check). */
function commitDrawIdOf(entry: string): string | null {
  try {
    const drawId = (JSON.parse(entry) as { payload?: { drawId?: unknown } }).payload?.drawId;
    return typeof drawId === 'string' ? drawId : null;
  } catch {
    return null;
  }
}

/** The envelope's type of an entry's bytes, or null. */
function typeOf(entry: string): string | null {
  try {
    const type = (JSON.parse(entry) as { type?: unknown }).type;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

/** Pairs of groups whose lines for one id differ, and relatives named in one direction only (first few). */
const consistencyMemo = new Map<string, string[]>();
function consistencyProblems(tables: readonly MemberTable[]): string[] {
  // A pure function of the tables, which are kept by their lines' digest: the same groups give the same answer.
  const key = tables.map(pairKey).join(',');
  let problems = consistencyMemo.get(key);
  if (!problems) {
    problems = findInconsistencies(tables);
    if (consistencyMemo.size >= 256) consistencyMemo.clear();
    consistencyMemo.set(key, problems);
  }
  return problems;
}

function findInconsistencies(tables: readonly MemberTable[]): string[] {
  const problems: string[] = [];
  for (let a = 0; a < tables.length; a++) {
    for (let b = a + 1; b < tables.length; b++) {
      const [x, y] = [tables[a]!, tables[b]!];
      if (x === y) continue;
      const found: string[] = [];
      const [small, large] = x.size <= y.size ? [x, y] : [y, x];
      for (let i = 0; i < small.size && found.length < 5; i++) {
        const other = large.lineOf(small.ids[i]!);
        if (other !== undefined && other !== small.lines[i]) found.push(`${small.ids[i]} has two different member lines`);
      }
      problems.push(...found.map((p) => `groups ${a} and ${b}: ${p}`));
    }
  }
  for (const t of tables) {
    for (const i of t.withRelatives) {
      const id = t.ids[i]!;
      for (const r of t.relatives[i]!.split(',')) {
        for (const u of tables) {
          const k = u.indexOf(r);
          if (k !== undefined && !u.relatives[k]!.split(',').includes(id)) problems.push(`${id} names ${r} as a relative, ${r}'s line does not name ${id}`);
        }
      }
    }
  }
  return [...new Set(problems)];
}
const tableKeys = new WeakMap<MemberTable, string>();
let tableCount = 0;
function pairKey(t: MemberTable): string {
  let k = tableKeys.get(t);
  if (k === undefined) tableKeys.set(t, (k = String(tableCount++)));
  return k;
}

/**
 * Whether the recomputed result and the revealed one are one JSON value, as comparing their JCS texts would say
 * without writing them: both have exactly these keys (the revealed one is parsed by a strict schema), and JCS writes
 * equal strings and equal integers alike and different ones differently.
 */
function sameResult(recomputed: DrawResult, revealed: z.infer<typeof RevealedResult>): boolean {
  if (recomputed.algorithm !== revealed.algorithm || recomputed.drawId !== revealed.drawId || recomputed.groups.length !== revealed.groups.length) return false;
  for (let i = 0; i < recomputed.groups.length; i++) {
    const [a, b] = [recomputed.groups[i]!, revealed.groups[i]!];
    if (a.index !== b.index || a.specialty !== b.specialty || !sameStrings(a.selected, b.selected) || !sameStrings(a.alternates, b.alternates) || a.skipped.length !== b.skipped.length) return false;
    for (let k = 0; k < a.skipped.length; k++) if (a.skipped[k]!.id !== b.skipped[k]!.id || a.skipped[k]!.reason !== b.skipped[k]!.reason) return false;
  }
  return true;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
