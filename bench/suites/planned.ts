// Planned suite: a planned (witnessed) draw with one durable append — commit, result and calls together, as
// docs/draw-proof.md §6.3 allows because its seed reads only what its commit holds — side by side with the same draws
// taking two appends as an unplanned draw does. One service on SQLite (durable, WAL, synchronous=FULL), witnessed
// projects each with one supervisor's deposit, drawn in process one at a time by two draw services on the same store
// and log that differ only in `plannedAppends`, in alternating blocks, so that both arms meet the same machine.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DrawRequest } from '../../src/domain/request.js';
import { generatePool } from '../../src/pool/generator.js';
import { DrawService } from '../../src/services/draw.service.js';
import { SelectionHistory } from '../../src/services/selection-history.js';
import { BENCH_OPERATOR, benchApprovers, benchRegistration, importPool, openBenchService, writePolicy } from '../lib/bench-service.js';
import { formatPoolSize, formatTable, ms } from '../lib/format.js';
import { measuredMachine, type MachineInfo } from '../lib/machine.js';
import { sourceRevision } from '../lib/revision.js';
import { round, roundDeep, roundSummary, summarize, type Summary } from '../lib/stats.js';
import { ENGINE_GROUPS, EXPERTS_PER_GROUP, fixedFor } from './engine.js';
import type { CommonOptions, Suite } from './index.js';

/** Frequency caps raised so that every draw of the run can fill its panels (they are still evaluated). */
const PLANNED_POLICY = { frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 }, witnesses: { required: 1, onShort: 'fail' } } as const;
const REQUEST: DrawRequest = { groups: ENGINE_GROUPS.map((g) => ({ specialty: g.code, count: EXPERTS_PER_GROUP })), tendererRepresentatives: 0 };

export interface PlannedSuiteConfig {
  readonly pool: number;
  /** Draws per arm. */
  readonly draws: number;
  /** Draws per block; the arms alternate block by block. */
  readonly block: number;
  readonly outDir: string;
  readonly tmpDir?: string;
  readonly log: (line: string) => void;
  readonly print: (text: string) => void;
}

export const PLANNED_DEFAULTS: PlannedSuiteConfig = {
  pool: 100_000,
  draws: 400,
  block: 25,
  outDir: 'bench/results',
  log: (line) => process.stderr.write(`${line}\n`),
  print: (text) => process.stdout.write(text),
};

export const PLANNED_QUICK: Partial<PlannedSuiteConfig> = { pool: 2000, draws: 6, block: 3 };

/** One arm: what `planned.json` holds per row. */
export interface PlannedRow {
  readonly store: 'sqlite';
  readonly appends: 1 | 2;
  readonly draws: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly durable_appends_per_draw: number;
}

export interface PlannedReport {
  readonly rows: PlannedRow[];
  readonly details: {
    readonly suite: 'planned';
    readonly machine: MachineInfo;
    readonly method: Record<string, unknown>;
    readonly arms: Record<'one' | 'two', { readonly wallMs: Summary; readonly storeAppendMs: Summary }>;
    /** Median of the two-append arm over the one-append arm. */
    readonly ratioP50: number;
    readonly loadAverage: { readonly before: number; readonly after: number };
    readonly verdicts: string[];
  };
}

export async function runPlannedSuite(overrides: Partial<PlannedSuiteConfig> = {}): Promise<PlannedReport> {
  const cfg: PlannedSuiteConfig = { ...PLANNED_DEFAULTS, ...overrides };
  if (cfg.draws < 1 || cfg.block < 1) throw new RangeError('need draws and a block of at least 1');
  const machine = measuredMachine();
  const dir = fs.mkdtempSync(path.join(cfg.tmpDir ?? os.tmpdir(), 'expert-draw-bench-planned-'));
  const service = await openBenchService({ dir, store: 'sqlite', policyFile: writePolicy(dir, PLANNED_POLICY) });
  const { ctx } = service;
  const times = { one: [] as number[], two: [] as number[] };
  const appendMs = { one: [] as number[], two: [] as number[] };
  const appends = { one: 0, two: 0 };
  let load = { before: 0, after: 0 };
  try {
    const pool = generatePool({ size: cfg.pool, seed: 'bench-planned', fixed: fixedFor(cfg.pool) });
    const imported = await importPool(ctx, pool.experts);
    cfg.log(`planned: pool ${formatPoolSize(cfg.pool)} imported in ${(imported.ms / 1000).toFixed(1)} s`);
    // The same draw path with two durable appends: a second draw service on the same store, log and services.
    const twoAppends = new DrawService({
      store: ctx.store,
      vault: ctx.vault,
      log: ctx.auditLog,
      pool: ctx.pool,
      projects: ctx.projects,
      sealing: ctx.keys.sealing,
      now: ctx.now,
      roster: ctx.roster,
      sites: ctx.sites,
      history: await SelectionHistory.open(ctx.store, ctx.vault),
      plannedAppends: 2,
    });
    const [, supervisor] = await benchApprovers(ctx);
    const opening = new Date(ctx.now() + 5 * 3_600_000).toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 2 * cfg.draws; i++) {
      const id = `P-PLANNED-${i}`;
      await ctx.projects.register({ ...benchRegistration(pool, id, opening, REQUEST), assurance: 'witnessed' }, BENCH_OPERATOR);
      await ctx.projects.deposit(id, randomBytes(32).toString('hex'), supervisor);
      ids.push(id);
    }
    cfg.log(`planned: ${ids.length} witnessed projects registered, one deposit each`);
    load = { before: os.loadavg()[0]!, after: 0 };
    let next = 0;
    for (let b = 0; next < ids.length; b++) {
      const arm = b % 2 === 0 ? 'one' : 'two';
      const draws = arm === 'one' ? ctx.draws : twoAppends;
      for (let k = 0; k < cfg.block && next < ids.length && times[arm].length < cfg.draws; k++) {
        // Totals so far (the TimedStore adds to them in place).
        const { calls, ms: spent } = service.timed.times.appendLog;
        const t0 = performance.now();
        const draw = await draws.run(ids[next++]!, 'immediate', BENCH_OPERATOR);
        times[arm].push(performance.now() - t0);
        const after = service.timed.times.appendLog;
        appends[arm] += after.calls - calls;
        appendMs[arm].push(after.ms - spent);
        if (draw.assurance !== 'witnessed') throw new Error(`draw ${draw.drawId} reached ${draw.assurance}, not witnessed`);
      }
      if (times.one.length >= cfg.draws && times.two.length >= cfg.draws) break;
    }
    load = { ...load, after: os.loadavg()[0]! };
  } finally {
    await service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const one = summarize(times.one);
  const two = summarize(times.two);
  const row = (arm: 'one' | 'two', s: Summary): PlannedRow => ({
    store: 'sqlite',
    appends: arm === 'one' ? 1 : 2,
    draws: s.n,
    p50_ms: round(s.p50, 3),
    p99_ms: round(s.p99, 3),
    durable_appends_per_draw: round(appends[arm] / s.n, 2),
  });
  const rows = [row('one', one), row('two', two)];
  const ratioP50 = two.p50 / one.p50;
  const verdicts = [
    `planned draw, one durable append: p50 ${ms(one.p50)} ms, p99 ${ms(one.p99)} ms; two appends: p50 ${ms(two.p50)} ms, p99 ${ms(two.p99)} ms; two/one at the median x${ratioP50.toFixed(2)} (load ${load.before.toFixed(1)}–${load.after.toFixed(1)})`,
  ];
  const report: PlannedReport = {
    rows,
    details: {
      suite: 'planned',
      machine,
      method: {
        source: sourceRevision(),
        pool: cfg.pool,
        request: REQUEST,
        store: 'sqlite (temp folder, WAL, synchronous=FULL)',
        arms: 'the service’s DrawService (plannedAppends 1) and a second DrawService on the same store and log with plannedAppends 2, alternating blocks',
        block: cfg.block,
        timed: 'DrawService.run of a witnessed project with one deposit, wall time; appendLog time from the TimedStore',
      },
      arms: { one: { wallMs: roundSummary(one), storeAppendMs: roundSummary(summarize(appendMs.one)) }, two: { wallMs: roundSummary(two), storeAppendMs: roundSummary(summarize(appendMs.two)) } },
      ratioP50: round(ratioP50, 3),
      loadAverage: { before: round(load.before, 2), after: round(load.after, 2) },
      verdicts,
    },
  };
  fs.mkdirSync(cfg.outDir, { recursive: true });
  fs.writeFileSync(path.join(cfg.outDir, 'planned.json'), `${JSON.stringify(rows, null, 2)}\n`);
  fs.writeFileSync(path.join(cfg.outDir, 'planned-details.json'), `${JSON.stringify(roundDeep(report.details), null, 2)}\n`);
  cfg.print(`\n${formatTable(['appends', 'draws', 'p50 ms', 'p99 ms', 'durable appends/draw'], rows.map((r) => [String(r.appends), String(r.draws), ms(r.p50_ms), ms(r.p99_ms), String(r.durable_appends_per_draw)]))}\n${verdicts.join('\n')}\n`);
  return report;
}

export const suite: Suite = {
  name: 'planned',
  description: 'a planned (witnessed) draw with one durable append against the same draw with two, side by side (SQLite, in process)',
  async run(options: CommonOptions): Promise<void> {
    const quick = options.quick ? PLANNED_QUICK : {};
    await runPlannedSuite({ ...quick, ...(options.pools?.[0] ? { pool: options.pools[0] } : {}), ...(options.draws ? { draws: options.draws } : {}), outDir: options.outDir });
  },
};
