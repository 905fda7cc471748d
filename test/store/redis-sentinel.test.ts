// The Redis adapter through Sentinel: it asks the Sentinel for the master and passes the conformance suite there.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { RedisStore } from '../../src/store/redis-store.js';
import { startRedisSentinel } from '../helpers/redis-server.js';
import { storeConformance } from './conformance.js';

let sentinel: Awaited<ReturnType<typeof startRedisSentinel>>;
beforeAll(async () => {
  sentinel = await startRedisSentinel();
}, 30_000);
afterAll(async () => {
  await sentinel?.stop();
});

storeConformance(
  'redis via sentinel',
  () => RedisStore.open({ connection: { sentinels: sentinel.sentinels, name: sentinel.name }, prefix: `test:${randomBytes(6).toString('hex')}:`, requireDurable: true }),
  async (store) => {
    await (store as RedisStore).destroy();
    await store.close();
  },
);
