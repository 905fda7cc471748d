// The service compiled as `npm run build` compiles it, into a folder of its own (never the checkout's dist/, which
// other tests and people build at the same time): dist/, package.json, package-lock.json and scripts/. Built once per
// state of its inputs and kept in the temp folder, as a container build would keep the layer.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** What the build reads; a change to any of them makes a new build. */
const INPUTS = ['src', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const CACHE = join(tmpdir(), 'expert-draw-built');
const STALE_LOCK_MS = 5 * 60_000;

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((name) => files(join(path, name)));
}

function inputHash(): string {
  const hash = createHash('sha256').update(process.version);
  for (const file of INPUTS.flatMap((p) => files(join(ROOT, p)))) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The folder of the built service for the current sources (built now if no test has built them yet). */
export async function builtApp(): Promise<string> {
  const hash = inputHash();
  const dir = join(CACHE, hash);
  const lock = `${dir}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(dir)) return dir;
    try {
      mkdirSync(lock);
    } catch {
      // Another test process is building the same sources: wait for it (or take over a lock it left behind).
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      const work = `${dir}.tmp`;
      rmSync(work, { recursive: true, force: true });
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(work, 'dist')], { stdio: 'pipe' });
      for (const p of ['package.json', 'package-lock.json', 'scripts']) cpSync(join(ROOT, p), join(work, p), { recursive: true });
      renameSync(work, dir);
      pruneOldBuilds(hash);
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Builds of older sources, unused for a day, are removed. */
function pruneOldBuilds(keep: string): void {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (name !== keep && Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
  }
}
