// A Store that forwards every call to a real one and adds up the time spent inside it, per method: how much of an
// append (or a verification) is the store and how much is the log above it. Costs one hrtime pair per call.
import type { LogBatch, Store, StoredCheckpoint } from '../../src/store/store.js';

export interface MethodTotals {
  calls: number;
  ms: number;
}

export interface StoreTimes {
  readonly appendLog: MethodTotals & { entries: number; nodes: number; entryBytes: number; maxBatch: number; failed: number };
  readonly readEntries: MethodTotals;
  readonly readNodes: MethodTotals;
  readonly readNodeRange: MethodTotals;
  /** putCheckpoint: checkpoints signed and stored. */
  readonly putCheckpoint: MethodTotals;
  /** latestCheckpoint and listCheckpoints. */
  readonly checkpoints: MethodTotals;
  readonly other: MethodTotals;
  /**
   * readChanges: followers reading the change feed, blocking (the pool's, on Redis) or polling (the sessions', every
   * quarter second): idle time rather than work, kept apart from `other` so that per-request totals are not swamped by
   * it and an idle instance counts as quiet. What a change makes a follower read is counted where it reads it.
   */
  readonly waits: MethodTotals;
  /** claimLease and releaseLease (each a durable write on SQLite, a script on Redis). */
  readonly leases: MethodTotals;
}

function zero(): StoreTimes {
  return {
    appendLog: { calls: 0, ms: 0, entries: 0, nodes: 0, entryBytes: 0, maxBatch: 0, failed: 0 },
    readEntries: { calls: 0, ms: 0 },
    readNodes: { calls: 0, ms: 0 },
    readNodeRange: { calls: 0, ms: 0 },
    putCheckpoint: { calls: 0, ms: 0 },
    checkpoints: { calls: 0, ms: 0 },
    other: { calls: 0, ms: 0 },
    waits: { calls: 0, ms: 0 },
    leases: { calls: 0, ms: 0 },
  };
}

export class TimedStore implements Store {
  times: StoreTimes = zero();
  /** Duration of the latest appendLog call, in ms. */
  lastAppendMs = 0;
  /** Called after every appendLog that succeeded, with its duration and batch (per-request breakdowns). */
  onAppend: ((ms: number, batch: LogBatch) => void) | null = null;

  constructor(readonly inner: Store) {}

  get kind(): Store['kind'] {
    return this.inner.kind;
  }

  /** Returns the totals so far and starts counting from zero. */
  reset(): StoreTimes {
    const t = this.times;
    this.times = zero();
    return t;
  }

  private async time<T>(bucket: MethodTotals, fn: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      bucket.calls++;
      bucket.ms += Number(process.hrtime.bigint() - start) / 1e6;
    }
  }

  async appendLog(batch: LogBatch): Promise<void> {
    const a = this.times.appendLog;
    const start = process.hrtime.bigint();
    let ok = false;
    try {
      await this.inner.appendLog(batch);
      ok = true;
    } finally {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      this.lastAppendMs = ms;
      a.calls++;
      a.ms += ms;
      a.entries += batch.entries.length;
      a.nodes += batch.nodes.length;
      for (const e of batch.entries) a.entryBytes += e.length;
      a.maxBatch = Math.max(a.maxBatch, batch.entries.length);
      if (ok) this.onAppend?.(ms, batch);
      else a.failed++;
    }
  }

  getRecords(collection: string, keys: readonly string[]): Promise<Array<Buffer | null>> {
    return this.time(this.times.other, () => this.inner.getRecords(collection, keys));
  }

  getRecord(collection: string, key: string): Promise<Buffer | null> {
    return this.time(this.times.other, () => this.inner.getRecord(collection, key));
  }

  putUnloggedRecord(collection: string, key: string, value: Buffer): Promise<void> {
    return this.time(this.times.other, () => this.inner.putUnloggedRecord(collection, key, value));
  }

  listRecords(collection: string): Promise<Array<{ key: string; value: Buffer }>> {
    return this.time(this.times.other, () => this.inner.listRecords(collection));
  }

  readChanges(cursor: string, limit: number, waitMs?: number): ReturnType<Store['readChanges']> {
    return this.time(this.times.waits, () => this.inner.readChanges(cursor, limit, waitMs));
  }

  readEntriesWithLeaves(start: number, end: number): ReturnType<Store['readEntriesWithLeaves']> {
    return this.time(this.times.readEntries, () => this.inner.readEntriesWithLeaves(start, end));
  }

  probeWrite(): Promise<void> {
    return this.time(this.times.other, () => this.inner.probeWrite());
  }

  claimLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.time(this.times.leases, () => this.inner.claimLease(name, owner, ttlMs));
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return this.time(this.times.leases, () => this.inner.releaseLease(name, owner));
  }

  changesHead(): Promise<string> {
    return this.time(this.times.other, () => this.inner.changesHead());
  }

  logSize(): Promise<number> {
    return this.time(this.times.other, () => this.inner.logSize());
  }

  readEntries(start: number, end: number): Promise<Buffer[]> {
    return this.time(this.times.readEntries, () => this.inner.readEntries(start, end));
  }

  readNodes(ids: ReadonlyArray<{ level: number; index: number }>): Promise<Buffer[]> {
    return this.time(this.times.readNodes, () => this.inner.readNodes(ids));
  }

  readNodeRangeHex(level: number, start: number, end: number): Promise<string[]> {
    return this.time(this.times.readNodeRange, () => this.inner.readNodeRangeHex(level, start, end));
  }

  putCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    return this.time(this.times.putCheckpoint, () => this.inner.putCheckpoint(checkpoint));
  }

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return this.time(this.times.checkpoints, () => this.inner.latestCheckpoint());
  }

  listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    return this.time(this.times.checkpoints, () => this.inner.listCheckpoints(fromSize, limit));
  }

  ping(): Promise<void> {
    return this.time(this.times.other, () => this.inner.ping());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
