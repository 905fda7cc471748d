// Opens the configured store: SQLite under the data folder, or Redis by URL, Sentinel or Cluster.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { RedisStore, RedisUnreachableError, type RedisConnection } from './redis-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export const SQLITE_FILE = 'expert-draw.db';
/**
 * What every instance follows on the store's change feed: the selection history and its withdrawals (frequency caps), the pool (experts
 * and its version) and login sessions (a logout on one instance must reach the others). Other record writes skip the
 * feed, on SQLite and on Redis alike: all instances run this code, so none follows anything else.
 */
export const FOLLOWED_FEED = ['selections', 'selection-withdrawals', 'experts', 'meta', 'sessions'] as const;

export function redisConnection(config: Config): RedisConnection {
  if (config.EXPERT_DRAW_REDIS_CLUSTER) return { cluster: config.EXPERT_DRAW_REDIS_CLUSTER, password: config.EXPERT_DRAW_REDIS_PASSWORD };
  if (config.EXPERT_DRAW_REDIS_SENTINELS) {
    return { sentinels: config.EXPERT_DRAW_REDIS_SENTINELS, name: config.EXPERT_DRAW_REDIS_SENTINEL_NAME!, password: config.EXPERT_DRAW_REDIS_PASSWORD };
  }
  return { url: config.REDIS_URL };
}

/**
 * A data folder that cannot be made, read or written (a file's path, no permission, a read-only disk), said as the
 * setting to change; any other error as it is.
 */
export function dataFolderError(config: Config, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT') {
    return new Error(`cannot keep the store there:\n  EXPERT_DRAW_DATA_DIR: ${config.EXPERT_DRAW_DATA_DIR} cannot be the data folder (${(err as Error).message}): set it to a folder this user may create and write`);
  }
  return err;
}

/**
 * No SQLite database in the data folder yet: no file, or one of zero bytes (opening it would write a new database
 * into it). A data folder that is a file, or cannot be read, is said as the setting (dataFolderError).
 */
export function sqliteAbsentOrEmpty(config: Config): boolean {
  try {
    return statSync(join(config.EXPERT_DRAW_DATA_DIR, SQLITE_FILE)).size === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw dataFolderError(config, err);
  }
}

export async function openStore(config: Config, connectTimeoutMs?: number): Promise<Store> {
  if (config.EXPERT_DRAW_STORE === 'sqlite') {
    try {
      return new SqliteStore({ file: join(config.EXPERT_DRAW_DATA_DIR, SQLITE_FILE), feed: FOLLOWED_FEED, backgroundCheckpoint: true });
    } catch (err) {
      throw dataFolderError(config, err);
    }
  }
  try {
    return await RedisStore.open({
      connection: redisConnection(config),
      prefix: config.EXPERT_DRAW_REDIS_PREFIX,
      requireDurable: !config.EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE,
      feed: FOLLOWED_FEED,
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    });
  } catch (err) {
    if (!(err instanceof RedisUnreachableError)) throw err;
    // Said as a configuration problem, naming the variable that points at the server; the process ends (non-zero), so
    // that a service manager restarts it once Redis is up.
    const variable = config.EXPERT_DRAW_REDIS_CLUSTER ? 'EXPERT_DRAW_REDIS_CLUSTER' : config.EXPERT_DRAW_REDIS_SENTINELS ? 'EXPERT_DRAW_REDIS_SENTINELS' : 'REDIS_URL';
    throw new Error(`cannot reach the store:\n  ${variable}: ${err.message} (is Redis running there? check the address, the port and the password)`);
  }
}
