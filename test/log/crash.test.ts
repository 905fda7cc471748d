// Crash test: a child appends under concurrent load and is SIGKILLed at random moments (and, for Redis, the server
// itself is SIGKILLed and restarted); every acknowledged append must be present, no entry partial, the log verifying.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { leafHash } from '../../src/log/entry.js';
import { verifyLog } from '../../src/log/verify.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { startRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { sqliteTestStore, testKeys, TEST_ORIGIN } from '../helpers/log.js';

const keys = testKeys();
const KILLS = 20;

interface Run {
  acks: Map<number, string>;
  /** Resolves once the child has acknowledged at least one append. */
  firstAck: Promise<void>;
  exited: Promise<number | null>;
  kill(): void;
}

function runWriter(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/log/crash-writer.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks = new Map<number, string>();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let onFirst: () => void;
  const firstAck = new Promise<void>((r) => (onFirst = r));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [word, index, hash] = line.split(' ');
    if (word === 'ack') {
      acks.set(Number(index), hash!);
      onFirst();
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      // A child that dies on its own (not our SIGKILL) is a failure worth seeing.
      if (code !== null && code !== 0) resolve(Promise.reject(new Error(`writer exited ${code}: ${stderr}`)) as never);
      else resolve(code);
      onFirst();
    }),
  );
  return { acks, firstAck, exited, kill: () => child.kill('SIGKILL') };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function checkAcks(store: Store, acks: Map<number, string>): Promise<void> {
  const size = await store.logSize();
  for (const [index, hash] of acks) {
    expect(index).toBeLessThan(size);
    const [entry] = await store.readEntries(index, index + 1);
    expect(leafHash(entry!).toString('hex')).toBe(hash);
  }
}

describe('crash safety', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it(`SQLite: ${KILLS} SIGKILLs of a loaded writer lose no acknowledged append`, async () => {
    const t = await sqliteTestStore();
    cleanups.push(() => t.dispose());
    let acked = 0;
    for (let k = 0; k < KILLS; k++) {
      const run = runWriter(['sqlite', t.file, keys.signerKey, TEST_ORIGIN]);
      await run.firstAck;
      await pause(20 + Math.random() * 250);
      run.kill();
      await run.exited;
      expect(run.acks.size).toBeGreaterThan(0);
      const store = new SqliteStore({ file: t.file });
      await checkAcks(store, run.acks);
      await store.close();
      acked += run.acks.size;
    }
    const report = await verifyLog({ store: t.store, verifier: keys.verifier, origin: TEST_ORIGIN });
    console.info(`sqlite crash test: ${KILLS} kills, ${acked} acknowledged appends, ${report.size} entries, ${report.checkpoints} checkpoints`);
    expect(report.failure).toBeNull();
    expect(report.size).toBeGreaterThanOrEqual(acked);
    // Checkpoints keep coming under continuous load (every 50 ms in the writer).
    expect(report.checkpoints).toBeGreaterThanOrEqual(KILLS);
  }, 240_000);

  it(`Redis (appendfsync always): ${KILLS} writer kills and 5 server kills lose no acknowledged append`, async () => {
    let redis: PrivateRedis = await startRedis({ aof: true });
    cleanups.push(() => redis.stop());
    const prefix = 'crash:';
    const acks = new Map<number, string>();
    for (let k = 0; k < KILLS + 5; k++) {
      const run = runWriter(['redis', redis.url, prefix, keys.signerKey, TEST_ORIGIN]);
      await run.firstAck;
      await pause(20 + Math.random() * 250);
      if (k % 5 === 4) {
        // Kill the server under load first: the writer's in-flight appends fail, acknowledged ones must survive.
        await redis.kill();
        run.kill();
        await run.exited.catch(() => null);
        redis = await redis.restart();
      } else {
        run.kill();
        await run.exited;
      }
      expect(run.acks.size).toBeGreaterThan(0);
      for (const [i, h] of run.acks) acks.set(i, h);
      const store = await RedisStore.open({ connection: { url: redis.url }, prefix, requireDurable: true });
      await checkAcks(store, run.acks);
      await store.close();
    }
    const store = await RedisStore.open({ connection: { url: redis.url }, prefix, requireDurable: true });
    await checkAcks(store, acks);
    const report = await verifyLog({ store, verifier: keys.verifier, origin: TEST_ORIGIN });
    await store.close();
    console.info(`redis crash test: ${KILLS} writer kills, 5 server kills, ${acks.size} acknowledged appends, ${report.size} entries, ${report.checkpoints} checkpoints`);
    expect(report.failure).toBeNull();
    expect(report.size).toBeGreaterThanOrEqual(acks.size);
    expect(report.checkpoints).toBeGreaterThanOrEqual(KILLS);
  }, 240_000);
});
