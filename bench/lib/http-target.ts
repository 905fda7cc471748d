// The service under an HTTP load, opened as src/server.ts opens it (openContext + buildApp, request logging at info to
// the null device, the server's timeouts) on a temp data folder, SQLite or a private durable Redis, with a synthetic
// pool imported and projects registered through the services, listening on a loopback port; and the store's own
// durable-write floor next to it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { tokenSigner } from '../../src/auth/tokens.js';
import type { PolicyInput } from '../../src/domain/policy.js';
import type { DrawRequest } from '../../src/domain/request.js';
import { generatePool, type SyntheticPool } from '../../src/pool/generator.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import { benchRegistration, importPool, openBenchService, registerProjects, settle, writePolicy, type BenchService } from './bench-service.js';
import { REDIS_FLOOR_COMMAND, SQLITE_FLOOR_SQL, redisFloor, sqliteFloor, type DurableFloor } from './durable-floor.js';
import { startBenchRedis, type BenchRedis } from './redis-server.js';
import { round } from './stats.js';

export type StoreName = 'sqlite' | 'redis';

export interface HttpTargetOptions {
  readonly store: StoreName;
  readonly pool: number;
  readonly seed: string;
  /** The engine suite's fixed groups for this pool size. */
  readonly fixed: ReadonlyArray<{ readonly code: string; readonly members: number }>;
  /** Project ids to register (each drawn at most once). */
  readonly projects: readonly string[];
  readonly bidOpening: string;
  readonly request: DrawRequest;
  readonly policy: PolicyInput;
  readonly tmpDir: string;
}

export interface HttpTarget {
  readonly store: StoreName;
  readonly service: BenchService;
  readonly floor: DurableFloor;
  readonly app: FastifyInstance;
  readonly host: string;
  readonly port: number;
  /** An operator JWT signed by the instance key (one for the run, as a draw terminal holds one). */
  readonly token: string;
  readonly pool: SyntheticPool;
  /** Set-up facts and times for the details file. */
  readonly setup: Record<string, unknown>;
  close(): Promise<void>;
}

/** Opens the store (checking its durability settings), the service on it, and the floor writer next to it. */
async function openStore(o: HttpTargetOptions, dir: string, policyFile: string): Promise<{ service: BenchService; floor: DurableFloor; setup: Record<string, unknown>; close(): Promise<void> }> {
  if (o.store === 'sqlite') {
    const service = await openBenchService({ dir, store: 'sqlite', policyFile });
    const db = (service.timed.inner as SqliteStore).database;
    const mode = db.pragma('journal_mode', { simple: true });
    const sync = db.pragma('synchronous', { simple: true });
    if (mode !== 'wal' || sync !== 2) {
      await service.close();
      throw new Error(`SQLite is not WAL + synchronous=FULL (${String(mode)}, ${String(sync)})`);
    }
    return { service, floor: sqliteFloor(db), setup: { journalMode: 'WAL', synchronous: 'FULL (2)', floorSql: SQLITE_FLOOR_SQL }, close: () => service.close() };
  }
  const server: BenchRedis = await startBenchRedis({ parent: o.tmpDir });
  const client = new Redis(server.url, { lazyConnect: true });
  client.on('error', () => undefined);
  let service: BenchService;
  try {
    await client.connect();
    service = await openBenchService({ dir, store: 'redis', redisUrl: server.url, redisPrefix: 'bench-http:', policyFile });
  } catch (err) {
    client.disconnect();
    await server.stop();
    throw err;
  }
  return {
    service,
    floor: redisFloor(client),
    setup: { redisVersion: server.version, redisPid: server.pid, redisArgs: server.args.join(' '), floorCommand: REDIS_FLOOR_COMMAND },
    async close() {
      await service.close();
      client.disconnect();
      await server.stop();
    },
  };
}

/** Builds the app as src/server.ts does and listens on 127.0.0.1 on a free port. */
async function listen(service: BenchService): Promise<{ app: FastifyInstance; port: number }> {
  // The log's writer is the one src/server.ts gets by default (pino's asynchronous SonicBoom on stdout), on the null
  // device: a node:fs WriteStream would add a stream and a callback per line that the service does not have.
  const app = await buildApp(service.ctx, {
    logger: { level: service.config.EXPERT_DRAW_LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'], stream: pino.destination({ dest: os.devNull }) },
  });
  app.server.requestTimeout = 30_000;
  app.server.headersTimeout = 10_000;
  app.server.keepAliveTimeout = 5_000;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('the app is not listening');
  return { app, port: address.port };
}

/** Everything up to the first request: store, service, pool import, projects, quiet store, listening app. */
export async function openHttpTarget(o: HttpTargetOptions): Promise<HttpTarget> {
  const dir = fs.mkdtempSync(path.join(o.tmpDir, `expert-draw-bench-http-${o.store}-`));
  const policyFile = writePolicy(dir, o.policy);
  let opened: Awaited<ReturnType<typeof openStore>> | null = null;
  let app: FastifyInstance | null = null;
  try {
    opened = await openStore(o, dir, policyFile);
    const { ctx } = opened.service;
    let t = performance.now();
    const pool = generatePool({ size: o.pool, seed: o.seed, fixed: [...o.fixed] });
    const generateMs = performance.now() - t;
    const imported = await importPool(ctx, pool.experts);
    const registerMs = await registerProjects(ctx, o.projects.map((id) => benchRegistration(pool, id, o.bidOpening, o.request)));
    // Redis: the instance's pool follower re-reads the imported experts first (see settle).
    const settleMs = await settle(opened.service);
    const listening = await listen(opened.service);
    app = listening.app;
    const token = tokenSigner(ctx.keys.jwt.privateKey)({ role: 'operator', subject: 'bench-terminal', ttlSeconds: 3600 });
    const store = opened;
    const server = listening.app;
    return {
      store: o.store,
      service: store.service,
      floor: store.floor,
      app: server,
      host: '127.0.0.1',
      port: listening.port,
      token,
      pool,
      setup: {
        dir,
        ...store.setup,
        pool: o.pool,
        groups: o.fixed.map((g) => `${g.code}:${g.members}`).join(', '),
        generateMs: round(generateMs, 1),
        importMs: round(imported.ms, 1),
        imports: imported.imports,
        projectsRegistered: o.projects.length,
        registerMs: round(registerMs, 1),
        settleMs: round(settleMs, 1),
        logSizeBeforeLoad: ctx.auditLog.size,
        policyFile: JSON.stringify(o.policy),
        listen: `http://127.0.0.1:${listening.port}`,
      },
      async close() {
        await server.close();
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await app?.close();
    await opened?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
