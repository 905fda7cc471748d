// `npm start` end to end in a child process: development keys on first start, a durable logged draw, the self-check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
    encoding: 'utf8',
    env: { ...process.env, EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_KEYS_DIR: join(dir, 'keys'), ...env },
    timeout: 60_000,
  });
}

describe('npm start', () => {
  it('refuses to start in production mode without keys, saying how to create them', () => {
    const run = start({ EXPERT_DRAW_MODE: 'production', EXPERT_DRAW_KEYS_DIR: join(dir, 'no-keys') });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/missing key files .*keys generate/s);
  });

  it('generates development keys on first start and commits a draw to the durable log', () => {
    const run = start({});
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/generated development keys/);
    expect(run.stdout).toMatch(/commit logged at index 0/);
    expect(readdirSync(join(dir, 'keys')).sort()).toEqual(['jwt-signing.pem', 'jwt-signing.pub.pem', 'log-signer.key', 'log-signer.vkey', 'sealing.pem', 'sealing.pub.pem']);
  });

  it('continues the same log on the next start, and the log verifies', () => {
    const run = start({});
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/generated development keys/);
    expect(run.stdout).toMatch(/audit log of 2 entries/);
    expect(run.stdout).toMatch(/commit logged at index 2/);
    const verify = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'log', 'verify', '--quiet', '--data-dir', join(dir, 'data'), '--keys-dir', join(dir, 'keys')], { encoding: 'utf8' });
    expect(verify.stdout).toMatch(/^OK: 4 entries and 2 checkpoints verified/);
    expect(verify.status).toBe(0);
  });

  it('stops draws and names the index when the stored log was edited', () => {
    const db = new Database(join(dir, 'data', 'expert-draw.db'));
    const row = db.prepare('SELECT data FROM log_entries WHERE idx = 3').get() as { data: Buffer };
    db.prepare('UPDATE log_entries SET data = ? WHERE idx = 3').run(Buffer.from(row.data.toString().replace('"draw.result"', '"draw.resulT"')));
    db.close();
    const run = start({});
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/fails its self-check at index 3/);
    expect(run.stdout).not.toMatch(/commit logged/);
    const verify = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'log', 'verify', '--quiet', '--data-dir', join(dir, 'data'), '--keys-dir', join(dir, 'keys')], { encoding: 'utf8' });
    expect(verify.stdout).toMatch(/^BROKEN at index 3: entry does not match its stored leaf hash/);
    expect(verify.status).toBe(1);
  });
});
