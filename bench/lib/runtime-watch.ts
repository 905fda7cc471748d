// What the Node runtime did during a measured phase: time in garbage collection, and how long the event loop was
// blocked (the longest gap between turns), to tell a slow store from a starved or collecting process.
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface RuntimeStats {
  readonly gcMs: number;
  readonly gcCount: number;
  /**
   * Longest gap between two runs of a 10 ms interval timer, in ms: how long timers (the log's checkpoint timer) and
   * I/O (requests) waited at worst. A phase that never yields to the event loop shows its whole length here.
   */
  readonly loopStallMaxMs: number;
  /** Times the 10 ms timer ran. */
  readonly timerTicks: number;
}

/** Starts watching; stop() lets the loop turn once more, so a phase that blocked it until its end is counted. */
export function watchRuntime(): { stop(): Promise<RuntimeStats> } {
  let gcMs = 0;
  let gcCount = 0;
  const add = (entries: readonly PerformanceEntry[]) => {
    for (const e of entries) {
      gcMs += e.duration;
      gcCount++;
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const tick = () => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  };
  const timer = setInterval(tick, 10);
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 1));
      tick();
      clearInterval(timer);
      add(observer.takeRecords());
      observer.disconnect();
      return { gcMs, gcCount, loopStallMaxMs: maxGap, timerTicks: ticks };
    },
  };
}
