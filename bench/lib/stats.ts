// Latency statistics for benchmarks: nearest-rank percentiles over a sorted copy of the samples.

export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** Nearest-rank percentile of an ascending array: the smallest value with at least p% of samples at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile out of range: ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) throw new RangeError('summary of no samples');
  let total = 0;
  for (const x of sorted) total += x;
  return {
    n,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    mean: total / n,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
  };
}

/** Milliseconds between two process.hrtime.bigint() readings. */
export function elapsedMs(start: bigint, end: bigint): number {
  return Number(end - start) / 1e6;
}

/** Rounds for JSON output: microsecond resolution is plenty for millisecond figures. */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A summary with every figure rounded to 4 decimal places, for the result files. */
export function roundSummary(s: Summary): Summary {
  return { n: s.n, min: round(s.min), max: round(s.max), mean: round(s.mean), p50: round(s.p50), p90: round(s.p90), p99: round(s.p99) };
}

/** Rounds every non-integer number in a plain JSON value to 4 decimal places. */
export function roundDeep(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : round(v, 4);
  if (Array.isArray(v)) return v.map(roundDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)]));
  return v;
}

/** Latency under load: the percentiles a load test reports, p99.9 included. */
export interface TailSummary {
  readonly n: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export function summarizeTail(samples: ArrayLike<number>): TailSummary {
  const s = summarize(samples);
  const sorted = Float64Array.from(samples).sort();
  return { n: s.n, min: round(s.min), mean: round(s.mean), p50: round(s.p50), p90: round(s.p90), p99: round(s.p99), p999: round(percentile(sorted, 99.9)), max: round(s.max) };
}
