// Data and secrets on disk are the service user's alone (issue 9, finding 6): on a fresh folder the SQLite database,
// its -wal and -shm, the leases database, the keys and the development calls file are 0600 in 0700 folders; files and
// folders an earlier version left looser are tightened at start.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAdapter } from '../../src/calls/file-adapter.js';
import { generateKeys, KEY_FILES } from '../../src/instance-keys.js';
import { SQLITE_FILE } from '../../src/store/open-store.js';
import { build } from '../helper.js';

const posix = process.platform !== 'win32';
const mode = (path: string) => statSync(path).mode & 0o777;
const PRIVATE_KEYS = [KEY_FILES.logSigner, KEY_FILES.jwtPrivate, KEY_FILES.sealingPrivate];
const message = { messageId: 'M-1', kind: 'call' as const, channel: 'sms' as const, to: '13912340001', text: '通知', responseUrl: null, expiresAt: null };

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'expert-draw-modes-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Opens a service on `root` (SQLite, development keys), writes to its store and log, and closes it. */
async function run(): Promise<void> {
  const t = await build({ EXPERT_DRAW_DATA_DIR: join(root, 'data'), EXPERT_DRAW_KEYS_DIR: join(root, 'keys'), EXPERT_DRAW_STORE: 'sqlite' });
  try {
    const res = await t.app.inject({ method: 'PUT', url: '/v1/organisations/91350100M000100Y43', headers: t.auth('admin'), payload: { name: '某某公司' } });
    expect(res.statusCode, res.body).toBe(200);
    // While the database is open its -wal and -shm exist.
    const db = join(root, 'data', SQLITE_FILE);
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}.leases`, `${db}.leases-wal`, `${db}.leases-shm`]) expect(mode(f), f).toBe(0o600);
  } finally {
    await t.close().catch(() => undefined);
  }
}

describe.runIf(posix)('modes of what the service writes', () => {
  it('a fresh folder: data and keys folders 0700, database files and private keys 0600', async () => {
    await run();
    expect(mode(join(root, 'data'))).toBe(0o700);
    expect(mode(join(root, 'keys'))).toBe(0o700);
    for (const f of readdirSync(join(root, 'data'))) expect(mode(join(root, 'data', f)), f).toBe(0o600);
    for (const f of PRIVATE_KEYS) expect(mode(join(root, 'keys', f)), f).toBe(0o600);
  });

  it('tightens a looser folder, database and keys left by an earlier run', async () => {
    await run();
    const db = join(root, 'data', SQLITE_FILE);
    chmodSync(join(root, 'data'), 0o755);
    chmodSync(join(root, 'keys'), 0o755);
    for (const f of readdirSync(join(root, 'data'))) chmodSync(join(root, 'data', f), 0o644);
    for (const f of PRIVATE_KEYS) chmodSync(join(root, 'keys', f), 0o644);
    // A -wal and -shm left over with a loose mode are tightened too (SQLite would keep using them).
    for (const f of [`${db}-wal`, `${db}-shm`]) if (!existsSync(f)) writeFileSync(f, '', { mode: 0o644 });
    await run();
    expect(mode(join(root, 'data'))).toBe(0o700);
    expect(mode(join(root, 'keys'))).toBe(0o700);
    for (const f of readdirSync(join(root, 'data'))) expect(mode(join(root, 'data', f)), f).toBe(0o600);
    for (const f of PRIVATE_KEYS) expect(mode(join(root, 'keys', f)), f).toBe(0o600);
  });

  it('keys generate: a new folder 0700, private keys 0600', () => {
    const files = generateKeys(join(root, 'new', 'keys'), 'expert-draw.test/log');
    expect(mode(join(root, 'new', 'keys'))).toBe(0o700);
    for (const f of PRIVATE_KEYS) expect(files).toContain(join(root, 'new', 'keys', f));
    for (const f of PRIVATE_KEYS) expect(mode(join(root, 'new', 'keys', f))).toBe(0o600);
  });

  it('the development calls file: 0600 in a new 0700 folder, and a loose one tightened at start', async () => {
    const path = join(root, 'calls', 'calls.jsonl');
    await new FileAdapter({ path }).deliver(message);
    expect(mode(join(root, 'calls'))).toBe(0o700);
    expect(mode(path)).toBe(0o600);
    mkdirSync(join(root, 'old'));
    const loose = join(root, 'old', 'calls.jsonl');
    writeFileSync(loose, '', { mode: 0o644 });
    chmodSync(loose, 0o644);
    new FileAdapter({ path: loose });
    expect(mode(loose)).toBe(0o600);
  });
});
