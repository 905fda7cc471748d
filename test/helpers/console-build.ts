// The console as `npm run build` builds it (dist/console/), for the tests that open it in a browser: built here only
// when missing or older than its sources (npm ci has built it; after an edit of console/, or of src/, whose verifier
// the inspector screen bundles, the first browser test run rebuilds it).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = join(ROOT, 'console');
const BUILT = join(ROOT, 'dist', 'console', 'index.html');
/** The inspector's verifier chunk is made of the service's own modules. */
const VERIFIER_SOURCES = join(ROOT, 'src');

function newest(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name)))) : s.mtimeMs;
}

export async function consoleBuilt(): Promise<void> {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(newest(SOURCES), newest(VERIFIER_SOURCES))) return;
  await build({ configFile: join(SOURCES, 'vite.config.ts'), logLevel: 'warn' });
}
