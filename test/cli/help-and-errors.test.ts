// The command line as a newcomer meets it: every command's --help ends with examples, and a mistaken path or a shell
// in the wrong folder gets a refusal naming the file or folder looked at — never a misleading verdict, a stack
// trace, or a new empty store made on the spot. The CLI runs as `npm install` leaves it: the package's compiled `bin`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT as root } from '../helpers/built-app.js';
import { installedCli } from '../helpers/installed-cli.js';
import { deleteRedisKeys, SHARED_REDIS_URL } from '../helpers/redis-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-cli-errors-'));
/** The installed CLI's entry point (set before the first test). */
let cliPath = '';
const redisPrefix = `test:cli-errors:${process.pid}:${Date.now()}:`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteRedisKeys(redisPrefix);
});

/** The environment of a shell that set none of the service's settings. */
const bareEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('EXPERT_DRAW_') && k !== 'NODE_ENV'));

/** Runs the CLI from `cwd` (default: an empty folder of its own) as a person would, with `env` added. */
function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const cwd = options.cwd ?? mkdtempSync(join(dir, 'shell-'));
  const run = spawnSync(process.execPath, [cliPath, ...args], { cwd, env: { ...bareEnv, ...options.env }, encoding: 'utf8', timeout: 60_000 });
  return { ...run, cwd };
}

/** The subcommand names listed under "Commands:" in a help text. */
function commandsIn(help: string): string[] {
  const section = (help.split(/^Commands:$/m)[1] ?? '').split(/\n\s*\n/)[0]!;
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

/** The installed CLI, then a key set, for a verifier key file that exists. */
beforeAll(async () => {
  cliPath = await installedCli();
  const keys = cli(['keys', 'generate', '--dir', join(dir, 'keys-ok'), '--origin', 'draw.example-centre.gov.cn/log']);
  if (keys.status !== 0) throw new Error(keys.stderr);
}, 240_000);

describe('--help', () => {
  it('ends with examples on every command and every group, down to each subcommand', () => {
    const seen: string[] = [];
    const visit = (path: string[]) => {
      const run = cli([...path, '--help'], { cwd: root });
      expect(run.status, `${path.join(' ')}: ${run.stderr}`).toBe(0);
      // A group shows how to run its commands; every command that runs something shows how, with its own name.
      expect(run.stdout, `expert-draw ${path.join(' ')} --help`).toMatch(/\nExamples:\n {2}\S/);
      if (path.length > 0) expect(run.stdout.split('Examples:')[1]).toContain(`expert-draw ${path.join(' ')}`);
      seen.push(path.join(' '));
      for (const sub of commandsIn(run.stdout)) visit([...path, sub]);
    };
    visit([]);
    expect(seen).toEqual(expect.arrayContaining(['', 'demo', 'pool', 'pool generate', 'keys', 'keys generate', 'exchange', 'ca', 'ca init', 'ca issue-site', 'open', 'log', 'log verify', 'proof', 'proof verify', 'token', 'token issue', 'users', 'users add', 'backup', 'restore']));
  }, 240_000);
});

describe('proof verify', () => {
  it('names a verifier key file that does not exist, instead of calling the path a malformed key', () => {
    writeFileSync(join(dir, 'proof.json'), '{}');
    const run = cli(['proof', 'verify', join(dir, 'proof.json'), '--verifier-key', 'missing.vkey']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the verifier key file ${join(run.cwd, 'missing.vkey')} does not exist`);
    expect(run.stderr).not.toMatch(/malformed/);
    expect(run.stdout).toBe('');
  });

  it('says a file that holds no verifier key does not, naming it', () => {
    writeFileSync(join(dir, 'not-a-key.vkey'), 'hello\n');
    const run = cli(['proof', 'verify', join(dir, 'proof.json'), '--verifier-key', join(dir, 'not-a-key.vkey')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${join(dir, 'not-a-key.vkey')} does not hold a log verifier key`);
  });

  it('names a proof bundle that does not exist', () => {
    const run = cli(['proof', 'verify', 'proof.json', '--verifier-key', 'expert-draw.localhost/log+00000000+AAAA']);
    expect(run.status).toBe(1);
    // The key is checked first: this one is shaped like a key but is none.
    expect(run.stderr).toMatch(/the --verifier-key value does not hold a log verifier key/);
    const missing = cli(['proof', 'verify', 'proof.json', '--verifier-key', join(dir, 'keys-ok', 'log-signer.vkey')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`the proof bundle ${join(missing.cwd, 'proof.json')} does not exist`);
  });

  it('refuses --jobs that is not a whole number of 1 or more, before reading anything', () => {
    for (const jobs of ['0', 'two', '1.5', '-1', '']) {
      const run = cli(['proof', 'verify', 'proof.json', '--verifier-key', join(dir, 'keys-ok', 'log-signer.vkey'), '--jobs', jobs]);
      expect(run.status, jobs).not.toBe(0);
      expect(run.stderr, jobs).toContain(`option '--jobs <n>' argument '${jobs}' is invalid. give a whole number of bundles to verify at once, 1 or more`);
      expect(run.stdout, jobs).toBe('');
    }
  });

  it('says so when --jobs asks for more than the cores available', () => {
    const run = cli(['proof', 'verify', 'proof.json', '--verifier-key', join(dir, 'keys-ok', 'log-signer.vkey'), '--jobs', '4096']);
    expect(run.stderr).toMatch(/--jobs 4096 is more than the \d+ cores available: at most \d+ bundles are verified at once/);
    // The missing file is still reported as ever.
    expect(run.stderr).toContain(`the proof bundle ${join(run.cwd, 'proof.json')} does not exist`);
  });
});

describe('log verify', () => {
  it('from a shell without EXPERT_DRAW_DATA_DIR, refuses a folder without a store, names it and creates nothing', () => {
    const run = cli(['log', 'verify', '--quiet', '--verifier-key', join(dir, 'keys-ok', 'log-signer.vkey')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`no store in ${join(run.cwd, 'data')} (expert-draw.db is missing)`);
    expect(run.stdout).not.toMatch(/OK/);
    expect(readdirSync(run.cwd)).toEqual([]);
  });

  it('names the keys folder it looked in for the verifier key', () => {
    const run = cli(['log', 'verify', '--quiet', '--data-dir', join(dir, 'nowhere')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`no log verifier key at ${join(run.cwd, 'keys', 'log-signer.vkey')}`);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('refuses a Redis prefix that holds no log, naming the prefix', () => {
    const run = cli(['log', 'verify', '--quiet', '--redis', SHARED_REDIS_URL, '--redis-prefix', redisPrefix, '--verifier-key', join(dir, 'keys-ok', 'log-signer.vkey')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`no log under the Redis prefix "${redisPrefix}"`);
  });

  it('still verifies a store that is there', () => {
    const env = { EXPERT_DRAW_DATA_DIR: join(dir, 'data-ok'), EXPERT_DRAW_KEYS_DIR: join(dir, 'keys-dev') };
    const demo = cli(['demo', '--log', '--size', '3000'], { env });
    expect(demo.status, demo.stderr).toBe(0);
    const run = cli(['log', 'verify', '--quiet'], { env });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^OK: 2 entries and \d+ checkpoints? verified/);
  });
});

describe('users add', () => {
  it('says which store it wrote to and where it made development keys', () => {
    const run = cli(['users', 'add', '--role', 'admin', '--username', 'admin', '--name', '管理员', '--generate']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`generated development keys in ${join(run.cwd, 'keys')}`);
    expect(run.stderr).toMatch(new RegExp(`created admin admin \\(U-[0-9a-f-]{36}\\) in ${join(run.cwd, 'data', 'expert-draw.db').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });
});
