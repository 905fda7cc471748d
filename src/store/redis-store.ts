// Redis adapter (ioredis): standalone, Sentinel or Cluster. All log keys share one hash tag, so every multi-key
// change is one Lua script on one slot, also in a Cluster. Durable only with AOF and appendfsync always.
import { Redis, Cluster, type RedisOptions } from 'ioredis';
import { StoreConflictError, type LogBatch, type Store, type StoredCheckpoint } from './store.js';

/** How to reach Redis: one URL, a Sentinel group, or Cluster seed nodes. */
export type RedisConnection =
  | { readonly url: string }
  | { readonly sentinels: ReadonlyArray<{ host: string; port: number }>; readonly name: string; readonly password?: string }
  | { readonly cluster: ReadonlyArray<{ host: string; port: number }>; readonly password?: string };

export interface RedisStoreOptions {
  readonly connection: RedisConnection;
  /** Key prefix; the log's keys are `${prefix}{log}:…` (the braces are the Cluster hash tag). */
  readonly prefix?: string;
  /**
   * Refuse to start unless the server persists every write before answering (appendonly yes, appendfsync always).
   * On in production; development may run on a server that keeps nothing.
   */
  readonly requireDurable: boolean;
}

/** The server does not make writes durable before it answers. */
export class RedisNotDurableError extends Error {
  constructor(readonly found: { appendonly: string; appendfsync: string }) {
    super(
      `Redis is not durable (appendonly ${found.appendonly}, appendfsync ${found.appendfsync}): an acknowledged log entry could be lost. ` +
        'Start redis-server with --appendonly yes --appendfsync always (or CONFIG SET appendonly yes; CONFIG SET appendfsync always, then CONFIG REWRITE), ' +
        'or set EXPERT_DRAW_REDIS_ALLOW_NON_DURABLE=true for development only.',
    );
    this.name = 'RedisNotDurableError';
  }
}

// KEYS: size, entries, nodes. ARGV: start, entry count, entries…, then node field/hash pairs.
const APPEND_SCRIPT = `
local size = tonumber(redis.call('GET', KEYS[1]) or '0')
if size ~= tonumber(ARGV[1]) then return -1 - size end
local n = tonumber(ARGV[2])
local i = 3
while i <= 2 + n do
  local last = math.min(i + 999, 2 + n)
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, last))
  i = last + 1
end
while i <= #ARGV do
  local last = math.min(i + 999, #ARGV)
  redis.call('HSET', KEYS[3], unpack(ARGV, i, last))
  i = last + 1
end
redis.call('SET', KEYS[1], size + n)
return size + n
`;

// KEYS: checkpoint notes (hash size → note), checkpoint index (sorted set). ARGV: size, note.
const CHECKPOINT_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
return 1
`;

type Client = Redis | Cluster;
type ScriptClient = Client & {
  edAppend(size: string, entries: string, nodes: string, ...args: Array<string | Buffer | number>): Promise<number>;
  edCheckpoint(notes: string, index: string, size: number, note: string): Promise<number>;
};

export function connectRedis(connection: RedisConnection, extra: RedisOptions = {}): Client {
  let client: Client;
  if ('url' in connection) client = new Redis(connection.url, { lazyConnect: true, ...extra });
  else if ('sentinels' in connection) {
    client = new Redis({ sentinels: [...connection.sentinels], name: connection.name, password: connection.password, lazyConnect: true, ...extra });
  } else client = new Cluster([...connection.cluster], { lazyConnect: true, redisOptions: { password: connection.password, ...extra } });
  // Connection errors surface as rejected commands (and reconnects); the event itself needs a listener, not a crash.
  client.on('error', () => undefined);
  return client;
}

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  private readonly keys;

  private constructor(
    private readonly client: ScriptClient,
    prefix: string,
  ) {
    const tag = `${prefix}{log}`;
    this.keys = {
      size: `${tag}:size`,
      entries: `${tag}:entries`,
      nodes: `${tag}:nodes`,
      checkpoints: `${tag}:checkpoints`,
      checkpointIndex: `${tag}:checkpoint-index`,
    };
  }

  /** Connects, checks persistence, and loads the scripts. */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    const client = connectRedis(options.connection) as ScriptClient;
    await client.connect();
    client.defineCommand('edAppend', { numberOfKeys: 3, lua: APPEND_SCRIPT });
    client.defineCommand('edCheckpoint', { numberOfKeys: 2, lua: CHECKPOINT_SCRIPT });
    if (options.requireDurable) {
      const found = await persistenceOf(client);
      if (found.appendonly !== 'yes' || found.appendfsync !== 'always') {
        client.disconnect();
        throw new RedisNotDurableError(found);
      }
    }
    return new RedisStore(client, options.prefix ?? 'expert-draw:');
  }

  async appendLog(batch: LogBatch): Promise<void> {
    const args: Array<string | Buffer | number> = [batch.start, batch.entries.length, ...batch.entries];
    for (const n of batch.nodes) args.push(`${n.level}:${n.index}`, n.hash);
    const result = await this.client.edAppend(this.keys.size, this.keys.entries, this.keys.nodes, ...args);
    if (result < 0) throw new StoreConflictError(batch.start, -1 - result);
  }

  async logSize(): Promise<number> {
    return Number((await this.client.get(this.keys.size)) ?? 0);
  }

  async readEntries(start: number, end: number): Promise<Buffer[]> {
    if (end <= start) return [];
    const rows = await this.client.lrangeBuffer(this.keys.entries, start, end - 1);
    if (rows.length !== end - start) throw new Error(`log entries [${start}, ${end}) are not all stored`);
    return rows;
  }

  async readNodes(ids: ReadonlyArray<{ level: number; index: number }>): Promise<Buffer[]> {
    if (ids.length === 0) return [];
    const rows = await this.client.hmgetBuffer(this.keys.nodes, ...ids.map((n) => `${n.level}:${n.index}`));
    return rows.map((hash, i) => {
      if (!hash) throw new Error(`tree node ${ids[i]!.level}:${ids[i]!.index} is not stored`);
      return hash;
    });
  }

  async readNodeRange(level: number, start: number, end: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (let from = start; from < end; from += 10_000) {
      const ids = Array.from({ length: Math.min(10_000, end - from) }, (_, i) => ({ level, index: from + i }));
      out.push(...(await this.readNodes(ids)));
    }
    return out;
  }

  async putCheckpoint(checkpoint: StoredCheckpoint): Promise<void> {
    const stored = await this.client.edCheckpoint(this.keys.checkpoints, this.keys.checkpointIndex, checkpoint.size, checkpoint.note);
    if (stored !== 1) throw new Error(`a checkpoint for size ${checkpoint.size} is already stored`);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    const [size] = await this.client.zrevrange(this.keys.checkpointIndex, 0, 0);
    if (size === undefined) return null;
    const note = await this.client.hget(this.keys.checkpoints, size);
    if (note === null) throw new Error(`checkpoint ${size} is indexed but not stored`);
    return { size: Number(size), note };
  }

  async listCheckpoints(fromSize: number, limit: number): Promise<StoredCheckpoint[]> {
    const sizes = await this.client.zrangebyscore(this.keys.checkpointIndex, fromSize, '+inf', 'LIMIT', 0, limit);
    if (sizes.length === 0) return [];
    const notes = await this.client.hmget(this.keys.checkpoints, ...sizes);
    return sizes.map((s, i) => {
      const note = notes[i];
      if (note === null || note === undefined) throw new Error(`checkpoint ${s} is indexed but not stored`);
      return { size: Number(s), note };
    });
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** Deletes every key of this store's prefix (tests only). */
  async destroy(): Promise<void> {
    await this.client.del(...Object.values(this.keys));
  }
}

async function persistenceOf(client: Client): Promise<{ appendonly: string; appendfsync: string }> {
  const config = async (name: string) => {
    const reply = (await client.config('GET', name)) as string[];
    return reply[1] ?? 'unknown';
  };
  return { appendonly: await config('appendonly'), appendfsync: await config('appendfsync') };
}
