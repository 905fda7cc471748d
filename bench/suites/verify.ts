// Verify suite: verifyDrawProof over real disclosed draw proofs (drawn, unsealed by an operator and a supervisor after
// bid opening, disclosed, proof fetched as an inspector gets it), offline and repeatedly; proofs per second, for a
// small panel and for the engine suite's three large groups, and where the verifier's time goes; then the same bundles as
// files, the way `expert-draw proof verify DIR` reads them, in one thread and over worker threads (--jobs), A/B; and
// the command itself over those files in fresh processes, start-up included.
import { spawn } from 'node:child_process';
import { hash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DrawRequest } from '../../src/domain/request.js';
import { NoteVerifier } from '../../src/log/note.js';
import { generatePool } from '../../src/pool/generator.js';
import { verifyDrawProof, type VerifyDrawProofOptions } from '../../src/verify/draw-proof.js';
import type { FileVerifyOptions } from '../../src/verify/proof-files.js';
import { ProofFilePool } from '../../src/verify/proof-pool.js';
import { BENCH_OPERATOR, benchApprovers, benchRegistration, importPool, openBenchService, type BenchService } from '../lib/bench-service.js';
import { profiled, type ProfileSummary } from '../lib/cpu-profile.js';
import { formatPoolSize, formatTable, ms } from '../lib/format.js';
import { measuredMachine, type MachineInfo } from '../lib/machine.js';
import { sourceRevision } from '../lib/revision.js';
import { threadCpuMs, threadTicks, type ThreadCpuMs } from '../lib/thread-cpu.js';
import { round, roundDeep, summarize, type Summary } from '../lib/stats.js';
import { ENGINE_GROUPS, EXPERTS_PER_GROUP } from './engine.js';
import type { CommonOptions, Suite } from './index.js';

/**
 * design.md: at least 2,000 draw proofs per second, offline. Issue 13: `proof verify DIR --jobs N` verifies at least
 * 1,000 engine-sized bundles per second in one process.
 */
export const TARGETS = { minProofsPerS: 2000, minBundleFilesPerS: 1000 } as const;

export interface ProofShape {
  readonly name: string;
  readonly groups: ReadonlyArray<{ readonly code: string; readonly members: number; readonly count: number }>;
}

/**
 * A proof publishes every member line of each group, so its cost follows the groups' sizes: `small` is one panel of 5
 * from a specialty of 300 experts; `engine` is the engine suite's request, 3 x 7 from 2,000, 3,500 and 5,000 experts.
 */
export const VERIFY_SHAPES: readonly ProofShape[] = [
  { name: 'small', groups: [{ code: 'C990104', members: 300, count: 5 }] },
  { name: 'engine', groups: ENGINE_GROUPS.map((g) => ({ code: g.code, members: g.members, count: EXPERTS_PER_GROUP })) },
];

const REGISTERED_AT = Date.parse('2026-12-01T06:00:00+08:00');
const BID_OPENING = '2026-12-01T10:00:00+08:00';
const AFTER_OPENING = Date.parse('2026-12-01T10:05:00+08:00');

export interface VerifySuiteConfig {
  readonly shapes: readonly ProofShape[];
  /** Distinct disclosed draws per shape, verified in turn (in memory) and timed as files. */
  readonly proofs: number;
  /**
   * More disclosed draws per shape, made after those, that only warm the file pools up: each worker verifies them
   * twice before the timed files, so that its JIT has run every path a run over distinct bundles takes, while no cache
   * of it has met a timed bundle.
   */
  readonly warmUpProofs: number;
  /** Experts in the pool (it must hold the shapes' groups). */
  readonly pool: number;
  /** Timed rounds per shape; proofs/s is their median. */
  readonly rounds: number;
  /** Each round verifies the proofs in turn until at least this long has passed. */
  readonly roundMs: number;
  /** One more round under the CPU profiler, per shape. */
  readonly profile: boolean;
  /** Worker threads of the --jobs figure (default: the cores available, as proof verify's default). */
  readonly jobs: number;
  readonly seed: string;
  readonly outDir: string;
  readonly tmpDir?: string;
  readonly log: (line: string) => void;
  readonly print: (text: string) => void;
}

export const VERIFY_DEFAULTS: VerifySuiteConfig = {
  shapes: VERIFY_SHAPES,
  proofs: 64,
  warmUpProofs: 32,
  pool: 20_000,
  rounds: 7,
  roundMs: 1000,
  profile: true,
  jobs: os.availableParallelism(),
  seed: 'bench',
  outDir: 'bench/results',
  log: (line) => process.stderr.write(`${line}\n`),
  print: (text) => process.stdout.write(`${text}\n`),
};

/** `--quick`: a smoke run in seconds (the small shape only, 2 proofs, short rounds); its figures mean nothing. */
export const VERIFY_QUICK: Partial<VerifySuiteConfig> = { shapes: VERIFY_SHAPES.slice(0, 1), proofs: 2, warmUpProofs: 2, pool: 2000, rounds: 2, roundMs: 100, profile: false };

/** One row of verify.json, exactly these keys. */
export interface VerifyRow {
  readonly shape: string;
  /** Member lines per proof (all groups). */
  readonly members: number;
  readonly proof_kib: number;
  /** Median over the rounds. */
  readonly proofs_per_s: number;
  readonly met: boolean;
  /** Bundle files verified per second as `proof verify DIR --jobs 1` does (read, parsed, verified), median. */
  readonly files_per_s_1: number;
  /** The same over `jobs` worker threads, median of rounds interleaved with the one-thread rounds. */
  readonly files_per_s_jobs: number;
  readonly jobs: number;
  /** files_per_s_jobs / files_per_s_1. */
  readonly jobs_ratio: number;
}

export interface ShapeDetails {
  readonly shape: string;
  readonly groups: ProofShape['groups'];
  readonly proofs: number;
  readonly proofBytes: { readonly min: number; readonly mean: number; readonly max: number };
  readonly memberLines: number;
  readonly exclusionLinesMean: number;
  readonly checksPerProof: number;
  /** verifyDrawProof with the verifier key as text (parsed on every call, as one call per bundle does). */
  readonly proofsPerS: { readonly median: number; readonly rounds: number[] };
  /** The same with the key parsed once (a NoteVerifier passed in): what the key parsing costs per proof. */
  readonly proofsPerSParsedKey: { readonly median: number; readonly rounds: number[] };
  /** Bundle files, as proof verify DIR reads them: one worker and `jobs` workers, fresh pools, passes interleaved A/B. */
  readonly files: FilesDetails;
  /** The timed files through the command itself, a fresh process per run (start, workers joining, printing). */
  readonly command: CommandDetails;
  /** One proof's verification, ms (nearest rank over the first timed round). */
  readonly latency: Summary;
  readonly setup: { readonly drawMs: Summary; readonly discloseMs: Summary; readonly proofMs: Summary };
  readonly profile: ProfileSummary | null;
}

export interface FilesDetails {
  readonly jobs: number;
  /** Files each pass times, after warming its fresh pool up on the warm-up files (warmUpProofs, each verified twice per worker). */
  readonly timedFiles: number;
  readonly warmUpFiles: number;
  readonly oneThread: { readonly median: number; readonly rounds: number[] };
  readonly workers: { readonly median: number; readonly rounds: number[] };
  readonly ratio: number;
  /** CPU time of this process (all its threads) per wall second during the worker rounds: cores it kept busy. */
  readonly coresBusyWorkers: number;
  readonly coresBusyOneThread: number;
  /** The machine's 1-minute load average before and after the file rounds (other processes included). */
  readonly loadAverage: { readonly before: number; readonly after: number };
  /** Minor page faults per timed bundle in the one-worker passes (the whole process). */
  readonly pageFaultsPerBundle: number;
  /**
   * CPU ms per timed bundle by thread, over all passes of a side (null off Linux): this thread, the pool's workers,
   * and the others: V8's platform threads (concurrent TurboFan compilation of each worker's code, GC helpers) and libuv's.
   */
  readonly cpuMsPerBundle: { readonly oneWorker: ThreadCpuMs; readonly workers: ThreadCpuMs } | null;
  /**
   * The least any verifier does per bundle file here, ms (median of passes over the timed files, one thread): read the
   * file and hash its bytes once with SHA-256. Each entry's leaf hash covers about the file (the entries are most of
   * it, held as JSON strings); the member lines' digests, every parse and every check come on top. So one thread
   * verifies at most 1000 / floorMs bundles a second, and `jobs` threads at most `jobs` times that.
   */
  readonly floorMs: number;
}

export interface CommandDetails {
  readonly files: number;
  readonly jobs: number;
  /** Seconds from spawning `expert-draw proof verify DIR --quiet` to its exit, --jobs 1 and --jobs `jobs` alternating. */
  readonly oneThread: { readonly median: number; readonly rounds: number[] };
  readonly withJobs: { readonly median: number; readonly rounds: number[] };
  /** The same command over one file (--jobs 1): what starting it costs. */
  readonly oneFile: { readonly median: number; readonly rounds: number[] };
}

export interface VerifyReport {
  readonly rows: VerifyRow[];
  readonly details: {
    readonly suite: 'verify';
    readonly machine: MachineInfo;
    readonly method: Record<string, string>;
    readonly targets: typeof TARGETS;
    readonly verdicts: string[];
    readonly setup: Record<string, unknown>;
    readonly shapes: ShapeDetails[];
  };
  readonly table: string;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/**
 * Draws, unseals (after bid opening, an operator then a supervisor) and discloses each; then fetches every proof as
 * JSON, as an inspector downloads them afterwards, in one batch (they are proved against one checkpoint then).
 */
export async function disclosedProofs(service: BenchService, clock: { now: number }, pool: ReturnType<typeof generatePool>, shape: ProofShape, n: number): Promise<{ bundles: unknown[]; drawMs: number[]; discloseMs: number[]; proofMs: number[] }> {
  const { ctx } = service;
  const request: DrawRequest = { groups: shape.groups.map((g) => ({ specialty: g.code, count: g.count })), tendererRepresentatives: 0 };
  const bundles: unknown[] = [];
  const drawMs: number[] = [];
  const discloseMs: number[] = [];
  const proofMs: number[] = [];
  const approvers = await benchApprovers(ctx);
  const drawIds: string[] = [];
  for (let i = 0; i < n; i++) {
    clock.now = REGISTERED_AT;
    const id = `V-${shape.name}-${i}`;
    await ctx.projects.register(benchRegistration(pool, id, BID_OPENING, request), BENCH_OPERATOR);
    let t = performance.now();
    const { drawId } = await ctx.draws.run(id, 'immediate', BENCH_OPERATOR);
    drawMs.push(performance.now() - t);
    clock.now = AFTER_OPENING;
    for (const who of approvers) await ctx.roster.approveUnseal(drawId, id, BID_OPENING, who);
    t = performance.now();
    await ctx.disclosure.disclose(drawId, BENCH_OPERATOR);
    discloseMs.push(performance.now() - t);
    drawIds.push(drawId);
  }
  for (const drawId of drawIds) {
    const t = performance.now();
    // As GET /v1/draws/{id}/proof hands it to an inspector: JSON.
    bundles.push(JSON.parse(JSON.stringify(await ctx.disclosure.proof(drawId))));
    proofMs.push(performance.now() - t);
  }
  return { bundles, drawMs, discloseMs, proofMs };
}

/** Verifies the bundles in turn for at least roundMs; proofs per second. */
function verifyRound(bundles: readonly unknown[], options: VerifyDrawProofOptions, roundMs: number, latencies?: number[]): number {
  let n = 0;
  const t0 = performance.now();
  const end = t0 + roundMs;
  do {
    for (const b of bundles) {
      const t = latencies ? performance.now() : 0;
      const report = verifyDrawProof(b, options);
      if (latencies) latencies.push(performance.now() - t);
      if (!report.ok) throw new Error(`proof ${report.drawId} failed: ${report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.detail}`).join('; ')}`);
      n++;
    }
  } while (performance.now() < end);
  return (n / (performance.now() - t0)) * 1000;
}

/**
 * One pass of a fresh pool over files it never saw, as a long `proof verify DIR` run meets them once past its first
 * files: its workers started and given the warm-up files first (untimed: the member tables of the pool version, each
 * worker's JIT over every path distinct bundles take), then the timed files once. No cache of the pool's threads has
 * met a timed bundle before.
 */
async function filesPass(options: FileVerifyOptions, jobs: number, warm: readonly string[], timed: readonly string[]): Promise<{ perS: number; coresBusy: number; faults: number; threads: ThreadCpuMs | null }> {
  const started = threadTicks();
  const pool = new ProofFilePool(options, jobs, { inThisThread: false });
  try {
    // Every warm-up file WARM_UP_PASSES times per worker: its JIT reaches the optimised code a long run of distinct
    // bundles runs in. (Eight files over and over, as until stop 26, mostly ran the verifier's memos of lines met
    // before, and left the timed files to compile the paths of lines never met: about 1.6x slower over two workers.)
    const warmUp = Array.from({ length: WARM_UP_PASSES * jobs }, () => warm).flat();
    for (const v of await pool.verify(warmUp)) if ('error' in v || !v.report.ok) throw new Error(`${v.file} did not verify through the pool (jobs ${jobs})`);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const faults0 = process.resourceUsage().minorPageFault;
    const ticks0 = threadTicks();
    for (const v of await pool.verify(timed)) if ('error' in v || !v.report.ok) throw new Error(`${v.file} did not verify through the pool (jobs ${jobs})`);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const ticks = threadTicks();
    const threads = started && ticks0 && ticks ? threadCpuMs(ticks0, ticks, started) : null;
    return { perS: (timed.length / wallMs) * 1000, coresBusy: (cpu.user + cpu.system) / 1000 / wallMs, faults: (process.resourceUsage().minorPageFault - faults0) / timed.length, threads };
  } finally {
    await pool.close();
  }
}

const WARM_UP_PASSES = 2;

/**
 * The bundles as files, one per draw as an inspector saves them, in name order (the warm-up bundles apart); then rounds
 * of one pass each, a fresh pool with one worker against a fresh pool with `jobs` workers, alternating (A/B).
 */
async function measureFiles(bundles: readonly unknown[], warmUpBundles: readonly unknown[], verifierKey: string, dir: string, cfg: VerifySuiteConfig): Promise<FilesDetails> {
  const write = (list: readonly unknown[], folder: string) => {
    fs.mkdirSync(folder, { recursive: true });
    return list.map((b, i) => {
      const file = path.join(folder, `${String(i).padStart(4, '0')}.json`);
      fs.writeFileSync(file, JSON.stringify(b));
      return file;
    });
  };
  const timed = write(bundles, path.join(dir, 'timed'));
  const warm = write(warmUpBundles, path.join(dir, 'warm-up'));
  const before = os.loadavg()[0]!;
  const a: Array<Awaited<ReturnType<typeof filesPass>>> = [];
  const b: Array<Awaited<ReturnType<typeof filesPass>>> = [];
  // Twice the rounds of the in-memory figure: a pass is short (tens of milliseconds), and one pass is one sample.
  for (let r = 0; r < 2 * cfg.rounds; r++) {
    a.push(await filesPass({ verifierKey }, 1, warm, timed));
    b.push(await filesPass({ verifierKey }, cfg.jobs, warm, timed));
  }
  // The floor: read and hash each timed file, in passes (the first warms the page cache and the hash's code).
  const floors: number[] = [];
  for (let r = 0; r <= 2 * cfg.rounds; r++) {
    const t0 = performance.now();
    for (const file of timed) hash('sha256', fs.readFileSync(file), 'buffer');
    if (r > 0) floors.push((performance.now() - t0) / timed.length);
  }
  const oneThread = { median: median(a.map((x) => x.perS)), rounds: a.map((x) => x.perS) };
  const viaWorkers = { median: median(b.map((x) => x.perS)), rounds: b.map((x) => x.perS) };
  return {
    jobs: cfg.jobs,
    timedFiles: timed.length,
    warmUpFiles: warm.length,
    oneThread,
    workers: viaWorkers,
    ratio: viaWorkers.median / oneThread.median,
    coresBusyWorkers: median(b.map((x) => x.coresBusy)),
    coresBusyOneThread: median(a.map((x) => x.coresBusy)),
    loadAverage: { before, after: os.loadavg()[0]! },
    pageFaultsPerBundle: median(a.map((x) => x.faults)),
    cpuMsPerBundle: a.every((x) => x.threads) && b.every((x) => x.threads) ? { oneWorker: perBundle(a, timed.length), workers: perBundle(b, timed.length) } : null,
    floorMs: median(floors),
  };
}

/** The command as an inspector runs it: `node dist/src/cli.js` (from the sources, tsx), in a fresh process. */
function cliCommand(): { readonly node: string; readonly args: readonly string[] } {
  const here = fileURLToPath(import.meta.url);
  const cli = path.resolve(path.dirname(here), '../../src', here.endsWith('.ts') ? 'cli.ts' : 'cli.js');
  return { node: process.execPath, args: here.endsWith('.ts') ? ['--import', 'tsx', cli] : [cli] };
}

/** Seconds `proof verify` takes over `target` (a file or a folder) in a fresh process; it must verify every bundle. */
function runCommand(target: string, verifierKey: string, jobs: number): Promise<number> {
  const { node, args } = cliCommand();
  const started = performance.now();
  const child = spawn(node, [...args, 'proof', 'verify', target, '--verifier-key', verifierKey, '--jobs', String(jobs), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve(seconds);
      else reject(new Error(`proof verify ${target} --jobs ${jobs} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/**
 * The timed files through `expert-draw proof verify DIR --jobs 1` and `--jobs N`, a fresh process each time, the two
 * alternating; and the command over one file. What an inspector waits for, start-up included (the pool passes above
 * leave it out).
 */
async function measureCommand(timedDir: string, firstFile: string, files: number, verifierKey: string, cfg: VerifySuiteConfig): Promise<CommandDetails> {
  const one: number[] = [];
  const many: number[] = [];
  const single: number[] = [];
  for (let r = 0; r < Math.max(2, Math.ceil(cfg.rounds / 2)); r++) {
    one.push(await runCommand(timedDir, verifierKey, 1));
    many.push(await runCommand(timedDir, verifierKey, cfg.jobs));
    single.push(await runCommand(firstFile, verifierKey, 1));
  }
  const side = (xs: number[]) => ({ median: median(xs), rounds: xs });
  return { files, jobs: cfg.jobs, oneThread: side(one), withJobs: side(many), oneFile: side(single) };
}

/** The command's figures in a line. */
function commandLine(c: CommandDetails): string {
  return (
    `the command (a fresh process, start included): proof verify DIR of ${c.files} files ${c.oneThread.median.toFixed(2)} s with --jobs 1, ` +
    `${c.withJobs.median.toFixed(2)} s with --jobs ${c.jobs}; one file ${c.oneFile.median.toFixed(2)} s (medians of ${c.oneThread.rounds.length})`
  );
}

/** Thread CPU summed over passes (a pass is shorter than a few clock ticks per thread), per timed bundle. */
function perBundle(passes: ReadonlyArray<{ threads: ThreadCpuMs | null }>, files: number): ThreadCpuMs {
  const sum = (key: keyof ThreadCpuMs) => passes.reduce((s, x) => s + x.threads![key], 0) / (passes.length * files);
  return { main: sum('main'), workers: sum('workers'), other: sum('other') };
}

/** The profile's inclusive list without the wrappers every check runs in (verifyDrawProof itself, Checks.run). */
function insideChecks(profile: ProfileSummary, n: number): string {
  return profile.topInclusive
    .filter((f) => !f.fn.startsWith('verifyDrawProof ') && !f.fn.startsWith('run '))
    .slice(0, n)
    .map((f) => `${f.fn} ${(f.share * 100).toFixed(0)}%`)
    .join('; ');
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function measureShape(service: BenchService, clock: { now: number }, pool: ReturnType<typeof generatePool>, shape: ProofShape, cfg: VerifySuiteConfig, filesDir: string): Promise<ShapeDetails> {
  const made = await disclosedProofs(service, clock, pool, shape, cfg.proofs + cfg.warmUpProofs);
  const bundles = made.bundles.slice(0, cfg.proofs);
  const verifierKey = service.ctx.keys.logVerifier.verifierKey;
  const sizes = bundles.map((b) => Buffer.byteLength(JSON.stringify(b)));
  const first = verifyDrawProof(bundles[0], { verifierKey });
  if (!first.ok) throw new Error(`the first ${shape.name} proof does not verify: ${JSON.stringify(first.checks.filter((c) => c.status !== 'pass'))}`);
  const reveals = bundles.map((b) => JSON.parse((b as { reveal: { entry: string } }).reveal.entry) as { payload: { groups: Array<{ members: string[]; exclusions: string[] }> } });
  const memberLines = reveals[0]!.payload.groups.reduce((s, g) => s + g.members.length, 0);
  const exclusions = reveals.map((r) => r.payload.groups.reduce((s, g) => s + g.exclusions.length, 0));
  cfg.log(
    `[${shape.name}] ${bundles.length} disclosed proofs of ${Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length / 1024)} KiB ` +
      `(${memberLines} member lines); disclose p50 ${ms(summarize(made.discloseMs).p50)} ms`,
  );

  // Warm-up (JIT), then the rounds: the key as text, then the key parsed once.
  collectGarbage();
  verifyRound(bundles, { verifierKey }, Math.min(cfg.roundMs, 500));
  const latencies: number[] = [];
  const rates: number[] = [];
  for (let r = 0; r < cfg.rounds; r++) rates.push(verifyRound(bundles, { verifierKey }, cfg.roundMs, r === 0 ? latencies : undefined));
  const parsed = NoteVerifier.fromKey(verifierKey);
  const parsedRates: number[] = [];
  for (let r = 0; r < Math.max(1, Math.ceil(cfg.rounds / 2)); r++) parsedRates.push(verifyRound(bundles, { verifierKey: parsed }, cfg.roundMs));
  cfg.log(`[${shape.name}] verifyDrawProof: ${Math.round(median(rates))} proofs/s (median of ${rates.length} rounds); with the key parsed once ${Math.round(median(parsedRates))}/s`);
  const files = await measureFiles(bundles, made.bundles.slice(cfg.proofs), verifierKey, path.join(filesDir, shape.name), cfg);
  const command = await measureCommand(path.join(filesDir, shape.name, 'timed'), path.join(filesDir, shape.name, 'timed', '0000.json'), bundles.length, verifierKey, cfg);
  cfg.log(`[${shape.name}] ${commandLine(command)}`);
  cfg.log(
    `[${shape.name}] bundle files (proof verify DIR): ${Math.round(files.oneThread.median)}/s in one thread, ${Math.round(files.workers.median)}/s with --jobs ${files.jobs} ` +
      `(x${files.ratio.toFixed(2)}; ${files.coresBusyWorkers.toFixed(2)} cores busy; load ${files.loadAverage.before.toFixed(2)} → ${files.loadAverage.after.toFixed(2)})`,
  );
  cfg.log(
    `[${shape.name}] the least a verifier does per file here (read it, SHA-256 over its bytes once): ${ms(files.floorMs)} ms, at most ${Math.round(1000 / files.floorMs)} bundles/s a thread; ` +
      `one thread takes ${(1000 / files.oneThread.median / files.floorMs).toFixed(1)}x that`,
  );
  const cpu = files.cpuMsPerBundle;
  const threads = (t: ThreadCpuMs) => `workers ${ms(t.workers)}, V8 platform and libuv ${ms(t.other)}, main ${ms(t.main)}`;
  if (cpu) cfg.log(`[${shape.name}] CPU ms per bundle file: one worker: ${threads(cpu.oneWorker)}; ${files.jobs} workers: ${threads(cpu.workers)}`);

  let profile: ProfileSummary | null = null;
  if (cfg.profile) {
    collectGarbage();
    profile = (await profiled(async () => verifyRound(bundles, { verifierKey }, cfg.roundMs), { top: 20 })).profile;
    cfg.log(`[${shape.name}] profile: ${insideChecks(profile, 4)}`);
  }

  return {
    shape: shape.name,
    groups: shape.groups,
    proofs: bundles.length,
    proofBytes: { min: Math.min(...sizes), mean: sizes.reduce((a, b) => a + b, 0) / sizes.length, max: Math.max(...sizes) },
    memberLines,
    exclusionLinesMean: exclusions.reduce((a, b) => a + b, 0) / exclusions.length,
    checksPerProof: first.checks.length,
    proofsPerS: { median: median(rates), rounds: rates },
    proofsPerSParsedKey: { median: median(parsedRates), rounds: parsedRates },
    files,
    command,
    latency: summarize(latencies),
    setup: { drawMs: summarize(made.drawMs), discloseMs: summarize(made.discloseMs), proofMs: summarize(made.proofMs) },
    profile,
  };
}

function verdicts(shapes: readonly ShapeDetails[]): string[] {
  return shapes.flatMap((d) => {
    const ok = d.proofsPerS.median >= TARGETS.minProofsPerS;
    const groups = d.groups.map((g) => `${g.count} of ${g.members}`).join(' + ');
    const f = d.files;
    const filesOk = f.workers.median >= TARGETS.minBundleFilesPerS;
    return [
      `${ok ? 'MET   ' : 'MISSED'} ${d.shape} (${groups}): >= ${TARGETS.minProofsPerS} draw proofs/s offline: ${Math.round(d.proofsPerS.median)}/s, ${ms(1000 / d.proofsPerS.median)} ms per proof`,
      `${filesOk ? 'MET   ' : 'MISSED'} ${d.shape} (${groups}): proof verify DIR --jobs ${f.jobs} >= ${TARGETS.minBundleFilesPerS} bundles/s in one process: ` +
        `${Math.round(f.workers.median)}/s (one thread ${Math.round(f.oneThread.median)}/s, x${f.ratio.toFixed(2)}; ${f.coresBusyWorkers.toFixed(2)} cores busy, load ${f.loadAverage.before.toFixed(1)}–${f.loadAverage.after.toFixed(1)})`,
      `BOUND  ${d.shape}: the least a verifier does per file here (read it, SHA-256 over its bytes once) ${ms(f.floorMs)} ms: at most ${Math.round(1000 / f.floorMs)} bundles/s a thread, ` +
        `${Math.round((f.jobs * 1000) / f.floorMs)}/s with ${f.jobs}; one thread takes ${(1000 / f.oneThread.median / f.floorMs).toFixed(1)}x the floor`,
    ];
  });
}

function renderTable(shapes: readonly ShapeDetails[]): string {
  const header = ['shape', 'groups', 'member lines', 'proof KiB', 'proofs/s', 'ms/proof', 'p99 ms', 'key parsed once /s', 'files 1 thread /s', 'files --jobs /s', 'ratio', 'disclose p50 ms'];
  const rows = shapes.map((d) => [
    d.shape,
    d.groups.map((g) => `${g.count}/${g.members}`).join('+'),
    String(d.memberLines),
    (d.proofBytes.mean / 1024).toFixed(1),
    String(Math.round(d.proofsPerS.median)),
    ms(1000 / d.proofsPerS.median),
    ms(d.latency.p99),
    String(Math.round(d.proofsPerSParsedKey.median)),
    String(Math.round(d.files.oneThread.median)),
    `${Math.round(d.files.workers.median)} (${d.files.jobs})`,
    `x${d.files.ratio.toFixed(2)}`,
    ms(d.setup.discloseMs.p50),
  ]);
  return formatTable(header, rows);
}


/** Runs the suite, writes verify.json and verify-details.json into cfg.outDir, and returns what it wrote. */
export async function runVerifySuite(overrides: Partial<VerifySuiteConfig> = {}): Promise<VerifyReport> {
  const cfg: VerifySuiteConfig = { ...VERIFY_DEFAULTS, ...overrides };
  if (cfg.shapes.length === 0 || cfg.proofs < 1 || cfg.warmUpProofs < 1 || cfg.rounds < 1) throw new RangeError('need shapes, proofs, warm-up proofs and rounds');
  const fixed = new Map<string, number>();
  for (const s of cfg.shapes) for (const g of s.groups) fixed.set(g.code, Math.max(fixed.get(g.code) ?? 0, g.members));
  if ([...fixed.values()].some((m) => m > cfg.pool)) throw new RangeError(`a pool of ${cfg.pool} cannot hold groups of ${[...fixed.values()].join(', ')}`);
  const machine = measuredMachine();
  const tmpDir = cfg.tmpDir ?? os.tmpdir();
  cfg.log(`verify suite on ${machine.cpuModel} (${machine.cpus} cpus), node ${machine.node}${(globalThis as { gc?: unknown }).gc ? '' : ', no --expose-gc'}`);
  const started = performance.now();
  const dir = fs.mkdtempSync(path.join(tmpDir, 'expert-draw-bench-verify-'));
  const clock = { now: REGISTERED_AT };
  const service = await openBenchService({ dir, store: 'sqlite', now: () => clock.now });
  const shapes: ShapeDetails[] = [];
  let setup: Record<string, unknown>;
  try {
    const pool = generatePool({ size: cfg.pool, seed: cfg.seed, fixed: [...fixed].map(([code, members]) => ({ code, members })) });
    const imported = await importPool(service.ctx, pool.experts);
    setup = { pool: cfg.pool, fixed: Object.fromEntries(fixed), importMs: round(imported.ms, 1), store: 'sqlite (temp folder)' };
    cfg.log(`pool ${formatPoolSize(cfg.pool)} imported in ${(imported.ms / 1000).toFixed(1)} s`);
    for (const shape of cfg.shapes) shapes.push(await measureShape(service, clock, pool, shape, cfg, path.join(dir, 'bundles')));
    setup = { ...setup, logSize: service.ctx.auditLog.size };
  } finally {
    await service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const totalSeconds = (performance.now() - started) / 1000;

  const rows: VerifyRow[] = shapes.map((d) => ({
    shape: d.shape,
    members: d.memberLines,
    proof_kib: round(d.proofBytes.mean / 1024, 1),
    proofs_per_s: Math.round(d.proofsPerS.median),
    met: d.proofsPerS.median >= TARGETS.minProofsPerS,
    files_per_s_1: Math.round(d.files.oneThread.median),
    files_per_s_jobs: Math.round(d.files.workers.median),
    jobs: d.files.jobs,
    jobs_ratio: round(d.files.ratio, 2),
  }));
  const v = verdicts(shapes);
  const details: VerifyReport['details'] = {
    suite: 'verify',
    machine,
    method: {
      runtime: `node ${process.execArgv.join(' ')} ${process.argv[1] ?? ''}`.trim(),
      source: sourceRevision(),
      proofs:
        `per shape, ${cfg.proofs} projects, then ${cfg.warmUpProofs} more for the file pools' warm-up (syntheticProject parties, so groups have exclusions) registered and drawn through the services on SQLite, ` +
        'then, after bid opening, unsealed by an operator and a supervisor (RosterService.approveUnseal), disclosed (DrawService.disclose, which replays the ' +
        'pool from the log) and fetched with DrawService.proof, round-tripped through JSON as GET /v1/draws/{id}/proof hands it to an inspector',
      shapes: cfg.shapes.map((s) => `${s.name}: ${s.groups.map((g) => `${g.count} (+2 alternates) of ${g.code} held by ${g.members}`).join(', ')}`).join('; '),
      timed:
        `verifyDrawProof(bundle, { verifierKey }) with the log's verifier key as text, the proofs in turn, for at least ${cfg.roundMs} ms per round; ` +
        `proofs/s = verified / elapsed; ${cfg.rounds} rounds after a warm-up, median reported; every report must be ok. Single thread, no store, no network.`,
      parsedKey: 'the same with a NoteVerifier built once and passed in (what parsing the key costs per proof)',
      files:
        `the same bundles written one per file, verified as proof verify DIR does (verifyProofFile: read, the kept member lists cut, parse, verify) through ProofFilePool: ` +
        `one worker (--jobs 1, but in a worker so that its caches are its own) against --jobs ${cfg.jobs}; each round a fresh pool per side, its workers ` +
        `started and given the ${cfg.warmUpProofs} warm-up bundles' files untimed, ${WARM_UP_PASSES} times per worker (the pool version's member tables, the JIT over the paths of distinct bundles), then the ${cfg.proofs} timed files once, ` +
        `so no cache has met a timed bundle; ${2 * cfg.rounds} rounds, the two sides alternating; median per side, ratio of the medians; ` +
        'cores busy = CPU time of the process (all threads) per wall second of the timed pass; the load average says what else ran; ' +
        'cpuMsPerBundle = CPU time per timed bundle by thread (/proc/self/task, summed over the passes): main, the pool\'s workers, and the rest (V8 platform threads: concurrent compilation, GC helpers; libuv)',
      command:
        `the timed files through the command itself, a fresh process each time: node dist/src/cli.js proof verify DIR --verifier-key KEY --jobs 1 --quiet, then --jobs ${cfg.jobs}, ` +
        'then one file with --jobs 1 (what starting the command costs); seconds from spawn to exit (every bundle must verify), alternating, median per side',
      profile: cfg.profile ? 'one more round per shape under the sampling profiler (node:inspector, 200 µs): top self, top inclusive src/ functions, self per file' : 'off',
      totalSeconds: totalSeconds.toFixed(1),
    },
    targets: TARGETS,
    verdicts: v,
    setup,
    shapes: shapes.map((d) => roundDeep(d) as ShapeDetails),
  };
  fs.mkdirSync(cfg.outDir, { recursive: true });
  fs.writeFileSync(path.join(cfg.outDir, 'verify.json'), `${JSON.stringify(rows, null, 2)}\n`);
  fs.writeFileSync(path.join(cfg.outDir, 'verify-details.json'), `${JSON.stringify(details, null, 2)}\n`);

  const notes = [
    'proofs/s: verifyDrawProof on disclosed draw proofs (commit, result, reveal with inclusion proofs), median of rounds; groups: experts/members per group',
    ...shapes.flatMap((d) =>
      d.profile ? [`${d.shape} profile (inclusive, src/): ${insideChecks(d.profile, 6)}`] : [],
    ),
    ...shapes.map((d) => `${d.shape}: ${commandLine(d.command)}`),
    ...v,
    `total ${totalSeconds.toFixed(0)} s; wrote ${path.join(cfg.outDir, 'verify.json')} and verify-details.json`,
  ];
  const table = `${renderTable(shapes)}\n\n${notes.join('\n')}`;
  cfg.print(table);
  return { rows, details, table };
}

export const suite: Suite = {
  name: 'verify',
  description: 'offline verifyDrawProof on real disclosed draw proofs: proofs/s for a small panel and the engine-sized request',
  async run(options: CommonOptions): Promise<void> {
    const overrides: Partial<VerifySuiteConfig> = { ...(options.quick ? VERIFY_QUICK : {}), outDir: options.outDir };
    if (options.pools) {
      if (options.pools.length !== 1) throw new RangeError('the verify suite takes one pool size (--pools 20k)');
      Object.assign(overrides, { pool: options.pools[0] });
    }
    if (options.draws) Object.assign(overrides, { proofs: options.draws });
    await runVerifySuite(overrides);
  },
};
