// Starts a private redis-server (AOF, appendfsync always) on a free port in a temp folder; stops it by its pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** True where `redis-server` is installed (tests that start their own server skip its store otherwise). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

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

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  readonly process: ChildProcess;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data folder. */
  restart(): Promise<PrivateRedis>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

async function waitForPing(url: string, deadlineMs: number): Promise<void> {
  const start = Date.now();
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      // A server still loading its AOF answers LOADING: wait until it serves.
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      if (Date.now() - start > deadlineMs) throw new Error(`redis-server at ${url} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startRedis(options: { aof?: boolean; dir?: string; port?: number; extraArgs?: readonly string[] } = {}): Promise<PrivateRedis> {
  const aof = options.aof ?? true;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'expert-draw-redis-'));
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log')];
  args.push(...(aof ? ['--appendonly', 'yes', '--appendfsync', 'always', '--aof-load-truncated', 'yes'] : ['--appendonly', 'no']));
  args.push(...(options.extraArgs ?? []));
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, 10_000);
  const self: PrivateRedis = {
    port,
    url,
    dir,
    process: child,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    restart: () => startRedis({ aof, dir, port, extraArgs: options.extraArgs }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/** A three-master Redis Cluster of private servers (AOF on), created with redis-cli --cluster create. */
export async function startRedisCluster(): Promise<{ nodes: Array<{ host: string; port: number }>; stop(): Promise<void> }> {
  const servers = await Promise.all(
    // A node slow to answer the others for its timeout is taken for failed, and with no replicas the whole cluster
    // refuses service: on a loaded test machine 2 s was reached. Nothing here tests failover, so the timeout is long.
    [0, 1, 2].map(() => startRedis({ extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '20000'] })),
  );
  const nodes = servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  // Ready when every node, not only the first, knows all three and serves every slot: on a busy machine the others
  // learn the slot map later, and a client that asks one of them first would be sent round until it gives up.
  const ready = (port: number) => {
    const info = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout;
    return /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info) && /cluster_known_nodes:3/.test(info) ? null : info;
  };
  for (const start = Date.now(); ; ) {
    const waiting = nodes.map((n) => ready(n.port)).filter((info) => info !== null);
    if (waiting.length === 0) break;
    if (Date.now() - start > 30_000) throw new Error(`cluster did not become ready: ${waiting[0]}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { nodes, stop: async () => void (await Promise.all(servers.map((s) => s.stop()))) };
}

/** A private master (AOF on) watched by one Sentinel, as the adapter's Sentinel option expects. */
export async function startRedisSentinel(name = 'expert-draw'): Promise<{ sentinels: Array<{ host: string; port: number }>; name: string; stop(): Promise<void> }> {
  const master = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-sentinel-'));
  const port = await freePort();
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${name} 127.0.0.1 ${master.port} 1\n`);
  const child = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const start = Date.now(); ; ) {
    const reply = spawnSync('redis-cli', ['-p', String(port), 'sentinel', 'get-master-addr-by-name', name], { encoding: 'utf8' });
    if (reply.stdout.includes(String(master.port))) break;
    if (Date.now() - start > 10_000) throw new Error(`sentinel did not start: ${reply.stdout}${reply.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    sentinels: [{ host: '127.0.0.1', port }],
    name,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      await master.stop();
    },
  };
}
