// The benchmark suites `bench/run.ts --suite <name>` knows, loaded on demand so one suite's set-up costs nothing to another.

/** Options every suite accepts from the command line; a suite falls back to its own defaults for unset ones. */
export interface CommonOptions {
  readonly pools: readonly number[] | undefined;
  readonly draws: number | undefined;
  readonly warmup: number | undefined;
  readonly baselineDraws: number | undefined;
  /** log suite: entries of the large log (default 1M). */
  readonly logSize?: number | undefined;
  /** log suite: which stores to measure (default sqlite and redis). */
  readonly stores?: ReadonlyArray<'sqlite' | 'redis'> | undefined;
  readonly outDir: string;
}

export interface Suite {
  readonly name: string;
  readonly description: string;
  run(options: CommonOptions): Promise<void>;
}

/** Add later suites (http) here, each in its own file. */
export const SUITES: Readonly<Record<string, () => Promise<Suite>>> = {
  engine: async () => (await import('./engine.js')).suite,
  log: async () => (await import('./log.js')).suite,
};
