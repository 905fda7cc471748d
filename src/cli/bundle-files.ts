// The proof bundle files a command is given (files as named, a folder standing for its .json files in name order), and
// how many it verifies at once.
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';

/** `missing: 'keep'` lists a path that does not exist as a file, for the reader to say so in its place. */
export function bundleFiles(paths: readonly string[], missing: 'throw' | 'keep' = 'throw'): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      if (missing === 'keep') {
        out.push(p);
        continue;
      }
      throw new Error(`cannot read ${p}: no such file or folder`);
    }
    if (stat.isDirectory()) out.push(...readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)));
    else out.push(p);
  }
  return out;
}

export const JOBS_HELP = 'bundles verified at once, at most: this thread, and n - 1 worker threads when enough bundles are left to be worth starting them; never more than the cores available (the default; 1: this thread alone)';

/** --jobs: a whole number of bundles at once (this thread and n - 1 workers), 1 for this thread alone. */
export function jobsOption(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of bundles to verify at once, 1 or more (1: in this thread, no workers)');
  return n;
}

/**
 * Bundles verified at once for `--jobs n` over `files` files: never more than the files, nor than the cores available.
 * Verifying is CPU work: on 2 cores, --jobs 8 took 2,304 engine-sized bundles 8.0 s where --jobs 2 took 4.6 s, each
 * extra worker loading and compiling the verifier for nothing. Says so on `warn` (stderr) when it uses fewer than asked
 * for.
 */
export function jobsFor(requested: number, files: number, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`), cores = availableParallelism()): number {
  if (requested > cores) warn(`--jobs ${requested} is more than the ${cores} cores available: at most ${cores} bundles are verified at once`);
  return Math.max(1, Math.min(requested, cores, files));
}
