// Engine suite: runDraw latency per pool size, side by side with SQLite `ORDER BY RANDOM()` on the same pool.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY } from '../../src/domain/policy.js';
import type { Project } from '../../src/domain/project.js';
import type { DrawRequest } from '../../src/domain/request.js';
import type { DrawInput } from '../../src/draw/engine.js';
import { runDraw, type DrawOutcome } from '../../src/draw/protocol.js';
import { indexHistory } from '../../src/draw/history.js';
import type { EntropyPlan } from '../../src/draw/seed.js';
import { GENESIS_PREV } from '../../src/log/entry.js';
import { generatePool, syntheticHistory, syntheticProject } from '../../src/pool/generator.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { formatPoolSize, formatTable, ms } from '../lib/format.js';
import { measuredMachine, type MachineInfo } from '../lib/machine.js';
import { elapsedMs, round, roundSummary, summarize, type Summary } from '../lib/stats.js';
import { BASELINE_SQL, SqliteBaseline, baselineProject } from './engine-baseline.js';
import type { CommonOptions, Suite } from './index.js';

/** The three benchmark groups: fixed leaf codes with the same members at every pool size from 100k up. */
export const ENGINE_GROUPS = [
  { code: 'C990101', members: 2000 },
  { code: 'C990102', members: 3500 },
  { code: 'C990103', members: 5000 },
] as const;
export const EXPERTS_PER_GROUP = 7;

/** design.md targets for the 100k pool, and the 1M/100k ratio. */
export const TARGETS = { pool: 100_000, p50Ms: 0.5, p99Ms: 2, largePool: 1_000_000, maxRatio: 1.5 } as const;

const DRAW_TIME = '2026-12-01T00:00:00.000Z';
const PLAN: EntropyPlan = { beacon: null, witnessCommitments: [] };

export interface EngineSuiteConfig {
  readonly pools: readonly number[];
  /** Timed engine draws per pool size. */
  readonly draws: number;
  /** Untimed engine draws first (JIT, caches, PoolIndex.candidatesFor per prefix). */
  readonly warmup: number;
  /** Upper bound on timed baseline draws per pool size. */
  readonly baselineDraws: number;
  /** The baseline stops early once past its time budget, but never before this many draws (or baselineDraws). */
  readonly baselineMinDraws: number;
  readonly baselineBudgetMs: number;
  readonly baselineWarmup: number;
  /** Distinct synthetic projects, used in turn, so the excluded parties vary from draw to draw. */
  readonly projects: number;
  /** History entries as a fraction of the pool size. */
  readonly historyPerExpert: number;
  readonly seed: string;
  readonly outDir: string;
  /** Where the SQLite temp directory goes (default os.tmpdir()). */
  readonly tmpDir?: string;
  /** Progress lines (default stderr). */
  readonly log: (line: string) => void;
  /** The result table (default stdout). */
  readonly print: (text: string) => void;
}

export const ENGINE_DEFAULTS: EngineSuiteConfig = {
  pools: [1_000, 10_000, 100_000, 1_000_000],
  draws: 1000,
  warmup: 200,
  baselineDraws: 1000,
  baselineMinDraws: 50,
  baselineBudgetMs: 20_000,
  baselineWarmup: 10,
  projects: 16,
  historyPerExpert: 0.1,
  seed: 'bench',
  outDir: 'bench/results',
  log: (line) => process.stderr.write(`${line}\n`),
  print: (text) => process.stdout.write(`${text}\n`),
};

/** `--quick`: a smoke run in seconds (1k and 10k, a few draws); its figures mean nothing. */
export const ENGINE_QUICK: Partial<EngineSuiteConfig> = { pools: [1_000, 10_000], draws: 50, warmup: 10, baselineDraws: 10, baselineWarmup: 1, projects: 4 };

/** One row of engine.json, exactly these keys. */
export interface EngineRow {
  readonly pool: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly baseline_p50_ms: number;
}

export interface EnginePoolDetails {
  readonly pool: number;
  readonly groups: ReadonlyArray<{ specialty: string; fixedMembers: number; candidates: number; eligibleMean: number; excludedMean: number }>;
  readonly historyEntries: number;
  readonly projects: number;
  readonly warmup: number;
  readonly engine: Summary;
  readonly baseline: Summary;
  readonly ratio: { readonly p50: number; readonly p99: number };
  readonly setupMs: { readonly generatePool: number; readonly poolIndex: number; readonly history: number; readonly sqliteLoad: number };
  readonly sqliteFileBytes: number;
  readonly heapUsedMiB: number;
}

export interface EngineReport {
  readonly rows: EngineRow[];
  readonly details: {
    readonly suite: 'engine';
    readonly machine: MachineInfo;
    readonly method: Record<string, string>;
    readonly targets: typeof TARGETS;
    readonly verdicts: string[];
    readonly baselineSql: string;
    readonly baselinePlan: string[];
    readonly pools: EnginePoolDetails[];
  };
  readonly table: string;
}

/** Fixed members per group: the full counts from 100k up; at smaller pools scaled down to a fifth of the pool. */
export function fixedFor(size: number): Array<{ code: string; members: number }> {
  return ENGINE_GROUPS.map((g) => ({ code: g.code, members: Math.min(g.members, Math.floor(size / 5)) }));
}

const REQUEST: DrawRequest = {
  groups: ENGINE_GROUPS.map((g) => ({ specialty: g.code, count: EXPERTS_PER_GROUP })),
  tendererRepresentatives: 0,
};

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

function heapMiB(): number {
  return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
}

/** The winners must be whole panels: a wrong result would make the timing meaningless. */
function checkOutcome(out: DrawOutcome): void {
  const seen = new Set<string>();
  for (const g of out.result.groups) {
    if (g.selected.length !== EXPERTS_PER_GROUP || g.alternates.length !== DEFAULT_POLICY.alternatesPerGroup) {
      throw new Error(`draw ${out.result.drawId}: group ${g.index} has ${g.selected.length}+${g.alternates.length} experts`);
    }
    for (const id of [...g.selected, ...g.alternates]) {
      if (seen.has(id)) throw new Error(`draw ${out.result.drawId}: ${id} ranked twice`);
      seen.add(id);
    }
  }
}

/** Timed runDraw calls over `projects` in turn (the engine suite's request), after `warmup` untimed ones. */
export function timeEngineDraws(o: {
  readonly index: PoolIndex;
  readonly history: ReturnType<typeof indexHistory>;
  readonly projects: readonly Project[];
  readonly draws: number;
  readonly warmup: number;
  readonly idPrefix: string;
}): { samples: Float64Array; eligibleSum: number[]; excludedSum: number[] } {
  // Fresh 32-byte nonces, generated before the loop so only runDraw is inside the timed region.
  const total = o.warmup + o.draws;
  const nonces = Array.from({ length: total }, () => randomBytes(32));
  const samples = new Float64Array(o.draws);
  const eligibleSum = REQUEST.groups.map(() => 0);
  const excludedSum = REQUEST.groups.map(() => 0);
  for (let i = 0; i < total; i++) {
    const input: DrawInput = { drawId: `${o.idPrefix}-${i}`, project: o.projects[i % o.projects.length]!, request: REQUEST, policy: DEFAULT_POLICY, pool: o.index, history: o.history };
    const entropy = { plan: PLAN, nonce: nonces[i]!, beaconRandomness: null, witnessReveals: [], time: DRAW_TIME, prev: GENESIS_PREV };
    const start = process.hrtime.bigint();
    const out = runDraw(input, entropy);
    const end = process.hrtime.bigint();
    checkOutcome(out);
    if (i >= o.warmup) {
      samples[i - o.warmup] = elapsedMs(start, end);
      out.prepared.groups.forEach((g, k) => {
        eligibleSum[k]! += g.size;
        excludedSum[k]! += g.excluded.length;
      });
    }
  }
  return { samples, eligibleSum, excludedSum };
}

function measurePool(size: number, cfg: EngineSuiteConfig, plan: { value: string[] }): EnginePoolDetails {
  const label = formatPoolSize(size);
  const fixed = fixedFor(size);
  let t = performance.now();
  const pool = generatePool({ size, seed: cfg.seed, fixed });
  const generateMs = performance.now() - t;
  t = performance.now();
  const index = new PoolIndex(pool.experts, 1);
  const indexMs = performance.now() - t;
  t = performance.now();
  const historyEntries = Math.round(size * cfg.historyPerExpert);
  const history = indexHistory(syntheticHistory(pool, historyEntries, `${cfg.seed}/history`));
  const historyMs = performance.now() - t;
  const projects: Project[] = Array.from({ length: cfg.projects }, (_, k) => syntheticProject(pool, `${cfg.seed}-${size}-${k}`));
  const candidates = fixed.map((f) => index.candidatesFor(f.code).length);
  cfg.log(
    `[${label}] pool ${ms(generateMs)} ms, index ${ms(indexMs)} ms, history (${historyEntries}) ${ms(historyMs)} ms; ` +
      `candidates per group ${candidates.join('/')}; heap ${heapMiB()} MiB`,
  );

  collectGarbage();
  const { samples, eligibleSum, excludedSum } = timeEngineDraws({ index, history, projects, draws: cfg.draws, warmup: cfg.warmup, idPrefix: `B-${size}` });
  const engine = summarize(samples);
  cfg.log(`[${label}] engine: ${cfg.draws} draws after ${cfg.warmup} warm-up, p50 ${ms(engine.p50)} ms, p99 ${ms(engine.p99)} ms`);
  const heapUsedMiB = heapMiB();

  // Baseline: the same pool loaded into SQLite (set-up, not timed).
  t = performance.now();
  const sqlite = new SqliteBaseline(pool.experts, cfg.tmpDir);
  const sqliteLoadMs = performance.now() - t;
  if (plan.value.length === 0) plan.value = sqlite.plan();
  cfg.log(`[${label}] SQLite load ${ms(sqliteLoadMs)} ms (${(sqlite.fileBytes / 2 ** 20).toFixed(1)} MiB)`);
  const baselineProjects = projects.map(baselineProject);
  const groups = fixed.map((f) => ({ specialty: f.code, limit: EXPERTS_PER_GROUP + DEFAULT_POLICY.alternatesPerGroup }));
  const baselineSamples: number[] = [];
  let baselineSummary: Summary;
  try {
    collectGarbage();
    for (let i = 0; i < cfg.baselineWarmup; i++) sqlite.draw(baselineProjects[i % baselineProjects.length]!, groups);
    const budgetEnd = performance.now() + cfg.baselineBudgetMs;
    const minDraws = Math.min(cfg.baselineMinDraws, cfg.baselineDraws);
    for (let i = 0; i < cfg.baselineDraws; i++) {
      if (i >= minDraws && performance.now() > budgetEnd) break;
      const p = baselineProjects[i % baselineProjects.length]!;
      const start = process.hrtime.bigint();
      const picks = sqlite.draw(p, groups);
      const end = process.hrtime.bigint();
      baselineSamples.push(elapsedMs(start, end));
      if (picks.some((ids, k) => ids.length !== groups[k]!.limit)) throw new Error(`baseline draw ${i} came up short`);
    }
    baselineSummary = summarize(baselineSamples);
  } finally {
    sqlite.close();
  }
  cfg.log(
    `[${label}] baseline: ${baselineSummary.n} draws${baselineSummary.n < cfg.baselineDraws ? ' (time budget reached)' : ''}, ` +
      `p50 ${ms(baselineSummary.p50)} ms, p99 ${ms(baselineSummary.p99)} ms`,
  );

  return {
    pool: size,
    groups: fixed.map((f, k) => ({
      specialty: f.code,
      fixedMembers: f.members,
      candidates: candidates[k]!,
      eligibleMean: round(eligibleSum[k]! / cfg.draws, 1),
      excludedMean: round(excludedSum[k]! / cfg.draws, 1),
    })),
    historyEntries,
    projects: projects.length,
    warmup: cfg.warmup,
    engine,
    baseline: baselineSummary,
    ratio: { p50: baselineSummary.p50 / engine.p50, p99: baselineSummary.p99 / engine.p99 },
    setupMs: { generatePool: generateMs, poolIndex: indexMs, history: historyMs, sqliteLoad: sqliteLoadMs },
    sqliteFileBytes: sqlite.fileBytes,
    heapUsedMiB,
  };
}

function verdicts(pools: readonly EnginePoolDetails[]): string[] {
  const out: string[] = [];
  const base = pools.find((p) => p.pool === TARGETS.pool);
  if (base) {
    const ok = base.engine.p50 <= TARGETS.p50Ms && base.engine.p99 <= TARGETS.p99Ms;
    out.push(
      `${ok ? 'MET ' : 'MISSED'} 100k target p50 <= ${TARGETS.p50Ms} ms, p99 <= ${TARGETS.p99Ms} ms: ` +
        `p50 ${ms(base.engine.p50)} ms, p99 ${ms(base.engine.p99)} ms`,
    );
  }
  const large = pools.find((p) => p.pool === TARGETS.largePool);
  if (base && large) {
    const r50 = large.engine.p50 / base.engine.p50;
    const r99 = large.engine.p99 / base.engine.p99;
    const ok = r50 <= TARGETS.maxRatio && r99 <= TARGETS.maxRatio;
    out.push(`${ok ? 'MET ' : 'MISSED'} 1M within ${TARGETS.maxRatio}x of 100k: p50 ${r50.toFixed(2)}x, p99 ${r99.toFixed(2)}x`);
  }
  return out;
}

function renderTable(pools: readonly EnginePoolDetails[]): string {
  const header = ['pool', 'cand/group', 'draws', 'p50 ms', 'p90 ms', 'p99 ms', 'mean ms', 'base draws', 'base p50', 'base p99', 'p50 ratio', 'setup s'];
  const rows = pools.map((p) => [
    formatPoolSize(p.pool),
    p.groups.map((g) => g.candidates).join('/'),
    String(p.engine.n),
    ms(p.engine.p50),
    ms(p.engine.p90),
    ms(p.engine.p99),
    ms(p.engine.mean),
    String(p.baseline.n),
    ms(p.baseline.p50),
    ms(p.baseline.p99),
    `${p.ratio.p50.toFixed(1)}x`,
    ((p.setupMs.generatePool + p.setupMs.poolIndex + p.setupMs.history + p.setupMs.sqliteLoad) / 1000).toFixed(1),
  ]);
  return formatTable(header, rows);
}

/** Runs the suite, writes engine.json and engine-details.json into cfg.outDir, and returns what it wrote. */
export async function runEngineSuite(overrides: Partial<EngineSuiteConfig> = {}): Promise<EngineReport> {
  const cfg: EngineSuiteConfig = { ...ENGINE_DEFAULTS, ...overrides };
  if (cfg.pools.length === 0) throw new RangeError('no pool sizes');
  const machine = measuredMachine();
  cfg.log(`engine suite on ${machine.cpuModel} (${machine.cpus} cpus), node ${machine.node}${(globalThis as { gc?: unknown }).gc ? '' : ', no --expose-gc'}`);
  const plan = { value: [] as string[] };
  const pools: EnginePoolDetails[] = [];
  for (const size of cfg.pools) {
    pools.push(measurePool(size, cfg, plan));
    collectGarbage();
    // Let the event loop run between sizes (progress output, finalisers).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const rows: EngineRow[] = pools.map((p) => ({
    pool: p.pool,
    p50_ms: round(p.engine.p50),
    p99_ms: round(p.engine.p99),
    baseline_p50_ms: round(p.baseline.p50),
  }));
  const details: EngineReport['details'] = {
    suite: 'engine',
    machine,
    method: {
      runtime: `node ${process.execArgv.join(' ')} ${process.argv[1] ?? ''} (compiled by tsc, as in production)`,
      timed: 'process.hrtime.bigint() around runDraw only; nonces (crypto.randomBytes(32)) generated before the loop',
      request: `3 groups (${ENGINE_GROUPS.map((g) => g.code).join(', ')}) x ${EXPERTS_PER_GROUP} experts + ${DEFAULT_POLICY.alternatesPerGroup} alternates, DEFAULT_POLICY, operator entropy plan`,
      pool: `generatePool({ seed: "${cfg.seed}", fixed }) with fixed members min(2000/3500/5000, pool/5)`,
      history: `syntheticHistory with pool x ${cfg.historyPerExpert} entries, indexed once before timing`,
      projects: `${cfg.projects} syntheticProject seeds used in turn`,
      percentiles: 'nearest rank over the timed samples',
      baseline: 'better-sqlite3, temp file, WAL, 512 MiB page cache; one ORDER BY RANDOM() query per group, timed per draw (all groups)',
      baselineDraws: `up to ${cfg.baselineDraws}, stopping after ${cfg.baselineBudgetMs} ms once ${cfg.baselineMinDraws} are done, after ${cfg.baselineWarmup} warm-up`,
    },
    targets: TARGETS,
    verdicts: verdicts(pools),
    baselineSql: BASELINE_SQL,
    baselinePlan: plan.value,
    pools: pools.map((p) => ({ ...p, engine: roundSummary(p.engine), baseline: roundSummary(p.baseline), ratio: { p50: round(p.ratio.p50, 2), p99: round(p.ratio.p99, 2) }, setupMs: roundAll(p.setupMs) })),
  };
  fs.mkdirSync(cfg.outDir, { recursive: true });
  fs.writeFileSync(path.join(cfg.outDir, 'engine.json'), `${JSON.stringify(rows, null, 2)}\n`);
  fs.writeFileSync(path.join(cfg.outDir, 'engine-details.json'), `${JSON.stringify(details, null, 2)}\n`);

  const scaled = pools.filter((p) => p.groups.some((g) => g.fixedMembers < ENGINE_GROUPS.find((e) => e.code === g.specialty)!.members));
  const notes = [
    `engine: runDraw end to end (candidates, exclusions, digests, commit, seed, sampling); 3 groups x (${EXPERTS_PER_GROUP} + ${DEFAULT_POLICY.alternatesPerGroup} alternates)`,
    `baseline: SQLite ORDER BY RANDOM() per group, same pool and filters (p50 ratio = baseline p50 / engine p50)`,
    ...(scaled.length > 0 ? [`note: candidates per group scaled down to pool/5 at ${scaled.map((p) => formatPoolSize(p.pool)).join(', ')}`] : []),
    ...details.verdicts,
    `wrote ${path.join(cfg.outDir, 'engine.json')} and engine-details.json`,
  ];
  const table = `${renderTable(pools)}\n\n${notes.join('\n')}`;
  cfg.print(table);
  return { rows, details, table };
}


function roundAll<T extends Record<string, number>>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 1)])) as T;
}

export const suite: Suite = {
  name: 'engine',
  description: 'runDraw latency at 1k–1M experts vs SQLite ORDER BY RANDOM()',
  async run(options: CommonOptions): Promise<void> {
    const overrides: Partial<EngineSuiteConfig> = { ...(options.quick ? ENGINE_QUICK : {}), outDir: options.outDir };
    if (options.pools) Object.assign(overrides, { pools: options.pools });
    if (options.draws) Object.assign(overrides, { draws: options.draws, baselineDraws: options.draws });
    if (options.warmup) Object.assign(overrides, { warmup: options.warmup });
    if (options.baselineDraws) Object.assign(overrides, { baselineDraws: options.baselineDraws });
    await runEngineSuite(overrides);
  },
};
