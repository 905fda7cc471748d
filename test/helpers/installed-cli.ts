// The command line as `npm install` leaves it: the package's `bin` (dist/src/cli.js, compiled as `npm run build`
// compiles it) in a copy of the built service. The copy is kept in this checkout's node_modules/.cache, one per build,
// so that it finds the checkout's packages as an installed package does (up the folders) and goes with them: no
// symbolic link to a checkout that may be gone, nothing left in the temp folder. A start costs about half the CPU of
// `node --import tsx src/cli.ts`.
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { builtApp, ROOT } from './built-app.js';

const CACHE = join(ROOT, 'node_modules/.cache/expert-draw-installed');

let installed: Promise<string> | undefined;

async function install(): Promise<string> {
  const built = await builtApp();
  const dir = join(CACHE, basename(built));
  if (!existsSync(dir)) {
    mkdirSync(CACHE, { recursive: true });
    const work = mkdtempSync(`${dir}.tmp-`);
    cpSync(built, work, { recursive: true });
    // Another test process may have made it meanwhile: then its copy stands and this one goes.
    try {
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return join(dir, 'dist/src/cli.js');
}

/** The path of the installed CLI's entry point: run it as `node <path> …args`. */
export function installedCli(): Promise<string> {
  return (installed ??= install());
}
