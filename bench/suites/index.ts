// The benchmark suites `bench/run.ts --suite <name>` knows, loaded on demand so one suite's set-up costs nothing to another.

/** Options every suite accepts from the command line; a suite falls back to its own defaults for unset ones. */
export interface CommonOptions {
  readonly pools: readonly number[] | undefined;
  readonly draws: number | undefined;
  readonly warmup: number | undefined;
  readonly baselineDraws: number | undefined;
  /** log suite: entries of the large log (default 1M). */
  readonly logSize?: number | undefined;
  /** log, http and burst suites: which stores to measure (each suite has its own default). */
  readonly stores?: ReadonlyArray<'sqlite' | 'redis'> | undefined;
  /** http suite: autocannon connections per round (default 1,10,50). */
  readonly connections?: readonly number[] | undefined;
  /** A smoke run: tiny pools, few requests, seconds; the figures mean nothing. */
  readonly quick?: boolean | undefined;
  readonly outDir: string;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  run(options: CommonOptions): Promise<void>;
}

/** Every suite, each in its own file. */
export const SUITES: Readonly<Record<string, () => Promise<Suite>>> = {
  engine: async () => (await import('./engine.js')).suite,
  log: async () => (await import('./log.js')).suite,
  http: async () => (await import('./http.js')).suite,
  peer: async () => (await import('./peer.js')).suite,
  burst: async () => (await import('./burst.js')).suite,
  verify: async () => (await import('./verify.js')).suite,
  planned: async () => (await import('./planned.js')).suite,
};
