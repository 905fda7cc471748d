// The console's weight as a browser downloads it: builds the console (into a scratch folder, leaving dist/ alone) and
// prints each JS and CSS chunk's size, raw and gzipped (node:zlib, level 9), and the total without the inspector's
// verifier chunk, which only the inspector screen loads. `npm run console:size`; exits 1 when the main chunk passes
// the budget of issue 14 (200 KB gzipped).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const CONFIG = fileURLToPath(new URL('../console/vite.config.ts', import.meta.url));
const MAIN_BUDGET = 200 * 1024;

export interface Chunk {
  readonly file: string;
  readonly raw: number;
  readonly gzip: number;
}

/** Every JS and CSS file of a built console's asset folder, largest first. */
export function chunks(assets: string): Chunk[] {
  return readdirSync(assets)
    .filter((f) => /\.(js|css)$/.test(f))
    .map((file) => {
      const bytes = readFileSync(join(assets, file));
      return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    })
    .sort((a, b) => b.gzip - a.gzip);
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'expert-draw-console-size-'));
  try {
    await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir: out, emptyOutDir: true, reportCompressedSize: false } });
    const all = chunks(join(out, 'console'));
    const width = Math.max(...all.map((c) => c.file.length));
    for (const c of all) console.log(`${c.file.padEnd(width)}  ${kb(c.raw).padStart(9)}  ${kb(c.gzip).padStart(9)} gzipped`);
    const verifier = all.filter((c) => c.file.startsWith('proof-verifier-'));
    const rest = all.filter((c) => !verifier.includes(c));
    const main = all.find((c) => c.file.startsWith('index-') && c.file.endsWith('.js'));
    console.log(`without the verifier: ${kb(rest.reduce((s, c) => s + c.gzip, 0))} gzipped; the verifier: ${kb(verifier.reduce((s, c) => s + c.gzip, 0))} gzipped`);
    if (!main || main.gzip >= MAIN_BUDGET) {
      console.error(`the main chunk ${main ? kb(main.gzip) : '(missing)'} gzipped is over its budget of ${kb(MAIN_BUDGET)}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
