// The Redis adapter against the conformance suite on the machine's Redis, and its persistence check.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LogLengthMismatchError, RedisNotDurableError, RedisStore } from '../../src/store/redis-store.js';
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

describe('RedisStore while its server restarts', () => {
  let server: PrivateRedis;
  beforeAll(async () => {
    server = await startRedis({ aof: true });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.stop();
  });

  it('every client it makes, the blocking reader too, handles error events: nothing prints "Unhandled error event"', async () => {
    // duplicate() copies a client's options, not its listeners: catch each client the store makes that way.
    const duplicates: Redis[] = [];
    const original = Redis.prototype.duplicate;
    const duplicate = vi.spyOn(Redis.prototype, 'duplicate').mockImplementation(function (this: Redis, ...args: Parameters<Redis['duplicate']>) {
      const client = original.apply(this, args);
      duplicates.push(client);
      return client;
    });
    const printed = vi.spyOn(console, 'error');
    const store = await RedisStore.open({ connection: { url: server.url }, requireDurable: false });
    // A blocking read gets a connection of its own.
    await store.readChanges('', 10, 20);
    expect(duplicates).toHaveLength(1);
    const reader = duplicates[0]!;
    expect(reader.listenerCount('error')).toBeGreaterThan(0);
    // The server dies: the reader's reconnect attempts fail, each an error event.
    // ioredis reports connection errors through silentEmit, which prints them when no listener is there.
    const errors = vi.spyOn(reader as unknown as { silentEmit(event: string, arg: unknown): boolean }, 'silentEmit');
    await server.kill();
    for (const start = Date.now(); !errors.mock.calls.some(([event]) => event === 'error'); await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() - start > 10_000) throw new Error('the reader never saw the server go');
    }
    expect(printed.mock.calls.filter((args) => String(args[0]).includes('Unhandled error event'))).toEqual([]);
    // Back up: the store reads again.
    server = await server.restart();
    expect(await store.readChanges('', 10, 20)).toMatchObject({ changes: [] });
    await store.close();
    duplicate.mockRestore();
    printed.mockRestore();
  }, 30_000);
});

describe('RedisStore change feed', () => {
  it('puts only the followed collections on the change feed when told which, and still writes every record', async () => {
    const store = await RedisStore.open({ connection: { url: REDIS_URL }, prefix: `test:${randomBytes(6).toString('hex')}:`, requireDurable: false, feed: ['selections'] });
    try {
      const v = Buffer.from('v');
      await store.appendLog({ ...batchOf(0, 1), writes: [{ collection: 'outbox', key: 'M1', value: v }, { collection: 'selections', key: 'D1', value: v }, { collection: 'rosters', key: 'D1', value: v }] });
      // A removal of a followed record is a change too; one of another collection is not.
      await store.appendLog({ ...batchOf(1, 1), writes: [{ collection: 'rosters', key: 'D1', value: null }, { collection: 'selections', key: 'D2', value: v }] });
      expect((await store.readChanges('', 100)).changes).toEqual([
        { collection: 'selections', key: 'D1' },
        { collection: 'selections', key: 'D2' },
      ]);
      expect((await store.getRecords('outbox', ['M1']))[0]?.toString()).toBe('v');
      expect((await store.getRecords('rosters', ['D1']))[0]).toBeNull();
      expect(await store.logSize()).toBe(2);
    } finally {
      await store.destroy();
      await store.close();
    }
  });
});

describe('RedisStore log length', () => {
  it('refuses to append when the size key and the list of entries disagree, and writes nothing', async () => {
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const store = await RedisStore.open({ connection: { url: REDIS_URL }, prefix, requireDurable: false });
    const redis = new Redis(REDIS_URL);
    try {
      await store.appendLog(batchOf(0, 3));
      // A size set back by hand (or a list restored without it): the next append would land at index 3, not 2.
      await redis.set(`${prefix}{log}:size`, '2');
      await expect(store.appendLog({ ...batchOf(2, 1), writes: [{ collection: 'experts', key: 'E1', value: Buffer.from('x') }] })).rejects.toBeInstanceOf(LogLengthMismatchError);
      expect(await redis.llen(`${prefix}{log}:entries`)).toBe(3);
      expect(await store.logSize()).toBe(2);
      expect((await store.getRecords('experts', ['E1']))[0]).toBeNull();
    } finally {
      redis.disconnect();
      await store.destroy();
      await store.close();
    }
  });
});
