// Benchmark entry point: `npm run bench -- --suite engine [--pools 1k,10k,100k,1M] [--draws N] [--out DIR]`,
// `npm run bench -- --suite log [--draws N] [--warmup N] [--log-size 1M] [--stores sqlite,redis] [--out DIR]`,
// `--suite http [--pools 100k] [--draws N] [--warmup N] [--stores sqlite,redis] [--connections 1,10,50]`,
// `--suite peer [--pools 1k,10k,100k] [--draws N]`, `--suite burst [--pools 100k] [--draws 2000] [--stores sqlite,redis]`,
// `--suite verify [--pools 20k] [--draws N]`, `--suite planned [--pools 100k] [--draws N]`, `--suite all` (every suite in turn); `--quick` for a smoke run of seconds.
// After each suite, bench/results/summary.md is rebuilt from the result files (bench/README.md says more).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { parsePoolList, parsePoolSize } from './lib/format.js';
import { SUITES } from './suites/index.js';

/** Usage errors (unknown suite, bad option) exit with 2; a suite that fails at run time exits with 1. */
const USAGE_EXIT = 2;
// Relative to the project root (npm run bench runs there), so the compiled and the tsx run write the same files.
const DEFAULT_OUT = path.resolve('bench', 'results');

function positiveInt(name: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

function poolList(text: string): number[] {
  try {
    return parsePoolList(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function logSize(text: string): number {
  if (text.trim() === '0') return 0;
  try {
    return parsePoolSize(text);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

const STORES = ['sqlite', 'redis'] as const;
type StoreName = (typeof STORES)[number];

function storeList(text: string): StoreName[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.filter((n) => !(STORES as readonly string[]).includes(n));
  if (names.length === 0 || bad.length > 0) throw new InvalidArgumentError(`stores are ${STORES.join(', ')} (comma-separated)`);
  return [...new Set(names)] as StoreName[];
}

function connectionList(text: string): number[] {
  const list = text.split(',').filter((x) => x.trim() !== '').map(Number);
  if (list.length === 0 || list.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new InvalidArgumentError('connections are positive integers, comma-separated (e.g. 1,10,50)');
  return [...new Set(list)];
}

/** `--suite all` runs these in turn (each loads on demand). */
const ALL = ['engine', 'log', 'http', 'peer', 'burst', 'verify', 'planned'] as const;

interface CliOptions {
  suite: string;
  pools?: number[];
  draws?: number;
  warmup?: number;
  baselineDraws?: number;
  logSize?: number;
  stores?: StoreName[];
  connections?: number[];
  quick?: boolean;
  note?: string;
  out: string;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('bench')
    .description('expert-draw benchmarks')
    .requiredOption('--suite <name>', `suite to run: ${Object.keys(SUITES).join(', ')}, or all`)
    .option('--pools <list>', 'pool sizes, comma-separated (e.g. 1k,10k,100k,1M); http, burst, verify: one size', poolList)
    .option('--draws <n>', 'engine: timed draws per pool size (1000); log, http: timed samples (1000); burst: projects due (2000); verify: proofs per shape (64)', positiveInt('--draws'))
    .option('--warmup <n>', 'untimed warm-up rounds (engine 200, log and http 100)', positiveInt('--warmup'))
    .option('--baseline-draws <n>', 'upper bound on baseline draws per pool size (default: --draws)', positiveInt('--baseline-draws'))
    .option('--log-size <n>', 'log suite: entries of the large log, e.g. 1M, 100k; 0 skips it (default 1M)', logSize)
    .option('--stores <list>', 'log, http, burst: stores to measure, comma-separated (default sqlite,redis)', storeList)
    .option('--connections <list>', 'http: autocannon connections per round, comma-separated (default 1,10,50)', connectionList)
    .option('--quick', 'a smoke run of seconds: tiny pools, few requests; the figures mean nothing')
    .option('--note <text>', 'a line for summary.md about the run (e.g. "shared, busy machine")')
    .option('--out <dir>', 'directory for result files', DEFAULT_OUT)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    program.parse(argv, { from: 'node' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_EXIT;
    throw err;
  }
  const opts = program.opts<CliOptions>();
  const names = opts.suite === 'all' ? [...ALL] : [opts.suite];
  const unknown = names.filter((n) => !Object.hasOwn(SUITES, n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown suite "${opts.suite}"; known suites: ${Object.keys(SUITES).join(', ')}, all\n`);
    return USAGE_EXIT;
  }
  const outDir = path.resolve(opts.out);
  for (const name of names) {
    const suite = await SUITES[name]!();
    await suite.run({
      pools: opts.pools,
      draws: opts.draws,
      warmup: opts.warmup,
      baselineDraws: opts.baselineDraws,
      logSize: opts.logSize,
      stores: opts.stores,
      connections: opts.connections,
      quick: opts.quick === true,
      outDir,
    });
    // Loaded after the suite: it reads every suite's targets.
    const { recordRunAndSummarize } = await import('./lib/summary.js');
    const { sourceRevision } = await import('./lib/revision.js');
    const summary = recordRunAndSummarize(outDir, name, {
      date: new Date().toISOString(),
      revision: sourceRevision(),
      quick: opts.quick === true,
      note: opts.note ?? null,
      // The note is shown on its own line; the arguments without it.
      args: argv.slice(2).filter((a, i, all) => a !== '--note' && all[i - 1] !== '--note' && !a.startsWith('--note=')).join(' '),
    });
    process.stderr.write(`bench: ${name} done; rewrote ${summary}\n`);
  }
  return 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
