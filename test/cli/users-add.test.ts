// The compiled CLI, as installed, bootstraps the first administrator on the store the service uses: a generated first password
// printed once (and only it, on standard output), or one read from standard input; refusals as one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../helper.js';
import { installedCli } from '../helpers/installed-cli.js';

/** The compiled CLI, as installed (set before the first test). */
let cliJs = '';
const dir = mkdtempSync(join(tmpdir(), 'expert-draw-users-cli-'));
const env = { ...process.env, EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_KEYS_DIR: join(dir, 'keys'), EXPERT_DRAW_STORE: 'sqlite' };
const cli = (args: string[], input?: string) => spawnSync(process.execPath, [cliJs, 'users', 'add', ...args], { cwd: dir, env, encoding: 'utf8', input: input ?? '' });

beforeAll(async () => {
  cliJs = await installedCli();
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expert-draw users add', () => {
  it('creates the first administrator with a generated password that logs in once, to be changed', async () => {
    const made = cli(['--role', 'admin', '--username', 'Admin', '--name', '系统管理员', '--generate']);
    expect(made.status, made.stderr).toBe(0);
    const password = made.stdout.trim();
    expect(password).toMatch(/^[A-Za-z2-9]{4}(?:-[A-Za-z2-9]{4}){3}$/);
    expect(made.stderr).toMatch(/created admin admin \(U-[0-9a-f-]{36}\)/);
    expect(made.stderr).not.toContain(password);

    const typed = cli(['--role', 'supervisor', '--username', 'sup-li', '--name', '李监督'], 'a-typed-first-password\n');
    expect(typed.status, typed.stderr).toBe(0);
    expect(typed.stdout).toBe('');

    const t = await build({ EXPERT_DRAW_DATA_DIR: env.EXPERT_DRAW_DATA_DIR, EXPERT_DRAW_KEYS_DIR: env.EXPERT_DRAW_KEYS_DIR });
    try {
      for (const [username, pw] of [['admin', password], ['sup-li', 'a-typed-first-password']]) {
        const res = await t.app.inject({ method: 'POST', url: '/v1/session', payload: { username, password: pw } });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json()).toMatchObject({ mustChangePassword: true, user: { username } });
      }
      const created = JSON.parse((await t.ctx.auditLog.entry(0)).toString());
      expect(created).toMatchObject({ type: 'user.created', payload: { role: 'admin', site: null, by: 'cli' } });
    } finally {
      await t.close();
    }
  }, 60_000);

  it('refuses a taken username, a weak password and a centre role with a site, each as one line', () => {
    const taken = cli(['--role', 'operator', '--username', 'ADMIN', '--name', '重名', '--generate']);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toBe('expert-draw: this username is taken\n');
    const weak = cli(['--role', 'operator', '--username', 'op-1', '--name', '王操作'], 'short\n');
    expect(weak.stderr).toMatch(/^expert-draw: a password has 12 to 256 characters\n$/);
    const site = cli(['--role', 'operator', '--site', 'site-1', '--username', 'op-2', '--name', '王操作', '--generate']);
    expect(site.stderr).toMatch(/^expert-draw: a user of role operator cannot name a site: operator is a role of the centre\n$/);
  }, 60_000);
});
