// Background work after draws: calls past their deadline time out (and the next ranked experts are called), and
// queued messages are delivered. Runs on its own timer so that a slow gateway never delays a due draw.
import type { DispatchReport, OutboxService } from './outbox.service.js';
import type { DrawService } from './draw.service.js';
import type { RosterService } from './roster.service.js';

export interface CallTick extends DispatchReport {
  readonly expired: number;
  readonly started: number;
}

export class CallWorker {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<CallTick> | null = null;

  constructor(
    private readonly roster: RosterService,
    private readonly outbox: OutboxService,
    private readonly draws: DrawService,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** One pass: rosters a crash left unstarted, timeouts (they queue new calls), then delivery (they queue new calls), then delivery. Concurrent calls share one pass. */
  tick(): Promise<CallTick> {
    this.ticking ??= (async () => {
      const started = await this.draws.catchUpRosters();
      const expired = await this.roster.expire();
      return { started, expired, ...(await this.outbox.dispatch()) };
    })().finally(() => (this.ticking = null));
    return this.ticking;
  }

  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick().catch(this.onError), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
  }
}
