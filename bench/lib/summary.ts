// bench/results/summary.md: every target with its figure and MET/MISSED, then each suite's rows, rebuilt from the result
// files in the folder after every `npm run bench` (so a suite run alone refreshes its own section and keeps the others,
// each stamped with when, on which commit and how it was measured).
import fs from 'node:fs';
import path from 'node:path';
import { formatPoolSize, ms } from './format.js';
import { calibrationText, machineInfo, type MachineInfo } from './machine.js';
import { sourceRevision } from './revision.js';
import { TARGETS as BURST } from '../suites/burst.js';
import { TARGETS as ENGINE } from '../suites/engine.js';
import { TARGETS as HTTP } from '../suites/http.js';
import { TARGETS as LOG } from '../suites/log.js';
import { TARGETS as PEER } from '../suites/peer.js';
import { TARGETS as VERIFY } from '../suites/verify.js';

/** What bench/run.ts records about each suite's last run in runs.json. */
export interface RunStamp {
  readonly date: string;
  readonly revision: string;
  readonly quick: boolean;
  readonly note: string | null;
  readonly args: string;
}

export type RunStamps = Record<string, RunStamp>;

export const SUITE_ORDER = ['engine', 'log', 'http', 'peer', 'burst', 'verify', 'planned'] as const;

/** The targets, each from the suite that measures it (design.md and issue 10), gathered for the scoreboard. */
export const SUMMARY_TARGETS = {
  engineP50Ms: ENGINE.p50Ms,
  engineP99Ms: ENGINE.p99Ms,
  engineLargeRatio: ENGINE.maxRatio,
  httpP50Ms: HTTP.p50Ms,
  httpP99Ms: HTTP.p99Ms,
  httpDrawsPerS: HTTP.minDrawsPerS,
  burstSqliteS: BURST.maxSeconds.sqlite,
  burstRedisS: BURST.maxSeconds.redis,
  burstProjects: BURST.projects,
  peerRatio: PEER.minRatio,
  verifyProofsPerS: VERIFY.minProofsPerS,
  verifyFilesPerS: VERIFY.minBundleFilesPerS,
  logVerify1mS: LOG.maxVerifyLargeS,
  logAppendsPerS: LOG.minAppendsPerS,
  logAppendOverFloor: LOG.maxAppendToFloorP50,
} as const;

type Row = Record<string, unknown>;

interface Loaded {
  readonly rows: Row[] | null;
  readonly details: Record<string, unknown> | null;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function load(dir: string, suite: string): Loaded {
  const rows = readJson(path.join(dir, `${suite}.json`));
  const details = readJson(path.join(dir, `${suite}-details.json`));
  return { rows: Array.isArray(rows) ? (rows as Row[]) : null, details: details && typeof details === 'object' ? (details as Record<string, unknown>) : null };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export interface Scored {
  readonly target: string;
  readonly figure: string;
  /** MET, MISSED, or "not measured" (no file, or a run too small for the target). */
  readonly verdict: 'MET' | 'MISSED' | 'not measured';
  readonly suite: string;
}

function score(target: string, suite: string, figure: number | null, ok: (x: number) => boolean, show: (x: number) => string, why = 'not measured'): Scored {
  if (figure === null) return { target, figure: why, verdict: 'not measured', suite };
  return { target, figure: show(figure), verdict: ok(figure) ? 'MET' : 'MISSED', suite };
}

/** Every target against the figures in the folder. */
export function scoreTargets(dir: string): Scored[] {
  const T = SUMMARY_TARGETS;
  const out: Scored[] = [];
  const engine = load(dir, 'engine').rows ?? [];
  const e100k = engine.find((r) => r.pool === 100_000);
  const e1m = engine.find((r) => r.pool === 1_000_000);
  out.push(score(`engine draw p50 <= ${T.engineP50Ms} ms at 100k`, 'engine', num(e100k?.p50_ms), (x) => x <= T.engineP50Ms, (x) => `${ms(x)} ms`));
  out.push(score(`engine draw p99 <= ${T.engineP99Ms} ms at 100k`, 'engine', num(e100k?.p99_ms), (x) => x <= T.engineP99Ms, (x) => `${ms(x)} ms`));
  const r50 = e1m && e100k ? (num(e1m.p50_ms) ?? Number.NaN) / (num(e100k.p50_ms) ?? Number.NaN) : null;
  out.push(score(`engine draw at 1M within ${T.engineLargeRatio}x of 100k (p50)`, 'engine', r50 !== null && Number.isFinite(r50) ? r50 : null, (x) => x <= T.engineLargeRatio, (x) => `${x.toFixed(2)}x`));

  const http = load(dir, 'http');
  const h1 = (http.rows ?? []).find((r) => r.store === 'sqlite' && r.connections === 1);
  const h10 = (http.rows ?? []).find((r) => r.store === 'sqlite' && r.connections === 10);
  const errorsOf = (store: string, c: number): number => {
    const rounds = (http.details?.rounds ?? []) as Array<{ store: string; connections: number; load: { errors: { total: number } } }>;
    return rounds.find((r) => r.store === store && r.connections === c)?.load.errors.total ?? 0;
  };
  const withErrors = (s: Scored, store: string, c: number): Scored => {
    const n = errorsOf(store, c);
    return n > 0 && s.verdict !== 'not measured' ? { ...s, figure: `${s.figure} (${n} errors)`, verdict: 'MISSED' } : s;
  };
  // The least this protocol can take here, measured in the same run (http.ts DesignBound), beside the figure.
  const bound = num(((http.details?.stores ?? []) as Array<{ store: string; bound?: { sumMs?: unknown } | null }>).find((d) => d.store === 'sqlite')?.bound?.sumMs);
  const boundNote = bound === null ? '' : ` (the design's floor here: ${ms(bound)} ms)`;
  out.push(withErrors(score(`HTTP draw p50 <= ${T.httpP50Ms} ms, 1 connection, SQLite`, 'http', num(h1?.p50_ms), (x) => x <= T.httpP50Ms, (x) => `${ms(x)} ms${boundNote}`), 'sqlite', 1));
  out.push(withErrors(score(`HTTP draw p99 <= ${T.httpP99Ms} ms, 1 connection, SQLite`, 'http', num(h1?.p99_ms), (x) => x <= T.httpP99Ms, (x) => `${ms(x)} ms`), 'sqlite', 1));
  out.push(withErrors(score(`>= ${T.httpDrawsPerS} durable draws/s, 10 connections, SQLite`, 'http', num(h10?.draws_per_s), (x) => x >= T.httpDrawsPerS, (x) => `${Math.round(x)}/s`), 'sqlite', 10));

  const burst = load(dir, 'burst').rows ?? [];
  const bs = burst.find((r) => r.store === 'sqlite');
  const br = burst.find((r) => r.store === 'redis' && (num(r.instances) ?? 0) >= 2);
  const full = (r: Row | undefined) => (r && (num(r.projects) ?? 0) >= T.burstProjects ? num(r.seconds) : null);
  // A burst counts only if every project was drawn exactly once: the suite's `met` says so with the time.
  const burstScore = (label: string, r: Row | undefined, limit: number): Scored => {
    const s = score(label, 'burst', full(r), (x) => x <= limit, (x) => `${x.toFixed(2)} s`, r ? `only ${String(r.projects)} projects` : 'not measured');
    return s.verdict === 'MET' && r?.met !== true ? { ...s, figure: `${s.figure} (not all drawn exactly once)`, verdict: 'MISSED' } : s;
  };
  out.push(burstScore(`burst: ${T.burstProjects} due draws committed <= ${T.burstSqliteS} s, SQLite`, bs, T.burstSqliteS));
  out.push(burstScore(`burst: ${T.burstProjects} due draws committed <= ${T.burstRedisS} s, two instances on Redis`, br, T.burstRedisS));

  // The peer: the peer suite's 100k row, else the http suite's peer on its own pool (if 100k).
  const peer = (load(dir, 'peer').rows ?? []).find((r) => r.pool === 100_000);
  const hp = http.details?.peer as { skipped?: boolean; pool?: number; ratio?: number } | null | undefined;
  const peerRatio = num(peer?.ratio) ?? (hp && !hp.skipped && hp.pool === 100_000 ? num(hp.ratio) : null);
  out.push(score(`>= ${T.peerRatio}x faster than the PostgreSQL peer at 100k (HTTP durable draw p50)`, 'peer', peerRatio, (x) => x >= T.peerRatio, (x) => `${x.toFixed(1)}x`));

  const verify = load(dir, 'verify');
  const verifyFloor = (shape: unknown): number | null => num(((verify.details?.shapes ?? []) as Array<{ shape: string; files?: { floorMs?: unknown } }>).find((d) => d.shape === shape)?.files?.floorMs);
  for (const r of verify.rows ?? []) {
    out.push(score(`verifier >= ${T.verifyProofsPerS} draw proofs/s offline (${String(r.shape)}: ${String(r.members)} members)`, 'verify', num(r.proofs_per_s), (x) => x >= T.verifyProofsPerS, (x) => `${Math.round(x)}/s`));
    // Issue 13: engine-sized bundle files through proof verify DIR --jobs, in one process.
    if (r.shape === 'engine') {
      // The least a verifier does per file here (read it, hash it once), measured in the same run: the most it could reach.
      const floor = verifyFloor(r.shape);
      const most = floor === null ? '' : `; the floor allows ${Math.round(((num(r.jobs) ?? 1) * 1000) / floor)}/s`;
      out.push(score(`proof verify DIR --jobs ${String(r.jobs)} >= ${T.verifyFilesPerS} engine bundles/s in one process`, 'verify', num(r.files_per_s_jobs), (x) => x >= T.verifyFilesPerS, (x) => `${Math.round(x)}/s (one thread ${String(r.files_per_s_1)}/s${most})`));
    }
  }
  const log = load(dir, 'log');
  const logStores = (log.details?.stores ?? []) as Array<{ store: string; throughput?: Array<{ concurrency: number }> }>;
  for (const r of log.rows ?? []) {
    const store = String(r.store);
    // log.json's appends_per_s is at 64 appenders when the run had them, else at the first concurrency it ran.
    const at64 = logStores.find((d) => d.store === store)?.throughput?.some((t) => t.concurrency === LOG.atConcurrency) ?? false;
    const a = num(r.append_p50_ms);
    const f = num(r.floor_p50_ms);
    out.push(score(`log append p50 within ${T.logAppendOverFloor}x of the floor (${store})`, 'log', a !== null && f ? a / f : null, (x) => x <= T.logAppendOverFloor, (x) => `${x.toFixed(2)}x`));
    out.push(score(`log >= ${T.logAppendsPerS} appends/s at ${LOG.atConcurrency} appenders (${store})`, 'log', at64 ? num(r.appends_per_s) : null, (x) => x >= T.logAppendsPerS, (x) => `${Math.round(x)}/s`, `no run at ${LOG.atConcurrency} appenders`));
    out.push(score(`log of 1M entries re-verified <= ${T.logVerify1mS} s (${store})`, 'log', num(r.verify_1m_s), (x) => x <= T.logVerify1mS, (x) => `${x.toFixed(2)} s`, 'no 1M log in the run'));
  }
  return out;
}

function table(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const keys = Object.keys(rows[0]!);
  const cell = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? String(Math.round(v * 1000) / 1000) : String(v));
  return [`| ${keys.join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${keys.map((k) => cell(r[k])).join(' | ')} |`)].join('\n');
}

function stampLine(suite: string, stamps: RunStamps, details: Record<string, unknown> | null): string {
  const s = stamps[suite];
  const machine = details?.machine as MachineInfo | undefined;
  const method = details?.method as Record<string, unknown> | undefined;
  const date = s?.date ?? machine?.date ?? 'unknown date';
  const rev = s?.revision ?? (typeof method?.source === 'string' ? method.source : 'unknown');
  const where = machine ? `${machine.cpuModel}, ${machine.cpus} cpus, node ${machine.node}` : 'unknown machine';
  const parts = [`measured ${date}`, `revision ${rev}`, where, ...(machine?.calibration ? [calibrationText(machine.calibration)] : [])];
  if (s?.args) parts.push(`\`${s.args}\``);
  return `_${parts.join('; ')}_${s?.quick ? '\n\n**QUICK smoke run: tiny pools and few requests; these figures mean nothing.**' : ''}${s?.note ? `\n\n**Note:** ${s.note}` : ''}`;
}

function suiteSection(dir: string, suite: string, stamps: RunStamps): string | null {
  const { rows, details } = load(dir, suite);
  if (!rows && !details) return null;
  const out = [`## ${suite}`, '', stampLine(suite, stamps, details), ''];
  if (details && typeof details.skipped === 'string') out.push(`Skipped: ${details.skipped}`, '');
  out.push(table(rows ?? []), '');
  const verdicts = Array.isArray(details?.verdicts) ? (details.verdicts as string[]) : [];
  if (verdicts.length > 0) out.push(...verdicts.map((v) => `- ${v.replace(/\s{2,}/, ' ')}`), '');
  if (suite === 'http') {
    const peer = details?.peer as { skipped: boolean; reason?: string; pool?: number; draw?: { p50: number }; oursP50Ms?: number; ratio?: number } | null | undefined;
    if (peer && !peer.skipped && peer.draw)
      out.push(`Side by side in the same run: PostgreSQL peer at ${formatPoolSize(peer.pool ?? 0)} p50 ${ms(peer.draw.p50)} ms vs our HTTP durable draw (1 connection, SQLite) p50 ${ms(peer.oursP50Ms ?? Number.NaN)} ms: ${(peer.ratio ?? Number.NaN).toFixed(1)}x.`, '');
    else if (peer?.skipped) out.push(`PostgreSQL peer: ${peer.reason ?? 'skipped'}`, '');
  }
  if (suite === 'verify') {
    // The command itself in fresh processes (start included), per shape, where the run measured it.
    type Side = { median: number };
    const shapes = Array.isArray(details?.shapes) ? (details.shapes as Array<{ shape: string; command?: { files: number; jobs: number; oneThread: Side; withJobs: Side; oneFile: Side } }>) : [];
    const lines = shapes.flatMap(({ shape, command: c }) =>
      c ? [`- ${shape}: \`proof verify DIR\` of ${c.files} files in a fresh process ${c.oneThread.median.toFixed(2)} s with --jobs 1, ${c.withJobs.median.toFixed(2)} s with --jobs ${c.jobs}; one file ${c.oneFile.median.toFixed(2)} s`] : [],
    );
    if (lines.length > 0) out.push('The command, start included (medians):', '', ...lines, '');
  }
  return out.join('\n');
}

/** Renders summary.md from the folder's result files and runs.json. */
export function renderSummary(dir: string, now = new Date()): string {
  const stamps = (readJson(path.join(dir, 'runs.json')) ?? {}) as RunStamps;
  const machine = machineInfo(now);
  const scored = scoreTargets(dir);
  const quick = Object.entries(stamps).filter(([, s]) => s.quick).map(([k]) => k);
  // Each note once, with the suites whose last run it describes.
  const notes = new Map<string, string[]>();
  for (const [suite, s] of Object.entries(stamps)) if (s.note) notes.set(s.note, [...(notes.get(s.note) ?? []), suite]);
  const lines = [
    '# Benchmark summary',
    '',
    `Written ${now.toISOString()} by \`npm run bench\` at revision ${sourceRevision()} on ${machine.cpuModel} (${machine.cpus} cpus, ${machine.totalMemoryGiB} GiB, ${machine.platform}, node ${machine.node}). ` +
      'Rebuilt from the result files in this folder after every run; each section says when and on which commit its figures were measured.',
    '',
    ...(notes.size > 0 ? [...[...notes].map(([n, suites]) => `**Note (${suites.join(', ')}):** ${n}`), ''] : []),
    ...(quick.length > 0 ? [`**Quick smoke runs (figures meaningless): ${quick.join(', ')}.**`, ''] : []),
    '## Targets',
    '',
    '| target | figure | verdict | suite |',
    '|---|---|---|---|',
    ...scored.map((s) => `| ${s.target} | ${s.figure} | ${s.verdict === 'MET' ? 'MET' : s.verdict === 'MISSED' ? '**MISSED**' : s.verdict} | ${s.suite}${stamps[s.suite]?.quick ? ' (quick)' : ''} |`),
    '',
  ];
  for (const suite of SUITE_ORDER) {
    const section = suiteSection(dir, suite, stamps);
    if (section) lines.push(section);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Records a suite's run in runs.json and rewrites summary.md; returns the summary's path. */
export function recordRunAndSummarize(dir: string, suite: string, stamp: RunStamp): string {
  const file = path.join(dir, 'runs.json');
  const stamps = ((readJson(file) ?? {}) as RunStamps);
  stamps[suite] = stamp;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(stamps, null, 2)}\n`);
  const out = path.join(dir, 'summary.md');
  fs.writeFileSync(out, renderSummary(dir));
  return out;
}
