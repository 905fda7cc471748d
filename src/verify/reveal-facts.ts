// What a reveal publishes besides the committed lines so that an inspector can recompute every recusal code of rules
// 2, 3, 5 and 6 offline (docs/draw-proof.md §10.2): per member inside a group's region filter, its status when not
// active, whether it declared the reference date unavailable, its positions at the project's parties, and its past
// selections inside the frequency windows, by draw id. Pseudonymous ids and organisation codes only: never a name.
// Built by the disclosure from the pool replayed at the draw's pool version; read by the offline verifier.
import type { Policy } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import { regionTest } from '../draw/candidates.js';
import { conflictContext, inFrequencyWindow, type ConflictContext } from '../draw/conflicts.js';
import type { DrawResult, PreparedDraw } from '../draw/engine.js';
import type { DrawRequest } from '../domain/request.js';
import { RevealFacts } from '../draw/entries.js';
import { EMPTY_HISTORY } from '../draw/history.js';
import { keepFactList } from './kept-text.js';

export { RevealFacts };


/** A past draw's selections, as the selection history holds them (records/selections.ts). */
export interface PastDraw {
  readonly drawId: string;
  /** When the draw ran (its commit), ISO 8601. */
  readonly at: string;
  readonly tenderer: string;
  readonly experts: readonly string[];
}

const sortedUnique = (lines: Iterable<string>): string[] => [...new Set(lines)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The facts of a prepared draw: every member inside the region filter of at least one group, from the pool the draw
 * read and the past draws its history held (the draw's own excluded).
 */
export function revealFacts(prepared: PreparedDraw, history: readonly PastDraw[]): RevealFacts {
  const { pool, project, policy, request } = prepared.input;
  const ctx = conflictContext(project, policy, EMPTY_HISTORY);
  const positions = new Set<number>();
  for (const group of request.groups) {
    const inRegion = regionTest(group, project, policy);
    for (const pos of pool.candidatesFor(group.specialty)) if (!inRegion || inRegion(pool.regionOf[pos]!)) positions.add(pos);
  }
  const selectionsOf = new Map<string, string[]>();
  for (const d of history) {
    if (!inFrequencyWindow(ctx, Date.parse(d.at), d.tenderer)) continue;
    for (const id of d.experts) {
      let lines = selectionsOf.get(id);
      if (!lines) selectionsOf.set(id, (lines = []));
      lines.push(`${id}\t${d.drawId}\t${d.at}\t${d.tenderer}\n`);
    }
  }
  const status: string[] = [];
  const unavailable: string[] = [];
  const held: string[] = [];
  const selections: string[] = [];
  for (const pos of positions) {
    const { expert } = pool.member(pos);
    if (expert.status !== 'active') status.push(`${expert.id}\t${expert.status}\t${expert.status === 'suspended' ? (expert.suspendedUntil ?? '') : ''}\n`);
    if (expert.unavailable.includes(ctx.refDate)) unavailable.push(`${expert.id}\n`);
    for (const r of expert.relations) {
      if (r.kind === 'org' && ctx.parties.has(r.org)) held.push(`${expert.id}\t${r.holder}\t${r.org}\t${r.until ?? ''}\n`);
    }
    selections.push(...(selectionsOf.get(expert.id) ?? []));
  }
  return { status: sortedUnique(status), unavailable: sortedUnique(unavailable), positions: sortedUnique(held), selections: sortedUnique(selections) };
}

// ---- reading them back (the verifier) ------------------------------------------------------------------------------

/** A member's status line: not active. */
export interface StatusFact {
  readonly status: 'suspended' | 'blacklisted' | 'retired';
  readonly until: string | null;
}
/** A position line: the member, or a relative of theirs, holds a position at a party of the project. */
export interface PositionFact {
  readonly holder: 'self' | 'relative';
  readonly org: string;
  readonly until: string | null;
}
/** A selection line: a past draw inside a frequency window selected the member. */
export interface SelectionFact {
  readonly drawId: string;
  readonly atMs: number;
  readonly tenderer: string;
}

/** One facts list as read: each line's id and what it says, in line order (ascending ids, one id's lines adjacent). */
export interface FactList<T> {
  readonly ids: readonly string[];
  readonly facts: readonly T[];
}

/**
 * The facts, list by list. A member no list names is active, available, without positions at a party and without
 * selections in the windows.
 */
export interface ReadFacts {
  readonly status: FactList<StatusFact>;
  readonly unavailable: FactList<true>;
  readonly positions: FactList<PositionFact>;
  readonly selections: FactList<SelectionFact>;
}

/**
 * Whether the k-th line of a list names a member inside some group's region filter, given the list's ids (an array
 * that is never changed, so the caller may keep what it works out per array).
 */
export type InsideTest = (ids: readonly string[]) => (k: number) => boolean;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const FIELD = /^[^\t\n]+$/;

/** Splits a line into exactly `n` tab-separated fields ending in LF; throws naming the list when it is not one. */
function fields(line: string, n: number, list: string): string[] {
  const end = line.length - 1;
  if (end < 1 || line.indexOf('\n') !== end) throw new Error(`${list} line ${JSON.stringify(line)} does not end in its only LF`);
  const parts: string[] = [];
  let from = 0;
  for (let tab = line.indexOf('\t'); tab >= 0 && tab < end; tab = line.indexOf('\t', from)) {
    parts.push(line.slice(from, tab));
    from = tab + 1;
  }
  parts.push(line.slice(from, end));
  if (parts.length !== n || parts[0] === '') throw new Error(`${list} line ${JSON.stringify(line)} does not have ${n} fields`);
  return parts;
}

function checkSorted(lines: readonly string[], list: string): void {
  for (let i = 1; i < lines.length; i++) {
    if (!(lines[i - 1]! < lines[i]!)) throw new Error(`${list} lines are not in strictly ascending order at ${JSON.stringify(lines[i])}`);
  }
}

/**
 * A list read on its own text alone: its lines up to the first defect, and that defect (the message, and the line it
 * is on: 0 when the order is wrong, which is checked before any line).
 */
interface TextRead<T> extends FactList<T> {
  readonly defect?: { readonly at: number; readonly message: string };
}

function readText<T>(lines: readonly string[], list: string, line: (text: string, ids: readonly string[], facts: readonly T[]) => [string, T]): TextRead<T> {
  const ids: string[] = [];
  const facts: T[] = [];
  try {
    checkSorted(lines, list);
    for (const text of lines) {
      const [id, fact] = line(text, ids, facts);
      ids.push(id);
      facts.push(fact);
    }
    return { ids, facts };
  } catch (err) {
    return { ids, facts, defect: { at: ids.length, message: err instanceof Error ? err.message : String(err) } };
  }
}

const statusText = (lines: readonly string[]) =>
  readText<StatusFact>(lines, 'status', (line, ids) => {
    const [id, status, until] = fields(line, 3, 'status');
    if (status !== 'suspended' && status !== 'blacklisted' && status !== 'retired') throw new Error(`status line of ${id}: ${JSON.stringify(status)} is not suspended, blacklisted or retired`);
    if (until !== '' && (status !== 'suspended' || !DATE.test(until!))) throw new Error(`status line of ${id}: ${JSON.stringify(until)} is not a suspension's last date`);
    // Lines are in order, so a second line for one id follows the first.
    if (ids.length > 0 && ids[ids.length - 1] === id) throw new Error(`two status lines for ${id}`);
    return [id!, { status, until: until === '' ? null : until! }];
  });
const unavailableText = (lines: readonly string[]) => readText<true>(lines, 'unavailable', (line) => [fields(line, 1, 'unavailable')[0]!, true]);
/**
 * The selection lines, each line that the last selection list read held too taken from that read: a list grows draw by
 * draw, so most of its lines stand in the last one, in the same order (both are sorted, so one pass over the two finds
 * them, comparing strings instead of hashing every line for the map below). Equal text reads alike (selectionLine is a
 * pure function of the line), and the last read's lines are those it read without a defect. Where each id was taken
 * from is kept (earlierIds), so that what is worked out per id need not be again.
 */
function selectionsText(lines: readonly string[]): TextRead<SelectionFact> {
  const kept = textReads.get('selections');
  const last = kept?.[kept.length - 1] as { readonly lines: readonly string[]; readonly read: TextRead<SelectionFact> } | undefined;
  if (!last) return readText<SelectionFact>(lines, 'selections', selectionLine);
  const before = last.lines;
  const read = last.read.ids.length;
  const from: number[] = [];
  let j = 0;
  const fresh = readText<SelectionFact>(lines, 'selections', (line) => {
    // readText read the lines in ascending order, without repeats, before this.
    while (j < read && before[j]! < line) j++;
    const same = j < read && before[j] === line;
    from.push(same ? j : -1);
    return same ? [last.read.ids[j]!, last.read.facts[j]!] : selectionLine(line);
  });
  // Only the newest read keeps its link: a chain of them would keep every list ever read.
  derived.delete(last.read.ids);
  derived.set(fresh.ids, { ids: last.read.ids, at: Int32Array.from(from) });
  return fresh;
}

/** Selection ids read from an earlier read's: ids[k] is earlier.ids[at[k]] wherever at[k] >= 0 (arrays never changed). */
const derived = new WeakMap<readonly string[], { readonly ids: readonly string[]; readonly at: Int32Array }>();

/** The earlier ids array a facts list's ids were taken from, and where each one stands in it (-1: read afresh). */
export function earlierIds(ids: readonly string[]): { readonly ids: readonly string[]; readonly at: Int32Array } | undefined {
  return derived.get(ids);
}

/**
 * Selection lines read before, by their text. A selection list grows draw by draw, so the lists of two draws differ
 * while most of their lines are alike. What is kept is a pure function of the line's text (Map keys compare by
 * content); a defective line is never kept.
 */
const selectionReads = new Map<string, [string, SelectionFact]>();
const SELECTION_READS_KEPT = 1 << 15;
function selectionLine(line: string): [string, SelectionFact] {
  const kept = selectionReads.get(line);
  if (kept) return kept;
  const [id, drawId, at, tenderer] = fields(line, 4, 'selections');
  if (!FIELD.test(drawId!) || !FIELD.test(tenderer!)) throw new Error(`selection line of ${id}: empty draw id or tenderer`);
  const atMs = DATE_TIME.test(at!) ? Date.parse(at!) : NaN;
  if (Number.isNaN(atMs)) throw new Error(`selection line of ${id}: ${JSON.stringify(at)} is not a date-time`);
  const read: [string, SelectionFact] = [id!, Object.freeze({ drawId: drawId!, atMs, tenderer: tenderer! })];
  if (selectionReads.size >= SELECTION_READS_KEPT) selectionReads.clear();
  selectionReads.set(line, read);
  return read;
}

/**
 * Lists read before, by kind, most recently used last. The status and unavailable lists are the pool's at one version,
 * so every draw at that version publishes them line for line alike. An entry is reused only for lines equal, one by
 * one, to the lines it was read from, and what it holds is a pure function of those lines (nothing of the draw's
 * context: parties, windows and membership are checked per draw, below), so a different list can never reuse it.
 */
const textReads = new Map<string, Array<{ readonly lines: readonly string[]; readonly read: TextRead<unknown> }>>();
const TEXT_READS_KEPT = 8;
function keptRead<T>(kind: string, lines: readonly string[], read: (lines: readonly string[]) => TextRead<T>): TextRead<T> {
  let kept = textReads.get(kind);
  if (!kept) textReads.set(kind, (kept = []));
  for (let e = kept.length - 1; e >= 0; e--) {
    const entry = kept[e]!;
    if (entry.lines.length !== lines.length) continue;
    // The kept copy itself, when the file reader cut the list out and handed it back (kept-lists.ts).
    let same = true;
    if (entry.lines !== lines) for (let i = 0; i < lines.length && same; i++) same = entry.lines[i] === lines[i];
    if (!same) continue;
    if (e !== kept.length - 1) kept.push(...kept.splice(e, 1));
    return entry.read as TextRead<T>;
  }
  const fresh = read(lines);
  // The lines are copied: the entry must not follow a caller's later change to its array. The pool's lists are kept
  // for the file reader too, which cuts them from later files unread and hands this copy back in their place.
  kept.push({ lines: kind === 'status' || kind === 'unavailable' ? keepFactList(kind, lines) : [...lines], read: fresh });
  if (kept.length > TEXT_READS_KEPT) kept.shift();
  return fresh;
}

/**
 * Admits a list read from its text, line by line in order, as the checks below would meet its defects: each line's
 * context check and membership, and at the first defect of its text, that defect.
 */
function admit<T>(read: TextRead<T>, list: string, inside: InsideTest, context?: (fact: T, id: string) => void): FactList<T> {
  const member = inside(read.ids);
  const end = read.defect ? read.defect.at : read.ids.length;
  for (let k = 0; k < end; k++) {
    const id = read.ids[k]!;
    context?.(read.facts[k]!, id);
    if (!member(k)) throw new Error(`${list} line for ${id}, who is inside no group's region filter`);
  }
  if (read.defect) throw new Error(read.defect.message);
  return read;
}

/**
 * The facts, list by list. Throws when a line is malformed, out of order, names no member inside a region filter
 * (`inside`), or says what the disclosure never writes (a selection outside both windows, a position at no party).
 * Each list is checked in full before the next, in the order status, unavailable, positions, selections.
 */
export function readFacts(facts: RevealFacts, inside: InsideTest, ctx: ConflictContext): ReadFacts {
  const status = admit(keptRead('status', facts.status, statusText), 'status', inside);
  const unavailable = admit(keptRead('unavailable', facts.unavailable, unavailableText), 'unavailable', inside);
  // Position lines are few and name the project's parties: read for each draw, each line's checks in turn.
  checkSorted(facts.positions, 'positions');
  const ids: string[] = [];
  const held: PositionFact[] = [];
  for (const line of facts.positions) {
    const [id, holder, org, until] = fields(line, 4, 'positions');
    if (holder !== 'self' && holder !== 'relative') throw new Error(`position line of ${id}: holder ${JSON.stringify(holder)} is not self or relative`);
    if (!FIELD.test(org!) || !ctx.parties.has(org!)) throw new Error(`position line of ${id}: ${org} is no party of the project`);
    if (until !== '' && !DATE.test(until!)) throw new Error(`position line of ${id}: ${JSON.stringify(until)} is not a date`);
    ids.push(id!);
    held.push({ holder, org: org!, until: until === '' ? null : until! });
    if (!inside([id!])(0)) throw new Error(`positions line for ${id}, who is inside no group's region filter`);
  }
  const selections = admit(keptRead('selections', facts.selections, selectionsText), 'selections', inside, (p, id) => {
    if (!inFrequencyWindow(ctx, p.atMs, p.tenderer)) throw new Error(`selection line of ${id} (draw ${p.drawId}) is outside both frequency windows`);
  });
  return { status, unavailable, positions: { ids, facts: held }, selections };
}

/** The recusal context the facts and the rules are read in: the revealed project and policy. */
export function factsContext(project: Project, policy: Policy): ConflictContext {
  return conflictContext(project, policy, EMPTY_HISTORY);
}

/** The reveal payload as its writer hands it over (read-only lists; the project, request and policy as parsed). */
export interface RevealPayloadInput {
  readonly drawId: string;
  readonly projectId: string;
  readonly commitIndex: number;
  readonly resultIndex: number;
  readonly nonce: string;
  readonly salt: string;
  readonly witnessReveals?: readonly string[];
  readonly result: DrawResult;
  readonly extension: ReadonlyArray<readonly string[]>;
  readonly groups: readonly RevealGroupLines[];
  readonly facts: RevealFacts;
  readonly project: Project;
  readonly request: DrawRequest;
  readonly policy: Policy;
  readonly by: string;
}

/** What the disclosure knows when it writes the reveal entry (§10.1); the payload is these fields and the rebuilt lines and facts. */
export interface RevealParts {
  readonly drawId: string;
  readonly projectId: string;
  readonly commitIndex: number;
  readonly resultIndex: number;
  /** The sealed content: nonce and salt (hex), the result and the extension. */
  readonly content: { readonly nonce: string; readonly salt: string; readonly result: DrawResult; readonly extension: ReadonlyArray<readonly string[]>; readonly witnessReveals?: readonly string[] };
  /** The draw rebuilt from the log (rebuildDraw) and its per-group lines. */
  readonly prepared: PreparedDraw;
  readonly lines: readonly RevealGroupLines[];
  /** The past draws of the history the draw read. */
  readonly history: readonly PastDraw[];
  /** Who disclosed. */
  readonly by: string;
}

export interface RevealGroupLines {
  readonly index: number;
  readonly specialty: string;
  readonly members: readonly string[];
  readonly exclusions: readonly string[];
}

/** The `draw.reveal` payload (docs/draw-proof.md §10.1), field for field. */
export function revealPayload(p: RevealParts): RevealPayloadInput {
  const { project, request, policy } = p.prepared.input;
  return {
    drawId: p.drawId,
    projectId: p.projectId,
    commitIndex: p.commitIndex,
    resultIndex: p.resultIndex,
    nonce: p.content.nonce,
    salt: p.content.salt,
    // A witnessed draw: the witnesses' secrets, in the commit's order (§6.2).
    ...(p.content.witnessReveals && p.content.witnessReveals.length > 0 ? { witnessReveals: p.content.witnessReveals } : {}),
    result: p.content.result,
    extension: p.content.extension,
    groups: p.lines,
    facts: revealFacts(p.prepared, p.history),
    project,
    request,
    policy,
    by: p.by,
  };
}
