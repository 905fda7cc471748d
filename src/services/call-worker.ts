// Background work after draws: calls past their deadline time out (and the next ranked experts are called), accepted
// calls never checked in are recorded as no-shows, queued messages are delivered, and calls whose message could not be
// delivered end at once. Runs on its own timer so that a slow gateway never delays a due draw.
import type { DispatchReport, OutboxService } from './outbox.service.js';
import type { DrawService } from './draw.service.js';
import { Periodic } from './periodic.js';
import type { RosterService } from './roster.service.js';

export interface CallTick extends DispatchReport {
  readonly expired: number;
  /** No-show records written (accepted calls never checked in by their time). */
  readonly noShows: number;
  readonly started: number;
}

export class CallWorker {
  private readonly periodic: Periodic<CallTick>;

  constructor(
    private readonly roster: RosterService,
    private readonly outbox: OutboxService,
    private readonly draws: DrawService,
    onError: (err: unknown) => void,
    /** Told what each pass did (metrics). */
    private readonly onTick: (tick: CallTick) => void = () => undefined,
  ) {
    this.periodic = new Periodic(() => this.pass(), onError);
  }

  /** One pass: rosters a crash left unstarted, timeouts (they queue new calls), then delivery. Concurrent calls share one pass. */
  tick(): Promise<CallTick> {
    return this.periodic.run();
  }

  private async pass(): Promise<CallTick> {
    const started = await this.draws.catchUpRosters();
    const expired = await this.roster.expire();
    const noShows = await this.roster.recordNoShows();
    const delivery = await this.outbox.dispatch();
    // A call whose message was given up ends now, counted against nobody; its seat does not wait for the deadline.
    const undelivered = delivery.undeliveredDraws.length > 0 ? await this.roster.expire(delivery.undeliveredDraws) : 0;
    const tick = { started, expired: expired + undelivered, noShows, ...delivery };
    this.onTick(tick);
    return tick;
  }

  start(intervalMs = 1000): void {
    this.periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }
}
