// One build() for route tests: a real app on a fresh SQLite file (or Redis prefix) with fresh keys; inject(), no port.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { entryProblem } from '../src/audit/entries.js';
import type { Role } from '../src/auth/roles.js';
import { tokenSigner } from '../src/auth/tokens.js';
import { loadConfig, type Config } from '../src/config.js';
import { openContext } from '../src/open-context.js';
import type { AppContext } from '../src/plugins/app/context.js';
import type { Store } from '../src/store/store.js';
import { holdPrefix } from './helpers/redis-keys.js';

export interface Built {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  readonly config: Config;
  /** A bearer token for a role (a site for site-scoped roles), valid for `ttlSeconds`. */
  token(role: Role, options?: { site?: string; subject?: string; ttlSeconds?: number }): string;
  /** `{ authorization: 'Bearer …' }` for inject(). */
  auth(role: Role, options?: { site?: string; subject?: string }): { authorization: string };
  /** Listens on a free port of 127.0.0.1 as the server does (answer links follow it); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function build(env: Record<string, string> = {}, options: { now?: () => number; wrapStore?: (store: Store) => Store; logger?: Record<string, unknown> } = {}): Promise<Built> {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-app-'));
  const config = loadConfig({
    EXPERT_DRAW_DATA_DIR: join(dir, 'data'),
    EXPERT_DRAW_KEYS_DIR: join(dir, 'keys'),
    EXPERT_DRAW_REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
    EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: 'true',
    // No load shedding: on a shared test machine a busy moment would turn any answer into a 503.
    EXPERT_DRAW_MAX_EVENT_LOOP_DELAY_MS: '0',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ...env,
  });
  // The shared Redis keeps nothing of a test: the last instance on a prefix deletes its keys when it closes.
  const sharedRedis = config.EXPERT_DRAW_STORE === 'redis' && !config.EXPERT_DRAW_REDIS_SENTINELS && !config.EXPERT_DRAW_REDIS_CLUSTER;
  const release = sharedRedis ? holdPrefix(config.EXPERT_DRAW_REDIS_PREFIX, config.REDIS_URL) : async () => undefined;
  const opened = await openContext(config, { now: options.now, wrapStore: options.wrapStore }).catch(async (err: unknown) => {
    await release();
    throw err;
  });
  const app = await buildApp(opened.ctx, options.logger ? { logger: options.logger } : {});
  await app.ready();
  const sign = tokenSigner(opened.ctx.keys.jwt.privateKey);
  const token: Built['token'] = (role, o = {}) =>
    sign({ role, subject: o.subject ?? `test-${role}`, site: o.site ?? (role === 'site' ? 'site-a' : undefined), ttlSeconds: o.ttlSeconds ?? 600 });
  return {
    app,
    ctx: opened.ctx,
    config,
    token,
    auth: (role, o) => ({ authorization: `Bearer ${token(role, o)}` }),
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      return opened.listening((app.server.address() as AddressInfo).port);
    },
    async close() {
      let problems: string[];
      try {
        await app.close();
        // Every entry the test caused must match its schema in the catalogue (src/audit/entries.ts).
        problems = await catalogueProblems(opened.ctx.store);
        await opened.close();
      } finally {
        await release();
      }
      if (problems.length > 0) throw new Error(`entries outside the catalogue:\n${problems.join('\n')}`);
      // Every error the test caused must be one its route declares in the OpenAPI document.
      if (app.undeclaredErrors.size > 0) throw new Error(`error codes the routes do not declare:\n${[...app.undeclaredErrors].join('\n')}`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Entries of the store's log that do not match the entry catalogue, as `index: problem`. */
export async function catalogueProblems(store: Store): Promise<string[]> {
  const size = await store.logSize();
  const out: string[] = [];
  for (let start = 0; start < size; start += 5000) {
    const entries = await store.readEntries(start, Math.min(size, start + 5000));
    entries.forEach((bytes, k) => {
      const problem = entryProblem(bytes);
      if (problem) out.push(`${start + k}: ${problem}`);
    });
  }
  return out;
}

/** Waits until another instance on the same Redis has followed the pool to `size` experts (through the change feed). */
export async function waitForPool(t: Built, size: number): Promise<void> {
  for (const start = Date.now(); t.ctx.pool.size() < size; ) {
    if (Date.now() - start > 5000) throw new Error('the instance never saw the pool');
    await new Promise((r) => setTimeout(r, 20));
  }
}
