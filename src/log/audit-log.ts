// The audit log: hash-chained canonical entries in an RFC 9162 Merkle tree, appended by group commit, with signed
// checkpoints. Durability contract: append() resolves only after the store has made the entry durable.
import { AppError } from '../errors.js';
import { msg } from '../i18n/message.js';
import type { Store, StoredCheckpoint } from '../store/store.js';
import { RecordConflictError, StoreConflictError, type RecordExpectation, type RecordWrite } from '../store/store.js';
import { openCheckpoint, type Checkpoint, type CheckpointSigner } from './checkpoint.js';
import { encodeEntry, GENESIS_PREV, leafHash, type LogEntry } from './entry.js';
import {
  assembleConsistencyProof,
  assembleInclusionProof,
  assembleRoot,
  consistencyPlan,
  inclusionPlan,
  MerkleFrontier,
  nodeHashes,
  rootPlan,
  type MerkleNode,
  type NodeId,
} from './merkle.js';
import type { NoteVerifier } from './note.js';

/**
 * Builds an entry's bytes once its place in the chain is known: the previous leaf hash, its time and its index (a draw
 * binds its commit's leaf hash; a result appended with its commit names the commit's index).
 */
export type EntryBuilder = (prev: string, time: string, index: number) => Buffer;

export interface Appended {
  readonly index: number;
  readonly leafHash: Buffer;
  readonly entry: Buffer;
}

export interface AuditLogOptions {
  readonly store: Store;
  readonly signer: CheckpointSigner;
  readonly verifier: NoteVerifier;
  /** Entry time stamps; tests drive it. */
  readonly clock?: () => Date;
  /** A checkpoint is signed at most this long after an entry arrives (design: at least every second). */
  readonly checkpointIntervalMs?: number;
  /** Largest group commit. */
  readonly maxBatch?: number;
  /** Entries before the last checkpoint that the start-up self-check re-hashes as well. */
  readonly selfCheckTail?: number;
  /**
   * Told of each checkpoint this log signs, and of the latest stored one when it opens: the log marker kept outside the
   * store (src/log/log-marker.ts). Called between group commits; it must not wait for anything.
   */
  readonly onCheckpoint?: (tree: SignedTree) => void;
}

/** A checkpoint's tree: its size, root and signed note. */
export interface SignedTree {
  readonly size: number;
  readonly rootHash: Buffer;
  readonly note: string;
}

/** Where the stored log stops matching itself or its last checkpoint. */
export interface LogBreak {
  readonly index: number;
  readonly reason: string;
}

export interface InclusionProof {
  readonly index: number;
  readonly leafHash: string;
  /** The signed checkpoint the proof was computed against. */
  readonly checkpoint: string;
  readonly treeSize: number;
  readonly hashes: string[];
}

export interface ConsistencyProof {
  readonly fromSize: number;
  readonly toSize: number;
  readonly checkpoint: string;
  readonly hashes: string[];
}

/** State that changes with an entry: written in the same store transaction, under optional expectations. */
export interface StateChange {
  /**
   * The records to write; as a function, it gets the index the (first) entry was given, e.g. to record it, and, through
   * `leaf(i)`, the hex leaf hash of the append's i-th entry. A function must be pure and must touch the same records
   * whatever the index and the leaf hashes: it is called before the commit to learn which records the append touches
   * (once per index, so normally once; a function that reads a leaf hash is called once more with the real ones, as the
   * entries are built, and `leaf` answers '' before that).
   */
  readonly writes?: readonly RecordWrite[] | ((firstIndex: number, leaf: (i: number) => string) => readonly RecordWrite[]);
  /** If any fails when the entry commits, the append rejects with RecordConflictError and nothing is written. */
  readonly expects?: readonly RecordExpectation[];
}

/** One request to the log: one entry, or several that must commit together (appendAll). */
interface Pending {
  readonly builds: readonly EntryBuilder[];
  readonly state: StateChange | undefined;
  readonly resolve: (a: Appended[]) => void;
  readonly reject: (e: unknown) => void;
  /**
   * A writes function's result for the first index it was asked for: the batching and the commit share one call, unless
   * the function read a leaf hash (`final` false), when the commit asks again with the built entries.
   */
  computed?: { readonly index: number; readonly writes: readonly RecordWrite[]; readonly final: boolean };
}

const NO_LEAVES: readonly Appended[] = [];
/** The most a clock may step back and an entry still take the last entry's time (the verifier's tolerance between instances). */
const MAX_STEP_BACK_MS = 5_000;

/**
 * The append's record writes for its first entry at `index`, computed once per index; `built` are its entries once
 * built (the commit), none before (the batching).
 */
function writesAt(p: Pending, index: number, built: readonly Appended[] = NO_LEAVES): readonly RecordWrite[] {
  const w = p.state?.writes;
  if (typeof w !== 'function') return w ?? [];
  if (p.computed?.index === index && (p.computed.final || built.length === 0)) return p.computed.writes;
  let final = true;
  const leaf = (i: number) => {
    final = false;
    return built[i] ? hex(built[i].leafHash) : '';
  };
  const writes = w(index, leaf);
  p.computed = { index, writes, final: final || built.length > 0 };
  return writes;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The records an append writes (its first entry at `index`) or expects, as `collection\0key`. */
/**
 * The records an append touches: each key with `null` when it writes it, or the bytes it expects there when it only
 * reads it (an expectation of a record it does not write, such as the pool version every draw's commit names).
 */
function recordTouches(p: Pending, index: number): Map<string, Buffer | null | 'written'> {
  const touches = new Map<string, Buffer | null | 'written'>();
  for (const e of p.state?.expects ?? []) touches.set(`${e.collection}\0${e.key}`, e.value);
  for (const w of writesAt(p, index)) touches.set(`${w.collection}\0${w.key}`, 'written');
  return touches;
}

/** Entries of a group commit. */
function entryCount(batch: readonly Pending[]): number {
  let n = 0;
  for (const p of batch) n += p.builds.length;
  return n;
}

/** Two appends can share a commit on a record when neither writes it and both expect the same bytes there. */
function sharable(a: Buffer | null | 'written', b: Buffer | null | 'written'): boolean {
  if (a === 'written' || b === 'written') return false;
  return a === null ? b === null : b !== null && a.equals(b);
}

/**
 * Entry types and their payloads an AuditLog takes. The log itself is generic (any type, any payload); the service
 * opens it with its catalogue (src/audit/entries.ts), so every writer is typed by the catalogue.
 */
export type Untyped = Record<string, unknown>;
/** One entry of a catalogue: a type and its payload. */
export type EntryOf<C> = { [T in keyof C & string]: { readonly type: T; readonly payload: C[T] } }[keyof C & string];

/**
 * Group commits of at least this many entries look at the stored size before they are built and again before they are
 * sent, while other instances are seen appending to the same store (Redis: a race lost, or a look that found the tail
 * moved, within OTHERS_SEEN_MS). Such a commit in a burst is some 650 KB of arguments and several milliseconds of
 * building; one built on a tail that moved meanwhile is refused only after its whole transfer. A look is a round trip:
 * a lone draw's commits (one to three entries) and a lone instance go without it. Two instances drawing a burst of
 * 2,000 sent 122–132 commits of which 49–59 were refused without the looks, and 77–130 of which 5–28 with them (stop 31).
 */
const LOOK_FIRST_ENTRIES = 16;
/** How long after it last saw another instance's append a log keeps looking first (real time). */
const OTHERS_SEEN_MS = 10_000;

/** Lost races with other instances before an append gives up (with the pauses, about a few seconds). */
const MAX_CONFLICT_RETRIES = 64;
/**
 * Largest group commit, in appends. A burst of due draws would otherwise go into one transaction of thousands, which
 * SQLite commits synchronously: timers (lease renewals, checkpoints) and requests would wait for all of it.
 */
const DEFAULT_MAX_BATCH = 256;

export class AuditLog<C = Untyped> {
  private readonly store: Store;
  private readonly signer: CheckpointSigner;
  private readonly verifier: NoteVerifier;
  private readonly clock: () => Date;
  /** The time of the last entry this process wrote (ms): see entryTime. */
  private lastTimeMs = Number.NEGATIVE_INFINITY;
  private readonly checkpointIntervalMs: number;
  private readonly maxBatch: number;
  private readonly onCheckpoint: ((tree: SignedTree) => void) | undefined;
  /**
   * When this log last found that another instance had appended (ms since the epoch, real clock). Only a shared store
   * (Redis) ever shows one; on SQLite, one process's log, it stays -Infinity and no commit looks first.
   */
  private othersSeenAt = -Infinity;
  private frontier = new MerkleFrontier();
  private prev = GENESIS_PREV;
  private queue: Pending[] = [];
  private flushing = false;
  private needsReload = false;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private lastCheckpoint: { size: number; note: string } | null = null;
  /** The largest size the store confirmed (a commit that returned, a reload): the tree may hold a batch that failed. */
  private confirmedSize = 0;
  /** When this process signed or loaded lastCheckpoint, or opened a log without one (ms since the epoch, real clock). */
  private lastCheckpointAt = Date.now();
  private closed = false;
  /** Serialises commits and checkpoint signing: a checkpoint is signed between two group commits, never during one. */
  private lock: Promise<unknown> = Promise.resolve();
  /** Set when the start-up self-check failed: appends are refused until an operator repairs the store. */
  private broken: LogBreak | null = null;

  private constructor(options: AuditLogOptions) {
    this.store = options.store;
    this.signer = options.signer;
    this.verifier = options.verifier;
    this.clock = options.clock ?? (() => new Date());
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 1000;
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.onCheckpoint = options.onCheckpoint;
  }

  /** Loads the tree's right edge and runs the self-check; a failed check leaves the log open but refusing appends. */
  static async open<C = Untyped>(options: AuditLogOptions): Promise<AuditLog<C>> {
    const log = new AuditLog<C>(options);
    log.broken = await selfCheck(options.store, options.verifier, options.signer.origin, options.selfCheckTail ?? 1000);
    if (!log.broken) {
      await log.reload();
      const latest = await options.store.latestCheckpoint();
      log.lastCheckpoint = latest;
      // The self-check has just verified it: the largest tree the store confirmed at the start.
      if (latest) log.onCheckpoint?.({ size: latest.size, rootHash: openCheckpoint(latest.note, options.verifier, options.signer.origin).checkpoint.rootHash, note: latest.note });
      // Entries a killed process left unsigned are signed now, not at the next write: until then inspectors, backups and
      // the checkpoint-age alert would see the old checkpoint.
      if (log.size > (latest?.size ?? 0)) log.scheduleCheckpoint();
    }
    return log;
  }

  get size(): number {
    return this.frontier.size;
  }

  get origin(): string {
    return this.signer.origin;
  }

  /**
   * The latest checkpoint this instance signed or loaded: the entries it covers (0 without one), and when it was signed
   * or loaded (without one: when the log was opened), in ms since the epoch.
   */
  get checkpointStatus(): { size: number; at: number } {
    return { size: this.lastCheckpoint?.size ?? 0, at: this.lastCheckpointAt };
  }

  /** Null when the stored log matched its last checkpoint at start-up. */
  get integrity(): LogBreak | null {
    return this.broken;
  }

  /** Appends `{type, time, prev, payload}` as canonical JSON, with its state change. Resolves once durable. */
  append<T extends keyof C & string>(type: T, payload: C[T], state?: StateChange): Promise<Appended> {
    return this.appendWith((prev, time) => encodeEntry({ type, time, prev, payload } satisfies LogEntry<C[T]>), state);
  }

  /** Appends an entry built once its prev hash and time are known. Resolves after the entry is durable. */
  async appendWith(build: EntryBuilder, state?: StateChange): Promise<Appended> {
    return (await this.enqueue([build], state))[0]!;
  }

  /** Appends several entries built once their places are known, in one store transaction, with one state change. */
  appendBuilt(builds: readonly EntryBuilder[], state?: StateChange): Promise<Appended[]> {
    return this.enqueue(builds, state);
  }

  /**
   * Appends several entries in one store transaction, with one state change: all of them are durable, or none is
   * written (a bulk import that stores nothing unless everything can be stored).
   */
  appendAll(items: ReadonlyArray<EntryOf<C>>, state?: StateChange): Promise<Appended[]> {
    return this.enqueue(
      items.map(({ type, payload }) => (prev: string, time: string) => encodeEntry({ type, time, prev, payload })),
      state,
    );
  }

  private enqueue(builds: readonly EntryBuilder[], state: StateChange | undefined): Promise<Appended[]> {
    if (this.broken) {
      return Promise.reject(new AppError('LOG_MISMATCH', msg('log.broken', { index: this.broken.index, reason: this.broken.reason }), this.broken));
    }
    if (this.closed) return Promise.reject(new AppError('LOG_UNAVAILABLE', msg('log.closed')));
    return new Promise((resolve, reject) => {
      this.queue.push({ builds, state, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let appends issued in the same tick join this group commit.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Group commit: every append queued while the previous commit ran goes into the next one. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      let batch = this.takeBatch();
      while (batch.length > 0) {
        try {
          const appended = await this.exclusive(() => this.commit(batch));
          let at = 0;
          for (const p of batch) {
            p.resolve(appended.slice(at, at + p.builds.length));
            at += p.builds.length;
          }
          this.scheduleCheckpoint();
          break;
        } catch (err) {
          // A failed expectation belongs to the appends that expected that record: they are rejected, and the rest of
          // the batch commits without them (the store wrote nothing of the failed attempt).
          const losers = err instanceof RecordConflictError ? batch.filter((p) => (p.state?.expects ?? []).some((x) => x.collection === err.collection && x.key === err.key)) : [];
          if (losers.length === 0 || losers.length === batch.length) {
            batch.forEach((p) => p.reject(err));
            break;
          }
          losers.forEach((p) => p.reject(err));
          batch = batch.filter((p) => !losers.includes(p));
        }
      }
      // SQLite commits synchronously: yield between batches so that timers (checkpoints) and requests run while a
      // backlog drains, instead of after it.
      if (this.queue.length > 0) await new Promise((r) => setImmediate(r));
    }
    this.flushing = false;
  }

  /**
   * The next group commit: appends from the head of the queue, in order, up to maxBatch, stopping before one that
   * touches a record an earlier one in the batch touches, unless both only expect the same bytes there. Appends on
   * disjoint records are independent, so a burst of draws shares one durable write (their commits all expect the same
   * pool version); two on the same record commit one after the other, so the second's expectation sees the first's
   * write.
   */
  private takeBatch(): Pending[] {
    const touched = new Map<string, Buffer | null | 'written'>();
    let n = 0;
    // The index each append's entries will get if the batch commits as taken: its writes are computed for it once.
    let index = this.frontier.size;
    for (const p of this.queue) {
      if (n >= this.maxBatch) break;
      const touches = recordTouches(p, index);
      index += p.builds.length;
      if (n > 0 && [...touches].some(([k, v]) => touched.has(k) && !sharable(touched.get(k)!, v))) break;
      for (const [k, v] of touches) touched.set(k, v);
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async commit(batch: Pending[]): Promise<Appended[]> {
    for (let attempt = 0; ; attempt++) {
      const lookFirst = Date.now() - this.othersSeenAt < OTHERS_SEEN_MS && entryCount(batch) >= LOOK_FIRST_ENTRIES;
      // Another instance may have appended since this one last did: build on its tail, not on a stale one.
      if (lookFirst && !this.needsReload && (await this.storedSize()) !== this.frontier.size) {
        this.needsReload = true;
        this.othersSeenAt = Date.now();
      }
      if (this.needsReload) {
        // The store failing here is the log being unavailable, as when the write itself fails.
        await this.reload().catch((err: unknown) => {
          throw err instanceof AppError ? err : new AppError('LOG_UNAVAILABLE', msg('log.unreadable'), { cause: String(err) });
        });
      }
      const start = this.frontier.size;
      const entries: Buffer[] = [];
      const nodes: MerkleNode[] = [];
      const appended: Appended[] = [];
      const writes: RecordWrite[] = [];
      for (const p of batch) {
        const first = start + entries.length;
        const own: Appended[] = [];
        for (const build of p.builds) {
          const index = start + entries.length;
          const entry = build(this.prev, this.entryTime(), index);
          const leaf = leafHash(entry);
          nodes.push(...this.frontier.appendShared(leaf));
          own.push({ index, leafHash: leaf, entry });
          entries.push(entry);
          this.prev = hex(leaf);
        }
        // A loop, not a spread: an import writes two records per row, more than a call's arguments may hold.
        for (const x of writesAt(p, first, own)) writes.push(x);
        for (const a of own) appended.push(a);
      }
      try {
        const expects = batch.flatMap((p) => p.state?.expects ?? []);
        // And again before sending it: one that lost the race while it was built is rebuilt without being sent.
        if (lookFirst) {
          const size = await this.storedSize();
          if (size !== start) throw new StoreConflictError(start, size);
        }
        await this.store.appendLog({ start, entries, nodes, writes, expects });
        this.confirmedSize = Math.max(this.confirmedSize, start + entries.length);
        return appended;
      } catch (err) {
        // The frontier and chain head already hold this batch: re-read them from the store before anything else.
        this.needsReload = true;
        // Another instance appended first: take its entries into our tree and rebuild this batch on top of them. Under
        // a burst from several instances, a random pause after repeated losses lets every instance through.
        if (err instanceof StoreConflictError) this.othersSeenAt = Date.now();
        if (err instanceof StoreConflictError && attempt < MAX_CONFLICT_RETRIES) {
          if (attempt >= 2) await new Promise((r) => setTimeout(r, Math.random() * Math.min(64, 2 ** attempt)));
          continue;
        }
        // The expectation failed: the caller decides (the store wrote nothing, the tree is re-read).
        if (err instanceof RecordConflictError) throw err;
        // After any other failure the store's state is unknown (it may have committed); the reload will tell.
        throw err instanceof AppError ? err : new AppError('LOG_UNAVAILABLE', msg('log.unwritable'), { cause: String(err) });
      }
    }
  }

  /** The stored log's size; a store that cannot tell is the log being unavailable. */
  private storedSize(): Promise<number> {
    return this.store.logSize().catch((err: unknown) => {
      throw new AppError('LOG_UNAVAILABLE', msg('log.unreadable'), { cause: String(err) });
    });
  }

  /**
   * An entry's time: the clock's, but never before the last entry this process wrote when the clock stepped back by a
   * little (an NTP correction): a draw's result is then never dated before its own commit, which the verifier checks
   * with no tolerance. A step back of more than MAX_STEP_BACK_MS (a clock set right by hand) is taken as it is.
   */
  private entryTime(): string {
    const now = this.clock().getTime();
    const ms = now < this.lastTimeMs && this.lastTimeMs - now <= MAX_STEP_BACK_MS ? this.lastTimeMs : now;
    this.lastTimeMs = ms;
    return new Date(ms).toISOString();
  }

  /**
   * Compares the stored log's size with the largest the store confirmed to this log (or it signed): a log only
   * grows, so a smaller one lost entries — a Redis replaced by an empty one, a FLUSHALL, a failover to a replica behind,
   * a wrong data folder. The log is then broken: appends and checkpoints are refused and readiness fails, rather than a
   * second log starting from entry 0 beside the history every checkpoint signed. Returns the stored size.
   */
  async checkNotShrunk(): Promise<number> {
    const size = await this.store.logSize();
    const known = Math.max(this.confirmedSize, this.lastCheckpoint?.size ?? 0);
    if (size < known && !this.broken) {
      this.broken = { index: size, reason: `the store holds ${size} entries, fewer than the ${known} this log had written or signed: its data was replaced or lost; restore it (docs/backups.md) before restarting` };
    }
    return size;
  }

  /** Re-reads size, right edge and chain head from the store (refused when the store lost entries: checkNotShrunk). */
  private async reload(): Promise<void> {
    const size = await this.checkNotShrunk();
    if (this.broken) throw new AppError('LOG_MISMATCH', msg('log.broken', { index: this.broken.index, reason: this.broken.reason }), this.broken);
    const plan = rootPlan(size);
    const hashes = await this.store.readNodes(plan);
    const edge = plan.map((id, i) => ({ ...id, hash: hashes[i]! }));
    this.frontier = MerkleFrontier.fromStoredNodes(size, nodeHashes(edge));
    this.prev = size === 0 ? GENESIS_PREV : hex((await this.store.readNodes([{ level: 0, index: size - 1 }]))[0]!);
    this.confirmedSize = Math.max(this.confirmedSize, size);
    this.needsReload = false;
  }

  private scheduleCheckpoint(): void {
    if (this.checkpointTimer || this.closed) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      void this.checkpoint().catch(() => this.scheduleCheckpoint());
    }, this.checkpointIntervalMs);
    this.checkpointTimer.unref();
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Signs and stores a checkpoint of the tree as it is now, if it grew since the last one. It runs between group
   * commits, so it covers exactly what is durable, also under continuous load. Every checkpoint this log signs comes
   * from the one frontier that only grows, so two of them are always consistent.
   */
  checkpoint(): Promise<StoredCheckpoint> {
    return this.exclusive(() => this.signCheckpoint());
  }

  private async signCheckpoint(): Promise<StoredCheckpoint> {
    if (this.broken) throw new AppError('LOG_MISMATCH', msg('log.brokenNoCheckpoint'), this.broken);
    if (this.needsReload) await this.reload();
    const size = this.frontier.size;
    if (this.lastCheckpoint && this.lastCheckpoint.size >= size) return this.lastCheckpoint;
    const cp: Checkpoint = { origin: this.signer.origin, size, rootHash: this.frontier.root(), extensions: [] };
    const stored = { size, note: this.signer.sign(cp) };
    await this.store.putCheckpoint(stored).catch(async (err: unknown) => {
      // Another instance signed this size already; both came from the same stored tree, so keep theirs.
      const existing = await this.store.listCheckpoints(size, 1);
      if (existing[0]?.size !== size) throw err;
    });
    this.lastCheckpoint = stored;
    this.lastCheckpointAt = Date.now();
    this.onCheckpoint?.({ size, rootHash: cp.rootHash, note: stored.note });
    return stored;
  }

  /** The latest checkpoint covering `minSize` entries, signing a new one if none does yet. */
  private async checkpointCovering(minSize: number): Promise<StoredCheckpoint> {
    const latest = this.lastCheckpoint ?? (await this.store.latestCheckpoint());
    if (latest && latest.size >= minSize) return latest;
    return this.checkpoint();
  }

  /** Inclusion proof of entry `index` against the latest checkpoint covering it (O(log n) node reads). */
  async inclusionProof(index: number): Promise<InclusionProof> {
    return this.inclusionProofAt(index, await this.checkpointCovering(index + 1));
  }

  /** Inclusion proofs of several entries against one checkpoint (the latest covering them all): one tree for all. */
  async inclusionProofs(indices: readonly number[]): Promise<InclusionProof[]> {
    const cp = await this.checkpointCovering(Math.max(...indices) + 1);
    return Promise.all(indices.map((i) => this.inclusionProofAt(i, cp)));
  }

  private async inclusionProofAt(index: number, cp: StoredCheckpoint): Promise<InclusionProof> {
    const ids: NodeId[] = [{ level: 0, index }, ...inclusionPlan(index, cp.size)];
    const hashes = await this.store.readNodes(ids);
    const map = nodeHashes(ids.map((id, i) => ({ ...id, hash: hashes[i]! })));
    return {
      index,
      leafHash: hex(hashes[0]!),
      checkpoint: cp.note,
      treeSize: cp.size,
      hashes: assembleInclusionProof(index, cp.size, map).map(hex),
    };
  }

  /** Consistency proof from an earlier tree size to the latest checkpoint. */
  async consistencyProof(fromSize: number): Promise<ConsistencyProof> {
    const cp = await this.checkpointCovering(fromSize);
    const ids = consistencyPlan(fromSize, cp.size);
    const hashes = await this.store.readNodes(ids);
    const map = nodeHashes(ids.map((id, i) => ({ ...id, hash: hashes[i]! })));
    return { fromSize, toSize: cp.size, checkpoint: cp.note, hashes: assembleConsistencyProof(fromSize, cp.size, map).map(hex) };
  }

  /** Entry bytes by index. */
  async entry(index: number): Promise<Buffer> {
    return (await this.store.readEntries(index, index + 1))[0]!;
  }

  /** Waits for pending appends, signs a final checkpoint, stops the timer. The store stays open (its owner closes it). */
  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setImmediate(r));
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    if (!this.broken && this.frontier.size > 0) await this.checkpoint().catch(() => undefined);
    this.closed = true;
  }
}

/**
 * Start-up self-check: the last checkpoint's signature and the stored tree against its root, then every entry from
 * `tail` entries before that checkpoint to the end re-hashed, chained and re-folded into the tree, and every
 * checkpoint in that window verified and reproduced. Returns where the log breaks, or null. Older history is covered
 * by the full verification (`expert-draw log verify`).
 */
/** The root of the stored tree at `size`, from its O(log n) right-edge nodes; null when they are not all stored. */
export async function storedRoot(store: Pick<Store, 'readNodes'>, size: number): Promise<Buffer | null> {
  const plan = rootPlan(size);
  const hashes = await store.readNodes(plan).catch(() => null);
  if (!hashes || hashes.some((h) => !h)) return null;
  return assembleRoot(size, nodeHashes(plan.map((id, i) => ({ ...id, hash: hashes[i]! }))));
}

export async function selfCheck(store: Store, verifier: NoteVerifier, origin: string, tail: number): Promise<LogBreak | null> {
  const size = await store.logSize();
  const latest = await store.latestCheckpoint();
  const from = latest ? Math.max(0, latest.size - tail) : 0;
  const anchors = new Map<number, Buffer>();
  for (let next = from; ; ) {
    const page = await store.listCheckpoints(next, 1000);
    for (const stored of page) {
      const opened = openStored(stored, verifier, origin, size);
      if ('reason' in opened) return opened;
      anchors.set(stored.size, opened.rootHash);
    }
    if (page.length < 1000) break;
    next = page.at(-1)!.size + 1;
  }
  if (latest) {
    // The stored right edge at the latest checkpoint must give its root: it vouches for everything before `from`.
    const root = await storedRoot(store, latest.size);
    if (!root) return { index: latest.size, reason: `tree nodes for checkpoint ${latest.size} are missing` };
    if (!root.equals(anchors.get(latest.size)!)) return { index: latest.size - 1, reason: `stored tree does not match checkpoint ${latest.size}` };
  }
  return verifyRange(store, from, size, anchors);
}

/** A stored checkpoint's checked content, or where it fails. */
export function openStored(stored: StoredCheckpoint, verifier: NoteVerifier, origin: string, logSize: number): Checkpoint | LogBreak {
  let cp: Checkpoint;
  try {
    cp = openCheckpoint(stored.note, verifier, origin).checkpoint;
  } catch (err) {
    return { index: stored.size, reason: `checkpoint ${stored.size} does not verify: ${(err as Error).message}` };
  }
  if (cp.size !== stored.size) return { index: stored.size, reason: `checkpoint stored for size ${stored.size} says ${cp.size}` };
  if (cp.size > logSize) return { index: stored.size, reason: `checkpoint covers ${cp.size} entries but only ${logSize} are stored` };
  return cp;
}

/**
 * Re-hashes entries [from, to), checks the hash chain, the stored leaf and interior nodes they complete, and — as the
 * replay passes each anchor's size — that anchor's root (anchors: tree size → root of a verified checkpoint).
 */
export async function verifyRange(
  store: Store,
  from: number,
  to: number,
  anchors: ReadonlyMap<number, Buffer>,
  onProgress?: (done: number) => void,
): Promise<LogBreak | null> {
  let frontier: MerkleFrontier;
  try {
    const plan = rootPlan(from);
    const edge = await store.readNodes(plan);
    frontier = MerkleFrontier.fromStoredNodes(from, nodeHashes(plan.map((id, i) => ({ ...id, hash: edge[i]! }))));
  } catch {
    return { index: from, reason: 'tree nodes at the start of the range are missing' };
  }
  let prev = from === 0 ? GENESIS_PREV : hex((await store.readNodes([{ level: 0, index: from - 1 }]))[0]!);
  const CHUNK = 5000;
  const read = (start: number) => {
    const end = Math.min(to, start + CHUNK);
    return store.readEntriesWithLeaves(start, end).then(
      (r) => [r.entries, r.leafHex] as const,
      () => [null, null] as const,
    );
  };
  // The next chunk is read while this one is hashed: a remote store's round trips overlap the CPU work.
  let next = from < to ? read(from) : null;
  for (let start = from; start < to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK);
    const [entries, leaves] = await next!;
    next = end < to ? read(end) : null;
    next?.catch(() => undefined);
    if (!entries || !leaves) return { index: start, reason: `entries ${start}…${end - 1} or their leaf hashes are not all stored` };
    const completed: MerkleNode[] = [];
    for (let i = 0; i < entries.length; i++) {
      const index = start + i;
      const bytes = entries[i]!;
      const leaf = leafHash(bytes);
      const leafHex = leaf.toString('hex');
      if (leafHex !== leaves[i]) return { index, reason: 'entry does not match its stored leaf hash' };
      if (!chainsTo(bytes, prev)) {
        return chainedPrev(bytes) === null
          ? { index, reason: 'entry is not a log entry (no prev hash)' }
          : { index, reason: `hash chain broken: prev does not match entry ${index - 1}` };
      }
      // Level 0 was just compared; only interior nodes remain to check against the store.
      for (const n of frontier.appendShared(leaf)) if (n.level > 0) completed.push(n);
      prev = leafHex;
      const anchor = anchors.get(frontier.size);
      if (anchor && !frontier.root().equals(anchor)) {
        return { index, reason: `entries up to ${index} do not reproduce the root of checkpoint ${frontier.size}` };
      }
    }
    const bad = await compareNodes(store, completed);
    if (bad) return bad;
    onProgress?.(end);
  }
  return null;
}

/** Compares freshly computed nodes with the stored ones, one range read per level. */
async function compareNodes(store: Store, nodes: readonly MerkleNode[]): Promise<LogBreak | null> {
  const byLevel = new Map<number, MerkleNode[]>();
  for (const n of nodes) {
    const list = byLevel.get(n.level);
    if (list) list.push(n);
    else byLevel.set(n.level, [n]);
  }
  for (const [level, list] of byLevel) {
    const first = list[0]!.index;
    const stored = await store.readNodeRangeHex(level, first, first + list.length).catch(() => null);
    if (!stored) return { index: list[0]!.index * 2 ** level, reason: `tree nodes of level ${level} are missing` };
    for (let i = 0; i < list.length; i++) {
      if (stored[i] !== list[i]!.hash.toString('hex')) {
        const n = list[i]!;
        const leaf = n.index * 2 ** level;
        return { index: leaf, reason: level === 0 ? 'entry does not match its stored leaf hash' : `stored tree node ${level}:${n.index} (leaves ${leaf}…${leaf + 2 ** level - 1}) does not match the entries` };
      }
    }
  }
  return null;
}

const PREV_MARK = Buffer.from('"prev":"');
const QUOTE = 0x22;

/**
 * The top-level `prev` of an entry. JCS orders keys payload, prev, time, type: the last `"prev":"` is the top one.
 * Reads the bytes in place (no decoding of the whole entry): this runs for every entry of a full verification.
 */
export function chainedPrev(bytes: Buffer): string | null {
  const value = rawPrev(bytes);
  return value !== null && HEX64.test(value) ? value : null;
}
const HEX64 = /^[0-9a-f]{64}$/;

/** The 64 characters between `"prev":"` and its closing quote, unchecked; null without them. */
function rawPrev(bytes: Buffer): string | null {
  const at = bytes.lastIndexOf(PREV_MARK);
  return at < 0 || bytes[at + 72] !== QUOTE ? null : bytes.toString('latin1', at + 8, at + 72);
}

/** Whether the entry's top-level `prev` is exactly `prev` (always valid hex), so no regex per entry. */
function chainsTo(bytes: Buffer, prev: string): boolean {
  return rawPrev(bytes) === prev;
}
