// One service instance of the burst suite in a process of its own (forked with an IPC channel): opens on the shared
// Redis store with the shared keys on a clock that stands at the due minute, says when it is ready, and on "go" runs
// the burst (bench/lib/burst-loop.ts), reports what it did and exits.
import { openBenchService, settle, type BenchService } from './bench-service.js';
import { runBurst, type BurstRun } from './burst-loop.js';
import { watchRuntime, type RuntimeStats } from './runtime-watch.js';
import type { StoreTimes } from './timed-store.js';

export interface InstanceOptions {
  readonly dir: string;
  readonly keysDir: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly policyFile: string;
  /** The instance's clock stands still here (the minute the burst is due). */
  readonly nowMs: number;
  /** Give up after this long from "go". */
  readonly timeoutMs: number;
}

export type ToInstance = { readonly type: 'open'; readonly options: InstanceOptions } | { readonly type: 'go' };

export type FromInstance =
  | { readonly type: 'ready'; readonly openMs: number; readonly poolSize: number }
  | ({ readonly type: 'done'; readonly store: StoreTimes; readonly runtime: RuntimeStats } & BurstRun)
  | { readonly type: 'error'; readonly message: string };

function send(message: FromInstance): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, undefined, {}, (err) => (err ? reject(err) : resolve())));
}

let service: BenchService | null = null;
let options: InstanceOptions | null = null;

async function handle(message: ToInstance): Promise<void> {
  if (message.type === 'open') {
    options = message.options;
    const t0 = performance.now();
    const nowMs = options.nowMs;
    service = await openBenchService({
      dir: options.dir,
      store: 'redis',
      redisUrl: options.redisUrl,
      redisPrefix: options.redisPrefix,
      keysDir: options.keysDir,
      policyFile: options.policyFile,
      now: () => nowMs,
    });
    await settle(service, 300);
    await send({ type: 'ready', openMs: performance.now() - t0, poolSize: service.ctx.pool.size() });
    return;
  }
  if (!service || !options) throw new Error('"go" before "open"');
  service.timed.reset();
  const watch = watchRuntime();
  const run = await runBurst(service.ctx, options.timeoutMs);
  const store = service.timed.reset();
  const runtime = await watch.stop();
  await service.close();
  await send({ type: 'done', ...run, store, runtime });
  process.exit(0);
}

if (!process.send) throw new Error('burst-instance runs as a forked child with an IPC channel');
process.on('message', (message: ToInstance) => {
  handle(message).catch(async (err: unknown) => {
    await send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }).catch(() => undefined);
    process.exit(1);
  });
});
