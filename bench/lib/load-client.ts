// autocannon in a process of its own (forked with IPC), as a user would run it next to the service: N kept-alive
// connections, a fixed number of requests, each request its own path from a list handed over by the parent. Answers
// every response's status and latency (autocannon's own histogram rounds to whole milliseconds, too coarse here).
import { createRequire } from 'node:module';

export interface LoadOptions {
  readonly host: string;
  readonly port: number;
  readonly method: 'POST' | 'GET';
  readonly headers: Record<string, string>;
  /** One path per request, in the order they are sent; requests past the list go to `overflowPath` (answered 404). */
  readonly paths: readonly string[];
  readonly connections: number;
  /** Requests to send in all (autocannon `amount`, spread evenly over the connections). */
  readonly amount: number;
  /** A 2xx with this status and a body containing `expectBody` counts as a success; anything else is an error. */
  readonly expectStatus: number;
  readonly expectBody: string;
  readonly timeoutSeconds: number;
}

export interface LoadResult {
  /** Per response, in arrival order: milliseconds from the request written to the response read (autocannon's clock). */
  readonly latencies: number[];
  /** Responses with the expected status and body. */
  readonly ok: number;
  /** Responses by status code (all of them). */
  readonly statuses: Record<string, number>;
  /** Expected status but the body lacked expectBody. */
  readonly badBodies: number;
  /** Connection errors and timeouts (autocannon `errors`, `timeouts`). */
  readonly errors: number;
  readonly timeouts: number;
  /** Paths handed out by setupRequest (each at most once). */
  readonly pathsUsed: number;
  /** From the autocannon call to the last response, ms (autocannon's own duration waits for its next 1 s tick). */
  readonly elapsedMs: number;
  /** What autocannon itself reported, for the details file. */
  readonly autocannon: { readonly requests: number; readonly non2xx: number; readonly durationS: number; readonly latencyP50Ms: number; readonly latencyP99Ms: number };
  /** The first unexpected answer's status and body start, if any. */
  readonly firstError: string | null;
}

export type ToLoadClient = { readonly type: 'run'; readonly options: LoadOptions };
export type FromLoadClient = { readonly type: 'ready' } | { readonly type: 'done'; readonly result: LoadResult } | { readonly type: 'error'; readonly message: string };

/** The few parts of autocannon's programmatic API used here (the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
  onResponse?: (status: number, body: string) => void;
}
interface AutocannonResult {
  readonly requests: { readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly duration: number;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (
  opts: Record<string, unknown> & { requests: AutocannonRequest[] },
  cb: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  // Loaded here, not at import: the parent imports this file for its types and flag only.
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  return new Promise((resolve, reject) => {
    let next = 0;
    let ok = 0;
    let badBodies = 0;
    let firstError: string | null = null;
    const statuses: Record<string, number> = {};
    const latencies: number[] = [];
    let lastAt = 0;
    const overflow = '/v1/projects/LOAD-OVERFLOW/draw';
    const t0 = performance.now();
    const instance = autocannon(
      {
        url: `http://${o.host}:${o.port}`,
        connections: o.connections,
        amount: o.amount,
        pipelining: 1,
        timeout: o.timeoutSeconds,
        method: o.method,
        headers: { ...o.headers, 'content-length': '0' },
        requests: [
          {
            // Called once per request sent: each gets the next path of the list, never one twice.
            setupRequest: (req) => ({ ...req, path: next < o.paths.length ? o.paths[next++]! : (next++, overflow) }),
            onResponse: (status, body) => {
              if (status !== o.expectStatus) {
                firstError ??= `${status} ${body.slice(0, 300)}`;
              } else if (!body.includes(o.expectBody)) {
                badBodies++;
                firstError ??= `${status} without ${o.expectBody}: ${body.slice(0, 300)}`;
              } else ok++;
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          latencies,
          ok,
          statuses,
          badBodies,
          errors: result.errors,
          timeouts: result.timeouts,
          pathsUsed: Math.min(next, o.paths.length),
          elapsedMs: (lastAt || performance.now()) - t0,
          autocannon: { requests: result.requests.total, non2xx: result.non2xx, durationS: result.duration, latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99 },
          firstError,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      lastAt = performance.now();
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

function send(message: FromLoadClient): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

/** The argument the parent forks this file with, so that importing it elsewhere runs nothing. */
export const LOAD_CLIENT_FLAG = '--expert-draw-load-client';

// Run as a forked child: one load per "run" message, then exit.
if (process.send && process.argv.includes(LOAD_CLIENT_FLAG)) {
  process.on('message', (m: ToLoadClient) => {
    if (m.type !== 'run') return;
    runLoad(m.options).then(
      (result) => send({ type: 'done', result }),
      (err: unknown) => send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    ).finally(() => process.disconnect());
  });
  void send({ type: 'ready' });
}
