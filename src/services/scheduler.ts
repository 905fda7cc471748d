// The draw scheduler: each project's draw runs when due (bid opening minus the lead time), by exactly one instance
// (the draw's own lease, taken in DrawService.run, and the project record's expectations); after downtime a draw
// still before opening runs at once, one past opening becomes `missed`; a draw left half-done by a crashed instance is
// aborted once its lease, no longer renewed, has expired.
import { randomUUID } from 'node:crypto';
import { Periodic } from './periodic.js';
import type { Store } from '../store/store.js';
import { DEFAULT_DRAW_LEASE_MS, DrawInProgressError, drawLease, NotScheduledError, type DrawService } from './draw.service.js';
import type { ProjectService } from './project.service.js';

export interface TickReport {
  readonly drawn: string[];
  readonly failed: string[];
  readonly missed: string[];
  readonly aborted: string[];
}

export interface SchedulerOptions {
  /** A project's draw failed (it is also logged, and the project left `failed`). */
  readonly onError?: (projectId: string, err: unknown) => void;
  /** A whole pass failed (the store unreachable, say): the next tick tries again. */
  readonly onPassError?: (err: unknown) => void;
  readonly instanceId?: string;
  /** How long the stale check's claim holds (the draws' lease time): a `drawing` project whose lease is free is aborted. */
  readonly leaseMs?: number;
  /** Due draws this instance runs at once (default DEFAULT_DRAW_CONCURRENCY). */
  readonly concurrency?: number;
  /** Told as each due draw starts, how late it is in ms (metrics). */
  readonly onDrawStart?: (lateMs: number) => void;
}

/**
 * Due draws one instance runs at once. Enough for their commits and results to share group commits; few enough that a
 * burst of thousands does not hold thousands of leases (each renewed every few seconds) and half-done draws in memory
 * while it drains, and that another instance finds projects left to draw.
 */
export const DEFAULT_DRAW_CONCURRENCY = 64;

export class Scheduler {
  private readonly periodic: Periodic<TickReport>;
  /** Projects this instance is drawing right now (its own lease must not make them look stale). */
  private readonly running = new Set<string>();
  private readonly onError: (projectId: string, err: unknown) => void;
  private readonly onDrawStart: (lateMs: number) => void;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  /** Set by stop(): draws under way finish, no further due draw starts (it stays `scheduled` for the next start). */
  private stopping = false;
  readonly instanceId: string;

  constructor(
    private readonly store: Store,
    private readonly projects: ProjectService,
    private readonly draws: DrawService,
    private readonly now: () => number,
    options: SchedulerOptions = {},
  ) {
    this.onError = options.onError ?? (() => undefined);
    this.onDrawStart = options.onDrawStart ?? (() => undefined);
    this.instanceId = options.instanceId ?? randomUUID();
    this.leaseMs = options.leaseMs ?? DEFAULT_DRAW_LEASE_MS;
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_DRAW_CONCURRENCY);
    this.periodic = new Periodic(() => this.pass(), options.onPassError ?? (() => undefined));
  }

  /** Checks every project once against the clock. Concurrent calls share one pass. */
  tick(): Promise<TickReport> {
    return this.periodic.run();
  }

  private async pass(): Promise<TickReport> {
    const report: TickReport = { drawn: [], failed: [], missed: [], aborted: [] };
    // Each second, not only at a draw: the selection history stays current, so a draw (or a burst) reads little.
    await this.draws.refreshHistory();
    const now = this.now();
    const due: Array<{ id: string; drawAt: number }> = [];
    // Start at a random place, so that instances ticking together share a burst instead of racing down one list.
    // Only projects whose draw is ahead or running: the schedule index, not every project ever registered.
    const all = await this.projects.active();
    const offset = Math.floor(Math.random() * all.length);
    for (const p of [...all.slice(offset), ...all.slice(0, offset)]) {
      const id = p.id;
      if (this.running.has(id)) continue;
      const lease = drawLease(id);
      if (p.state === 'drawing') {
        // A running draw (any instance's, immediate or scheduled) renews its lease; a lease we can take means the
        // draw's holder is gone. abortStale re-reads the project under the lease: a draw that just ended is left be.
        if (await this.store.claimLease(lease, this.instanceId, this.leaseMs)) {
          try {
            if (await this.draws.abortStale(id)) report.aborted.push(id);
          } finally {
            await this.store.releaseLease(lease, this.instanceId).catch(() => undefined);
          }
        }
        continue;
      }
      if (p.state !== 'scheduled' || Date.parse(p.drawAt) > now) continue;
      if (now >= Date.parse(p.bidOpeningAt)) {
        await this.projects.markMissed(id);
        report.missed.push(id);
        continue;
      }
      due.push({ id, drawAt: Date.parse(p.drawAt) });
    }
    // A few workers take the due projects in turn; the draw takes the project's lease itself (DrawService.run: the one
    // an immediate draw holds too).
    const worker = async (): Promise<void> => {
      for (let next = due.shift(); next !== undefined && !this.stopping; next = due.shift()) {
        this.onDrawStart(this.now() - next.drawAt);
        await this.drawDue(next.id, report);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
    return report;
  }

  private async drawDue(id: string, report: TickReport): Promise<void> {
    this.running.add(id);
    try {
      await this.draws.run(id, 'scheduled', 'scheduler');
      report.drawn.push(id);
    } catch (err) {
      // Another draw holds it, or drew it after our list was read: nothing failed.
      if (err instanceof NotScheduledError || err instanceof DrawInProgressError) return;
      report.failed.push(id);
      this.onError(id, err);
    } finally {
      this.running.delete(id);
    }
  }

  start(intervalMs = 1000): void {
    this.stopping = false;
    this.periodic.start(intervalMs);
  }

  /**
   * Graceful stop: no further pass, and the pass under way starts no further draw; resolves once the draws it had
   * started have ended (their results durable, or their failure logged). Due projects not started stay `scheduled`.
   */
  stop(): Promise<void> {
    this.stopping = true;
    return this.periodic.stop();
  }
}
