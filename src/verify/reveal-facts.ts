// What a reveal publishes besides the committed lines so that an inspector can recompute every recusal code of rules
// 2, 3, 5 and 6 offline (docs/draw-proof.md §10.2): per member inside a group's region filter, its status when not
// active, whether it declared the reference date unavailable, its positions at the project's parties, and its past
// selections inside the frequency windows, by draw id. Pseudonymous ids and organisation codes only: never a name.
// Built by the disclosure from the pool replayed at the draw's pool version; read by the offline verifier.
import type { Policy } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import { regionTest } from '../draw/candidates.js';
import { conflictContext, type ConflictContext } from '../draw/conflicts.js';
import type { DrawResult, PreparedDraw } from '../draw/engine.js';
import type { DrawRequest } from '../domain/request.js';
import { RevealFacts } from '../draw/entries.js';
import { EMPTY_HISTORY } from '../draw/history.js';

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

/** Does a past selection count for rule 6 (either window)? */
function inWindow(ctx: ConflictContext, atMs: number, tenderer: string): boolean {
  return atMs >= ctx.frequencySinceMs || (tenderer === ctx.tenderer && atMs >= ctx.tendererSinceMs);
}

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
    if (!inWindow(ctx, Date.parse(d.at), d.tenderer)) continue;
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

/** What the facts say about one member; a member the facts do not name is active, available, without positions at a party and without selections in the windows. */
export interface MemberFacts {
  status?: { readonly status: 'suspended' | 'blacklisted' | 'retired'; readonly until: string | null };
  unavailable?: true;
  positions?: Array<{ readonly holder: 'self' | 'relative'; readonly org: string; readonly until: string | null }>;
  selections?: Array<{ readonly drawId: string; readonly atMs: number; readonly tenderer: string }>;
}

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
 * The facts by member id. Throws when a line is malformed, out of order, names no member inside a region filter
 * (`isMember`), or says what the disclosure never writes (a selection outside both windows, a position at no party).
 */
export function readFacts(facts: RevealFacts, isMember: (id: string) => boolean, ctx: ConflictContext): Map<string, MemberFacts> {
  const out = new Map<string, MemberFacts>();
  const of = (id: string, list: string): MemberFacts => {
    if (!isMember(id)) throw new Error(`${list} line for ${id}, who is inside no group's region filter`);
    let f = out.get(id);
    if (!f) out.set(id, (f = {}));
    return f;
  };
  checkSorted(facts.status, 'status');
  for (const line of facts.status) {
    const [id, status, until] = fields(line, 3, 'status');
    if (status !== 'suspended' && status !== 'blacklisted' && status !== 'retired') throw new Error(`status line of ${id}: ${JSON.stringify(status)} is not suspended, blacklisted or retired`);
    if (until !== '' && (status !== 'suspended' || !DATE.test(until!))) throw new Error(`status line of ${id}: ${JSON.stringify(until)} is not a suspension's last date`);
    const f = of(id!, 'status');
    if (f.status) throw new Error(`two status lines for ${id}`);
    f.status = { status, until: until === '' ? null : until! };
  }
  checkSorted(facts.unavailable, 'unavailable');
  for (const line of facts.unavailable) {
    const [id] = fields(line, 1, 'unavailable');
    of(id!, 'unavailable').unavailable = true;
  }
  checkSorted(facts.positions, 'positions');
  for (const line of facts.positions) {
    const [id, holder, org, until] = fields(line, 4, 'positions');
    if (holder !== 'self' && holder !== 'relative') throw new Error(`position line of ${id}: holder ${JSON.stringify(holder)} is not self or relative`);
    if (!FIELD.test(org!) || !ctx.parties.has(org!)) throw new Error(`position line of ${id}: ${org} is no party of the project`);
    if (until !== '' && !DATE.test(until!)) throw new Error(`position line of ${id}: ${JSON.stringify(until)} is not a date`);
    (of(id!, 'positions').positions ??= []).push({ holder, org: org!, until: until === '' ? null : until! });
  }
  checkSorted(facts.selections, 'selections');
  for (const line of facts.selections) {
    const [id, drawId, at, tenderer] = fields(line, 4, 'selections');
    if (!FIELD.test(drawId!) || !FIELD.test(tenderer!)) throw new Error(`selection line of ${id}: empty draw id or tenderer`);
    const atMs = DATE_TIME.test(at!) ? Date.parse(at!) : NaN;
    if (Number.isNaN(atMs)) throw new Error(`selection line of ${id}: ${JSON.stringify(at)} is not a date-time`);
    if (!inWindow(ctx, atMs, tenderer!)) throw new Error(`selection line of ${id} (draw ${drawId}) is outside both frequency windows`);
    (of(id!, 'selections').selections ??= []).push({ drawId: drawId!, atMs, tenderer: tenderer! });
  }
  return out;
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
