// The Redis adapter on a real three-master Cluster: every log key shares one hash tag, so the Lua scripts run on one
// slot; the conformance suite and the audit log must behave exactly as on a single server.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/log/audit-log.js';
import { verifyLog } from '../../src/log/verify.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { startRedisCluster } from '../helpers/redis-server.js';
import { testKeys, TEST_ORIGIN } from '../helpers/log.js';
import { storeConformance } from './conformance.js';

let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const open = () => RedisStore.open({ connection: { cluster: cluster.nodes }, prefix: `test:${randomBytes(6).toString('hex')}:`, requireDurable: true });

storeConformance('redis cluster', open, async (store) => {
  await (store as RedisStore).destroy();
  await store.close();
});

describe('AuditLog on a Redis Cluster', () => {
  it('appends, checkpoints and verifies', async () => {
    const store = await open();
    const keys = testKeys();
    const log = await AuditLog.open({ store, signer: keys.signer, verifier: keys.verifier });
    await Promise.all(Array.from({ length: 300 }, (_, i) => log.append('test.cluster', { i })));
    await log.close();
    expect(await verifyLog({ store, verifier: keys.verifier, origin: TEST_ORIGIN })).toMatchObject({ ok: true, size: 300 });
    await store.destroy();
    await store.close();
  });
});
