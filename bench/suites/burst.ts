// Burst suite: 2,000 draws due in the same minute (08:00 for 09:00 bid openings), all drawn by the scheduler, timed
// from the first tick until the last draw is committed: on SQLite (one instance, in-process) and on Redis (two
// instances, each a process of its own, sharing one private AOF redis-server), on the machine's cores.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DrawRequest } from '../../src/domain/request.js';
import { generatePool } from '../../src/pool/generator.js';
import { draws as drawRecords } from '../../src/records/draws.js';
import { projects as projectRecords } from '../../src/records/projects.js';
import { RedisStore } from '../../src/store/redis-store.js';
import type { Store } from '../../src/store/store.js';
import { benchRegistration, importPool, openBenchService, registerProjects, settle, writePolicy } from '../lib/bench-service.js';
import type { FromInstance, InstanceOptions, ToInstance } from '../lib/burst-instance.js';
import { runBurst, type TickRecord } from '../lib/burst-loop.js';
import { profiled, type ProfileSummary } from '../lib/cpu-profile.js';
import { formatPoolSize, formatTable, ms } from '../lib/format.js';
import { measuredMachine, type MachineInfo } from '../lib/machine.js';
import { startBenchRedis } from '../lib/redis-server.js';
import { sourceRevision } from '../lib/revision.js';
import { watchRuntime, type RuntimeStats } from '../lib/runtime-watch.js';
import { round, roundDeep } from '../lib/stats.js';
import type { StoreTimes } from '../lib/timed-store.js';
import { ENGINE_GROUPS, EXPERTS_PER_GROUP, fixedFor } from './engine.js';
import type { CommonOptions, Suite } from './index.js';

export type StoreName = 'sqlite' | 'redis';

/**
 * 2,000 draws due at the same minute all committed on 2 cores within 1.5 s on SQLite (design.md) and within 3 s by two
 * instances on Redis (issue 10).
 */
export const TARGETS = { projects: 2000, maxSeconds: { sqlite: 1.5, redis: 3 }, redisInstances: 2, cores: 2 } as const;

/**
 * Frequency caps raised: 2,000 draws each taking 7 of the 2,000 holders of C990101 select every holder 7 times on
 * average, past the default cap of 6 in 30 days (the pool can give at most 12,000 of the 14,000 seats), so the last
 * few hundred draws would rightly fail for want of candidates. A larger pool would change the draw the other suites
 * time (the fixed groups are the engine suite's); raising the caps keeps it, and the caps are still evaluated.
 */
export const BURST_POLICY = { frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 } } as const;

const REGISTERED_AT = Date.parse('2026-12-01T07:00:00+08:00');
const DUE_AT = Date.parse('2026-12-01T08:00:00+08:00');
const BID_OPENING = '2026-12-01T09:00:00+08:00';
/** The profiled repeat (SQLite): another set of projects, due an hour later. */
const PROFILE_DUE_AT = Date.parse('2026-12-01T09:00:00+08:00');
const PROFILE_BID_OPENING = '2026-12-01T10:00:00+08:00';
const REQUEST: DrawRequest = { groups: ENGINE_GROUPS.map((g) => ({ specialty: g.code, count: EXPERTS_PER_GROUP })), tendererRepresentatives: 0 };

export interface BurstSuiteConfig {
  readonly stores: readonly StoreName[];
  /** Projects due in the same minute. */
  readonly projects: number;
  readonly pool: number;
  /** Service instances on Redis, each a process of its own. */
  readonly instances: number;
  /** SQLite: repeat the burst on a second set of projects under the CPU profiler (not in the timed figure). */
  readonly profile: boolean;
  /** Give up a burst after this long. */
  readonly timeoutMs: number;
  readonly seed: string;
  readonly outDir: string;
  readonly tmpDir?: string;
  readonly log: (line: string) => void;
  readonly print: (text: string) => void;
}

export const BURST_DEFAULTS: BurstSuiteConfig = {
  stores: ['sqlite', 'redis'],
  projects: 2000,
  pool: 100_000,
  instances: 2,
  profile: true,
  timeoutMs: 180_000,
  seed: 'bench',
  outDir: 'bench/results',
  log: (line) => process.stderr.write(`${line}\n`),
  print: (text) => process.stdout.write(`${text}\n`),
};

/** `--quick`: a smoke run in seconds (20 projects, a pool of 2,000, no profile); its figures mean nothing. */
export const BURST_QUICK: Partial<BurstSuiteConfig> = { projects: 20, pool: 2000, profile: false };

/** One row of burst.json, exactly these keys. */
export interface BurstRow {
  readonly store: StoreName;
  readonly instances: number;
  readonly projects: number;
  /** From the first tick to the end of the last tick that drew (every draw committed, rosters started). */
  readonly seconds: number;
  readonly draws_per_s: number;
  /** All drawn, exactly once, within TARGETS.maxSeconds of the store (for TARGETS.projects or more projects; Redis: 2 instances or more). */
  readonly met: boolean;
}

export interface InstanceDetails {
  readonly instance: number;
  readonly drawn: number;
  readonly failed: number;
  readonly ticks: TickRecord[];
  /** From the burst's start to this instance's last drawing tick's end, ms. */
  readonly lastDrawAfterMs: number | null;
  readonly store: {
    readonly appendLog: { readonly calls: number; readonly entries: number; readonly seconds: number; readonly meanBatch: number; readonly failed: number };
    readonly leases: { readonly calls: number; readonly seconds: number };
    readonly otherCalls: number;
    readonly otherSeconds: number;
    readonly checkpointsSigned: number;
  };
  readonly runtime: RuntimeStats;
  /** Forked instances: opening the service (loading the 100k pool) before "go". */
  readonly openMs?: number;
}

export interface Outcome {
  /** Projects of the burst by state: all `drawn` when it worked. */
  readonly projectStates: Record<string, number>;
  /** Draw records of the burst's projects by state (aborted draws of a lost race would show here). */
  readonly drawStates: Record<string, number>;
  /** Projects with more than one drawn draw: must be 0. */
  readonly drawnTwice: number;
}

export interface BurstStoreDetails {
  readonly store: StoreName;
  readonly instances: number;
  readonly projects: number;
  readonly seconds: number;
  readonly drawsPerS: number;
  readonly setup: Record<string, unknown>;
  readonly perInstance: InstanceDetails[];
  readonly outcome: Outcome;
  readonly met: boolean;
  /** SQLite: the same burst again on other projects under the sampling profiler (slower by the profiler's cost). */
  readonly profile: { readonly seconds: number; readonly summary: ProfileSummary } | null;
}

export interface BurstReport {
  readonly rows: BurstRow[];
  readonly details: {
    readonly suite: 'burst';
    readonly machine: MachineInfo;
    readonly method: Record<string, string>;
    readonly targets: typeof TARGETS;
    readonly verdicts: string[];
    readonly stores: BurstStoreDetails[];
  };
  readonly table: string;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

function countBy(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** What the store holds after the burst, for the projects whose ids start with `prefix`. */
async function outcome(store: Store, prefix: string): Promise<Outcome> {
  const projects = (await projectRecords.list(store)).map((r) => r.value).filter((p) => p.project.id.startsWith(prefix));
  const draws = (await drawRecords.list(store)).map((r) => r.value).filter((d) => d.projectId.startsWith(prefix));
  const drawnPer = countBy(draws.filter((d) => d.state === 'drawn').map((d) => d.projectId));
  return {
    projectStates: countBy(projects.map((p) => p.state)),
    drawStates: countBy(draws.map((d) => d.state)),
    drawnTwice: Object.values(drawnPer).filter((n) => n > 1).length,
  };
}

function instanceDetails(instance: number, run: { goAt: number; lastDrawAt: number | null; ticks: TickRecord[]; drawn: number; failed: number }, startAt: number, store: StoreTimes, runtime: RuntimeStats, openMs?: number): InstanceDetails {
  const others = [store.readEntries, store.readNodes, store.readNodeRange, store.checkpoints, store.other];
  return {
    instance,
    drawn: run.drawn,
    failed: run.failed,
    ticks: run.ticks,
    lastDrawAfterMs: run.lastDrawAt === null ? null : run.lastDrawAt - startAt,
    store: {
      appendLog: {
        calls: store.appendLog.calls,
        entries: store.appendLog.entries,
        seconds: store.appendLog.ms / 1000,
        meanBatch: store.appendLog.entries / Math.max(1, store.appendLog.calls),
        // Lost races with the other instance (rebuilt and retried by the log) and refused expectations.
        failed: store.appendLog.failed,
      },
      leases: { calls: store.leases.calls, seconds: store.leases.ms / 1000 },
      otherCalls: others.reduce((s, b) => s + b.calls, 0),
      otherSeconds: others.reduce((s, b) => s + b.ms, 0) / 1000,
      checkpointsSigned: store.putCheckpoint.calls,
    },
    runtime,
    ...(openMs === undefined ? {} : { openMs }),
  };
}

function registrations(pool: ReturnType<typeof generatePool>, prefix: string, n: number, bidOpening: string) {
  return Array.from({ length: n }, (_, i) => benchRegistration(pool, `${prefix}${String(i).padStart(5, '0')}`, bidOpening, REQUEST));
}

// ---- SQLite: one instance, in this process ----------------------------------------------------------------------------

async function sqliteBurst(cfg: BurstSuiteConfig, tmpDir: string): Promise<BurstStoreDetails> {
  const dir = fs.mkdtempSync(path.join(tmpDir, 'expert-draw-bench-burst-sqlite-'));
  const policyFile = writePolicy(dir, BURST_POLICY);
  let clock = REGISTERED_AT;
  const service = await openBenchService({ dir, store: 'sqlite', policyFile, now: () => clock });
  const { ctx, timed } = service;
  try {
    let t = performance.now();
    const pool = generatePool({ size: cfg.pool, seed: cfg.seed, fixed: fixedFor(cfg.pool) });
    const generateMs = performance.now() - t;
    const imported = await importPool(ctx, pool.experts);
    const due = registrations(pool, 'B-', cfg.projects, BID_OPENING);
    const again = cfg.profile ? registrations(pool, 'Q-', cfg.projects, PROFILE_BID_OPENING) : [];
    const registerMs = await registerProjects(ctx, [...due, ...again]);
    await settle(service, 200);
    cfg.log(
      `[sqlite] pool ${formatPoolSize(cfg.pool)} imported in ${(imported.ms / 1000).toFixed(1)} s; ${due.length + again.length} projects registered in ` +
        `${(registerMs / 1000).toFixed(1)} s (due 08:00 for 09:00${again.length > 0 ? ', and as many due 09:00 for the profiled repeat' : ''})`,
    );

    collectGarbage();
    clock = DUE_AT;
    timed.reset();
    const watch = watchRuntime();
    const run = await runBurst(ctx, cfg.timeoutMs);
    const store = timed.reset();
    const runtime = await watch.stop();
    const seconds = ((run.lastDrawAt ?? run.goAt) - run.goAt) / 1000;
    const result = await outcome(service.timed.inner, 'B-');
    cfg.log(
      `[sqlite] ${run.drawn} drawn in ${seconds.toFixed(2)} s (${Math.round(run.drawn / seconds)} draws/s) over ${run.ticks.length} tick(s); ` +
        `${store.appendLog.calls} durable appends (${(store.appendLog.ms / 1000).toFixed(2)} s), ${store.leases.calls} lease writes (${(store.leases.ms / 1000).toFixed(2)} s), ` +
        `GC ${(runtime.gcMs / 1000).toFixed(2)} s`,
    );

    let profile: BurstStoreDetails['profile'] = null;
    if (cfg.profile) {
      collectGarbage();
      clock = PROFILE_DUE_AT;
      const { result: repeat, profile: summary } = await profiled(() => runBurst(ctx, cfg.timeoutMs));
      profile = { seconds: ((repeat.lastDrawAt ?? repeat.goAt) - repeat.goAt) / 1000, summary };
      cfg.log(`[sqlite] profiled repeat: ${repeat.drawn} drawn in ${profile.seconds.toFixed(2)} s; ${summary.topInclusive.slice(0, 4).map((f) => `${f.fn} ${(f.share * 100).toFixed(0)}%`).join('; ')}`);
    }

    const met = cfg.projects >= TARGETS.projects && seconds <= TARGETS.maxSeconds.sqlite && allDrawn(result, cfg.projects);
    return {
      store: 'sqlite',
      instances: 1,
      projects: cfg.projects,
      seconds,
      drawsPerS: run.drawn / seconds,
      setup: {
        dir,
        pool: cfg.pool,
        generateMs: round(generateMs, 1),
        importMs: round(imported.ms, 1),
        projectsRegistered: due.length + again.length,
        registerMs: round(registerMs, 1),
        policyFile: JSON.stringify(BURST_POLICY),
      },
      perInstance: [instanceDetails(0, run, run.goAt, store, runtime)],
      outcome: result,
      met,
      profile,
    };
  } finally {
    await service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function allDrawn(o: Outcome, projects: number): boolean {
  return o.projectStates.drawn === projects && Object.keys(o.projectStates).length === 1 && o.drawnTwice === 0;
}

// ---- Redis: several instances, each a forked process -------------------------------------------------------------------

/** A forked instance and its messages, in order. */
class Instance {
  private readonly inbox: FromInstance[] = [];
  private waiting: ((m: FromInstance) => void) | null = null;
  private exited = false;
  readonly exit: Promise<void>;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: FromInstance) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(m);
      } else this.inbox.push(m);
    });
    this.exit = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exited = true;
        if (this.waiting) this.waiting({ type: 'error', message: `instance exited with code ${String(code)}` });
        resolve();
      }),
    );
  }

  send(m: ToInstance): void {
    this.child.send(m);
  }

  async next<T extends FromInstance['type']>(type: T): Promise<Extract<FromInstance, { type: T }>> {
    const m = this.inbox.shift() ?? (this.exited ? { type: 'error' as const, message: 'instance exited' } : await new Promise<FromInstance>((resolve) => (this.waiting = resolve)));
    if (m.type === 'error') throw new Error(`burst instance ${this.child.pid}: ${m.message}`);
    if (m.type !== type) throw new Error(`burst instance ${this.child.pid} said ${m.type}, expected ${type}`);
    return m as Extract<FromInstance, { type: T }>;
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** The compiled instance script next to this suite (under vitest, the TypeScript one through tsx). */
function forkInstance(): Instance {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const script = path.join(path.dirname(here), '..', 'lib', ts ? 'burst-instance.ts' : 'burst-instance.js');
  // The service's runtime flags (package.json start); tsx only to run TypeScript under the test runner.
  // EXPERT_DRAW_BENCH_INSTANCE_FLAGS adds Node flags for a closer look (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
  const extra = process.env.EXPERT_DRAW_BENCH_INSTANCE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const execArgv = ['--max-semi-space-size=32', ...extra, ...(ts ? ['--import', 'tsx'] : [])];
  return new Instance(fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

async function redisBurst(cfg: BurstSuiteConfig, tmpDir: string): Promise<BurstStoreDetails> {
  const server = await startBenchRedis({ parent: tmpDir });
  const dir = fs.mkdtempSync(path.join(tmpDir, 'expert-draw-bench-burst-redis-'));
  const prefix = 'bench-burst:';
  const instances: Instance[] = [];
  try {
    const policyFile = writePolicy(dir, BURST_POLICY);
    // Set-up by a first instance in this process, closed before the burst so that it takes no share of the cores.
    let clock = REGISTERED_AT;
    const setupService = await openBenchService({ dir: path.join(dir, 'setup'), store: 'redis', redisUrl: server.url, redisPrefix: prefix, policyFile, now: () => clock });
    let setup: Record<string, unknown>;
    try {
      const t = performance.now();
      const pool = generatePool({ size: cfg.pool, seed: cfg.seed, fixed: fixedFor(cfg.pool) });
      const generateMs = performance.now() - t;
      const imported = await importPool(setupService.ctx, pool.experts);
      const registerMs = await registerProjects(setupService.ctx, registrations(pool, 'B-', cfg.projects, BID_OPENING));
      setup = {
        redis: { version: server.version, pid: server.pid, port: server.port, args: server.args.join(' ') },
        pool: cfg.pool,
        generateMs: round(generateMs, 1),
        importMs: round(imported.ms, 1),
        projectsRegistered: cfg.projects,
        registerMs: round(registerMs, 1),
        policyFile: JSON.stringify(BURST_POLICY),
      };
      cfg.log(
        `[redis] pool ${formatPoolSize(cfg.pool)} imported in ${(imported.ms / 1000).toFixed(1)} s; ${cfg.projects} projects registered in ${(registerMs / 1000).toFixed(1)} s`,
      );
    } finally {
      clock = DUE_AT;
      await setupService.close();
    }

    const t0 = performance.now();
    for (let k = 0; k < cfg.instances; k++) instances.push(forkInstance());
    const keysDir = path.join(dir, 'setup', 'keys');
    instances.forEach((inst, k) => {
      const options: InstanceOptions = { dir: path.join(dir, `instance-${k}`), keysDir, redisUrl: server.url, redisPrefix: prefix, policyFile, nowMs: DUE_AT, timeoutMs: cfg.timeoutMs };
      fs.mkdirSync(options.dir, { recursive: true });
      inst.send({ type: 'open', options });
    });
    const ready = await Promise.all(instances.map((inst) => inst.next('ready')));
    cfg.log(`[redis] ${cfg.instances} instances ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (pool of ${ready.map((r) => r.poolSize).join('/')} loaded)`);

    for (const inst of instances) inst.send({ type: 'go' });
    const done = await Promise.all(instances.map((inst) => inst.next('done')));
    await Promise.all(instances.map((inst) => inst.exit));
    const startAt = Math.min(...done.map((d) => d.goAt));
    const endAt = Math.max(...done.map((d) => d.lastDrawAt ?? d.goAt));
    const seconds = (endAt - startAt) / 1000;
    const drawn = done.reduce((s, d) => s + d.drawn, 0);

    const check = await RedisStore.open({ connection: { url: server.url }, prefix, requireDurable: true });
    let result: Outcome;
    try {
      result = await outcome(check, 'B-');
    } finally {
      await check.close();
    }
    const perInstance = done.map((d, k) => instanceDetails(k, d, startAt, d.store, d.runtime, ready[k]!.openMs));
    cfg.log(
      `[redis] ${drawn} drawn in ${seconds.toFixed(2)} s (${Math.round(drawn / seconds)} draws/s) by ${cfg.instances} instances ` +
        `(${perInstance.map((p) => `${p.drawn} in ${p.ticks.length} tick(s), ${p.store.appendLog.calls} appends`).join('; ')})`,
    );
    const met = cfg.projects >= TARGETS.projects && cfg.instances >= TARGETS.redisInstances && seconds <= TARGETS.maxSeconds.redis && allDrawn(result, cfg.projects);
    return { store: 'redis', instances: cfg.instances, projects: cfg.projects, seconds, drawsPerS: drawn / seconds, setup, perInstance, outcome: result, met, profile: null };
  } finally {
    for (const inst of instances) inst.kill();
    await Promise.all(instances.map((inst) => inst.exit));
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- report -------------------------------------------------------------------------------------------------------------

function verdicts(stores: readonly BurstStoreDetails[]): string[] {
  return stores.map((d) => {
    const complete = allDrawn(d.outcome, d.projects);
    const what = `${d.store} (${d.instances} instance${d.instances === 1 ? '' : 's'}): ${d.projects} draws due at 08:00 all committed within ${TARGETS.maxSeconds[d.store]} s`;
    const figure = `${d.seconds.toFixed(2)} s, ${Math.round(d.drawsPerS)} draws/s${complete ? '' : `; NOT all drawn exactly once: ${JSON.stringify(d.outcome)}`}`;
    if (d.projects < TARGETS.projects) return `n/a    ${what}: only ${d.projects} projects (target is for ${TARGETS.projects}): ${figure}`;
    return `${d.met ? 'MET   ' : 'MISSED'} ${what}: ${figure}`;
  });
}

function renderTable(stores: readonly BurstStoreDetails[]): string {
  const header = ['store', 'instances', 'projects', 'seconds', 'draws/s', 'ticks', 'appends', 'lost races', 'entries/append', 'append s', 'lease writes', 'lease s', 'GC s'];
  const rows = stores.map((d) => {
    const sum = (f: (p: InstanceDetails) => number) => d.perInstance.reduce((s, p) => s + f(p), 0);
    const appends = sum((p) => p.store.appendLog.calls);
    return [
      d.store,
      String(d.instances),
      String(d.projects),
      d.seconds.toFixed(2),
      String(Math.round(d.drawsPerS)),
      d.perInstance.map((p) => p.ticks.length).join('+'),
      String(appends),
      String(sum((p) => p.store.appendLog.failed)),
      (sum((p) => p.store.appendLog.entries) / Math.max(1, appends)).toFixed(1),
      sum((p) => p.store.appendLog.seconds).toFixed(2),
      String(sum((p) => p.store.leases.calls)),
      sum((p) => p.store.leases.seconds).toFixed(2),
      sum((p) => p.runtime.gcMs / 1000).toFixed(2),
    ];
  });
  return formatTable(header, rows);
}


/** Runs the suite, writes burst.json and burst-details.json into cfg.outDir, and returns what it wrote. */
export async function runBurstSuite(overrides: Partial<BurstSuiteConfig> = {}): Promise<BurstReport> {
  const cfg: BurstSuiteConfig = { ...BURST_DEFAULTS, ...overrides };
  if (cfg.stores.length === 0) throw new RangeError('no stores');
  if (cfg.projects < 1 || cfg.instances < 1) throw new RangeError('need projects and instances');
  const machine = measuredMachine();
  const tmpDir = cfg.tmpDir ?? os.tmpdir();
  cfg.log(`burst suite on ${machine.cpuModel} (${machine.cpus} cpus), node ${machine.node}, temp files in ${tmpDir}${(globalThis as { gc?: unknown }).gc ? '' : ', no --expose-gc'}`);
  const started = performance.now();
  const stores: BurstStoreDetails[] = [];
  for (const name of cfg.stores) {
    stores.push(name === 'sqlite' ? await sqliteBurst(cfg, tmpDir) : await redisBurst(cfg, tmpDir));
    collectGarbage();
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const rows: BurstRow[] = stores.map((d) => ({
    store: d.store,
    instances: d.instances,
    projects: d.projects,
    seconds: round(d.seconds, 3),
    draws_per_s: Math.round(d.drawsPerS),
    met: d.met,
  }));
  const v = verdicts(stores);
  const details: BurstReport['details'] = {
    suite: 'burst',
    machine,
    method: {
      runtime: `node ${process.execArgv.join(' ')} ${process.argv[1] ?? ''}`.trim(),
      source: sourceRevision(),
      projects:
        `${cfg.projects} projects registered through ProjectService.register at 07:00 (+08:00) with bid opening ${BID_OPENING} and the default lead time of 60 minutes, ` +
        `so every draw is due at 08:00; syntheticProject parties; each asks for 3 groups x ${EXPERTS_PER_GROUP} (+2 alternates) of ${ENGINE_GROUPS.map((g) => g.code).join(', ')} ` +
        `from a pool of ${cfg.pool} (generatePool, seed "${cfg.seed}", fixed groups ${fixedFor(cfg.pool).map((g) => `${g.code}: ${g.members}`).join(', ')}) imported through PoolService.import`,
      policy: `policy file ${JSON.stringify(BURST_POLICY)}: 2,000 panels of 7 from the 2,000 holders of C990101 is 7 selections each, past the default cap of 6 in 30 days; raising the caps keeps the engine suite's groups (they are still evaluated)`,
      clock: 'openContext({ now }) with a clock the suite sets to 08:00:00 when the burst starts and keeps there; leases use the real clock',
      timed:
        'from the first Scheduler.tick() to the end of the last tick that drew a project: a tick claims each due project (a lease), draws them all concurrently ' +
        '(commit, result, roster calls: each durable) and resolves when every one is done; the instance ticks again on the server\'s cadence (the next whole ' +
        'second after the start, as Scheduler.start() does) until no due project is scheduled or drawing (the check between ticks is not counted). ' +
        'Wall-clock instants (performance.timeOrigin + now) so that processes compare.',
      sqlite: 'one instance in this process (SQLite is single-instance), SqliteStore WAL + synchronous=FULL in a temp folder',
      redis:
        `${cfg.instances} instances, each a process of its own (node --max-semi-space-size=32, bench/lib/burst-instance.ts), on one private redis-server ` +
        '(--appendonly yes --appendfsync always) with the same keys and prefix; pool and projects set up by a first instance in this process, closed before the ' +
        'burst; the instances load the pool, then start on one "go" message',
      verification: 'after the burst: every project of the burst drawn, exactly one drawn draw per project (draw and project records in the store)',
      profile: cfg.profile ? 'SQLite: the burst again on another set of projects due at 09:00, under the sampling profiler (not the timed figure)' : 'off',
      totalSeconds: totalSeconds.toFixed(1),
    },
    targets: TARGETS,
    verdicts: v,
    stores: stores.map((d) => roundDeep(d) as BurstStoreDetails),
  };
  fs.mkdirSync(cfg.outDir, { recursive: true });
  fs.writeFileSync(path.join(cfg.outDir, 'burst.json'), `${JSON.stringify(rows, null, 2)}\n`);
  fs.writeFileSync(path.join(cfg.outDir, 'burst-details.json'), `${JSON.stringify(details, null, 2)}\n`);

  const notes = [
    'seconds: first scheduler tick to the last draw committed (rosters started); appends: store.appendLog calls (durable group commits), lost races among them',
    'lease writes: claim + release per draw (on SQLite in a side database without fsync; on Redis fsynced like every write); append s / lease s: from each of those store calls to its answer, summed over instances (with 64 draws in flight that includes their turns on the event loop, so lease s can exceed the burst itself)',
    ...stores.flatMap((d) =>
      d.profile ? [`${d.store} profiled repeat ${d.profile.seconds.toFixed(2)} s (inclusive, src/): ${d.profile.summary.topInclusive.slice(0, 5).map((f) => `${f.fn} ${(f.share * 100).toFixed(0)}%`).join('; ')}`] : [],
    ),
    ...v,
    `total ${totalSeconds.toFixed(0)} s; wrote ${path.join(cfg.outDir, 'burst.json')} and burst-details.json`,
  ];
  const table = `${renderTable(stores)}\n\n${notes.join('\n')}`;
  cfg.print(table);
  return { rows, details, table };
}

export const suite: Suite = {
  name: 'burst',
  description: '2,000 draws due in the same minute drawn by the scheduler: SQLite (one instance), Redis (two instances, two processes)',
  async run(options: CommonOptions): Promise<void> {
    const overrides: Partial<BurstSuiteConfig> = { ...(options.quick ? BURST_QUICK : {}), outDir: options.outDir };
    if (options.pools) {
      if (options.pools.length !== 1) throw new RangeError('the burst suite takes one pool size (--pools 100k)');
      Object.assign(overrides, { pool: options.pools[0] });
    }
    if (options.draws) Object.assign(overrides, { projects: options.draws });
    if (options.stores) Object.assign(overrides, { stores: options.stores });
    await runBurstSuite(overrides);
  },
};
