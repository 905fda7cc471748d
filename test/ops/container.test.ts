// The Dockerfile without a Docker engine: its shape (stages, a non-root user, volumes for keys and data, a health check,
// node as PID 1), what .dockerignore lets through, and its runtime steps run for real in a clean folder — the `deps`
// stage's own RUN lines (production install from the lock file, the native module built), the COPY lines, the ENV,
// the keys made with the image's CLI, the CMD started in production mode, the HEALTHCHECK until it passes, SIGTERM.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtApp, ROOT } from '../helpers/built-app.js';
import { copyArgs, envPairs, execForm, parseDockerfile, sentToBuilder, type Stage } from '../helpers/dockerfile.js';
import { http } from '../helpers/http.js';
import { parsePrometheusText } from '../helpers/prometheus.js';
import { freePort } from '../helpers/redis-server.js';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');
const stages = parseDockerfile(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name)!;
const runtime = stages.at(-1)!;
const ops = (s: Stage, op: string) => s.instructions.filter((i) => i.op === op);
const runtimeEnv = Object.assign({}, ...ops(runtime, 'ENV').map((i) => envPairs(i.args))) as Record<string, string>;

describe('the Dockerfile', () => {
  it('builds in one stage and runs production dependencies in another, from the same Node tag', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'runtime']);
    expect(ops(stage('build'), 'RUN').map((i) => i.args)).toContain('npm run build');
    const tags = stages.map((s) => s.from.replace(/-slim$/, ''));
    expect(new Set(tags).size, 'the native module is built for the runtime\'s Node').toBe(1);
  });

  it('runs as a user without privileges, node as PID 1, in production mode, with keys and data as volumes', () => {
    const user = ops(runtime, 'USER').at(-1)!.args.split(':')[0]!;
    expect(['root', '0']).not.toContain(user);
    const cmd = execForm(ops(runtime, 'CMD').at(-1)!.args);
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('dist/src/server.js');
    expect(runtimeEnv).toMatchObject({ EXPERT_DRAW_MODE: 'production', EXPERT_DRAW_HOST: '0.0.0.0' });
    const volumes = execForm(ops(runtime, 'VOLUME')[0]!.args);
    expect(volumes.sort()).toEqual([runtimeEnv.EXPERT_DRAW_DATA_DIR, runtimeEnv.EXPERT_DRAW_KEYS_DIR].sort());
    const health = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/.exec(ops(runtime, 'HEALTHCHECK')[0]!.args)!;
    expect(execForm(health[1]!)).toEqual(['node', 'dist/src/healthcheck.js', '/readyz']);
  });

  it('sends the builder what its COPY lines read, and never keys, data, secrets or node_modules', () => {
    const fromContext = stages.flatMap((s) => ops(s, 'COPY').map((i) => copyArgs(i.args)).filter((c) => c.from === null).flatMap((c) => c.sources));
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext) expect(sentToBuilder(dockerignore, source), source).toBe(true);
    for (const secret of ['keys/log-signer.key', 'data/expert-draw.db', '.env', 'node_modules/zod/package.json', 'dist/src/server.js', '.git/config', 'test/helper.ts']) {
      expect(sentToBuilder(dockerignore, secret), secret).toBe(false);
    }
  });
});

/** Runs a shell line like `RUN` does, in `cwd`; throws with its output when it fails. */
function run(line: string, cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const r: SpawnSyncReturns<string> = spawnSync('sh', ['-c', line], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`RUN ${line} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * The `deps` stage's result (its /app), as Docker would cache the layer: its instructions run in a clean folder the
 * first time, and again whenever they, the lock file, the package file or Node change. The npm cache is used first.
 */
function depsStage(): string {
  const s = stage('deps');
  const hash = createHash('sha256').update(JSON.stringify(s)).update(readFileSync(join(ROOT, 'package.json'))).update(readFileSync(join(ROOT, 'package-lock.json'))).update(`${process.version} ${process.arch}`).digest('hex').slice(0, 16);
  const cached = join(tmpdir(), 'expert-draw-docker-layers', hash);
  if (existsSync(cached)) return cached;
  const work = mkdtempSync(join(tmpdir(), 'expert-draw-deps-'));
  // The stage cleans its npm cache: it gets a copy of this machine's, never the shared one itself.
  const cache = join(work, 'npm-cache');
  const shared = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
  if (shared && existsSync(join(shared, '_cacache'))) cpSync(join(shared, '_cacache'), join(cache, '_cacache'), { recursive: true });
  const env = { ...process.env, npm_config_cache: cache, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
  try {
    let workdir = work;
    for (const { op, args } of s.instructions) {
      if (op === 'WORKDIR') mkdirSync((workdir = join(work, args)), { recursive: true });
      else if (op === 'COPY') for (const source of copyArgs(args).sources) cpSync(join(ROOT, source), join(workdir, source), { recursive: true });
      else if (op === 'RUN') run(args, workdir, env);
      else throw new Error(`the deps stage has ${op}: teach this test what it means`);
    }
    mkdirSync(join(cached, '..'), { recursive: true });
    renameSync(workdir, cached);
    return cached;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe('the runtime steps in a clean folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'expert-draw-container-'));
  const app = join(root, 'app');
  /** The runtime stage's volumes, as folders here. */
  const volume = (path: string) => join(root, 'volumes', path);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    const from: Record<string, string> = { deps: depsStage(), build: await builtApp() };
    for (const { op, args } of runtime.instructions) {
      if (op === 'WORKDIR') mkdirSync(app, { recursive: true });
      else if (op === 'COPY') {
        const { from: stageName, sources, dest } = copyArgs(args);
        for (const source of sources) {
          // A stage's /app is its result folder here; the context is the checkout.
          const path = stageName ? join(from[stageName]!, source.replace(/^\/app\//, '')) : join(ROOT, source);
          cpSync(path, dest.endsWith('/') ? join(app, dest, source.split('/').pop()!) : join(app, dest), { recursive: true });
        }
      }
      // RUN makes the user and the volume folders (made here below); USER, VOLUME, EXPOSE, HEALTHCHECK, CMD: used below.
    }
    for (const path of execForm(ops(runtime, 'VOLUME')[0]!.args)) mkdirSync(volume(path), { recursive: true, mode: 0o700 });
  }, 600_000);

  it('has the production dependencies only, with the native module built', () => {
    expect(existsSync(join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
    for (const dev of ['typescript', 'vitest', 'tsx', 'playwright-core']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(app, 'dist/src/server.js'))).toBe(true);
    expect(existsSync(join(app, 'src')), 'no sources in the image').toBe(false);
  });

  it('starts its CMD in production mode with keys made by its own CLI, passes its HEALTHCHECK, and stops on SIGTERM', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const origin = 'draw.example-centre.gov.cn/log';
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: root,
      ...runtimeEnv,
      // What the operator provides (docs/operations.md); the volumes are folders here, the ports free ones.
      EXPERT_DRAW_DATA_DIR: volume(runtimeEnv.EXPERT_DRAW_DATA_DIR!),
      EXPERT_DRAW_KEYS_DIR: volume(runtimeEnv.EXPERT_DRAW_KEYS_DIR!),
      EXPERT_DRAW_HOST: '127.0.0.1',
      EXPERT_DRAW_PORT: String(port),
      EXPERT_DRAW_METRICS_HOST: '127.0.0.1',
      EXPERT_DRAW_METRICS_PORT: String(metricsPort),
      EXPERT_DRAW_LOG_ORIGIN: origin,
      EXPERT_DRAW_PUBLIC_URL: 'https://draw.example-centre.gov.cn',
      EXPERT_DRAW_CALL_ADAPTER: 'webhook',
      EXPERT_DRAW_CALL_WEBHOOK_URL: 'https://sms-gateway.example-centre.gov.cn/calls',
      EXPERT_DRAW_CALL_WEBHOOK_SECRET: 'cd'.repeat(32),
    };
    const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: app, env, encoding: 'utf8' });
    const keys = node(['dist/src/cli.js', 'keys', 'generate', '--dir', env.EXPERT_DRAW_KEYS_DIR!, '--origin', origin]);
    expect(keys.status, keys.stderr).toBe(0);

    const healthcheck = execForm(/CMD\s+(\[.*\])$/.exec(ops(runtime, 'HEALTHCHECK')[0]!.args)![1]!);
    expect(healthcheck[0]).toBe('node');
    // Nothing listens yet: the health check fails.
    expect(node(healthcheck.slice(1)).status).toBe(1);

    const cmd = execForm(ops(runtime, 'CMD').at(-1)!.args);
    const server = spawn(process.execPath, cmd.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stderr.on('data', (d: Buffer) => (output += d.toString()));
    createInterface({ input: server.stdout }).on('line', (line) => (output += `${line}\n`));
    const exited = new Promise<number | null>((resolve) => server.once('close', (code) => resolve(code)));
    try {
      for (const start = Date.now(); ; ) {
        const check = node(healthcheck.slice(1));
        if (check.status === 0) {
          expect(check.stdout).toBe('/readyz: 200\n');
          break;
        }
        if (server.exitCode !== null || Date.now() - start > 60_000) throw new Error(`the health check never passed: ${check.stdout}\n${output}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // The health check runs synchronously (spawnSync): the server's lines reach this process only once its event
      // loop turns again, so wait for them a little rather than read them at once.
      for (const until = Date.now() + 10_000; !output.includes('expert-draw listening on') && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      expect(output).toMatch(/expert-draw listening on http:\/\/127\.0\.0\.1:\d+ \(pid \d+, sqlite store/);
      expect(output).not.toMatch(/development/);
      expect((await http(`http://127.0.0.1:${port}/livez`)).json()).toEqual({ status: 'alive' });
      const metrics = await http(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(parsePrometheusText(metrics.body).get('expert_draw_ready')?.samples[0]?.value).toBe(1);
    } finally {
      server.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
    expect(output).toMatch(/expert-draw: stopped/);
  }, 120_000);
});
