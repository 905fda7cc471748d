// The Redis adapter against the conformance suite on the machine's Redis, and its persistence check.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisNotDurableError, RedisStore } from '../../src/store/redis-store.js';
import { startRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { batchOf, storeConformance } from './conformance.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

storeConformance(
  'redis',
  () => RedisStore.open({ connection: { url: REDIS_URL }, prefix: `test:${randomBytes(6).toString('hex')}:`, requireDurable: false }),
  async (store) => {
    await (store as RedisStore).destroy();
    await store.close();
  },
);

describe('RedisStore persistence check', () => {
  let durable: PrivateRedis;
  let volatile: PrivateRedis;
  beforeAll(async () => {
    [durable, volatile] = await Promise.all([startRedis({ aof: true }), startRedis({ aof: false })]);
  });
  afterAll(async () => {
    await Promise.all([durable?.stop(), volatile?.stop()]);
  });

  it('refuses a server without AOF when durability is required, and says how to fix it', async () => {
    const err = await RedisStore.open({ connection: { url: volatile.url }, requireDurable: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisNotDurableError);
    expect((err as Error).message).toMatch(/--appendonly yes --appendfsync always/);
  });

  it('accepts the same server when durability is explicitly not required (development)', async () => {
    const store = await RedisStore.open({ connection: { url: volatile.url }, requireDurable: false });
    await store.ping();
    await store.close();
  });

  it('opens on an AOF server with appendfsync always, and an acknowledged append survives SIGKILL of the server', async () => {
    const store = await RedisStore.open({ connection: { url: durable.url }, requireDurable: true });
    await store.appendLog(batchOf(0, 3));
    store.close().catch(() => undefined);
    await durable.kill();
    durable = await durable.restart();
    const again = await RedisStore.open({ connection: { url: durable.url }, requireDurable: true });
    expect(await again.logSize()).toBe(3);
    expect((await again.readEntries(2, 3))[0]!.toString()).toBe('{"i":2,"t":"e"}');
    await again.close();
  });
});
