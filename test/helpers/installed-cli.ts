// The command line as `npm install` leaves it: the package's `bin` (dist/src/cli.js, compiled as `npm run build`
// compiles it) in a copy of the built service beside this checkout's node_modules. Made once per test process and
// removed when it exits. A start costs about half the CPU of `node --import tsx src/cli.ts`.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtApp, ROOT } from './built-app.js';

let installed: Promise<string> | undefined;

async function install(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-installed-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cpSync(await builtApp(), dir, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'dist/src/cli.js');
}

/** The path of the installed CLI's entry point: run it as `node <path> …args`. */
export function installedCli(): Promise<string> {
  return (installed ??= install());
}
