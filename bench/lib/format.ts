// Plain-text output helpers: pool sizes as 1k/1M, and right-aligned tables.

const SUFFIXES: ReadonlyArray<readonly [string, number]> = [
  ['M', 1_000_000],
  ['k', 1_000],
];

/** "1k" → 1000, "1M" → 1000000, "2500" → 2500; throws on anything else. */
export function parsePoolSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new RangeError(`not a pool size: "${text}" (use e.g. 1k, 10k, 100k, 1M or 2500)`);
  const unit = m[2]!.toLowerCase() === 'm' ? 1_000_000 : m[2]!.toLowerCase() === 'k' ? 1_000 : 1;
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`not a pool size: "${text}"`);
  return n;
}

export function parsePoolList(text: string): number[] {
  const sizes = text.split(',').filter((s) => s.trim() !== '').map(parsePoolSize);
  if (sizes.length === 0) throw new RangeError('no pool sizes given');
  return sizes;
}

export function formatPoolSize(n: number): string {
  for (const [suffix, unit] of SUFFIXES) if (n >= unit && n % unit === 0) return `${n / unit}${suffix}`;
  return String(n);
}

/** Fixed-point with enough digits for sub-millisecond latencies. */
export function ms(x: number): string {
  return x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(3);
}

/** A table with a header rule; every column right-aligned except the first. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
