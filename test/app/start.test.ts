// `npm start` end to end in a child process: development keys on first start, the API answering, the log continuing
// across restarts, production refusing to start without keys, and a tampered log reported at start-up.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { http } from '../helpers/http.js';

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = (extra: Record<string, string> = {}) => ({ ...process.env, EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_KEYS_DIR: join(dir, 'keys'), EXPERT_DRAW_PORT: '0', EXPERT_DRAW_LOG_LEVEL: 'warn', ...extra });

/** Starts the server, waits for its URL, runs `check`, stops it with SIGTERM; returns what it printed. */
async function withServer(check: (url: string) => Promise<void>, extra: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: env(extra) });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout += `${line}\n`;
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`server exited: ${stderr}`)));
  });
  try {
    await check(url);
  } finally {
    child.kill('SIGTERM');
  }
  return { stdout, stderr, code: await exited };
}

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', env: env() });

describe('npm start', () => {
  it('refuses to start in production mode without keys, saying how to create them', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], { encoding: 'utf8', env: env({ EXPERT_DRAW_MODE: 'production', EXPERT_DRAW_KEYS_DIR: join(dir, 'no-keys') }), timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/missing key files .*keys generate/s);
  });

  it('generates development keys on first start, serves the API and its docs, and says how to get a token', async () => {
    const run = await withServer(async (url) => {
      const health = await http(`${url}/health`);
      expect(health.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
      expect((await http(`${url}/docs/json`)).status).toBe(200);
      const token = cli('token', 'issue', '--role', 'operator', '--subject', 'op-1').stdout.trim();
      const session = await http(`${url}/v1/session`, { headers: { authorization: `Bearer ${token}` } });
      expect(session.json()).toMatchObject({ subject: 'op-1', role: 'operator' });
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/generated development keys/);
    expect(run.stdout).toMatch(/API docs: http:\/\/\S+\/docs/);
    expect(run.stdout).toMatch(/token issue --role/);
    expect(readdirSync(join(dir, 'keys')).sort()).toEqual(['jwt-signing.pem', 'jwt-signing.pub.pem', 'log-signer.key', 'log-signer.vkey', 'sealing.pem', 'sealing.pub.pem']);
  });

  it('keeps the log across restarts: a logged demo draw, then the server sees it and the log verifies', async () => {
    const demo = cli('demo', '--log', '--size', '3000');
    expect(demo.status).toBe(0);
    expect(demo.stdout).toMatch(/commit logged at index 0/);
    const run = await withServer(async (url) => {
      expect((await http(`${url}/health`)).json()).toMatchObject({ status: 'ok', logSize: 2 });
    });
    expect(run.stdout).not.toMatch(/generated development keys/);
    const verify = cli('log', 'verify', '--quiet');
    expect(verify.stdout).toMatch(/^OK: 2 entries and \d+ checkpoints? verified/);
    expect(verify.status).toBe(0);
  });

  it('reports an edited log at start-up and in health, and log verify names the index', async () => {
    const db = new Database(join(dir, 'data', 'expert-draw.db'));
    const row = db.prepare('SELECT data FROM log_entries WHERE idx = 1').get() as { data: Buffer };
    db.prepare('UPDATE log_entries SET data = ? WHERE idx = 1').run(Buffer.from(row.data.toString().replace('"draw.result"', '"draw.resulT"')));
    db.close();
    const run = await withServer(async (url) => {
      expect((await http(`${url}/health`)).json()).toMatchObject({ status: 'degraded', logBreak: { index: 1 } });
    });
    expect(run.stderr).toMatch(/fails its self-check at index 1/);
    const verify = cli('log', 'verify', '--quiet');
    expect(verify.stdout).toMatch(/^BROKEN at index 1: entry does not match its stored leaf hash/);
    expect(verify.status).toBe(1);
  });
});
