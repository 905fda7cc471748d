// Immediate draws under load, as a user measures them: autocannon in a process of its own (bench/lib/load.ts) against
// the listening service, N connections, every request `POST /v1/projects/{id}/draw` of a different registered project
// with an operator JWT. Anything but a 201 answering a drawn draw is an error, counted and reported.
import fs from 'node:fs';
import type { HttpTarget } from './http-target.js';
import { forkLoad } from './load.js';
import { round, summarizeTail, type TailSummary } from './stats.js';
import type { StoreTimes } from './timed-store.js';

/** Bytes this process has sent to the storage layer so far (Linux), else null. */
function writeBytes(): number | null {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Cumulative store totals (the change feed's blocking waits left out: a follower idling, not work). */
function storeTotals(t: StoreTimes): { appendCalls: number; entries: number; appendMs: number; otherMs: number } {
  const others = [t.readEntries, t.readNodes, t.readNodeRange, t.putCheckpoint, t.checkpoints, t.other, t.leases];
  return { appendCalls: t.appendLog.calls, entries: t.appendLog.entries, appendMs: t.appendLog.ms, otherMs: others.reduce((s, b) => s + b.ms, 0) };
}

export interface DrawLoad {
  readonly connections: number;
  readonly requests: number;
  /** 201 answers with a drawn draw. */
  readonly drawn: number;
  /** Every other outcome, by kind: never left out of the report. */
  readonly errors: {
    readonly total: number;
    readonly byStatus: Record<string, number>;
    readonly badBodies: number;
    readonly connection: number;
    readonly timeouts: number;
    readonly first: string | null;
  };
  /** Drawn draws per second, from the start of the load to the last answer. */
  readonly drawsPerS: number;
  readonly elapsedMs: number;
  /** Every answer's latency (errors included), ms. */
  readonly latency: TailSummary;
  /**
   * The service's side of the load, from just before the load to its last answer, per drawn draw (the expert calls are placed in each result's transaction): the
   * benchmark process's CPU time (the service is all it runs meanwhile), and the store calls (TimedStore). On SQLite an
   * appendLog call blocks the event loop (better-sqlite3 is synchronous, the fsync included); on Redis it is a wait.
   */
  readonly server: {
    readonly cpuMsPerDraw: number;
    /** CPU time over the load's duration: 1 is one core kept busy. */
    readonly coresBusy: number;
    readonly appendsPerDraw: number;
    /** Log entries per appendLog call: how much concurrent draws share a durable commit. */
    readonly entriesPerAppend: number;
    readonly appendMsPerDraw: number;
    readonly otherStoreMsPerDraw: number;
    /** Bytes this process sent to storage per draw (Linux /proc/self/io write_bytes: SQLite's WAL and checkpoints; Redis writes in its own process); null where unknown. */
    readonly writeKiBPerDraw: number | null;
  };
  /** autocannon's own summary (its latency histogram has whole-millisecond resolution). */
  readonly autocannon: { readonly requests: number; readonly non2xx: number; readonly durationS: number; readonly latencyP50Ms: number; readonly latencyP99Ms: number };
}

/** `ids.length` draws over `connections` connections (ids.length a multiple of connections, so each sends as many). */
export async function drawLoad(target: HttpTarget, connections: number, ids: readonly string[]): Promise<DrawLoad> {
  if (ids.length < connections || ids.length % connections !== 0) throw new RangeError(`${ids.length} draws do not split over ${connections} connections`);
  const storeBefore = storeTotals(target.service.timed.times);
  const cpuBefore = process.cpuUsage();
  const bytesBefore = writeBytes();
  const r = await forkLoad({
    host: target.host,
    port: target.port,
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}` },
    paths: ids.map((id) => `/v1/projects/${encodeURIComponent(id)}/draw`),
    connections,
    amount: ids.length,
    expectStatus: 201,
    expectBody: '"state":"drawn"',
    timeoutSeconds: 30,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const bytesAfter = writeBytes();
  const store = storeTotals(target.service.timed.times);
  const drawn = Math.max(1, r.ok);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const appendCalls = store.appendCalls - storeBefore.appendCalls;
  const byStatus = Object.fromEntries(Object.entries(r.statuses).filter(([code]) => code !== '201'));
  const non201 = Object.values(byStatus).reduce((s, n) => s + n, 0);
  const missing = Math.max(0, ids.length - r.latencies.length - r.errors);
  return {
    connections,
    requests: ids.length,
    drawn: r.ok,
    errors: { total: non201 + r.badBodies + r.errors + missing, byStatus, badBodies: r.badBodies, connection: r.errors - r.timeouts, timeouts: r.timeouts, first: r.firstError },
    drawsPerS: r.ok / (r.elapsedMs / 1000),
    elapsedMs: r.elapsedMs,
    latency: summarizeTail(r.latencies.length > 0 ? r.latencies : [Number.NaN]),
    server: {
      cpuMsPerDraw: round(cpuMs / drawn),
      coresBusy: round(cpuMs / r.elapsedMs, 3),
      appendsPerDraw: round(appendCalls / drawn, 3),
      entriesPerAppend: round((store.entries - storeBefore.entries) / Math.max(1, appendCalls), 2),
      appendMsPerDraw: round((store.appendMs - storeBefore.appendMs) / drawn),
      otherStoreMsPerDraw: round((store.otherMs - storeBefore.otherMs) / drawn),
      writeKiBPerDraw: bytesBefore === null || bytesAfter === null ? null : round((bytesAfter - bytesBefore) / 1024 / drawn, 1),
    },
    autocannon: r.autocannon,
  };
}
