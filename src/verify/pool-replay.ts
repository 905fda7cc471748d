// Rebuilds a past draw from the audit log alone: the pool as it was at the draw's pool version, the draw's candidates
// and digests, checked against the logged commit, and the member and exclusion lines a reveal publishes (§4, §10).
import { Expert } from '../domain/expert.js';
import type { Policy } from '../domain/policy.js';
import type { Project } from '../domain/project.js';
import type { DrawRequest } from '../domain/request.js';
import { COMMIT_ENTRY_TYPE, CommitPayload } from '../draw/commit.js';
import { exclusionLine, memberLine } from '../draw/digest.js';
import { prepareDraw, type PreparedDraw } from '../draw/engine.js';
import { EMPTY_HISTORY, type HistoryIndex } from '../draw/history.js';
import type { AuditLog } from '../log/audit-log.js';
import { PoolIndex } from '../draw/pool-index.js';
import type { Store } from '../store/store.js';

/** Where entries come from: the store reads a range at once; the audit log only one entry at a time. */
export type EntrySource = Pick<AuditLog, 'entry'> | Pick<Store, 'readEntries'>;

/** The log does not reproduce the state or draw it was asked for. */
export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/** Entry types that change the pool, each bumping the pool version (pool.service.ts). */
const EXPERT_REPLACED = new Set(['expert.updated', 'expert.availability', 'expert.relations']);
const POOL_CHANGES = new Set(['expert.created', 'expert.status', 'organisation.upserted', ...EXPERT_REPLACED]);
/**
 * Entries read and applied at a time. Between batches the replay lets the event loop run: the first disclosure after a
 * start (or after PoolReplay forgot its state) replays the whole log, about 1.5 s at a 100k pool, and the service's
 * other requests, draws and calls must not wait for all of it. A batch of pool imports takes some 20 ms.
 */
export const REPLAY_BATCH = 1000;

interface PoolChange {
  readonly poolVersion: number;
  readonly import?: boolean;
  readonly expert?: unknown;
  readonly id?: string;
  readonly to?: Expert['status'];
  readonly until?: string | null;
}

const TYPE_MARK = Buffer.from('"type":"');
/** JCS sorts `type` last among the envelope keys: the entry ends with `"type":"…"}`. Read without parsing the rest. */
function entryType(bytes: Buffer): string {
  const at = bytes.lastIndexOf(TYPE_MARK);
  return at < 0 ? '' : bytes.toString('utf8', at + TYPE_MARK.length, bytes.length - 2);
}

async function readRange(source: EntrySource, start: number, end: number): Promise<Buffer[]> {
  if ('readEntries' in source) return source.readEntries(start, end);
  const out: Buffer[] = [];
  for (let i = start; i < end; i++) out.push(await source.entry(i));
  return out;
}

/** A replay under way: the experts after the pool changes among entries [0, index), up to the version asked for. */
interface ReplayState {
  readonly experts: Map<string, Expert>;
  index: number;
  version: number;
  importing: boolean;
  /** A change above the version asked for was passed over: the state is the pool at that version, not at `index`. */
  passedOver: boolean;
}

const freshState = (): ReplayState => ({ experts: new Map(), index: 0, version: 0, importing: false, passedOver: false });

/**
 * Applies the pool changes of versions up to `poolVersion` among entries [state.index, untilIndex); returns whether any
 * was applied. The versions must run without a gap (an import shares one version): a gap means a pool change this
 * replay does not know.
 */
async function advance(log: EntrySource, state: ReplayState, untilIndex: number, poolVersion: number): Promise<boolean> {
  let applied = false;
  const read = (start: number) => readRange(log, start, Math.min(untilIndex, start + REPLAY_BATCH));
  // The next batch is read while this one is applied.
  let next = state.index < untilIndex ? read(state.index) : null;
  for (let start = state.index; start < untilIndex; start += REPLAY_BATCH) {
    // Others' turn first (a store answering at once would otherwise keep the whole replay in one turn).
    if (start > state.index) await new Promise((resolve) => setImmediate(resolve));
    const entries = await next!;
    next = start + REPLAY_BATCH < untilIndex ? read(start + REPLAY_BATCH) : null;
    next?.catch(() => undefined);
    for (let k = 0; k < entries.length; k++) {
      const bytes = entries[k]!;
      const type = entryType(bytes);
      if (!POOL_CHANGES.has(type)) continue;
      const at = start + k;
      const change = (JSON.parse(bytes.toString('utf8')) as { payload: PoolChange }).payload;
      const v = change.poolVersion;
      if (!Number.isInteger(v)) throw new ReplayError(`entry ${at} (${type}) carries no pool version`);
      if (v > poolVersion) {
        state.passedOver = true;
        continue;
      }
      const sameImport = state.importing && v === state.version && change.import === true;
      if (v !== state.version + 1 && !sameImport) throw new ReplayError(`entry ${at} (${type}) has pool version ${v} after ${state.version}: the log misses a pool change`);
      state.version = v;
      // Every entry of one import file shares its version: new experts, and a revised file's changes and retirements.
      state.importing = change.import === true;
      apply(state.experts, type, change, at);
      applied = true;
    }
  }
  state.index = Math.max(state.index, untilIndex);
  if (state.version < poolVersion) throw new ReplayError(`the log before entry ${untilIndex} reaches pool version ${state.version}, not ${poolVersion}`);
  return applied;
}

const sortedById = (experts: Map<string, Expert>): Expert[] => [...experts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * The experts of the pool at `poolVersion`, sorted by id, from the pool changes among entries [0, untilIndex). The
 * versions must run without a gap (an import shares one version): a gap means a pool change this replay does not know.
 */
export async function replayPool(log: EntrySource, untilIndex: number, poolVersion: number): Promise<Expert[]> {
  const state = freshState();
  await advance(log, state, untilIndex, poolVersion);
  return sortedById(state.experts);
}

/** Where rebuildDraw gets the pool at a draw's commit: a replay from the first entry, or a kept one (PoolReplay). */
export interface PoolSource {
  poolAt(untilIndex: number, poolVersion: number): Promise<PoolIndex>;
}

/** Each time from the first entry: what an inspector's one-off rebuild does. */
export const replayEachTime = (log: EntrySource): PoolSource => ({
  poolAt: async (untilIndex, poolVersion) => new PoolIndex(await replayPool(log, untilIndex, poolVersion), poolVersion),
});

/**
 * The pool replayed from the log and kept between calls, for a service that discloses draw after draw: the log only
 * grows, so a call that reaches at least as far as the last one reads only the entries since, and gets the same pool
 * index back when no pool change came between (a replay from the first entry of a 100k-expert log took seconds and
 * read every entry each time). The answer is the one replayPool gives from entry 0, the same checks failing alike on
 * the entries each call reads. A call for an earlier place replays from the first entry without disturbing what is
 * kept; so does one that must pass over a later pool change (the kept state would no longer be the pool at its
 * place). Calls run one at a time. What is kept (the experts and one pool index) is let go after `idleMs` unused.
 */
export class PoolReplay implements PoolSource {
  private kept: { state: ReplayState; built: PoolIndex } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idle: NodeJS.Timeout | null = null;
  /** Entries read, for tests and metrics of what keeping saves. */
  entriesRead = 0;

  constructor(
    private readonly log: EntrySource,
    private readonly idleMs = 10 * 60_000,
  ) {}

  poolAt(untilIndex: number, poolVersion: number): Promise<PoolIndex> {
    const turn = this.queue.then(() => this.take(untilIndex, poolVersion));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(untilIndex: number, poolVersion: number): Promise<PoolIndex> {
    this.forgetWhenIdle();
    const kept = this.kept;
    const usable = kept !== null && kept.state.index <= untilIndex && kept.state.version <= poolVersion;
    const state = usable ? kept.state : freshState();
    let applied: boolean;
    try {
      applied = await advance(this.counted(), state, untilIndex, poolVersion);
    } catch (err) {
      // A failed advance leaves the kept state part-way: it is dropped.
      if (usable) this.kept = null;
      throw err;
    }
    if (usable && !applied && !state.passedOver && kept.built.version === poolVersion) return kept.built;
    const pool = new PoolIndex(sortedById(state.experts), poolVersion);
    if (state.passedOver) {
      if (usable) this.kept = null;
    } else if (usable || kept === null || state.index > kept.state.index) {
      // A replay from the first entry is kept when it got further than what was kept.
      this.kept = { state, built: pool };
    }
    return pool;
  }

  /** The log, counting what is read. */
  private counted(): EntrySource {
    return {
      readEntries: async (start: number, end: number) => {
        const entries = await readRange(this.log, start, end);
        this.entriesRead += entries.length;
        return entries;
      },
    };
  }

  private forgetWhenIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => (this.kept = null), this.idleMs);
    this.idle.unref();
  }
}

function apply(experts: Map<string, Expert>, type: string, change: PoolChange, at: number): void {
  if (type === 'expert.created' || EXPERT_REPLACED.has(type)) {
    const parsed = Expert.safeParse(change.expert);
    if (!parsed.success) throw new ReplayError(`entry ${at} (${type}) does not hold a valid expert`);
    const known = experts.has(parsed.data.id);
    if (type === 'expert.created' ? known : !known) throw new ReplayError(`entry ${at} (${type}) for expert ${parsed.data.id}, who ${known ? 'already exists' : 'does not exist'}`);
    experts.set(parsed.data.id, parsed.data);
  } else if (type === 'expert.status') {
    const current = change.id === undefined ? undefined : experts.get(change.id);
    if (!current) throw new ReplayError(`entry ${at} (${type}) for unknown expert ${change.id}`);
    const parsed = Expert.safeParse({ ...current, status: change.to, suspendedUntil: change.until ?? null });
    if (!parsed.success) throw new ReplayError(`entry ${at} (${type}) does not give a valid status`);
    experts.set(current.id, parsed.data);
  }
  // organisation.upserted bumps the version only: organisations are not draw inputs.
}

export interface RevealGroup {
  readonly index: number;
  readonly specialty: string;
  /** Member lines (§4) of every expert under the specialty, before the region filter, in id order. */
  readonly members: string[];
  /** Exclusion lines (§4) of the members in the region excluded by rules 1–6, in id order. */
  readonly exclusions: string[];
}

/** Per group, the lines whose SHA-256 are the commit's membersDigest and exclusionDigest. */
export function revealLines(prepared: PreparedDraw): RevealGroup[] {
  const pool = prepared.input.pool;
  return prepared.groups.map((g) => ({
    index: g.index,
    specialty: g.specialty,
    members: Array.from(pool.candidatesFor(g.specialty), (pos) => memberLine(pool.member(pos))),
    exclusions: g.excluded.map((e) => exclusionLine(e.id, e.reasons.join(','))),
  }));
}

export interface RebuildArgs {
  readonly commitIndex: number;
  readonly poolVersion: number;
  readonly drawId: string;
  readonly project: Project;
  readonly request: DrawRequest;
  readonly policy: Policy;
  /** The selection history the draw read (DrawRecord.historyUpTo); none: empty. */
  readonly history?: HistoryIndex;
}

/**
 * Prepares the draw again on the pool replayed up to its commit and checks every committed value; throws a
 * ReplayError naming the first one that differs.
 */
export async function rebuildDraw(log: EntrySource, args: RebuildArgs, pools?: PoolSource): Promise<{ prepared: PreparedDraw; lines: RevealGroup[] }> {
  const commit = await readCommit(log, args.commitIndex);
  const where = `draw.commit at entry ${args.commitIndex}`;
  const check = (field: string, logged: unknown, given: unknown) => {
    if (logged !== given) throw new ReplayError(`${where}: ${field} is ${String(logged)}, rebuilt ${String(given)}`);
  };
  check('drawId', commit.drawId, args.drawId);
  check('projectId', commit.projectId, args.project.id);
  check('poolVersion', commit.poolVersion, args.poolVersion);
  // Every pool change before the commit is at most its version: the commit expected exactly that version.
  const pool = await (pools ?? replayEachTime(log)).poolAt(args.commitIndex, args.poolVersion);
  let prepared: PreparedDraw;
  try {
    prepared = prepareDraw({ drawId: args.drawId, project: args.project, request: args.request, policy: args.policy, pool, history: args.history ?? EMPTY_HISTORY });
  } catch (err) {
    throw new ReplayError(`${where}: the replayed pool does not prepare the draw: ${(err as Error).message}`, { cause: err });
  }
  check('requestHash', commit.requestHash, prepared.requestHash);
  check('policyHash', commit.policyHash, prepared.policyHash);
  check('number of groups', commit.groups.length, prepared.groups.length);
  prepared.groups.forEach((g, i) => {
    const c = commit.groups[i]!;
    const rebuilt = { specialty: g.specialty, count: g.count, alternates: g.alternates, membersCount: g.membersCount, membersDigest: g.membersDigest, eligibleCount: g.size, excludedCount: g.excludedCount, exclusionDigest: g.exclusionDigest };
    for (const field of Object.keys(rebuilt) as Array<keyof typeof rebuilt>) check(`group ${i} ${field}`, c[field], rebuilt[field]);
  });
  return { prepared, lines: revealLines(prepared) };
}

async function readCommit(log: EntrySource, index: number): Promise<CommitPayload> {
  let bytes: Buffer | undefined;
  try {
    bytes = (await readRange(log, index, index + 1))[0];
  } catch (err) {
    throw new ReplayError(`log entry ${index} could not be read: ${(err as Error).message}`, { cause: err });
  }
  if (!bytes) throw new ReplayError(`log entry ${index} could not be read`);
  const entry = JSON.parse(bytes.toString('utf8')) as { type: string; payload: unknown };
  if (entry.type !== COMMIT_ENTRY_TYPE) throw new ReplayError(`entry ${index} is ${entry.type}, not ${COMMIT_ENTRY_TYPE}`);
  const parsed = CommitPayload.safeParse(entry.payload);
  if (!parsed.success) throw new ReplayError(`entry ${index} does not hold a valid commit payload`);
  return parsed.data;
}
