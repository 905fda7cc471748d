// The one storage interface. Adapters: sqlite-store.ts (embedded default) and redis-store.ts (several instances).
// Both pass test/store/conformance.ts; nothing above this interface knows which one it talks to.

/** A complete Merkle subtree hash: leaves [index·2^level, (index+1)·2^level). Level 0 holds the leaf hashes. */
export interface StoredNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Buffer;
}

/** One group commit of the log: consecutive entries from `start`, with every tree node they complete. */
export interface LogBatch {
  /** Index of the first entry; must equal the stored log size. */
  readonly start: number;
  /** Encoded entries (canonical JSON bytes), in order. */
  readonly entries: readonly Buffer[];
  /** Nodes completed by these entries, level 0 (leaf hashes) included. */
  readonly nodes: readonly StoredNode[];
}

export interface StoredCheckpoint {
  readonly size: number;
  /** The signed note text (C2SP signed-note around a tlog-checkpoint body). */
  readonly note: string;
}

/** Raised when a batch's start is not the stored size: another writer appended first. Nothing was written. */
export class StoreConflictError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`log append conflict: batch starts at ${expected} but the log holds ${actual} entries`);
    this.name = 'StoreConflictError';
  }
}

export interface Store {
  readonly kind: 'sqlite' | 'redis';
  /**
   * Appends the batch atomically if the log holds exactly `batch.start` entries (else StoreConflictError, nothing
   * written). Durability contract: resolves only after the whole batch is durable — fsynced by SQLite
   * (synchronous=FULL) or by Redis (appendfsync always) — so an acknowledged entry survives a crash of either.
   */
  appendLog(batch: LogBatch): Promise<void>;
  /** Number of entries in the log. */
  logSize(): Promise<number>;
  /** Entries [start, end), in order; throws if any is missing. */
  readEntries(start: number, end: number): Promise<Buffer[]>;
  /** The hashes of the given nodes, in the order asked; throws if any is missing. */
  readNodes(ids: ReadonlyArray<{ level: number; index: number }>): Promise<Buffer[]>;
  /** Nodes [start, end) of one level, in order (bulk reads for full verification); throws if any is missing. */
  readNodeRange(level: number, start: number, end: number): Promise<Buffer[]>;
  /** Records a signed checkpoint. Checkpoints are kept forever; a size is stored once (a second note for it fails). */
  putCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  /** Checkpoints with size in [fromSize, ∞), ascending, at most `limit`. */
  listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]>;
  /** Round trip that proves the store answers (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
