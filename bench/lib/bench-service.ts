// The real service for benchmarks, opened the way src/server.ts opens it (openContext on a data and keys folder, fresh
// development keys), with its store wrapped in a TimedStore, a clock the suite may drive, and a synthetic pool imported
// and projects registered through the services themselves.
import fs from 'node:fs';
import path from 'node:path';
import type { TokenClaims } from '../../src/auth/roles.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Expert, ExpertPersonal } from '../../src/domain/expert.js';
import type { PolicyInput } from '../../src/domain/policy.js';
import type { DrawRequest } from '../../src/domain/request.js';
import { openContext } from '../../src/open-context.js';
import type { AppContext } from '../../src/plugins/app/context.js';
import { syntheticPersonal, syntheticProject, type SyntheticPool } from '../../src/pool/generator.js';
import type { Registration } from '../../src/services/project.service.js';
import { TimedStore } from './timed-store.js';

/** Who the suites act as when they call a service directly (the HTTP requests carry a real token instead). */
export const BENCH_OPERATOR: TokenClaims = { sub: 'bench-operator', role: 'operator', iat: 0, exp: 0 };

/**
 * Two people logged in, an operator and a supervisor, as a two-person unseal needs (a machine token may not approve):
 * accounts made as an administrator makes them, past the forced first password change. About a second of scrypt each.
 */
let approverSets = 0;
export async function benchApprovers(ctx: AppContext): Promise<[TokenClaims, TokenClaims]> {
  const approvers: TokenClaims[] = [];
  const set = ++approverSets;
  for (const role of ['operator', 'supervisor'] as const) {
    const username = `bench-${role}-${process.pid}-${set}`;
    const first = 'bench-first-password-1';
    await ctx.users.create({ username, displayName: `bench ${role}`, role, site: null, password: first }, 'bench');
    const login = await ctx.sessions.login(username, first);
    const changed = await ctx.sessions.changePassword(claimsOf(login.accessToken), first, 'bench-own-password-2');
    approvers.push(claimsOf(changed.accessToken));
  }
  return [approvers[0]!, approvers[1]!];
}

/** The claims of an access token the service issued (read, not verified: the service signed it). */
function claimsOf(accessToken: string): TokenClaims {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as TokenClaims;
}
const BENCH_ADMIN: TokenClaims = { sub: 'bench-admin', role: 'admin', iat: 0, exp: 0 };

/**
 * Rows per PoolService.import call. One import is one store transaction; on Redis a batch of about 10,000 rows or more
 * fails with "Maximum call stack size exceeded" (the append script's arguments are spread into one call), so the
 * suites import in chunks on both stores alike.
 */
export const IMPORT_CHUNK = 5000;

export interface BenchServiceOptions {
  /** Folder of this instance's data (SQLite file, calls file); the caller creates and removes it. */
  readonly dir: string;
  readonly store: 'sqlite' | 'redis';
  readonly redisUrl?: string;
  readonly redisPrefix?: string;
  /** Keys folder; instances of one deployment share it (default: <dir>/keys, generated on first open). */
  readonly keysDir?: string;
  /** EXPERT_DRAW_POLICY_FILE (see writePolicy); unset: the policy defaults. */
  readonly policyFile?: string;
  /** The service's clock (default Date.now). */
  readonly now?: () => number;
}

export interface BenchService {
  readonly ctx: AppContext;
  readonly config: Config;
  /** The store every service of ctx talks to, timing each call. */
  readonly timed: TimedStore;
  /** Stops the service's workers, closes the log and the store. The folder stays (the caller owns it). */
  close(): Promise<void>;
}

/**
 * Opens a service instance. Rate limit at its maximum (the suites send more than the default 1,200 requests a minute
 * from one token); Redis must be durable (AOF, appendfsync always), as in production.
 */
export async function openBenchService(options: BenchServiceOptions): Promise<BenchService> {
  const env: Record<string, string> = {
    EXPERT_DRAW_DATA_DIR: path.join(options.dir, 'data'),
    EXPERT_DRAW_KEYS_DIR: options.keysDir ?? path.join(options.dir, 'keys'),
    EXPERT_DRAW_CALLS_FILE: path.join(options.dir, 'calls.jsonl'),
    EXPERT_DRAW_STORE: options.store,
    EXPERT_DRAW_RATE_LIMIT: '1000000',
  };
  if (options.store === 'redis') {
    if (!options.redisUrl) throw new Error('a Redis instance needs redisUrl');
    env.REDIS_URL = options.redisUrl;
    env.EXPERT_DRAW_REDIS_PREFIX = options.redisPrefix ?? 'bench:';
  }
  if (options.policyFile) env.EXPERT_DRAW_POLICY_FILE = options.policyFile;
  // Set in the shell to compare scheduler concurrencies (the burst suite).
  if (process.env.EXPERT_DRAW_DRAW_CONCURRENCY) env.EXPERT_DRAW_DRAW_CONCURRENCY = process.env.EXPERT_DRAW_DRAW_CONCURRENCY;
  const config = loadConfig(env);
  let timed: TimedStore | null = null;
  const opened = await openContext(config, {
    now: options.now,
    wrapStore: (store) => (timed = new TimedStore(store)),
  });
  if (!timed) throw new Error('openContext did not open a store');
  return { ctx: opened.ctx, config, timed, close: () => opened.close() };
}

/** Writes a policy file (only the numbers given; the rest default) and returns its path. */
export function writePolicy(dir: string, policy: PolicyInput): string {
  const file = path.join(dir, 'policy.json');
  fs.writeFileSync(file, `${JSON.stringify(policy, null, 2)}\n`);
  return file;
}

/** Imports the experts through PoolService.import in chunks of `chunk` rows; returns the milliseconds it took. */
export async function importPool(ctx: AppContext, experts: readonly Expert[], chunk = IMPORT_CHUNK): Promise<{ ms: number; imports: number }> {
  const t0 = performance.now();
  let imports = 0;
  for (let start = 0; start < experts.length; start += chunk) {
    const rows = experts.slice(start, start + chunk).map((expert, k) => ({ line: k + 1, expert, personal: syntheticPersonal(start + k) }));
    const report = await ctx.pool.import(rows, [], 'all', BENCH_ADMIN);
    if (report.imported !== rows.length) throw new Error(`pool import stored ${report.imported} of ${rows.length} rows`);
    imports++;
  }
  // The draw's index is built on first use: build it now, outside any timed region.
  ctx.pool.current();
  return { ms: performance.now() - t0, imports };
}

/**
 * Waits until the instance has made no store call (blocking change-feed reads aside) for `quietMs`, then builds the
 * pool index. On Redis the pool follower re-reads every expert an import changed, one record per round trip, and
 * drops the index after each batch: timing draws meanwhile would time that catch-up. Returns the milliseconds waited.
 */
export async function settle(service: BenchService, quietMs = 500, timeoutMs = 600_000): Promise<number> {
  const t0 = performance.now();
  const calls = () => {
    const t = service.timed.times;
    return [t.appendLog, t.readEntries, t.readNodes, t.readNodeRange, t.putCheckpoint, t.checkpoints, t.other, t.leases].reduce((s, b) => s + b.calls, 0);
  };
  let last = calls();
  let quietSince = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = calls();
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs) break;
    if (performance.now() - t0 > timeoutMs) throw new Error(`the instance kept calling its store for ${timeoutMs} ms`);
  }
  service.ctx.pool.current();
  return performance.now() - t0 - quietMs;
}

/** A project of the synthetic pool (its parties, so exclusions apply) asking for `request`. */
export function benchRegistration(pool: SyntheticPool, id: string, bidOpeningAt: string, request: DrawRequest): Registration {
  const project = syntheticProject(pool, id, bidOpeningAt);
  return { project: { ...project, id }, request, name: null, venue: null, leadTimeMinutes: undefined };
}

/** Registers the projects one after another through ProjectService.register; returns the milliseconds it took. */
export async function registerProjects(ctx: AppContext, registrations: readonly Registration[]): Promise<number> {
  const t0 = performance.now();
  for (const r of registrations) await ctx.projects.register(r, BENCH_OPERATOR);
  return performance.now() - t0;
}
