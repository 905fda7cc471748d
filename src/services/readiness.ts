// Readiness: may this instance take traffic now? The store takes writes, the audit log passed its start-up self-check,
// the keys are loaded and, for SQLite, the data volume has room. Probed at most once per interval whatever the request
// rate (the probe is a durable write), and never longer than a timeout (a Redis that went away queues commands).
import { statfs } from 'node:fs/promises';
import type { LogBreak } from '../log/audit-log.js';
import type { Store } from '../store/store.js';

export interface Check {
  readonly ok: boolean;
  /** Why not, in words a person can act on; never an address, a path or a driver's message (the answer is public). */
  readonly reason?: string;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: {
    readonly store: Check;
    readonly log: Check;
    readonly keys: Check;
    /** SQLite only: free space where the database grows. */
    readonly disk?: Check & { readonly freeBytes?: number };
  };
}

export interface ReadinessDeps {
  readonly store: Store;
  readonly log: { readonly integrity: LogBreak | null; checkNotShrunk?(): Promise<number> };
  /** Whether the signing, token and sealing keys are loaded. */
  readonly keysLoaded: () => boolean;
  /** The SQLite data folder whose free space is checked; null for Redis (its server refuses writes itself). */
  readonly dataDir: string | null;
  readonly minFreeBytes: number;
  /** Told when readiness changes (and when the first probe finds it not ready), with the error of a failed probe (for the service log only). */
  readonly onChange?: (report: ReadinessReport, cause: unknown) => void;
  readonly recheckMs?: number;
  readonly probeTimeoutMs?: number;
}

const MB = 1024 * 1024;

export class Readiness {
  private last: { at: number; report: Promise<ReadinessReport> } | null = null;
  private wasReady: boolean | null = null;

  constructor(private readonly deps: ReadinessDeps) {}

  /** The current report: probed now, or the one probed less than `recheckMs` ago (concurrent callers share one probe). */
  check(): Promise<ReadinessReport> {
    const now = Date.now();
    if (this.last && now - this.last.at < (this.deps.recheckMs ?? 1000)) return this.last.report;
    const report = this.probe();
    this.last = { at: now, report };
    return report;
  }

  private async probe(): Promise<ReadinessReport> {
    let cause: unknown = null;
    const store = await this.probeStore().then(
      (): Check => ({ ok: true }),
      (err: unknown): Check => {
        cause = err;
        // A store that answers but would lose writes (its appends refused meanwhile) is named as such.
        if (err instanceof Error && err.name === 'RedisNotDurableError') return { ok: false, reason: `the ${this.deps.store.kind} store is not durable any more (appendonly yes and appendfsync always are required): appends are refused` };
        return { ok: false, reason: `the ${this.deps.store.kind} store does not answer or does not take writes` };
      },
    );
    // A store that answers with a shorter log than this one wrote lost entries: the log breaks here, not at the next write.
    if (store.ok) await this.deps.log.checkNotShrunk?.().catch(() => undefined);
    const broken = this.deps.log.integrity;
    const log: Check = broken ? { ok: false, reason: `the audit log fails its self-check at index ${broken.index}: ${broken.reason}` } : { ok: true };
    const keys: Check = this.deps.keysLoaded() ? { ok: true } : { ok: false, reason: 'the keys are not loaded' };
    const disk = this.deps.dataDir === null ? undefined : await this.disk(this.deps.dataDir);
    const report: ReadinessReport = { ready: store.ok && log.ok && keys.ok && (disk?.ok ?? true), checks: { store, log, keys, ...(disk ? { disk } : {}) } };
    if (report.ready !== this.wasReady) {
      // Ready at the first probe is no news.
      const news = this.wasReady !== null || !report.ready;
      this.wasReady = report.ready;
      if (news) this.deps.onChange?.(report, cause);
    }
    return report;
  }

  private probeStore(): Promise<void> {
    return withTimeout(this.deps.store.probeWrite(), this.deps.probeTimeoutMs ?? 2000);
  }

  private async disk(dir: string): Promise<Check & { freeBytes?: number }> {
    const min = this.deps.minFreeBytes;
    try {
      const fs = await statfs(dir);
      const freeBytes = fs.bavail * fs.bsize;
      if (freeBytes >= min) return { ok: true, freeBytes };
      return { ok: false, freeBytes, reason: `the data volume has ${Math.floor(freeBytes / MB)} MB free, less than the ${Math.floor(min / MB)} MB required (EXPERT_DRAW_MIN_FREE_DISK_MB)` };
    } catch {
      return { ok: false, reason: 'the free space of the data volume cannot be read' };
    }
  }
}

/**
 * `work`, or a rejection once `ms` have passed without its answer. The timer's end waits for one turn of the event loop
 * (setImmediate runs after the I/O poll): an answer that came while this process was busy (a long pause, a starved
 * machine) is read first, so a stalled process never blames a store that answered in time.
 */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let turn: NodeJS.Immediate | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      turn = setImmediate(() => reject(new Error(`no answer within ${ms} ms`)));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
    clearImmediate(turn);
  });
}
