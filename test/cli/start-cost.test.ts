// The CLI loads what a command runs when it runs (src/cli.ts): `--help` and a command's help load the declarations
// only, never the service, its store drivers, the HTTP stack, the verifier or the BLS and X.509 libraries. Each start
// of the CLI paid about 0.4 s of CPU for them (an inspector's `proof verify` of one bundle, every test that runs the
// CLI). The modules a start loads are recorded by a resolve hook registered before the CLI's entry point.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNoteKeys } from '../../src/log/note.js';
import { installedCli } from '../helpers/installed-cli.js';

/** What no help text needs: the service and everything heavy it brings, and the texts a command prints as it runs. */
const HEAVY = [
  '/dist/src/i18n/cli/reports.js',
  '/dist/src/open-context.js',
  '/dist/src/app.js',
  '/dist/src/services/',
  '/dist/src/store/',
  '/dist/src/verify/draw-proof.js',
  '/dist/src/verify/proof-pool.js',
  '/dist/src/beacon/rounds.js',
  '/dist/src/crypto/ca.js',
  '/node_modules/fastify/',
  '/node_modules/better-sqlite3/',
  '/node_modules/ioredis/',
  '/node_modules/node-forge/',
  '/node_modules/@noble/',
  '/node_modules/fast-jwt/',
  '/node_modules/prom-client/',
];

let dir: string;
let cli: string;

beforeAll(async () => {
  cli = await installedCli();
  dir = mkdtempSync(join(tmpdir(), 'expert-draw-start-cost-'));
  // The hook appends every module URL the CLI resolves, static or dynamic, to the file named in LOADED_LOG.
  writeFileSync(
    join(dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\n" +
      'export async function resolve(specifier, context, next) {\n' +
      '  const resolved = await next(specifier, context);\n' +
      "  appendFileSync(process.env.LOADED_LOG, resolved.url + '\\n');\n" +
      '  return resolved;\n' +
      '}\n',
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The module URLs one run of the CLI resolved, and its exit status. */
function loaded(args: readonly string[], name: string): { modules: string[]; status: number } {
  const log = join(dir, `${name}.txt`);
  writeFileSync(log, '');
  let status = 0;
  try {
    execFileSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, cli, ...args], { env: { ...process.env, LOADED_LOG: log }, stdio: 'pipe' });
  } catch (err) {
    status = (err as { status: number }).status;
  }
  return { modules: [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))], status };
}

const heavyIn = (modules: readonly string[]) => modules.filter((url) => HEAVY.some((part) => url.includes(part)));

describe('what a start of the CLI loads', () => {
  it.each([
    ['--help', ['--help']],
    ['proof verify --help', ['proof', 'verify', '--help']],
    ['users add --help', ['users', 'add', '--help']],
    ['log verify --help', ['log', 'verify', '--help']],
    ['token issue --help', ['token', 'issue', '--help']],
    ['ca issue-site --help', ['ca', 'issue-site', '--help']],
  ])('%s loads the declarations, nothing of the service', (name, args) => {
    const { modules, status } = loaded(args, name.replaceAll(' ', '-'));
    expect(status).toBe(0);
    // The hook saw the start: the entry point and the command declarations.
    expect(modules.some((url) => url.endsWith('/dist/src/cli/proof-commands.js'))).toBe(true);
    expect(heavyIn(modules)).toEqual([]);
  });

  it('proof verify loads the verifier but not the BLS curve, which only a beacon draw’s bundle needs', () => {
    // A bundle that is not there: the action loads the verifier and the pool, verifies, says the file is missing.
    const { verifierKey } = generateNoteKeys('start-cost.example/log');
    const { modules, status } = loaded(['proof', 'verify', join(dir, 'missing.json'), '--verifier-key', verifierKey], 'proof-verify');
    expect(status).not.toBe(0);
    expect(heavyIn(modules)).toContainEqual(expect.stringContaining('/dist/src/verify/draw-proof.js'));
    expect(heavyIn(modules)).toContainEqual(expect.stringContaining('/dist/src/beacon/rounds.js'));
    // Building the curve cost every start about 0.1 s of CPU (src/beacon/bls.ts); it is now loaded at its first use.
    expect(modules.filter((url) => url.includes('/node_modules/@noble/'))).toEqual([]);
  });

  it('a command that runs loads what it runs (the hook sees the imports made in an action)', () => {
    // `log verify` on a folder with no store: refused, after the action has loaded the store module to look.
    const { verifierKey } = generateNoteKeys('start-cost.example/log');
    const { modules, status } = loaded(['log', 'verify', '--data-dir', join(dir, 'no-store'), '--verifier-key', verifierKey], 'log-verify');
    expect(status).not.toBe(0);
    expect(heavyIn(modules)).toContainEqual(expect.stringContaining('/dist/src/store/open-store.js'));
  });
});
