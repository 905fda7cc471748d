// The draw scheduler: each project's draw runs when due (bid opening minus the lead time), by exactly one instance
// (a lease per project, and the project record's expectations); after downtime a draw still before opening runs at
// once, one past opening becomes `missed`; a draw left half-done by a crashed instance is aborted after its lease.
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { NotScheduledError, type DrawService } from './draw.service.js';
import type { ProjectService } from './project.service.js';

export interface TickReport {
  readonly drawn: string[];
  readonly failed: string[];
  readonly missed: string[];
  readonly aborted: string[];
}

export interface SchedulerOptions {
  readonly onError?: (projectId: string, err: unknown) => void;
  readonly instanceId?: string;
  /** How long a claim holds; a draw still `drawing` after its lease is aborted and drawn again. */
  readonly leaseMs?: number;
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  /** Projects this instance is drawing right now (its own lease must not make them look stale). */
  private readonly running = new Set<string>();
  private ticking: Promise<TickReport> | null = null;
  private readonly onError: (projectId: string, err: unknown) => void;
  private readonly leaseMs: number;
  readonly instanceId: string;

  constructor(
    private readonly store: Store,
    private readonly projects: ProjectService,
    private readonly draws: DrawService,
    private readonly now: () => number,
    options: SchedulerOptions = {},
  ) {
    this.onError = options.onError ?? (() => undefined);
    this.instanceId = options.instanceId ?? randomUUID();
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /** Checks every project once against the clock. Concurrent calls share one pass. */
  tick(): Promise<TickReport> {
    this.ticking ??= this.pass().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async pass(): Promise<TickReport> {
    const report: TickReport = { drawn: [], failed: [], missed: [], aborted: [] };
    // Each second, not only at a draw: the selection history stays current, so a draw (or a burst) reads little.
    await this.draws.refreshHistory();
    const now = this.now();
    const work: Array<Promise<void>> = [];
    // Start at a random place, so that instances ticking together share a burst instead of racing down one list.
    // Only projects whose draw is ahead or running: the schedule index, not every project ever registered.
    const all = await this.projects.active();
    const offset = Math.floor(Math.random() * all.length);
    for (const p of [...all.slice(offset), ...all.slice(0, offset)]) {
      const id = p.id;
      if (this.running.has(id)) continue;
      const lease = `draw:${id}`;
      if (p.state === 'drawing') {
        // Another instance's draw holds its lease while it runs; a lease we can take means that instance is gone.
        if (await this.store.claimLease(lease, this.instanceId, this.leaseMs)) {
          await this.draws.abortStale(id);
          await this.store.releaseLease(lease, this.instanceId);
          report.aborted.push(id);
        }
        continue;
      }
      if (p.state !== 'scheduled' || Date.parse(p.drawAt) > now) continue;
      if (now >= Date.parse(p.bidOpeningAt)) {
        await this.projects.markMissed(id);
        report.missed.push(id);
        continue;
      }
      if (!(await this.store.claimLease(lease, this.instanceId, this.leaseMs))) continue;
      this.running.add(id);
      work.push(
        this.draws
          .run(id, 'scheduled', 'scheduler')
          .then(
            () => void report.drawn.push(id),
            (err: unknown) => {
              // Another instance drew it between our list and our lease: nothing failed.
              if (err instanceof NotScheduledError) return;
              report.failed.push(id);
              this.onError(id, err);
            },
          )
          .finally(async () => {
            this.running.delete(id);
            await this.store.releaseLease(lease, this.instanceId).catch(() => undefined);
          }),
      );
    }
    await Promise.all(work);
    return report;
  }

  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick().catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
  }
}
