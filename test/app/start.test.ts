// `npm start` end to end in a child process: development keys on first start, the API answering, the log continuing
// across restarts, production refusing to start without keys, and a tampered log reported at start-up.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { builtApp } from '../helpers/built-app.js';
import { http } from '../helpers/http.js';
import { parsePrometheusText } from '../helpers/prometheus.js';

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = (extra: Record<string, string> = {}) => ({ ...process.env, EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_KEYS_DIR: join(dir, 'keys'), EXPERT_DRAW_PORT: '0', EXPERT_DRAW_METRICS_PORT: '0', EXPERT_DRAW_LOG_LEVEL: 'warn', ...extra });

interface Started {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  /** The server's own process (npm start runs it as a child of npm). */
  readonly pid: number;
}
const TSX_SERVER = { command: process.execPath, args: ['--import', 'tsx', 'src/server.ts'] };

/** Starts the server, waits for its URL, runs `check`, stops it with SIGTERM; returns what it printed. */
async function withServer(check: (url: string, printed: string) => Promise<void>, extra: Record<string, string> = {}, start: { command: string; args: string[]; cwd?: string } = TSX_SERVER): Promise<Started> {
  const child = spawn(start.command, start.args, { env: env(extra), cwd: start.cwd });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // 'close', not 'exit': the output is read to its end before the exit is reported.
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const { url, pid } = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout += `${line}\n`;
      const m = /listening on (http:\/\/\S+) \(pid (\d+)/.exec(line);
      if (m) resolve({ url: m[1]!, pid: Number(m[2]) });
    });
    void exited.then(() => reject(new Error(`server exited: ${stderr}`)));
  });
  try {
    await check(url, stdout);
  } finally {
    child.kill('SIGTERM');
  }
  // Awaited first: what the server prints while it shuts down belongs to the answer.
  const code = await exited;
  return { stdout, stderr, code, pid };
}

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', env: env() });

describe('npm start', () => {
  it('refuses to start in production mode without keys, saying how to create them', () => {
    const production = {
      EXPERT_DRAW_MODE: 'production',
      EXPERT_DRAW_KEYS_DIR: join(dir, 'no-keys'),
      EXPERT_DRAW_LOG_ORIGIN: 'draw.example-centre.gov.cn/log',
      EXPERT_DRAW_PUBLIC_URL: 'https://draw.example-centre.gov.cn',
      EXPERT_DRAW_CALL_ADAPTER: 'webhook',
      EXPERT_DRAW_CALL_WEBHOOK_URL: 'https://sms-gateway.example-centre.gov.cn/calls',
      EXPERT_DRAW_CALL_WEBHOOK_SECRET: 'ab'.repeat(32),
    };
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], { encoding: 'utf8', env: env(production), timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/missing key files .*keys generate/s);
  });

  it('generates development keys on first start, serves the API, its docs and its metrics, and says how to get a token', async () => {
    const run = await withServer(async (url, printed) => {
      const metrics = /metrics \(Prometheus\): (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(printed)?.[1];
      expect(metrics, printed).toBeDefined();
      const scrape = await http(metrics!);
      expect(scrape.status).toBe(200);
      expect(parsePrometheusText(scrape.body).get('expert_draw_draws_total')?.type).toBe('counter');
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
    // Listening on port 0 without EXPERT_DRAW_PUBLIC_URL: the answer links follow the port the server got.
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stdout)![1];
    expect(run.stdout).toContain(`answer links sent to experts: http://127.0.0.1:${port}/r/… (no phone reaches this: set EXPERT_DRAW_PUBLIC_URL)`);
    expect(run.stdout).toMatch(/token issue --role/);
    // Marked as development keys: production refuses them.
    expect(readdirSync(join(dir, 'keys')).sort()).toEqual(['DEVELOPMENT-KEYS.txt', 'jwt-signing.pem', 'jwt-signing.pub.pem', 'log-signer.key', 'log-signer.vkey', 'sealing.pem', 'sealing.pub.pem']);
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

describe('a port already taken', () => {
  it('stops the start with a message naming the setting to change, and the process ends', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    try {
      const port = String((blocker.address() as AddressInfo).port);
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], { encoding: 'utf8', env: env({ EXPERT_DRAW_METRICS_PORT: port, EXPERT_DRAW_DATA_DIR: join(dir, 'taken') }), timeout: 60_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/the address is in use \(.*\): set EXPERT_DRAW_METRICS_PORT to a free port/);
    } finally {
      blocker.close();
    }
  });
});

describe('npm start of the built service', () => {
  /** Whether a process is still there (signal 0 tests for existence). */
  const running = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('serves without compiling, and SIGTERM to npm stops the server too: nothing keeps running', async () => {
    const app = mkdtempSync(join(tmpdir(), 'expert-draw-npm-start-'));
    try {
      cpSync(await builtApp(), app, { recursive: true });
      symlinkSync(resolve('node_modules'), join(app, 'node_modules'));
      const run = await withServer(async (url) => {
        expect((await http(`${url}/health`)).json()).toMatchObject({ status: 'ok' });
      }, { EXPERT_DRAW_DATA_DIR: join(app, 'data'), EXPERT_DRAW_KEYS_DIR: join(app, 'keys') }, { command: 'npm', args: ['start'], cwd: app });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/SIGTERM: shutting down/);
      expect(run.stdout).toMatch(/expert-draw: stopped/);
      expect(running(run.pid)).toBe(false);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 240_000);

  it('says how to build when there is nothing built', () => {
    const app = mkdtempSync(join(tmpdir(), 'expert-draw-npm-start-'));
    try {
      cpSync('package.json', join(app, 'package.json'));
      cpSync('scripts', join(app, 'scripts'), { recursive: true });
      const run = spawnSync('npm', ['start'], { cwd: app, encoding: 'utf8', env: env() });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain('dist/src/server.js is missing: build it with `npm run build`');
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
