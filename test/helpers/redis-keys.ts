// Keys that tests leave in the shared Redis (127.0.0.1:6379): every test deletes its own prefix when it finishes,
// never a pattern wider than that prefix (other people's runs share the server).
import { Redis } from 'ioredis';

export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The prefix as a SCAN MATCH pattern that matches only itself followed by anything. */
export function prefixPattern(prefix: string): string {
  if (prefix === '') throw new Error('refusing to match every key of the server');
  return `${prefix.replace(/[\\*?[\]^]/g, (c) => `\\${c}`)}*`;
}

/** Every key under `prefix` on the server at `url`. */
export async function redisKeys(prefix: string, url = SHARED_REDIS_URL): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', prefixPattern(prefix), 'COUNT', 1000);
      cursor = next;
      out.push(...keys);
    } while (cursor !== '0');
    return out;
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix` (what the service, its child processes and the test wrote there). */
export async function deleteRedisKeys(prefix: string, url = SHARED_REDIS_URL): Promise<number> {
  const keys = await redisKeys(prefix, url);
  if (keys.length === 0) return 0;
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
    return keys.length;
  } finally {
    redis.disconnect();
  }
}

/** Instances of this process per server and prefix. */
const users = new Map<string, number>();

/**
 * Counts the instances of this process that use a prefix; the last one to let go deletes its keys. Instances that
 * share a prefix (two services on one Redis) may close in any order, and none deletes what another still reads.
 */
export function holdPrefix(prefix: string, url = SHARED_REDIS_URL): () => Promise<void> {
  const key = `${url} ${prefix}`;
  users.set(key, (users.get(key) ?? 0) + 1);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const left = (users.get(key) ?? 1) - 1;
    if (left > 0) {
      users.set(key, left);
      return;
    }
    users.delete(key);
    await deleteRedisKeys(prefix, url);
  };
}
