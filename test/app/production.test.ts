// Production mode refuses at start what is right on a developer's machine and would hurt a trading centre, each time
// saying what to set: the file call adapter, a public URL experts cannot open, the default log origin, development
// keys, a signer key named for another log, a Redis that does not persist every write, NODE_ENV=production without the
// service's own switch. A complete production configuration starts.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { generateKeys } from '../../src/instance-keys.js';
import { openContext } from '../../src/open-context.js';
import { hasRedisServer, startRedis } from '../helpers/redis-server.js';

const dir = mkdtempSync(join(tmpdir(), 'expert-draw-production-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORIGIN = 'draw.example-centre.gov.cn/log';
/** A complete production configuration on SQLite, with keys generated for its origin the way the README says. */
const prodKeys = join(dir, 'prod-keys');
generateKeys(prodKeys, ORIGIN);
const production = (extra: Record<string, string> = {}) => ({
  EXPERT_DRAW_MODE: 'production',
  EXPERT_DRAW_DATA_DIR: join(dir, 'data'),
  EXPERT_DRAW_KEYS_DIR: prodKeys,
  EXPERT_DRAW_LOG_ORIGIN: ORIGIN,
  EXPERT_DRAW_PUBLIC_URL: 'https://draw.example-centre.gov.cn',
  EXPERT_DRAW_CALL_ADAPTER: 'webhook',
  EXPERT_DRAW_CALL_WEBHOOK_URL: 'https://sms-gateway.example-centre.gov.cn/calls',
  EXPERT_DRAW_CALL_WEBHOOK_SECRET: 'ab'.repeat(32),
  ...extra,
});

/** The start's error message for a configuration, or null when it opens. */
async function refusal(env: Record<string, string>): Promise<string | null> {
  try {
    const opened = await openContext(loadConfig(env));
    await opened.close();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('production mode', () => {
  it('starts with a complete production configuration', async () => {
    expect(await refusal(production())).toBeNull();
  });

  it('refuses the file call adapter, saying to configure the webhook', async () => {
    const { EXPERT_DRAW_CALL_ADAPTER: _, ...rest } = production();
    expect(await refusal(rest)).toMatch(/EXPERT_DRAW_CALL_ADAPTER: the file adapter writes experts' phone numbers to a local file .*set EXPERT_DRAW_CALL_ADAPTER=webhook with EXPERT_DRAW_CALL_WEBHOOK_URL and EXPERT_DRAW_CALL_WEBHOOK_SECRET/);
  });

  it('refuses a public URL that is the default, on loopback or not https, saying what to set', async () => {
    const { EXPERT_DRAW_PUBLIC_URL: _, ...unset } = production();
    // Unset, the links would follow the listener.
    expect(await refusal(unset)).toMatch(/EXPERT_DRAW_PUBLIC_URL: unset, the answer links would point at the listener: set EXPERT_DRAW_PUBLIC_URL to the service's public https address/);
    for (const env of [production({ EXPERT_DRAW_PUBLIC_URL: 'https://localhost:8443' }), production({ EXPERT_DRAW_PUBLIC_URL: 'https://[::1]' }), production({ EXPERT_DRAW_PUBLIC_URL: 'http://draw.example-centre.gov.cn' })]) {
      expect(await refusal(env)).toMatch(/EXPERT_DRAW_PUBLIC_URL: \S+ is not an address experts can open from their phones: set EXPERT_DRAW_PUBLIC_URL to the service's public https address/);
    }
  });

  it('refuses the default log origin, saying to name this deployment\'s log', async () => {
    const { EXPERT_DRAW_LOG_ORIGIN: _, ...rest } = production();
    expect(await refusal(rest)).toMatch(/EXPERT_DRAW_LOG_ORIGIN: expert-draw\.localhost\/log is the development default: set EXPERT_DRAW_LOG_ORIGIN to this deployment's own log name/);
  });

  it('refuses the first-run policy and any policy whose calls cannot be answered before bid opening, saying what to set', async () => {
    const firstRun = new URL('../../docs/first-run-policy.json', import.meta.url).pathname;
    const message = await refusal(production({ EXPERT_DRAW_POLICY_FILE: firstRun }));
    expect(message).toContain(`refusing to start in production mode: the policy file ${firstRun}: leadTimeMinutes 2 is for a first run`);
    expect(message).toContain('responseDeadlineMinutes 1 gives experts no time to read and answer their call: set it to 5 or more');
    // The same file starts a development instance, which is what it is for.
    expect(await refusal({ ...production(), EXPERT_DRAW_MODE: 'development', EXPERT_DRAW_POLICY_FILE: firstRun, EXPERT_DRAW_DATA_DIR: join(dir, 'first-run-data') })).toBeNull();
    const tight = join(dir, 'tight-policy.json');
    writeFileSync(tight, JSON.stringify({ leadTimeMinutes: 20, responseDeadlineMinutes: 30 }));
    expect(await refusal(production({ EXPERT_DRAW_POLICY_FILE: tight }))).toMatch(/leadTimeMinutes 20 is shorter than responseDeadlineMinutes 30 and the minute before bid opening when calls end: the first calls could not be answered before bid opening/);
    // As long as the deadline: the first calls would end at the minute calls stop, with no time to answer.
    const edge = join(dir, 'edge-policy.json');
    writeFileSync(edge, JSON.stringify({ leadTimeMinutes: 20, responseDeadlineMinutes: 20 }));
    expect(await refusal(production({ EXPERT_DRAW_POLICY_FILE: edge }))).toMatch(/leadTimeMinutes 20 is shorter than responseDeadlineMinutes 20 and the minute/);
    const centre = join(dir, 'centre-policy.json');
    writeFileSync(centre, JSON.stringify({ leadTimeMinutes: 30, responseDeadlineMinutes: 10 }));
    expect(await refusal(production({ EXPERT_DRAW_POLICY_FILE: centre }))).toBeNull();
  });

  it('refuses a log signer key named for another origin, naming both and what to set', async () => {
    const other = join(dir, 'other-keys');
    generateKeys(other, 'draw.other-centre.gov.cn/log');
    const message = await refusal(production({ EXPERT_DRAW_KEYS_DIR: other }));
    expect(message).toContain(`the log signer key in ${join(other, 'log-signer.key')} is named draw.other-centre.gov.cn/log but EXPERT_DRAW_LOG_ORIGIN is ${ORIGIN}: set EXPERT_DRAW_LOG_ORIGIN=draw.other-centre.gov.cn/log`);
  });

  it('refuses a signer key named for the development origin, saying to make production keys (not to take that origin)', async () => {
    const devOrigin = join(dir, 'dev-origin-keys');
    generateKeys(devOrigin, 'expert-draw.localhost/log');
    const message = await refusal(production({ EXPERT_DRAW_KEYS_DIR: devOrigin }));
    expect(message).toContain(`the log signer key in ${join(devOrigin, 'log-signer.key')} is named for the development origin expert-draw.localhost/log: create a production key set with \`expert-draw keys generate --dir <new folder> --origin ${ORIGIN}\``);
    expect(message).not.toContain('set EXPERT_DRAW_LOG_ORIGIN=expert-draw.localhost/log');
  });

  it('refuses keys that a development start generated, saying how to make production keys', async () => {
    const devKeys = join(dir, 'dev-keys');
    // A development start on the same origin makes its own keys (and marks them).
    expect(await refusal({ ...production(), EXPERT_DRAW_MODE: 'development', EXPERT_DRAW_KEYS_DIR: devKeys, EXPERT_DRAW_DATA_DIR: join(dir, 'dev-data') })).toBeNull();
    const message = await refusal(production({ EXPERT_DRAW_KEYS_DIR: devKeys }));
    expect(message).toMatch(/refusing to start in production mode: the keys in \S+dev-keys were generated by a development start \(DEVELOPMENT-KEYS\.txt\); create a production key set on a secure machine with `expert-draw keys generate --dir <new folder> --origin draw\.example-centre\.gov\.cn\/log`/);
  });

  // Only root can give a file to another user; CI runs as root.
  it.runIf(process.getuid?.() === 0)('refuses a private key another user owns and left readable by others, saying whose it should be', async () => {
    const shared = join(dir, 'shared-keys');
    cpSync(prodKeys, shared, { recursive: true });
    const sealing = join(shared, 'sealing.pem');
    chownSync(sealing, 12345, 12345);
    chmodSync(sealing, 0o644);
    const message = await refusal(production({ EXPERT_DRAW_KEYS_DIR: shared }));
    expect(message).toContain(`the private key ${sealing} is readable by others (mode 0644, owner uid 12345): make it belong to the service's user (uid 0) with mode 0600 (chown, chmod 600)`);
    // The start changed nothing of a file it does not own; one it owns it tightens, and starts.
    expect(statSync(sealing).mode & 0o777).toBe(0o644);
    chownSync(sealing, 0, 0);
    expect(await refusal(production({ EXPERT_DRAW_KEYS_DIR: shared }))).toBeNull();
    expect(statSync(sealing).mode & 0o777).toBe(0o600);
  });

  it.runIf(hasRedisServer())('refuses a Redis without AOF and appendfsync always, saying how to start it', async () => {
    const redis = await startRedis({ aof: false });
    try {
      const message = await refusal(production({ EXPERT_DRAW_STORE: 'redis', REDIS_URL: redis.url }));
      expect(message).toMatch(/Redis is not durable \(appendonly no, appendfsync \w+\).*Start redis-server with --appendonly yes --appendfsync always/);
      expect(await refusal(production({ EXPERT_DRAW_STORE: 'redis', REDIS_URL: redis.url, EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: 'true' }))).toMatch(/EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: not allowed in production mode/);
    } finally {
      await redis.stop();
    }
  });

  it('refuses NODE_ENV=production without EXPERT_DRAW_MODE instead of starting a development instance', () => {
    const { EXPERT_DRAW_MODE: _, ...rest } = production();
    expect(() => loadConfig({ ...rest, NODE_ENV: 'production' })).toThrow(/EXPERT_DRAW_MODE: NODE_ENV is production but EXPERT_DRAW_MODE is not set: set EXPERT_DRAW_MODE=production/);
    expect(loadConfig({ ...rest, NODE_ENV: 'production', EXPERT_DRAW_MODE: 'development' }).EXPERT_DRAW_MODE).toBe('development');
  });

  it('lists every refusal at once when the server is started, and exits 1', () => {
    const env = { ...process.env, EXPERT_DRAW_MODE: 'production', EXPERT_DRAW_KEYS_DIR: prodKeys, EXPERT_DRAW_DATA_DIR: join(dir, 'data'), EXPERT_DRAW_PORT: '0', EXPERT_DRAW_METRICS_PORT: 'off' };
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(run.status).toBe(1);
    for (const variable of ['EXPERT_DRAW_CALL_ADAPTER', 'EXPERT_DRAW_PUBLIC_URL', 'EXPERT_DRAW_LOG_ORIGIN']) expect(run.stderr).toMatch(new RegExp(`^  ${variable}: `, 'm'));
  });
});

describe('a start against a Redis that is not there', () => {
  it('waits for it a while, then ends, naming the setting; and takes a Redis that comes up meanwhile', async () => {
    const { freePort } = await import('../helpers/redis-server.js');
    const port = await freePort();
    const development = { EXPERT_DRAW_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${port}`, EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE: 'true', EXPERT_DRAW_KEYS_DIR: join(dir, 'redis-keys'), EXPERT_DRAW_REDIS_PREFIX: `start-${process.pid}:` };
    const started = Date.now();
    const message = await refusal({ ...development, EXPERT_DRAW_REDIS_CONNECT_TIMEOUT_S: '2' });
    expect(message).toMatch(new RegExp(`^cannot reach the store:\\n  REDIS_URL: Redis not reachable within 2 s: .*\\(is Redis running there\\?`));
    expect(Date.now() - started).toBeLessThan(10_000);
    if (!hasRedisServer()) return;
    // Redis starting a moment after the service: the start waits for it.
    const late = new Promise<Awaited<ReturnType<typeof startRedis>>>((resolve, reject) => setTimeout(() => startRedis({ aof: false, port }).then(resolve, reject), 1500));
    try {
      expect(await refusal({ ...development, EXPERT_DRAW_REDIS_CONNECT_TIMEOUT_S: '20' })).toBeNull();
    } finally {
      await (await late).stop();
    }
  }, 60_000);
});

describe('a data or keys folder that cannot be one', () => {
  it('stops the start naming the setting, not with a bare file-system error', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const data = await refusal({ EXPERT_DRAW_DATA_DIR: file, EXPERT_DRAW_KEYS_DIR: join(dir, 'folder-keys') });
    expect(data).toMatch(/^cannot keep the store there:\n  EXPERT_DRAW_DATA_DIR: .*a-file cannot be the data folder \((EEXIST|ENOTDIR)/);
    const keys = await refusal({ EXPERT_DRAW_DATA_DIR: join(dir, 'folder-data'), EXPERT_DRAW_KEYS_DIR: file });
    expect(keys).toMatch(/^cannot use the keys folder:\n  EXPERT_DRAW_KEYS_DIR: .*a-file \((EEXIST|ENOTDIR)/);
  });
});
