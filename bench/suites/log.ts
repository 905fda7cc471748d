// Log suite: the audit log's durable appends, group-commit throughput, proofs and full verification, on SQLite and on
// Redis, each next to the store's own durable-write floor measured in the same run on the same file or server.
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { AuditLog, type InclusionProof } from '../../src/log/audit-log.js';
import { CheckpointSigner, openCheckpoint } from '../../src/log/checkpoint.js';
import { verifyInclusion } from '../../src/log/merkle.js';
import { generateNoteKeys, NoteVerifier } from '../../src/log/note.js';
import { verifyLog } from '../../src/log/verify.js';
import { SQLITE_FILE } from '../../src/store/open-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { REDIS_FLOOR_COMMAND, SQLITE_FLOOR_SQL, redisFloor, sqliteFloor, type DurableFloor } from '../lib/durable-floor.js';
import { formatPoolSize, formatTable, ms } from '../lib/format.js';
import { measuredMachine, type MachineInfo } from '../lib/machine.js';
import { startBenchRedis, type BenchRedis } from '../lib/redis-server.js';
import { watchRuntime, type RuntimeStats } from '../lib/runtime-watch.js';
import { elapsedMs, round, roundDeep, roundSummary, summarize, type Summary } from '../lib/stats.js';
import { TimedStore, type StoreTimes } from '../lib/timed-store.js';
import type { CommonOptions, Suite } from './index.js';

export type StoreName = 'sqlite' | 'redis';
export const STORE_NAMES: readonly StoreName[] = ['sqlite', 'redis'];

/** design.md targets for the log. */
export const TARGETS = { maxAppendToFloorP50: 2, minAppendsPerS: 3000, atConcurrency: 64, largeLog: 1_000_000, maxVerifyLargeS: 10 } as const;

export const ORIGIN = 'bench.expert-draw.localhost/log';

export interface LogSuiteConfig {
  readonly stores: readonly StoreName[];
  /** Timed sequential appends, and as many timed floor writes, interleaved one to one. */
  readonly samples: number;
  /** Untimed appends and floor writes first. */
  readonly warmup: number;
  /** Concurrent appenders for the throughput runs; the row's appends_per_s is taken at TARGETS.atConcurrency (else the first). */
  readonly concurrency: readonly number[];
  readonly throughputMs: number;
  /** Untimed load before each throughput run. */
  readonly throughputWarmupMs: number;
  /** Entries of the large log (0: no large log). */
  readonly logSize: number;
  /** Stores that build the large log, prove from it and verify it. */
  readonly largeLogStores: readonly StoreName[];
  /** In-flight appends while building the large log, and the AuditLog maxBatch used for it. */
  readonly buildConcurrency: number;
  readonly buildMaxBatch: number;
  /** At most this many sequential inclusion proofs, stopping after proofBudgetMs. */
  readonly proofs: number;
  readonly proofBudgetMs: number;
  /** In-flight inclusionProof calls for the concurrent proof rate. */
  readonly proofConcurrency: number;
  /** At least this many verifyInclusion calls, going round the proofs generated (at most 5000 with the checkpoint check). */
  readonly verifications: number;
  /** Also time `expert-draw log verify` on the large log in a fresh process (the compiled CLI, default node flags). */
  readonly cliVerify: boolean;
  readonly outDir: string;
  /** Where the SQLite files and the Redis folder go (default os.tmpdir()). */
  readonly tmpDir?: string;
  readonly log: (line: string) => void;
  readonly print: (text: string) => void;
}

export const LOG_DEFAULTS: LogSuiteConfig = {
  stores: STORE_NAMES,
  samples: 1000,
  warmup: 100,
  concurrency: [64, 256],
  throughputMs: 3000,
  throughputWarmupMs: 500,
  logSize: 1_000_000,
  largeLogStores: STORE_NAMES,
  buildConcurrency: 8192,
  buildMaxBatch: 4096,
  proofs: 20_000,
  proofBudgetMs: 2000,
  proofConcurrency: 64,
  verifications: 20_000,
  cliVerify: true,
  outDir: 'bench/results',
  log: (line) => process.stderr.write(`${line}\n`),
  print: (text) => process.stdout.write(`${text}\n`),
};

/** `--quick`: a smoke run in seconds (a log of 1,000 entries, short throughput runs); its figures mean nothing. */
export const LOG_QUICK: Partial<LogSuiteConfig> = {
  samples: 50,
  warmup: 5,
  concurrency: [8],
  throughputMs: 300,
  throughputWarmupMs: 50,
  logSize: 1000,
  buildConcurrency: 64,
  buildMaxBatch: 50,
  proofs: 40,
  proofBudgetMs: 100,
  proofConcurrency: 4,
  verifications: 100,
};

/** One row of log.json, exactly these keys. */
export interface LogRow {
  readonly store: StoreName;
  readonly append_p50_ms: number;
  readonly append_p99_ms: number;
  readonly appends_per_s: number;
  readonly floor_p50_ms: number;
  /** Full verifyLog of the 1,000,000-entry log; null when no log of exactly that size was built on this store. */
  readonly verify_1m_s: number | null;
}

export interface ThroughputRun {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly appends: number;
  readonly appendsPerS: number;
  readonly commits: number;
  readonly meanBatch: number;
  readonly maxBatch: number;
  /** Share of the wall time spent inside store.appendLog. */
  readonly storeBusy: number;
  readonly meanCommitMs: number;
  /** Checkpoints signed during the run (the log signs one at most 1 s after an entry arrives). */
  readonly checkpointsSigned: number;
  /** Call to acknowledgement, per append, under this load. */
  readonly ackLatency: Summary;
  readonly runtime: RuntimeStats;
}

export interface LargeLogDetails {
  readonly size: number;
  readonly build: {
    readonly seconds: number;
    readonly appendsPerS: number;
    readonly concurrency: number;
    readonly maxBatch: number;
    readonly commits: number;
    readonly meanBatch: number;
    readonly storeSeconds: number;
    readonly meanEntryBytes: number;
    readonly nodesPerEntry: number;
    readonly checkpointsSigned: number;
    readonly runtime: RuntimeStats;
  };
  readonly checkpoints: number;
  readonly footprint: Record<string, number | string>;
  readonly proofs: {
    readonly sequential: { readonly n: number; readonly perS: number; readonly latency: Summary };
    readonly concurrent: { readonly inFlight: number; readonly n: number; readonly perS: number };
    readonly hashesPerProof: number;
    /** Time inside store.readNodes per sequential proof. */
    readonly storeMsPerProof: number;
  };
  readonly verification: {
    /** verifyInclusion alone, hashes already decoded, root from a checkpoint opened once. */
    readonly verifyInclusionPerS: number;
    /** An inspector's whole check per proof: open the signed checkpoint (Ed25519), decode hex, verifyInclusion. */
    readonly withCheckpointPerS: number;
    readonly n: number;
  };
  readonly verifyLog: {
    readonly seconds: number;
    readonly ok: boolean;
    readonly checkpoints: number;
    readonly entriesPerS: number;
    /** Where verifyLog's time went: inside store reads, and the rest (hashing, chain, tree, signatures). */
    readonly storeReadSeconds: { readonly readEntries: number; readonly readNodeRange: number; readonly readNodes: number; readonly checkpoints: number };
    readonly computeSeconds: number;
    /** Garbage collection inside that time (counted in computeSeconds or in the reads, wherever it struck). */
    readonly gcSeconds: number;
  };
  /** `expert-draw log verify` in a new process: the seconds it reports (verifyLog only) and its wall time. */
  readonly cliVerify: { readonly seconds: number; readonly wallSeconds: number; readonly output: string } | null;
}

export interface StoreDetails {
  readonly store: StoreName;
  readonly setup: Record<string, unknown>;
  readonly entryBytes: { readonly min: number; readonly mean: number; readonly max: number };
  readonly floor: Summary;
  readonly append: Summary;
  /** Time inside store.appendLog for each timed sequential append (the rest is the log's own work and the event loop). */
  readonly appendStore: Summary;
  /** Group commits during the timed sequential appends: one per append when nothing else is queued. */
  readonly sequentialCommits: number;
  readonly ratio: { readonly p50: number; readonly p99: number };
  readonly throughput: ThroughputRun[];
  readonly largeLog: LargeLogDetails | null;
}

export interface LogReport {
  readonly rows: LogRow[];
  readonly details: {
    readonly suite: 'log';
    readonly machine: MachineInfo;
    readonly method: Record<string, string>;
    readonly targets: typeof TARGETS;
    readonly verdicts: string[];
    readonly stores: StoreDetails[];
  };
  readonly table: string;
}

// ---- entries --------------------------------------------------------------------------------------------------------

/** Random hex digests, reused at varying offsets, so building payloads costs no hashing in the timed loops. */
const HEX = Array.from({ length: 4096 }, () => randomBytes(32).toString('hex'));
const hexAt = (i: number, k: number) => HEX[(i * 7 + k * 613) % HEX.length]!;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/**
 * What a draw writes: a draw.commit (one group, operator entropy) followed by its draw.result, so a log of them
 * alternates ~700- and ~300-byte canonical JSON entries.
 */
export function benchEntry(i: number): { type: string; payload: unknown } {
  const draw = Math.floor(i / 2);
  const drawId = `D-20261201-${pad(draw, 7)}`;
  if (i % 2 === 0) {
    const eligible = 1800 + (draw % 200);
    return {
      type: 'draw.commit',
      payload: {
        algorithm: 'expert-draw/v1',
        drawId,
        projectId: `P-2026-${pad(draw % 9973, 5)}`,
        requestHash: hexAt(i, 0),
        policyHash: hexAt(0, 1),
        poolVersion: 42,
        groups: [
          {
            specialty: `C99010${1 + (draw % 3)}`,
            count: 7,
            alternates: 2,
            membersCount: 2000 + (draw % 3) * 1500,
            membersDigest: hexAt(draw % 3, 2),
            eligibleCount: eligible,
            excludedCount: 2000 - eligible,
            exclusionDigest: hexAt(i, 3),
          },
        ],
        entropy: { beacon: null, witnessCommitments: [] },
        nonceHash: hexAt(i, 4),
      },
    };
  }
  return {
    type: 'draw.result',
    payload: { drawId, commitIndex: i - 1, resultHash: hexAt(i, 5), groups: [{ selected: 7, alternates: 2, skipped: draw % 2 }] },
  };
}

// ---- stores ---------------------------------------------------------------------------------------------------------

interface FreshStore {
  readonly store: SqliteStore | RedisStore;
  /** Where `expert-draw log verify` finds this log. */
  readonly cliArgs: readonly string[];
  footprint(): Promise<Record<string, number | string>>;
  dispose(): Promise<void>;
}

/** A durable store of one kind, with its floor write on the same file or server. */
interface BenchStore {
  readonly name: StoreName;
  readonly setup: Record<string, unknown>;
  /** A fresh, empty log store; `tag` keeps it apart from earlier ones. */
  fresh(tag: string): Promise<FreshStore>;
  /** One tiny durable write on the same database file / server as the current log store. */
  floor(): Promise<void> | void;
  prepareFloor(store: SqliteStore | RedisStore): Promise<void>;
  close(): Promise<void>;
}

function fileBytes(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fileBytes(path.join(e.parentPath, e.name));
  }
  return total;
}

function sqliteBench(tmpDir: string): BenchStore {
  const dir = fs.mkdtempSync(path.join(tmpDir, 'expert-draw-bench-log-'));
  let floor: DurableFloor | null = null;
  return {
    name: 'sqlite',
    setup: { dir, journalMode: 'WAL', synchronous: 'FULL (2)', floorSql: SQLITE_FLOOR_SQL },
    async fresh(tag) {
      const dataDir = path.join(dir, tag);
      const file = path.join(dataDir, SQLITE_FILE);
      const store = new SqliteStore({ file });
      const db = store.database;
      const mode = db.pragma('journal_mode', { simple: true });
      const sync = db.pragma('synchronous', { simple: true });
      if (mode !== 'wal' || sync !== 2) throw new Error(`SQLite is not WAL + synchronous=FULL (${String(mode)}, ${String(sync)})`);
      return {
        store,
        cliArgs: ['--data-dir', dataDir],
        footprint: async () => ({ dbBytes: fileBytes(file), walBytes: fileBytes(`${file}-wal`) }),
        async dispose() {
          await store.close();
          fs.rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
    async prepareFloor(store) {
      floor = sqliteFloor((store as SqliteStore).database);
    },
    floor() {
      return floor!.write();
    },
    async close() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function redisBench(tmpDir: string): Promise<BenchStore> {
  const server: BenchRedis = await startBenchRedis({ parent: tmpDir });
  const client = new Redis(server.url, { lazyConnect: true });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await server.stop();
    throw err;
  }
  const floor = redisFloor(client);
  const info = async () => {
    const text = await client.info('memory');
    const used = /used_memory:(\d+)/.exec(text)?.[1];
    return { usedMemoryBytes: Number(used ?? 0), serverDirBytes: dirBytes(server.dir) };
  };
  return {
    name: 'redis',
    setup: { version: server.version, pid: server.pid, port: server.port, args: server.args.join(' '), floorCommand: REDIS_FLOOR_COMMAND },
    async fresh(tag) {
      const prefix = `bench-${tag}:`;
      const store = await RedisStore.open({ connection: { url: server.url }, prefix, requireDurable: true });
      return {
        store,
        cliArgs: ['--redis', server.url, '--redis-prefix', prefix],
        footprint: info,
        async dispose() {
          await store.destroy();
          await store.close();
        },
      };
    },
    async prepareFloor() {},
    async floor() {
      await floor.write();
    },
    async close() {
      client.disconnect();
      await server.stop();
    },
  };
}

// ---- measurements ---------------------------------------------------------------------------------------------------

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

function keys(): { signer: CheckpointSigner; verifier: NoteVerifier } {
  const k = generateNoteKeys(ORIGIN);
  return { signer: CheckpointSigner.fromKey(k.signerKey, ORIGIN), verifier: NoteVerifier.fromKey(k.verifierKey) };
}

async function throughputRun(log: AuditLog, timed: TimedStore, concurrency: number, durationMs: number, first: { next: number }): Promise<ThroughputRun> {
  const latencies: number[] = [];
  let appends = 0;
  let end = 0;
  const worker = async (record: boolean) => {
    while (performance.now() < end) {
      const { type, payload } = benchEntry(first.next++);
      const t = process.hrtime.bigint();
      await log.append(type, payload);
      if (record) {
        latencies.push(elapsedMs(t, process.hrtime.bigint()));
        appends++;
      }
    }
  };
  timed.reset();
  const watch = watchRuntime();
  const start = performance.now();
  end = start + durationMs;
  await Promise.all(Array.from({ length: concurrency }, () => worker(true)));
  const elapsed = performance.now() - start;
  const t = timed.reset();
  const runtime = await watch.stop();
  return {
    concurrency,
    durationMs: elapsed,
    appends,
    appendsPerS: (appends / elapsed) * 1000,
    commits: t.appendLog.calls,
    meanBatch: t.appendLog.entries / Math.max(1, t.appendLog.calls),
    maxBatch: t.appendLog.maxBatch,
    storeBusy: t.appendLog.ms / elapsed,
    meanCommitMs: t.appendLog.ms / Math.max(1, t.appendLog.calls),
    checkpointsSigned: t.putCheckpoint.calls,
    ackLatency: summarize(latencies),
    runtime,
  };
}

async function warmLoad(log: AuditLog, concurrency: number, durationMs: number, first: { next: number }): Promise<void> {
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const { type, payload } = benchEntry(first.next++);
        await log.append(type, payload);
      }
    }),
  );
}

const execFileAsync = promisify(execFile);

/**
 * Runs `expert-draw log verify` on the large log in a new process, as an operator would: the compiled CLI next to
 * this compiled suite (under vitest, the TypeScript CLI through tsx), with node's default flags.
 */
async function cliVerify(where: readonly string[], verifierKey: string, size: number): Promise<NonNullable<LargeLogDetails['cliVerify']>> {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const cli = path.join(path.dirname(here), '..', '..', 'src', ts ? 'cli.ts' : 'cli.js');
  const args = [...(ts ? ['--import', 'tsx'] : []), cli, 'log', 'verify', ...where, '--verifier-key', verifierKey, '--origin', ORIGIN, '--quiet'];
  const t0 = performance.now();
  const { stdout } = await execFileAsync(process.execPath, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 20 });
  const wallSeconds = (performance.now() - t0) / 1000;
  const output = stdout.trim();
  const m = /^OK: (\d+) entries and \d+ checkpoints verified in ([\d.]+) s/.exec(output);
  if (!m || Number(m[1]) !== size) throw new Error(`expert-draw log verify did not verify ${size} entries: ${output}`);
  return { seconds: Number(m[2]), wallSeconds, output };
}

async function largeLog(bench: BenchStore, cfg: LogSuiteConfig): Promise<LargeLogDetails> {
  const label = `${bench.name} ${formatPoolSize(cfg.logSize)}`;
  const { signer, verifier } = keys();
  const handle = await bench.fresh('large');
  try {
    const timed = new TimedStore(handle.store);
    const log = await AuditLog.open({ store: timed, signer, verifier, maxBatch: cfg.buildMaxBatch });
    collectGarbage();
    const buildWatch = watchRuntime();
    // Build: many appends in flight, so every group commit is (nearly) maxBatch entries.
    let next = 0;
    const started = performance.now();
    let lastReport = started;
    const progress = setInterval(() => {
      const now = performance.now();
      if (now - lastReport >= 5000) {
        lastReport = now;
        cfg.log(`[${label}] building: ${log.size} entries, ${((now - started) / 1000).toFixed(1)} s`);
      }
    }, 1000);
    progress.unref();
    try {
      await Promise.all(
        Array.from({ length: Math.min(cfg.buildConcurrency, cfg.logSize) }, async () => {
          while (next < cfg.logSize) {
            const { type, payload } = benchEntry(next++);
            await log.append(type, payload);
          }
        }),
      );
      await log.checkpoint();
    } finally {
      clearInterval(progress);
    }
    const buildMs = performance.now() - started;
    const built = timed.reset();
    const buildRuntime = await buildWatch.stop();
    if (log.size !== cfg.logSize) throw new Error(`built ${log.size} entries, wanted ${cfg.logSize}`);
    cfg.log(
      `[${label}] built in ${(buildMs / 1000).toFixed(1)} s (${Math.round((cfg.logSize / buildMs) * 1000)} appends/s, ` +
        `${built.appendLog.calls} commits, ${(built.appendLog.ms / 1000).toFixed(1)} s in the store, ${(buildRuntime.gcMs / 1000).toFixed(1)} s GC, ` +
        `${built.putCheckpoint.calls} checkpoints signed meanwhile, longest event-loop stall ${(buildRuntime.loopStallMaxMs / 1000).toFixed(1)} s)`,
    );
    const footprint = await handle.footprint();
    collectGarbage();

    // Inclusion proofs against the latest checkpoint, random indices, one at a time.
    const indices = Array.from({ length: cfg.proofs }, () => randomInt(0, cfg.logSize));
    const proofs: InclusionProof[] = [];
    const latencies: number[] = [];
    for (const index of indices.slice(0, 50)) await log.inclusionProof(index); // warm-up
    timed.reset();
    let t0 = performance.now();
    const budgetEnd = t0 + cfg.proofBudgetMs;
    for (const index of indices) {
      if (proofs.length >= 100 && performance.now() > budgetEnd) break;
      const t = process.hrtime.bigint();
      proofs.push(await log.inclusionProof(index));
      latencies.push(elapsedMs(t, process.hrtime.bigint()));
    }
    const seqMs = performance.now() - t0;
    const readTimes = timed.reset();
    const sequential = { n: proofs.length, perS: (proofs.length / seqMs) * 1000, latency: summarize(latencies) };
    // The same with proofConcurrency calls in flight (what an HTTP server under load would issue).
    let concurrentN = 0;
    let k = 0;
    t0 = performance.now();
    const concEnd = t0 + cfg.proofBudgetMs;
    await Promise.all(
      Array.from({ length: cfg.proofConcurrency }, async () => {
        while (performance.now() < concEnd || concurrentN < cfg.proofConcurrency) {
          await log.inclusionProof(indices[k++ % indices.length]!);
          concurrentN++;
        }
      }),
    );
    const concurrent = { inFlight: cfg.proofConcurrency, n: concurrentN, perS: (concurrentN / (performance.now() - t0)) * 1000 };
    cfg.log(`[${label}] inclusion proofs: ${Math.round(sequential.perS)}/s one at a time, ${Math.round(concurrent.perS)}/s with ${cfg.proofConcurrency} in flight`);

    // Verification on the client side.
    const notes = new Map<string, { size: number; root: Buffer }>();
    for (const p of proofs) {
      if (!notes.has(p.checkpoint)) {
        const cp = openCheckpoint(p.checkpoint, verifier, ORIGIN).checkpoint;
        notes.set(p.checkpoint, { size: cp.size, root: cp.rootHash });
      }
    }
    const decoded = proofs.map((p) => ({
      leaf: Buffer.from(p.leafHash, 'hex'),
      index: p.index,
      size: p.treeSize,
      hashes: p.hashes.map((h) => Buffer.from(h, 'hex')),
      root: notes.get(p.checkpoint)!.root,
    }));
    const verifyRounds = Math.max(1, Math.ceil(cfg.verifications / decoded.length));
    t0 = performance.now();
    let ok = 0;
    for (let r = 0; r < verifyRounds; r++) {
      for (const d of decoded) if (verifyInclusion(d.leaf, d.index, d.size, d.hashes, d.root)) ok++;
    }
    const verifyMs = performance.now() - t0;
    if (ok !== decoded.length * verifyRounds) throw new Error(`${decoded.length * verifyRounds - ok} inclusion proofs did not verify`);
    const fullN = Math.min(proofs.length, 5000);
    t0 = performance.now();
    for (let i = 0; i < fullN; i++) {
      const p = proofs[i]!;
      const cp = openCheckpoint(p.checkpoint, verifier, ORIGIN).checkpoint;
      const good = verifyInclusion(Buffer.from(p.leafHash, 'hex'), p.index, cp.size, p.hashes.map((h) => Buffer.from(h, 'hex')), cp.rootHash);
      if (!good) throw new Error(`inclusion proof ${p.index} did not verify`);
    }
    const fullMs = performance.now() - t0;
    const verification = { verifyInclusionPerS: ((decoded.length * verifyRounds) / verifyMs) * 1000, withCheckpointPerS: (fullN / fullMs) * 1000, n: decoded.length * verifyRounds };
    cfg.log(`[${label}] verifyInclusion: ${Math.round(verification.verifyInclusionPerS)}/s; with checkpoint signature check: ${Math.round(verification.withCheckpointPerS)}/s`);

    await log.close();
    collectGarbage();
    await yieldToLoop();

    // Full verification, as `expert-draw log verify` runs it.
    timed.reset();
    const verifyWatch = watchRuntime();
    t0 = performance.now();
    const report = await verifyLog({ store: timed, verifier, origin: ORIGIN });
    const verifySeconds = (performance.now() - t0) / 1000;
    const vt: StoreTimes = timed.reset();
    const verifyRuntime = await verifyWatch.stop();
    if (!report.ok || report.size !== cfg.logSize) throw new Error(`verifyLog failed: ${JSON.stringify(report.failure)} (size ${report.size})`);
    const storeReadSeconds = {
      readEntries: vt.readEntries.ms / 1000,
      readNodeRange: vt.readNodeRange.ms / 1000,
      readNodes: vt.readNodes.ms / 1000,
      checkpoints: vt.checkpoints.ms / 1000,
    };
    const storeTotal = storeReadSeconds.readEntries + storeReadSeconds.readNodeRange + storeReadSeconds.readNodes + storeReadSeconds.checkpoints + vt.other.ms / 1000;
    cfg.log(
      `[${label}] verifyLog: ${verifySeconds.toFixed(2)} s (${report.checkpoints} checkpoints; store reads ${storeTotal.toFixed(2)} s ` +
        `[entries ${storeReadSeconds.readEntries.toFixed(2)}, node ranges ${storeReadSeconds.readNodeRange.toFixed(2)}], ` +
        `the rest ${(verifySeconds - storeTotal).toFixed(2)} s; GC ${(verifyRuntime.gcMs / 1000).toFixed(2)} s)`,
    );
    const cli = cfg.cliVerify ? await cliVerify(handle.cliArgs, verifier.verifierKey, cfg.logSize) : null;
    if (cli) cfg.log(`[${label}] expert-draw log verify (new process): ${cli.seconds.toFixed(2)} s reported, ${cli.wallSeconds.toFixed(2)} s wall`);

    return {
      size: cfg.logSize,
      build: {
        seconds: buildMs / 1000,
        appendsPerS: (cfg.logSize / buildMs) * 1000,
        concurrency: Math.min(cfg.buildConcurrency, cfg.logSize),
        maxBatch: cfg.buildMaxBatch,
        commits: built.appendLog.calls,
        meanBatch: built.appendLog.entries / Math.max(1, built.appendLog.calls),
        storeSeconds: built.appendLog.ms / 1000,
        meanEntryBytes: built.appendLog.entryBytes / Math.max(1, built.appendLog.entries),
        nodesPerEntry: built.appendLog.nodes / Math.max(1, built.appendLog.entries),
        checkpointsSigned: built.putCheckpoint.calls,
        runtime: buildRuntime,
      },
      checkpoints: report.checkpoints,
      footprint,
      proofs: {
        sequential,
        concurrent,
        hashesPerProof: proofs.reduce((s, p) => s + p.hashes.length, 0) / Math.max(1, proofs.length),
        storeMsPerProof: readTimes.readNodes.ms / Math.max(1, proofs.length),
      },
      verification,
      verifyLog: {
        seconds: verifySeconds,
        ok: report.ok,
        checkpoints: report.checkpoints,
        entriesPerS: report.size / verifySeconds,
        storeReadSeconds,
        computeSeconds: verifySeconds - storeTotal,
        gcSeconds: verifyRuntime.gcMs / 1000,
      },
      cliVerify: cli,
    };
  } finally {
    await handle.dispose();
  }
}

async function measureStore(bench: BenchStore, cfg: LogSuiteConfig): Promise<StoreDetails> {
  const label = bench.name;
  const { signer, verifier } = keys();
  const handle = await bench.fresh('append');
  let throughput: ThroughputRun[];
  let floor: Summary;
  let append: Summary;
  let appendStore: Summary;
  let sequentialCommits: number;
  const sizes: number[] = [];
  try {
    await bench.prepareFloor(handle.store);
    const timed = new TimedStore(handle.store);
    const log = await AuditLog.open({ store: timed, signer, verifier });
    const counter = { next: 0 };

    // 1–2. Sequential appends and floor writes, interleaved one to one, so both see the same disk at the same time.
    const floorSamples = new Float64Array(cfg.samples);
    const appendSamples = new Float64Array(cfg.samples);
    const storeSamples = new Float64Array(cfg.samples);
    const entries = Array.from({ length: cfg.warmup + cfg.samples }, (_, i) => benchEntry(i));
    counter.next = entries.length;
    collectGarbage();
    let commitsBefore = 0;
    for (let i = 0; i < entries.length; i++) {
      if (i === cfg.warmup) commitsBefore = timed.times.appendLog.calls;
      const { type, payload } = entries[i]!;
      let t = process.hrtime.bigint();
      await bench.floor();
      const floorMs = elapsedMs(t, process.hrtime.bigint());
      t = process.hrtime.bigint();
      const appended = await log.append(type, payload);
      const appendMs = elapsedMs(t, process.hrtime.bigint());
      if (i >= cfg.warmup) {
        floorSamples[i - cfg.warmup] = floorMs;
        appendSamples[i - cfg.warmup] = appendMs;
        storeSamples[i - cfg.warmup] = timed.lastAppendMs;
        sizes.push(appended.entry.length);
      }
    }
    sequentialCommits = timed.times.appendLog.calls - commitsBefore;
    floor = summarize(floorSamples);
    append = summarize(appendSamples);
    appendStore = summarize(storeSamples);
    cfg.log(
      `[${label}] ${cfg.samples} sequential appends: p50 ${ms(append.p50)} ms, p99 ${ms(append.p99)} ms (store.appendLog p50 ${ms(appendStore.p50)} ms); ` +
        `floor p50 ${ms(floor.p50)} ms, p99 ${ms(floor.p99)} ms`,
    );

    // 3. Throughput with concurrent appenders, each acknowledged only after its group commit.
    throughput = [];
    for (const c of cfg.concurrency) {
      if (cfg.throughputWarmupMs > 0) await warmLoad(log, c, cfg.throughputWarmupMs, counter);
      collectGarbage();
      const run = await throughputRun(log, timed, c, cfg.throughputMs, counter);
      throughput.push(run);
      cfg.log(
        `[${label}] ${c} concurrent appenders: ${Math.round(run.appendsPerS)} appends/s, ${run.commits} commits of ${run.meanBatch.toFixed(1)} on average ` +
          `(${ms(run.meanCommitMs)} ms each, store busy ${(run.storeBusy * 100).toFixed(0)}%), ack p50 ${ms(run.ackLatency.p50)} ms, p99 ${ms(run.ackLatency.p99)} ms; ` +
          `${run.checkpointsSigned} checkpoints signed, longest event-loop stall ${ms(run.runtime.loopStallMaxMs)} ms`,
      );
    }
    await log.close();
  } finally {
    await handle.dispose();
  }

  // 4. The large log.
  let large: LargeLogDetails | null = null;
  if (cfg.logSize > 0 && cfg.largeLogStores.includes(bench.name)) {
    collectGarbage();
    large = await largeLog(bench, cfg);
  }

  return {
    store: bench.name,
    setup: bench.setup,
    entryBytes: { min: Math.min(...sizes), mean: sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length), max: Math.max(...sizes) },
    floor,
    append,
    appendStore,
    sequentialCommits,
    ratio: { p50: append.p50 / floor.p50, p99: append.p99 / floor.p99 },
    throughput,
    largeLog: large,
  };
}

// ---- report ---------------------------------------------------------------------------------------------------------

function headlineRun(d: StoreDetails): ThroughputRun | undefined {
  return d.throughput.find((t) => t.concurrency === TARGETS.atConcurrency) ?? d.throughput[0];
}

function verdicts(stores: readonly StoreDetails[]): string[] {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? 'MET   ' : 'MISSED');
  for (const d of stores) {
    out.push(`${mark(d.ratio.p50 <= TARGETS.maxAppendToFloorP50)} ${d.store}: append p50 within ${TARGETS.maxAppendToFloorP50}x of the floor p50: ${d.ratio.p50.toFixed(2)}x (${ms(d.append.p50)} / ${ms(d.floor.p50)} ms)`);
    const run = headlineRun(d);
    if (run) {
      out.push(`${mark(run.appendsPerS >= TARGETS.minAppendsPerS)} ${d.store}: >= ${TARGETS.minAppendsPerS} appends/s with ${run.concurrency} concurrent appenders: ${Math.round(run.appendsPerS)}/s`);
    }
    const l = d.largeLog;
    if (l && l.size === TARGETS.largeLog) {
      out.push(`${mark(l.verifyLog.seconds <= TARGETS.maxVerifyLargeS)} ${d.store}: full verification of the 1M log <= ${TARGETS.maxVerifyLargeS} s: ${l.verifyLog.seconds.toFixed(2)} s (verifyLog in the suite)`);
      if (l.cliVerify) {
        out.push(
          `${mark(l.cliVerify.seconds <= TARGETS.maxVerifyLargeS)} ${d.store}: the same as \`expert-draw log verify\` in a new process: ${l.cliVerify.seconds.toFixed(2)} s ` +
            `(${l.cliVerify.wallSeconds.toFixed(2)} s with start-up)`,
        );
      }
    } else {
      out.push(`n/a    ${d.store}: no 1M log on this store (${l ? `large log had ${l.size} entries` : 'large log not built'}): verify_1m_s is null`);
    }
  }
  return out;
}

function renderTable(stores: readonly StoreDetails[], concurrency: readonly number[]): string {
  const header = [
    'store',
    'floor p50',
    'floor p99',
    'append p50',
    'append p99',
    'p50 ratio',
    ...concurrency.map((c) => `appends/s @${c}`),
    'large log',
    'build s',
    'proofs/s',
    'verifs/s',
    'verifyLog s',
    'CLI verify s',
  ];
  const rows = stores.map((d) => {
    const l = d.largeLog;
    return [
      d.store,
      ms(d.floor.p50),
      ms(d.floor.p99),
      ms(d.append.p50),
      ms(d.append.p99),
      `${d.ratio.p50.toFixed(2)}x`,
      ...concurrency.map((c) => {
        const run = d.throughput.find((t) => t.concurrency === c);
        return run ? String(Math.round(run.appendsPerS)) : '-';
      }),
      l ? formatPoolSize(l.size) : '-',
      l ? l.build.seconds.toFixed(1) : '-',
      l ? String(Math.round(l.proofs.sequential.perS)) : '-',
      l ? String(Math.round(l.verification.verifyInclusionPerS)) : '-',
      l ? l.verifyLog.seconds.toFixed(2) : '-',
      l?.cliVerify ? l.cliVerify.seconds.toFixed(2) : '-',
    ];
  });
  return formatTable(header, rows);
}



/** Runs the suite, writes log.json and log-details.json into cfg.outDir, and returns what it wrote. */
export async function runLogSuite(overrides: Partial<LogSuiteConfig> = {}): Promise<LogReport> {
  const cfg: LogSuiteConfig = { ...LOG_DEFAULTS, ...overrides };
  if (cfg.stores.length === 0) throw new RangeError('no stores');
  if (cfg.samples < 1 || cfg.concurrency.length === 0) throw new RangeError('need samples and at least one concurrency');
  const machine = measuredMachine();
  const tmpDir = cfg.tmpDir ?? os.tmpdir();
  cfg.log(`log suite on ${machine.cpuModel} (${machine.cpus} cpus), node ${machine.node}, temp files in ${tmpDir}${(globalThis as { gc?: unknown }).gc ? '' : ', no --expose-gc'}`);
  const started = performance.now();
  const stores: StoreDetails[] = [];
  for (const name of cfg.stores) {
    const bench = name === 'sqlite' ? sqliteBench(tmpDir) : await redisBench(tmpDir);
    try {
      stores.push(await measureStore(bench, cfg));
    } finally {
      await bench.close();
    }
    collectGarbage();
    await yieldToLoop();
  }
  const totalSeconds = (performance.now() - started) / 1000;

  const rows: LogRow[] = stores.map((d) => ({
    store: d.store,
    append_p50_ms: round(d.append.p50),
    append_p99_ms: round(d.append.p99),
    appends_per_s: Math.round(headlineRun(d)!.appendsPerS),
    floor_p50_ms: round(d.floor.p50),
    verify_1m_s: d.largeLog && d.largeLog.size === TARGETS.largeLog ? round(d.largeLog.verifyLog.seconds, 3) : null,
  }));
  const v = verdicts(stores);
  const details: LogReport['details'] = {
    suite: 'log',
    machine,
    method: {
      runtime: `node ${process.execArgv.join(' ')} ${process.argv[1] ?? ''}`.trim(),
      durability:
        'SQLite: SqliteStore on a temp file (WAL, synchronous=FULL, checked via PRAGMA). Redis: a private redis-server started by the suite ' +
        '(--appendonly yes --appendfsync always --save ""), RedisStore with requireDurable: true, stopped by pid at the end.',
      floor:
        'SQLite: one 16-byte single-row INSERT per transaction (autocommit) into bench_floor in the same database file as the log. ' +
        'Redis: one SET of 16 bytes on its own connection to the same server. Timed with process.hrtime.bigint().',
      append:
        `AuditLog.append(type, payload) from call to acknowledgement (group commit of one entry), ${cfg.samples} timed after ${cfg.warmup} untimed, ` +
        'interleaved one to one with floor writes. appendStore: time inside store.appendLog for the same appends (TimedStore wrapper).',
      entries: 'alternating draw.commit (one group, operator entropy) and draw.result payloads, canonical JSON (JCS) as the draw service writes them',
      throughput:
        `N async appenders each looping append() for ${cfg.throughputMs} ms after ${cfg.throughputWarmupMs} ms of untimed load; appends/s = acknowledged appends / wall time ` +
        `until the last acknowledgement; default AuditLog options (maxBatch 2000, checkpoint every 1 s). The row's appends_per_s is at ${TARGETS.atConcurrency} appenders.`,
      largeLog:
        `a fresh store; ${cfg.buildConcurrency} appends in flight with AuditLog maxBatch ${cfg.buildMaxBatch} until the log holds ${cfg.logSize} entries, then a checkpoint; ` +
        `inclusionProof on uniformly random indices (sequential up to ${cfg.proofs} or ${cfg.proofBudgetMs} ms, then ${cfg.proofConcurrency} in flight for ${cfg.proofBudgetMs} ms); ` +
        'verifyInclusion on those proofs with decoded hashes and the root of a checkpoint opened once; verifyLog over the whole log (verify_1m_s), ' +
        'then `expert-draw log verify` (compiled CLI, new process, node default flags) on the same log; its self-reported time is cliVerify.seconds.',
      profile:
        'TimedStore wraps the store and sums the time inside each Store method; runtime: GC time (PerformanceObserver gc) and the longest ' +
        'gap between runs of a 10 ms interval timer (event-loop stall) during the phase.',
      largeLogStores: cfg.largeLogStores.join(', '),
      percentiles: 'nearest rank',
    },
    targets: TARGETS,
    verdicts: v,
    stores: stores.map((d) => ({
      ...d,
      floor: roundSummary(d.floor),
      append: roundSummary(d.append),
      appendStore: roundSummary(d.appendStore),
      throughput: d.throughput.map((t) => ({ ...(roundDeep(t) as ThroughputRun), ackLatency: roundSummary(t.ackLatency) })),
      ratio: { p50: round(d.ratio.p50, 3), p99: round(d.ratio.p99, 3) },
      entryBytes: roundDeep(d.entryBytes) as StoreDetails['entryBytes'],
      largeLog: d.largeLog && (roundDeep({ ...d.largeLog, proofs: { ...d.largeLog.proofs, sequential: { ...d.largeLog.proofs.sequential, latency: roundSummary(d.largeLog.proofs.sequential.latency) } } }) as LargeLogDetails),
    })),
  };
  Object.assign(details.method, { totalSeconds: totalSeconds.toFixed(1) });
  fs.mkdirSync(cfg.outDir, { recursive: true });
  fs.writeFileSync(path.join(cfg.outDir, 'log.json'), `${JSON.stringify(rows, null, 2)}\n`);
  fs.writeFileSync(path.join(cfg.outDir, 'log-details.json'), `${JSON.stringify(details, null, 2)}\n`);

  const notes = [
    'floor: one tiny durable write on the same SQLite file / Redis server; append: AuditLog.append to acknowledgement, one at a time (ms)',
    'appends/s: N concurrent appenders, group commit, acknowledged after commit',
    'large log: proofs/s = AuditLog.inclusionProof one at a time; verifs/s = verifyInclusion; verifyLog s = full re-verification in the suite; CLI verify s = `expert-draw log verify` in a new process',
    ...v,
    `total ${totalSeconds.toFixed(0)} s; wrote ${path.join(cfg.outDir, 'log.json')} and log-details.json`,
  ];
  const table = `${renderTable(stores, cfg.concurrency)}\n\n${notes.join('\n')}`;
  cfg.print(table);
  return { rows, details, table };
}

export const suite: Suite = {
  name: 'log',
  description: 'audit log append latency vs the durable-write floor, group-commit throughput, proofs and verification of a 1M log (SQLite, Redis)',
  async run(options: CommonOptions): Promise<void> {
    const overrides: Partial<LogSuiteConfig> = { ...(options.quick ? LOG_QUICK : {}), outDir: options.outDir };
    if (options.draws) Object.assign(overrides, { samples: options.draws });
    if (options.warmup) Object.assign(overrides, { warmup: options.warmup });
    if (options.logSize !== undefined) Object.assign(overrides, { logSize: options.logSize });
    if (options.stores) Object.assign(overrides, { stores: options.stores, largeLogStores: options.stores });
    await runLogSuite(overrides);
  },
};
