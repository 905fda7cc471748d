// Peer suite: the common way a centre draws today (PostgreSQL, `ORDER BY random() LIMIT n` per group with the conflict
// filter and an audit INSERT, one transaction per draw) side by side with our engine draw and our HTTP durable draw on
// the same synthetic pool, per pool size. Skipped with a message, not a failure, where no PostgreSQL answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DrawRequest } from '../../src/domain/request.js';
import { indexHistory } from '../../src/draw/history.js';
import { generatePool, syntheticHistory, syntheticProject } from '../../src/pool/generator.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { drawLoad, type DrawLoad } from '../lib/draw-load.js';
import { formatPoolSize, formatTable, ms } from '../lib/format.js';
import { openHttpTarget } from '../lib/http-target.js';
import { measuredMachine, type MachineInfo } from '../lib/machine.js';
import { DEFAULT_PG_URL } from '../lib/pg-peer.js';
import { PEER_METHOD, measurePeer, peerSkipReason } from '../lib/peer-run.js';
import { sourceRevision } from '../lib/revision.js';
import { round, roundSummary, summarize, type Summary } from '../lib/stats.js';
import { ENGINE_GROUPS, EXPERTS_PER_GROUP, fixedFor, timeEngineDraws } from './engine.js';
import type { CommonOptions, Suite } from './index.js';

/** design.md: side by side in the same run, aim at least 50x faster per draw than the peer at 100k. */
export const TARGETS = { pool: 100_000, minRatio: 50 } as const;

const BID_OPENING = '2030-06-03T09:00:00+08:00';
const REQUEST: DrawRequest = { groups: ENGINE_GROUPS.map((g) => ({ specialty: g.code, count: EXPERTS_PER_GROUP })), tendererRepresentatives: 0 };
/** The http suite's policy: the caps raised as there (they are still evaluated). */
const POLICY = { frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 } } as const;

export interface PeerSuiteConfig {
  readonly pools: readonly number[];
  /** Peer draws per pool (stopped after peerBudgetMs, never before 30 or peerDraws). */
  readonly peerDraws: number;
  readonly peerWarmup: number;
  readonly peerBudgetMs: number;
  /** runDraw calls in-process per pool, after engineWarmup. */
  readonly engineDraws: number;
  readonly engineWarmup: number;
  /** HTTP durable draws per pool (autocannon, 1 connection, SQLite), after httpWarmup. */
  readonly httpDraws: number;
  readonly httpWarmup: number;
  readonly pgUrl: string;
  readonly seed: string;
  readonly outDir: string;
  readonly tmpDir?: string;
  readonly log: (line: string) => void;
  readonly print: (text: string) => void;
}

export const PEER_DEFAULTS: PeerSuiteConfig = {
  pools: [1_000, 10_000, 100_000],
  peerDraws: 500,
  peerWarmup: 20,
  peerBudgetMs: 30_000,
  engineDraws: 1000,
  engineWarmup: 200,
  httpDraws: 1000,
  httpWarmup: 100,
  pgUrl: DEFAULT_PG_URL,
  seed: 'bench',
  outDir: 'bench/results',
  log: (line) => process.stderr.write(`${line}\n`),
  print: (text) => process.stdout.write(`${text}\n`),
};

/** `--quick`: 1k and 10k, a few draws of each; the figures mean nothing. */
export const PEER_QUICK: Partial<PeerSuiteConfig> = { pools: [1_000, 10_000], peerDraws: 10, peerWarmup: 2, engineDraws: 20, engineWarmup: 5, httpDraws: 20, httpWarmup: 5 };

/** One row of peer.json, exactly these keys; `ours` is the HTTP durable draw (autocannon, 1 connection, SQLite). */
export interface PeerRow {
  readonly pool: number;
  readonly peer_p50_ms: number;
  readonly ours_p50_ms: number;
  /** peer_p50_ms / ours_p50_ms. */
  readonly ratio: number;
}

export interface PeerPoolDetails {
  readonly pool: number;
  readonly groups: string;
  readonly peer: Summary;
  readonly peerBudgetReached: boolean;
  readonly engine: Summary;
  readonly http: DrawLoad;
  readonly ratio: { readonly peerOverHttpP50: number; readonly peerOverEngineP50: number };
  readonly setupMs: { readonly peerLoad: number; readonly httpSetup: Record<string, unknown> };
  readonly plan: string[];
  readonly server: Record<string, string>;
}

export interface PeerReport {
  readonly rows: PeerRow[];
  readonly details: {
    readonly suite: 'peer';
    readonly machine: MachineInfo;
    /** Null when PostgreSQL answered, else why the suite measured nothing. */
    readonly skipped: string | null;
    readonly method: Record<string, string>;
    readonly targets: typeof TARGETS;
    readonly verdicts: string[];
    readonly pools: PeerPoolDetails[];
  };
  readonly table: string;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

async function measurePool(size: number, cfg: PeerSuiteConfig, tmpDir: string): Promise<PeerPoolDetails> {
  const label = formatPoolSize(size);
  const fixed = fixedFor(size);
  const pool = generatePool({ size, seed: cfg.seed, fixed });

  // Ours, in-process: runDraw on the same pool (the engine suite's loop, history of a tenth of the pool).
  const index = new PoolIndex(pool.experts, 1);
  const history = indexHistory(syntheticHistory(pool, Math.round(size * 0.1), `${cfg.seed}/history`));
  const projects = Array.from({ length: 16 }, (_, k) => syntheticProject(pool, `${cfg.seed}-${size}-${k}`));
  collectGarbage();
  const engine = roundSummary(summarize(timeEngineDraws({ index, history, projects, draws: cfg.engineDraws, warmup: cfg.engineWarmup, idPrefix: `P-${size}` }).samples));
  cfg.log(`[${label}] engine draw p50 ${ms(engine.p50)} ms`);

  // Ours over HTTP: the service on SQLite, autocannon at 1 connection, every draw durable.
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const warm = ids('PW', cfg.httpWarmup);
  const timed = ids('PT', cfg.httpDraws);
  const target = await openHttpTarget({ store: 'sqlite', pool: size, seed: cfg.seed, fixed, projects: [...warm, ...timed], bidOpening: BID_OPENING, request: REQUEST, policy: POLICY, tmpDir });
  let http: DrawLoad;
  let httpSetup: Record<string, unknown>;
  try {
    collectGarbage();
    if (warm.length > 0) await drawLoad(target, 1, warm);
    http = await drawLoad(target, 1, timed);
    httpSetup = target.setup;
  } finally {
    await target.close();
  }
  cfg.log(`[${label}] HTTP durable draw p50 ${ms(http.latency.p50)} ms${http.errors.total > 0 ? `, ${http.errors.total} ERRORS (${http.errors.first ?? ''})` : ''}`);

  // The peer on the same pool.
  collectGarbage();
  const m = await measurePeer(pool, {
    url: cfg.pgUrl,
    draws: cfg.peerDraws,
    warmup: cfg.peerWarmup,
    minDraws: 30,
    budgetMs: cfg.peerBudgetMs,
    projects: 16,
    seed: cfg.seed,
    groups: ENGINE_GROUPS,
    perGroup: EXPERTS_PER_GROUP,
  });
  if (m.skipped) throw new Error(`PostgreSQL went away during the run: ${m.reason}`);
  cfg.log(`[${label}] PostgreSQL peer p50 ${ms(m.draw.p50)} ms (${m.draw.n} draws${m.budgetReached ? ', time budget reached' : ''})`);
  return {
    pool: size,
    groups: fixed.map((g) => `${g.code}:${g.members}`).join(', '),
    peer: m.draw,
    peerBudgetReached: m.budgetReached,
    engine,
    http,
    ratio: { peerOverHttpP50: m.draw.p50 / http.latency.p50, peerOverEngineP50: m.draw.p50 / engine.p50 },
    setupMs: { peerLoad: m.loadMs, httpSetup },
    plan: m.plan,
    server: m.server,
  };
}

export function peerVerdicts(pools: readonly PeerPoolDetails[]): string[] {
  return pools.map((p) => {
    const what = `${formatPoolSize(p.pool)}: PostgreSQL peer p50 ${ms(p.peer.p50)} ms / our HTTP durable draw p50 ${ms(p.http.latency.p50)} ms = ${p.ratio.peerOverHttpP50.toFixed(1)}x (engine alone ${p.ratio.peerOverEngineP50.toFixed(0)}x)`;
    const errors = p.http.errors.total > 0 ? ` — ${p.http.errors.total} HTTP errors` : '';
    if (p.pool !== TARGETS.pool) return `info   ${what}${errors}`;
    return `${p.ratio.peerOverHttpP50 >= TARGETS.minRatio && p.http.errors.total === 0 ? 'MET   ' : 'MISSED'} >= ${TARGETS.minRatio}x faster than the peer at ${what}${errors}`;
  });
}

function renderTable(pools: readonly PeerPoolDetails[]): string {
  const header = ['pool', 'peer p50', 'peer p99', 'engine p50', 'HTTP p50', 'HTTP p99', 'HTTP errors', 'peer/HTTP', 'peer/engine'];
  const rows = pools.map((p) => [
    formatPoolSize(p.pool),
    ms(p.peer.p50),
    ms(p.peer.p99),
    ms(p.engine.p50),
    ms(p.http.latency.p50),
    ms(p.http.latency.p99),
    String(p.http.errors.total),
    `${p.ratio.peerOverHttpP50.toFixed(1)}x`,
    `${p.ratio.peerOverEngineP50.toFixed(0)}x`,
  ]);
  return formatTable(header, rows);
}

/** Runs the suite, writes peer.json and peer-details.json into cfg.outDir (an empty peer.json when skipped). */
export async function runPeerSuite(overrides: Partial<PeerSuiteConfig> = {}): Promise<PeerReport> {
  const cfg: PeerSuiteConfig = { ...PEER_DEFAULTS, ...overrides };
  if (cfg.pools.length === 0) throw new RangeError('no pool sizes');
  if (cfg.httpDraws < 1 || cfg.peerDraws < 1 || cfg.engineDraws < 1) throw new RangeError('need draws of each kind');
  const machine = measuredMachine();
  const tmpDir = cfg.tmpDir ?? os.tmpdir();
  const started = performance.now();
  const skipped = await peerSkipReason(cfg.pgUrl);
  const pools: PeerPoolDetails[] = [];
  if (skipped === null) {
    cfg.log(`peer suite on ${machine.cpuModel} (${machine.cpus} cpus), node ${machine.node}; pools ${cfg.pools.map(formatPoolSize).join(', ')}`);
    for (const size of cfg.pools) pools.push(await measurePool(size, cfg, tmpDir));
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const rows: PeerRow[] = pools.map((p) => ({ pool: p.pool, peer_p50_ms: round(p.peer.p50), ours_p50_ms: round(p.http.latency.p50), ratio: round(p.ratio.peerOverHttpP50, 2) }));
  const v = skipped === null ? peerVerdicts(pools) : [`n/a    peer suite ${skipped}`];
  const details: PeerReport['details'] = {
    suite: 'peer',
    machine,
    skipped,
    method: {
      runtime: `node ${process.execArgv.join(' ')} ${process.argv[1] ?? ''}`.trim(),
      source: sourceRevision(),
      pool: `generatePool({ size, seed: "${cfg.seed}" }) with the engine suite's fixed groups per size; every side draws 3 groups x ${EXPERTS_PER_GROUP} (+2 alternates) of ${ENGINE_GROUPS.map((g) => g.code).join(', ')} with syntheticProject parties excluded`,
      peer: `${PEER_METHOD} ${cfg.peerDraws} draws after ${cfg.peerWarmup} untimed (at most ${cfg.peerBudgetMs / 1000} s), over 16 projects in turn.`,
      oursHttp:
        `peer.json's ours_p50_ms: the HTTP durable draw as the http suite measures it (bench/lib/draw-load.ts): the service on SQLite (WAL, synchronous=FULL), autocannon in its own process ` +
        `at 1 connection, ${cfg.httpDraws} draws after ${cfg.httpWarmup} untimed, each POST /v1/projects/{id}/draw of a different registered project with an operator JWT; sealed, signed, committed before the answer`,
      oursEngine: `runDraw alone in-process (the engine suite's loop, history of a tenth of the pool), ${cfg.engineDraws} draws after ${cfg.engineWarmup}: not durable, for reference`,
      percentiles: 'nearest rank',
      totalSeconds: totalSeconds.toFixed(1),
    },
    targets: TARGETS,
    verdicts: v,
    pools,
  };
  fs.mkdirSync(cfg.outDir, { recursive: true });
  fs.writeFileSync(path.join(cfg.outDir, 'peer.json'), `${JSON.stringify(rows, null, 2)}\n`);
  fs.writeFileSync(path.join(cfg.outDir, 'peer-details.json'), `${JSON.stringify(details, null, 2)}\n`);
  const table =
    skipped === null
      ? `${renderTable(pools)}\n\npeer: PostgreSQL ORDER BY random() per group + audit INSERT, one transaction per draw; HTTP: our durable draw (autocannon, 1 connection, SQLite); engine: runDraw alone\n${v.join('\n')}\ntotal ${totalSeconds.toFixed(0)} s; wrote ${path.join(cfg.outDir, 'peer.json')} and peer-details.json`
      : `peer suite ${skipped}; wrote an empty ${path.join(cfg.outDir, 'peer.json')}`;
  cfg.print(table);
  return { rows, details, table };
}

export const suite: Suite = {
  name: 'peer',
  description: 'PostgreSQL ORDER BY random() draws (one transaction with an audit INSERT) vs our engine and HTTP durable draw, per pool size',
  async run(options: CommonOptions): Promise<void> {
    const overrides: Partial<PeerSuiteConfig> = { ...(options.quick ? PEER_QUICK : {}), outDir: options.outDir };
    if (options.pools) Object.assign(overrides, { pools: options.pools });
    if (options.draws) Object.assign(overrides, { peerDraws: options.draws, httpDraws: options.draws, engineDraws: options.draws });
    if (options.warmup) Object.assign(overrides, { peerWarmup: options.warmup, httpWarmup: options.warmup, engineWarmup: options.warmup });
    await runPeerSuite(overrides);
  },
};
