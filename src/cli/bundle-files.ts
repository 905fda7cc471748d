// The proof bundle files a command is given (files as named, a folder standing for its .json files in name order), and
// how many it verifies at once.
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { reportTexts } from '../i18n/cli/reports.js';
import type { Lang } from '../i18n/language.js';
import { LocalizedError } from '../i18n/text.js';

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
      throw new LocalizedError(reportTexts.said('bundles.cannotRead', { path: p }));
    }
    if (stat.isDirectory()) out.push(...readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)));
    else out.push(p);
  }
  return out;
}

/**
 * Bundles verified at once for `--jobs n` over `files` files: never more than the files, nor than the cores available.
 * Verifying is CPU work: on 2 cores, --jobs 8 took 2,304 engine-sized bundles 8.0 s where --jobs 2 took 4.6 s, each
 * extra worker loading and compiling the verifier for nothing. Says so, in `lang`, on `warn` (stderr) when it uses fewer
 * than asked for.
 */
export function jobsFor(requested: number, files: number, lang: Lang, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`), cores = availableParallelism()): number {
  if (requested > cores) warn(reportTexts.text(lang, 'bundles.jobsCapped', { requested, cores }));
  return Math.max(1, Math.min(requested, cores, files));
}
