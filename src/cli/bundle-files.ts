// The proof bundle files a command is given: files as named, a folder standing for its .json files in name order.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
