// Benchmark entry point: `npm run bench -- --suite engine [--pools 1k,10k,100k,1M] [--draws N] [--out DIR]`,
// `npm run bench -- --suite log [--draws N] [--warmup N] [--log-size 1M] [--stores sqlite,redis] [--out DIR]`,
// `--suite http [--pools 100k] [--draws N] [--warmup N] [--stores sqlite,redis]`, `--suite burst [--pools 100k]
// [--draws 2000] [--stores sqlite,redis]`, `--suite verify [--pools 20k] [--draws N]` (bench/README.md says more).
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

interface CliOptions {
  suite: string;
  pools?: number[];
  draws?: number;
  warmup?: number;
  baselineDraws?: number;
  logSize?: number;
  stores?: StoreName[];
  out: string;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('bench')
    .description('expert-draw benchmarks')
    .requiredOption('--suite <name>', `suite to run: ${Object.keys(SUITES).join(', ')}`)
    .option('--pools <list>', 'pool sizes, comma-separated (e.g. 1k,10k,100k,1M); http, burst, verify: one size', poolList)
    .option('--draws <n>', 'engine: timed draws per pool size (1000); log, http: timed samples (1000); burst: projects due (2000); verify: proofs per shape (16)', positiveInt('--draws'))
    .option('--warmup <n>', 'untimed warm-up rounds (engine 200, log and http 100)', positiveInt('--warmup'))
    .option('--baseline-draws <n>', 'upper bound on baseline draws per pool size (default: --draws)', positiveInt('--baseline-draws'))
    .option('--log-size <n>', 'log suite: entries of the large log, e.g. 1M, 100k; 0 skips it (default 1M)', logSize)
    .option('--stores <list>', 'log, http, burst: stores to measure, comma-separated (log and burst default sqlite,redis; http sqlite)', storeList)
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
  const load = Object.hasOwn(SUITES, opts.suite) ? SUITES[opts.suite] : undefined;
  if (!load) {
    process.stderr.write(`bench: unknown suite "${opts.suite}"; known suites: ${Object.keys(SUITES).join(', ')}\n`);
    return USAGE_EXIT;
  }
  const suite = await load();
  await suite.run({
    pools: opts.pools,
    draws: opts.draws,
    warmup: opts.warmup,
    baselineDraws: opts.baselineDraws,
    logSize: opts.logSize,
    stores: opts.stores,
    outDir: path.resolve(opts.out),
  });
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
