// The burst itself, shared by the in-process run (SQLite) and each forked instance (Redis): scheduler ticks on a
// clock that stands at the due minute, on the server's cadence, until no project due by then is left to draw.
import type { AppContext } from '../../src/plugins/app/context.js';

export interface TickRecord {
  /** When the tick started, ms after the burst began, and how long it took. */
  readonly at: number;
  readonly ms: number;
  readonly drawn: number;
  readonly failed: number;
  readonly missed: number;
  readonly aborted: number;
}

export interface BurstRun {
  /** Wall-clock instants (ms since the epoch, sub-ms), comparable across processes: start, end of the last tick that drew. */
  readonly goAt: number;
  readonly lastDrawAt: number | null;
  readonly ticks: TickRecord[];
  readonly drawn: number;
  readonly failed: number;
}

export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Scheduler.start()'s default interval: the server ticks once a second; a tick called during a pass joins it. */
export const TICK_INTERVAL_MS = 1000;

/** Projects due by the instance's clock that still wait for a draw (scheduled, or drawing by some instance). */
export async function openDue(ctx: AppContext): Promise<number> {
  const now = ctx.now();
  return (await ctx.projects.all()).filter((p) => (p.state === 'scheduled' || p.state === 'drawing') && Date.parse(p.drawAt) <= now).length;
}

/**
 * Ticks until nothing due is left. Each tick draws every due project this instance can claim, all at once, and resolves
 * when they are done (results durable, rosters started). As under the server's timer, the next tick starts at the next
 * whole interval after the burst began (at once if the pass overran it, as a timer tick joining the pass would). The
 * check between ticks is outside the measured span, which ends with the last tick that drew.
 */
export async function runBurst(ctx: AppContext, timeoutMs: number, intervalMs = TICK_INTERVAL_MS): Promise<BurstRun> {
  const goAt = epochMs();
  const t0 = performance.now();
  const ticks: TickRecord[] = [];
  let lastDrawAt: number | null = null;
  let drawn = 0;
  let failed = 0;
  for (;;) {
    const at = performance.now();
    const report = await ctx.scheduler.tick();
    ticks.push({ at: at - t0, ms: performance.now() - at, drawn: report.drawn.length, failed: report.failed.length, missed: report.missed.length, aborted: report.aborted.length });
    if (report.drawn.length > 0) lastDrawAt = epochMs();
    drawn += report.drawn.length;
    failed += report.failed.length;
    const open = await openDue(ctx);
    if (open === 0) break;
    if (performance.now() - t0 > timeoutMs) throw new Error(`${open} due projects still not drawn after ${timeoutMs} ms`);
    // Another instance holds the rest: look again at the next timer tick.
    const elapsed = performance.now() - t0;
    const next = Math.ceil(elapsed / intervalMs) * intervalMs;
    if (next > elapsed) await new Promise((resolve) => setTimeout(resolve, next - elapsed));
  }
  return { goAt, lastDrawAt, ticks, drawn, failed };
}
