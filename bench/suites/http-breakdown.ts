// The single-connection breakdown of the http suite: one request at a time over one kept-alive connection from a client
// process of its own (bench/lib/remote-client.ts), interleaved
// one to one with the store's durable-write floor, DrawService.run in-process for another project (the same draw without
// HTTP) and an authenticated GET; per request, what went to the store and what did not (TimedStore); then more HTTP
// draws under the CPU profiler. Not the user-facing figure (that is autocannon, bench/suites/http.ts): where it goes.
// After the rounds, the same GET alone (no draw between two) against a bare Fastify answering the same bytes in this
// process, one connection each from the same kind of client, taking turns: what the service's HTTP path adds to HTTP
// itself on this machine, apart from what a draw before it leaves cold.
import Fastify from 'fastify';
import { BENCH_OPERATOR, type BenchService } from '../lib/bench-service.js';
import { profiled, type ProfileSummary } from '../lib/cpu-profile.js';
import type { HttpTarget } from '../lib/http-target.js';
import { RemoteClient, type TimedAnswer } from '../lib/remote-client.js';
import { watchRuntime, type RuntimeStats } from '../lib/runtime-watch.js';
import { elapsedMs, roundDeep, roundSummary, summarize, type Summary } from '../lib/stats.js';
import type { StoreTimes } from '../lib/timed-store.js';
import type { LogBatch } from '../../src/store/store.js';

/** One store append inside a request, in order. */
export interface AppendShape {
  readonly entries: Record<string, number>;
  readonly writes: Record<string, number>;
  readonly expects: Record<string, number>;
}

/** What the store did during one kind of request, over the timed requests. */
export interface RequestCosts {
  /** Durable appends (appendLog calls) per request. */
  readonly appends: { readonly min: number; readonly mean: number; readonly max: number };
  readonly entriesPerRequest: number;
  readonly recordWritesPerRequest: number;
  /** Per append position (1st, 2nd, …): its duration inside store.appendLog and its entries. */
  readonly byPosition: ReadonlyArray<{ readonly position: number; readonly n: number; readonly entries: number; readonly ms: Summary }>;
  /** Time inside store.appendLog per request. */
  readonly appendMs: Summary;
  /** Time inside every other store call per request (reads, change feed, leases, checkpoints). */
  readonly otherStoreMs: Summary;
  readonly otherStoreCalls: number;
  /** Request time outside the store: HTTP, JWT, Fastify, the draw's computation, sealing, messages, the event loop. */
  readonly outsideStoreMs: Summary;
  /** CPU time of the service's process (every thread) while the request ran: the client is in another process. */
  readonly cpuMs: Summary;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/** Sums of every store bucket but the blocking change-feed reads (a follower idling, not work for the request). */
function totals(t: StoreTimes): { appendCalls: number; appendMs: number; otherCalls: number; otherMs: number; entries: number; checkpoints: number } {
  const others = [t.readEntries, t.readNodes, t.readNodeRange, t.putCheckpoint, t.checkpoints, t.other, t.leases];
  return {
    appendCalls: t.appendLog.calls,
    appendMs: t.appendLog.ms,
    otherCalls: others.reduce((s, b) => s + b.calls, 0),
    otherMs: others.reduce((s, b) => s + b.ms, 0),
    entries: t.appendLog.entries,
    checkpoints: t.putCheckpoint.calls,
  };
}

/** Accumulates what the store did during each request of one series. */
class CostRecorder {
  private readonly appends: number[] = [];
  private readonly entries: number[] = [];
  private readonly writes: number[] = [];
  private readonly appendMs: number[] = [];
  private readonly otherMs: number[] = [];
  private readonly outside: number[] = [];
  private readonly cpu: number[] = [];
  private otherCalls = 0;
  private readonly positions: Array<{ ms: number[]; entries: number }> = [];

  constructor(private readonly service: BenchService) {}

  /**
   * Runs one request; returns its latency in ms (the one `run` answers, timed by the client, else the time to run it)
   * and, on request, the shape of its store appends.
   */
  async measure(run: () => Promise<number | void>, record: boolean, shape?: AppendShape[]): Promise<number> {
    const timed = this.service.timed;
    const batches: Array<{ ms: number; batch: LogBatch }> = [];
    timed.onAppend = (ms, batch) => batches.push({ ms, batch });
    const before = totals(timed.times);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const clientMs = await run();
    const latency = clientMs ?? elapsedMs(t0, process.hrtime.bigint());
    const cpu = process.cpuUsage(cpu0);
    const after = totals(timed.times);
    timed.onAppend = null;
    if (shape) shape.push(...batches.map((b) => describeBatch(b.batch)));
    if (!record) return latency;
    const appendMs = after.appendMs - before.appendMs;
    const otherMs = after.otherMs - before.otherMs;
    this.appends.push(after.appendCalls - before.appendCalls);
    this.entries.push(after.entries - before.entries);
    this.writes.push(batches.reduce((s, b) => s + (b.batch.writes?.length ?? 0), 0));
    this.appendMs.push(appendMs);
    this.otherMs.push(otherMs);
    this.otherCalls += after.otherCalls - before.otherCalls;
    this.outside.push(latency - appendMs - otherMs);
    this.cpu.push((cpu.user + cpu.system) / 1000);
    batches.forEach((b, k) => {
      const p = (this.positions[k] ??= { ms: [], entries: 0 });
      p.ms.push(b.ms);
      p.entries += b.batch.entries.length;
    });
    return latency;
  }

  result(): RequestCosts {
    const n = this.appends.length;
    const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      appends: { min: Math.min(...this.appends), mean: mean(this.appends), max: Math.max(...this.appends) },
      entriesPerRequest: mean(this.entries),
      recordWritesPerRequest: mean(this.writes),
      byPosition: this.positions.map((p, k) => ({ position: k + 1, n: p.ms.length, entries: p.entries / p.ms.length, ms: roundSummary(summarize(p.ms)) })),
      appendMs: roundSummary(summarize(this.appendMs)),
      otherStoreMs: roundSummary(summarize(this.otherMs)),
      otherStoreCalls: this.otherCalls / Math.max(1, n),
      outsideStoreMs: roundSummary(summarize(this.outside)),
      cpuMs: roundSummary(summarize(this.cpu)),
    };
  }
}

function countBy(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[x] = (out[x] ?? 0) + 1;
  return out;
}

function describeBatch(batch: LogBatch): AppendShape {
  return {
    entries: countBy(batch.entries.map((e) => (JSON.parse(e.toString('utf8')) as { type: string }).type)),
    writes: countBy((batch.writes ?? []).map((w) => w.collection)),
    expects: countBy((batch.expects ?? []).map((x) => x.collection)),
  };
}

function describeRequest(shape: readonly AppendShape[]): string {
  return shape
    .map((a, k) => {
      const list = (r: Record<string, number>) => Object.entries(r).map(([name, n]) => (n === 1 ? name : `${n} ${name}`)).join(', ') || 'none';
      return `${k + 1}. ${list(a.entries)} (records: ${list(a.writes)}; expects: ${list(a.expects)})`;
    })
    .join(' ');
}


export interface BreakdownOptions {
  /** Timed rounds (floor, HTTP draw, in-process draw, HTTP read) after `warmup` untimed ones. */
  readonly samples: number;
  readonly warmup: number;
  /** HTTP draws under the profiler afterwards (0: none). */
  readonly profileDraws: number;
  /** Project ids: HTTP draws and in-process draws need warmup + samples each, the profile profileDraws. */
  readonly ids: { readonly http: readonly string[]; readonly service: readonly string[]; readonly profile: readonly string[] };
}

export interface Breakdown {
  readonly floor: Summary;
  /** POST /v1/projects/{id}/draw over HTTP, request written to full answer read (the client process's clock). */
  readonly httpDraw: Summary;
  /** DrawService.run in-process for another project: the same draw without HTTP, JWT, routing and serialisation. */
  readonly serviceDraw: Summary;
  /** GET /v1/projects/{id} over HTTP with the same token: an authenticated read, the HTTP path's own cost. */
  readonly httpRead: Summary;
  /** The same GET after the rounds, again and again with no draw between: the service's HTTP path warm. */
  readonly httpReadAlone: Summary;
  /** A bare Fastify (no plugin, no hook, no token) answering the same bytes, taking turns with httpReadAlone. */
  readonly plainRead: Summary;
  readonly httpCosts: RequestCosts;
  readonly serviceCosts: RequestCosts;
  readonly readCosts: RequestCosts;
  /** The store appends of the first timed HTTP draw: entry types, record writes and expectations per collection. */
  readonly oneRequestWrites: AppendShape[];
  readonly oneRequest: string;
  readonly checkpointsSigned: number;
  readonly runtime: RuntimeStats;
  readonly profile: ProfileSummary | null;
}

/** Runs the breakdown against an open target (nothing else running); the result is rounded for the details file. */
export async function runBreakdown(target: HttpTarget, o: BreakdownOptions): Promise<Breakdown> {
  const { service } = target;
  const { ctx } = service;
  // The client runs in a process of its own, as autocannon does: its parsing and writing are not the service's.
  const client = new RemoteClient(target.host, target.port);
  const headers = { authorization: `Bearer ${target.token}` };
  const drawOverHttp = async (id: string): Promise<number> => {
    const res = await client.request('POST', `/v1/projects/${id}/draw`, headers);
    if (res.status !== 201) throw new Error(`POST /v1/projects/${id}/draw answered ${res.status}: ${res.body.slice(0, 300)}`);
    const state = (JSON.parse(res.body) as { state: string }).state;
    if (state !== 'drawn') throw new Error(`draw of ${id} is ${state}`);
    return res.ms;
  };
  const readOverHttp = async (id: string): Promise<number> => {
    const res = await client.request('GET', `/v1/projects/${id}`, headers);
    if (res.status !== 200) throw new Error(`GET /v1/projects/${id} answered ${res.status}: ${res.body.slice(0, 300)}`);
    return res.ms;
  };
  const drawInProcess = async (id: string) => {
    // As the draw route does: the calls are placed in the result's transaction.
    const draw = await ctx.draws.run(id, 'immediate', BENCH_OPERATOR);
    if (draw.state !== 'drawn') throw new Error(`draw of ${id} is ${draw.state}`);
  };
  try {
    const rounds = o.warmup + o.samples;
    const floorSamples = new Float64Array(o.samples);
    const drawSamples = new Float64Array(o.samples);
    const serviceSamples = new Float64Array(o.samples);
    const readSamples = new Float64Array(o.samples);
    const httpCosts = new CostRecorder(service);
    const serviceCosts = new CostRecorder(service);
    const readCosts = new CostRecorder(service);
    const oneRequestWrites: AppendShape[] = [];
    collectGarbage();
    const watch = watchRuntime();
    let checkpointsBefore = 0;
    for (let i = 0; i < rounds; i++) {
      const timed = i >= o.warmup;
      if (i === o.warmup) checkpointsBefore = service.timed.times.putCheckpoint.calls;
      const t0 = process.hrtime.bigint();
      await target.floor.write();
      const floorMs = elapsedMs(t0, process.hrtime.bigint());
      // The two draws take turns going first: the second finds the draw's code and data warm from the first.
      const http = () => httpCosts.measure(() => drawOverHttp(o.ids.http[i]!), timed, i === o.warmup ? oneRequestWrites : undefined);
      const inProcess = () => serviceCosts.measure(() => drawInProcess(o.ids.service[i]!), timed);
      let drawMs: number;
      let serviceMs: number;
      if (i % 2 === 0) {
        drawMs = await http();
        serviceMs = await inProcess();
      } else {
        serviceMs = await inProcess();
        drawMs = await http();
      }
      const readMs = await readCosts.measure(() => readOverHttp(o.ids.http[i]!), timed);
      if (timed) {
        const k = i - o.warmup;
        floorSamples[k] = floorMs;
        drawSamples[k] = drawMs;
        serviceSamples[k] = serviceMs;
        readSamples[k] = readMs;
      }
    }
    const checkpointsSigned = service.timed.times.putCheckpoint.calls - checkpointsBefore;
    const runtime = await watch.stop();
    const reads = await readsAlone(target.host, o.ids.http[rounds - 1]!, headers, client, o);

    // Where the time goes: more HTTP draws under the sampling profiler (not in the figures above).
    let profile: ProfileSummary | null = null;
    if (o.profileDraws > 0) {
      collectGarbage();
      profile = (
        await profiled(async () => {
          for (let i = 0; i < o.profileDraws; i++) await drawOverHttp(o.ids.profile[i]!);
        })
      ).profile;
    }
    return {
      floor: roundSummary(summarize(floorSamples)),
      httpDraw: roundSummary(summarize(drawSamples)),
      serviceDraw: roundSummary(summarize(serviceSamples)),
      httpRead: roundSummary(summarize(readSamples)),
      httpReadAlone: roundSummary(summarize(reads.service)),
      plainRead: roundSummary(summarize(reads.plain)),
      httpCosts: roundDeep(httpCosts.result()) as RequestCosts,
      serviceCosts: roundDeep(serviceCosts.result()) as RequestCosts,
      readCosts: roundDeep(readCosts.result()) as RequestCosts,
      oneRequestWrites,
      oneRequest: describeRequest(oneRequestWrites),
      checkpointsSigned,
      runtime: roundDeep(runtime) as RuntimeStats,
      profile: profile && (roundDeep(profile) as ProfileSummary),
    };
  } finally {
    client.close();
  }
}

/**
 * The service's GET of one project, `samples` times after `warmup` untimed, taking turns with the same answer's bytes
 * from a bare Fastify listening in this process (a client process of its own for each, as for the service).
 */
async function readsAlone(host: string, id: string, headers: Record<string, string>, client: RemoteClient, o: Pick<BreakdownOptions, 'samples' | 'warmup'>): Promise<{ service: Float64Array; plain: Float64Array }> {
  const url = `/v1/projects/${id}`;
  const get = async (c: RemoteClient, path: string, h: Record<string, string>) => {
    const res = await c.request('GET', path, h);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
    return res;
  };
  const body = (await get(client, url, headers)).body;
  const bare = Fastify();
  bare.get('/', (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(body);
  });
  await bare.listen({ host, port: 0 });
  const address = bare.server.address();
  if (!address || typeof address !== 'object') {
    await bare.close();
    throw new Error('the bare Fastify is not listening');
  }
  const plainClient = new RemoteClient(host, address.port);
  try {
    const service = new Float64Array(o.samples);
    const plain = new Float64Array(o.samples);
    for (let i = 0; i < o.warmup + o.samples; i++) {
      // Taking turns going first, as the draws do.
      let ours: TimedAnswer;
      let bares: TimedAnswer;
      if (i % 2 === 0) {
        ours = await get(client, url, headers);
        bares = await get(plainClient, '/', {});
      } else {
        bares = await get(plainClient, '/', {});
        ours = await get(client, url, headers);
      }
      if (ours.body !== body || bares.body !== body) throw new Error(`GET ${url} and the bare server's answer differ`);
      if (i < o.warmup) continue;
      service[i - o.warmup] = ours.ms;
      plain[i - o.warmup] = bares.ms;
    }
    return { service, plain };
  } finally {
    plainClient.close();
    await bare.close();
  }
}
