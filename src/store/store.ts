// The one storage interface. Adapters: sqlite-store.ts (embedded default) and redis-store.ts (several instances).
// Both pass test/store/conformance.ts; nothing above this interface knows which one it talks to.

/** A complete Merkle subtree hash: leaves [index·2^level, (index+1)·2^level). Level 0 holds the leaf hashes. */
export interface StoredNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Buffer;
}

/** A state record written together with log entries: the state and the log never disagree about a change. */
export interface RecordWrite {
  /** Lower-case name, e.g. `experts`. */
  readonly collection: string;
  readonly key: string;
  /** New value, or null to delete the record. */
  readonly value: Buffer | null;
}

/** An optimistic check: the record must hold exactly `value` (null: must not exist) when the batch commits. */
export interface RecordExpectation {
  readonly collection: string;
  readonly key: string;
  readonly value: Buffer | null;
}

/** One group commit of the log: consecutive entries from `start`, with every tree node they complete. */
export interface LogBatch {
  /** Index of the first entry; must equal the stored log size. */
  readonly start: number;
  /** Encoded entries (canonical JSON bytes), in order. */
  readonly entries: readonly Buffer[];
  /** Nodes completed by these entries, level 0 (leaf hashes) included. */
  readonly nodes: readonly StoredNode[];
  /** State records changed by these entries, committed in the same transaction. */
  readonly writes?: readonly RecordWrite[];
  /** Checked first; if any fails, RecordConflictError and nothing is written. */
  readonly expects?: readonly RecordExpectation[];
}

/** A change to a record, as the change feed reports it (other instances re-read the record). */
export interface RecordChange {
  readonly collection: string;
  readonly key: string;
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

/** An expectation of the batch did not hold: another writer changed the record first. Nothing was written. */
export class RecordConflictError extends Error {
  constructor(
    readonly collection: string,
    readonly key: string,
  ) {
    super(`record ${collection}/${key} changed meanwhile`);
    this.name = 'RecordConflictError';
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
  /**
   * Nodes [start, end) of one level as lower-case hex, in order; throws if any is missing. Bulk reads for the full
   * verification: a million small strings cost far less to hand over than a million small Buffers.
   */
  readNodeRangeHex(level: number, start: number, end: number): Promise<string[]>;
  /** Entries [start, end) with their stored leaf hashes (level-0 nodes) as lower-case hex, in one read where possible. */
  readEntriesWithLeaves(start: number, end: number): Promise<{ entries: Buffer[]; leafHex: string[] }>;
  /** Records a signed checkpoint. Checkpoints are kept forever; a size is stored once (a second note for it fails). */
  putCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  latestCheckpoint(): Promise<StoredCheckpoint | null>;
  /** Checkpoints with size in [fromSize, ∞), ascending, at most `limit`. */
  listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]>;
  /** The current value of a record, or null. */
  getRecord(collection: string, key: string): Promise<Buffer | null>;
  /** The current values of several records of one collection, in the order asked (null where absent): one round trip. */
  getRecords(collection: string, keys: readonly string[]): Promise<Array<Buffer | null>>;
  /**
   * Writes a record outside the log, durably, without a change-feed event. Only for data that is not audited state:
   * saved answers for Idempotency-Key replays, the check-in terminals' miss counters (each miss is logged on its
   * own), and index entries rebuilt at start for data written before an index existed. Every state change goes
   * through appendLog's writes instead.
   */
  putUnloggedRecord(collection: string, key: string, value: Buffer): Promise<void>;
  /** Every record of a collection, in key order. */
  listRecords(collection: string): Promise<Array<{ key: string; value: Buffer }>>;
  /**
   * Record changes committed after `cursor` ('' for the start), oldest first, at most `limit`, and the cursor to ask
   * from next. With `waitMs`, waits up to that long when there is nothing new yet (Redis: a blocking stream read).
   */
  readChanges(cursor: string, limit: number, waitMs?: number): Promise<{ cursor: string; changes: RecordChange[] }>;
  /** The cursor after the newest change: a follower that has just loaded everything starts from here. */
  changesHead(): Promise<string>;
  /**
   * Takes a lease for `ttlMs` if it is free, expired or already held by `owner` (then it is renewed); true when the
   * owner holds it. Several instances use it so that exactly one runs a due draw; a crashed holder's lease expires.
   */
  claimLease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives a lease back, if `owner` holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
  /** Round trip that proves the store answers (health checks). */
  ping(): Promise<void>;
  /**
   * A small durable write that touches neither the log nor any record, overwritten each time: proves the store takes
   * writes now (readiness). Fails where an append would: a read-only or failing disk, a Redis that refuses writes (an
   * AOF it cannot write, a replica after a failover, out of memory).
   */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}
