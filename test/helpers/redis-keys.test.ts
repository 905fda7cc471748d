// Tests leave nothing in the shared Redis: build() deletes its prefix once the last instance on it has closed, and the
// pattern it deletes by never reaches another prefix.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePool, syntheticPersonal } from '../../src/pool/generator.js';
import { build } from '../helper.js';
import { deleteRedisKeys, prefixPattern, redisKeys, SHARED_REDIS_URL } from './redis-keys.js';

const stray = `test:${randomBytes(6).toString('hex')}:`;
afterAll(async () => {
  await deleteRedisKeys(stray);
  await deleteRedisKeys(`${stray}*`);
});

describe('Redis keys of tests', () => {
  it('are deleted when the last of two instances on a prefix closes, whichever closes first', async () => {
    const a = await build({ EXPERT_DRAW_STORE: 'redis' });
    const b = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX });
    const prefix = a.config.EXPERT_DRAW_REDIS_PREFIX;
    const pool = generatePool({ size: 5, seed: 'redis-keys' });
    await a.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
    expect((await redisKeys(prefix)).length).toBeGreaterThan(3);
    // The instance that made the prefix closes first: the other still reads it.
    await a.close();
    expect(await b.ctx.store.logSize()).toBeGreaterThan(0);
    await b.close();
    expect(await redisKeys(prefix)).toEqual([]);
  });

  it('match only their own prefix, even one holding glob characters', async () => {
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      await redis.set(`${stray}kept`, '1');
      await redis.set(`${stray}*:gone`, '1');
      expect(prefixPattern('a*b?[c]:')).toBe('a\\*b\\?\\[c\\]:*');
      expect(() => prefixPattern('')).toThrow(/every key/);
      expect(await deleteRedisKeys(`${stray}*`)).toBe(1);
      expect(await redis.exists(`${stray}kept`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
