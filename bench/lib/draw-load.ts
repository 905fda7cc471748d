// Immediate draws under load, as a user measures them: autocannon in a process of its own (bench/lib/load.ts) against
// the listening service, N connections, every request `POST /v1/projects/{id}/draw` of a different registered project
// with an operator JWT. Anything but a 201 answering a drawn draw is an error, counted and reported.
import type { HttpTarget } from './http-target.js';
import { forkLoad } from './load.js';
import { summarizeTail, type TailSummary } from './stats.js';

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
  /** autocannon's own summary (its latency histogram has whole-millisecond resolution). */
  readonly autocannon: { readonly requests: number; readonly non2xx: number; readonly durationS: number; readonly latencyP50Ms: number; readonly latencyP99Ms: number };
}

/** `ids.length` draws over `connections` connections (ids.length a multiple of connections, so each sends as many). */
export async function drawLoad(target: HttpTarget, connections: number, ids: readonly string[]): Promise<DrawLoad> {
  if (ids.length < connections || ids.length % connections !== 0) throw new RangeError(`${ids.length} draws do not split over ${connections} connections`);
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
  // The route answers before the expert calls are placed: let the last ones land before anything else is measured.
  await target.service.ctx.draws.settle();
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
    autocannon: r.autocannon,
  };
}
