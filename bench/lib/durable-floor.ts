// The store's own durable-write floor: the smallest write each store makes durable, measured next to the service on the
// same SQLite file or Redis server, so that "within X of the store" compares like with like in one run.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Redis } from 'ioredis';

/** How the floor is written, as the result files describe it. */
export const SQLITE_FLOOR_SQL = 'INSERT INTO bench_floor (v) VALUES (?) -- 16-byte blob, autocommit';
export const REDIS_FLOOR_COMMAND = 'SET bench:floor:<n> <16 bytes> on its own connection';

export interface DurableFloor {
  /** One tiny write, resolved (SQLite: returned) only once it is durable. */
  write(): Promise<void> | void;
}

/**
 * One 16-byte single-row INSERT per transaction into `bench_floor` of the given database (created if missing). With
 * WAL and synchronous=FULL, each run() commits and fsyncs the WAL before it returns.
 */
export function sqliteFloor(db: Database.Database): DurableFloor {
  db.exec('CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, v BLOB NOT NULL)');
  const stmt = db.prepare<[Buffer]>('INSERT INTO bench_floor (v) VALUES (?)');
  const tiny = randomBytes(16);
  // Autocommit: each run() is its own transaction, committed (WAL fsynced) before it returns.
  return { write: () => void stmt.run(tiny) };
}

/**
 * One SET of 16 bytes on `client`, a connection of its own to the server under test: with `appendfsync always` the
 * reply comes after the AOF write is fsynced. Keys cycle over 1024 names so the floor leaves little behind.
 */
export function redisFloor(client: Redis): DurableFloor {
  const tiny = randomBytes(16);
  let seq = 0;
  return {
    async write() {
      await client.set(`bench:floor:${seq++ % 1024}`, tiny);
    },
  };
}
