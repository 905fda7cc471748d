// A private, durable redis-server for benchmarks (AOF, appendfsync always) on a free port in a temp folder, stopped by
// its pid. The same approach as test/helpers/redis-server.ts, copied here because bench code does not import from test/.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface BenchRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly pid: number;
  /** The command line the server was started with (after the binary). */
  readonly args: readonly string[];
  /** `redis-server --version`. */
  readonly version: string;
  /** SIGTERM to the pid, wait for the exit, remove the folder. Safe to call twice. */
  stop(): Promise<void>;
}

async function waitForPing(url: string, deadlineMs: number, exited: () => boolean): Promise<void> {
  const start = Date.now();
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      if (exited()) throw new Error(`redis-server for ${url} exited during start-up`);
      if (Date.now() - start > deadlineMs) throw new Error(`redis-server at ${url} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Starts `redis-server --appendonly yes --appendfsync always` (no RDB snapshots) in a fresh folder under `parent`. */
export async function startBenchRedis(options: { parent?: string; binary?: string } = {}): Promise<BenchRedis> {
  const binary = options.binary ?? 'redis-server';
  const dir = mkdtempSync(join(options.parent ?? tmpdir(), 'expert-draw-bench-redis-'));
  const port = await freePort();
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--daemonize', 'no',
    '--logfile', join(dir, 'redis.log'),
    '--appendonly', 'yes',
    '--appendfsync', 'always',
  ];
  let version = 'unknown';
  try {
    version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${binary} is not installed or does not run: the benchmarks need it for the Redis store`);
  }
  const child = spawn(binary, args, { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error(`${binary} did not start`);
  const pid = child.pid;
  let done = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      done = true;
      resolve();
    }),
  );
  // If the benchmark dies, do not leave the server behind.
  const onExit = () => {
    if (!done) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (!done) {
      process.kill(pid, 'SIGTERM');
      await exited;
    }
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, 10_000, () => done);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, url, dir, pid, args, version, stop };
}
