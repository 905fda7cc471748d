// Redis adapter (ioredis): standalone, Sentinel or Cluster. All log keys share one hash tag, so every multi-key
// change is one Lua script on one slot, also in a Cluster. Durable only with AOF and appendfsync always.
import { Redis, Cluster, type RedisOptions } from 'ioredis';
import { RecordConflictError, StoreConflictError, type LogBatch, type RecordChange, type Store, type StoredCheckpoint } from './store.js';

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
  /** How long a start waits for Redis to answer (default REDIS_CONNECT_TIMEOUT_MS). */
  readonly connectTimeoutMs?: number;
  /**
   * Collections whose changes go on the change feed (default: all). Every instance follows the same few (see
   * FOLLOWED_FEED in open-store.ts); a draw's result writes a dozen records that no instance reads back from it.
   */
  readonly feed?: readonly string[];
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

// KEYS: size, entries, nodes, changes stream, then the record hashes the batch touches. The size must be the start and
// the entries list that long (else nothing is written: -1, -3).
// ARGV: start, entry count, node-pair count, write count, expectation count, then entries, node field/hash pairs,
// writes (key index, collection or '' to keep it off the feed, field, present 0/1, value), expectations (key index,
// field, present 0/1, value).
const APPEND_SCRIPT = `
local size = tonumber(redis.call('GET', KEYS[1]) or '0')
if size ~= tonumber(ARGV[1]) then return {-1, size} end
local stored = redis.call('LLEN', KEYS[2])
if stored ~= size then return {-3, stored} end
local n, pairs, writes, expects = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local base = 6 + n + 2 * pairs
local e = base + 5 * writes
for j = 0, expects - 1 do
  local at = e + 4 * j
  local current = redis.call('HGET', KEYS[tonumber(ARGV[at])], ARGV[at + 1])
  if ARGV[at + 2] == '1' then
    if current ~= ARGV[at + 3] then return {-2, j} end
  elseif current then return {-2, j} end
end
local i = 6
while i < 6 + n do
  local last = math.min(i + 999, 5 + n)
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, last))
  i = last + 1
end
while i < base do
  local last = math.min(i + 999, base - 1)
  redis.call('HSET', KEYS[3], unpack(ARGV, i, last))
  i = last + 1
end
for j = 0, writes - 1 do
  local at = base + 5 * j
  local key = KEYS[tonumber(ARGV[at])]
  if ARGV[at + 3] == '1' then redis.call('HSET', key, ARGV[at + 2], ARGV[at + 4])
  else redis.call('HDEL', key, ARGV[at + 2]) end
  if ARGV[at + 1] ~= '' then redis.call('XADD', KEYS[4], 'MAXLEN', '~', '1000000', '*', 'c', ARGV[at + 1], 'k', ARGV[at + 2]) end
end
redis.call('SET', KEYS[1], size + n)
return {size + n, 0}
`;

/**
 * The log's size key and its list of entries disagree (the data was altered, or restored in part): an append would put
 * its entries at the list's end, not at their index, so none is made. The service reports the log unavailable.
 */
export class LogLengthMismatchError extends Error {
  constructor(
    readonly size: number,
    readonly stored: number,
  ) {
    super(`the log's size is ${size} but its list holds ${stored} entries: the Redis data was altered or restored in part; restore it from a backup`);
    this.name = 'LogLengthMismatchError';
  }
}

// KEYS: lease. ARGV: owner, ttl ms. Takes a free or own lease; 1 when held.
const LEASE_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

// KEYS: lease. ARGV: owner. Deletes the lease only if the owner holds it.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

// KEYS: checkpoint notes (hash size → note), checkpoint index (sorted set). ARGV: size, note.
const CHECKPOINT_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
return 1
`;

type Client = Redis | Cluster;
type ScriptClient = Client & {
  /** One array (numkeys, keys…, args…): ioredis flattens it, and a large import must not become one call's arguments. */
  edAppend(numberOfKeysKeysAndArgs: Array<string | Buffer | number>): Promise<[number, number]>;
  edCheckpoint(notes: string, index: string, size: number, note: string): Promise<number>;
  edLease(key: string, owner: string, ttlMs: number): Promise<number>;
  edRelease(key: string, owner: string): Promise<number>;
};

/**
 * Commands issued in one turn of the event loop go out as one write (ioredis's auto-pipelining), in the order issued,
 * each with its own answer: a burst's draws ask for leases, records and appends together, and Redis then reads them in
 * one go and, with appendfsync always, fsyncs once for all of them. Burst of two instances on Redis (stop 32, four
 * pairs alternating): 2.29–2.68 s without, 2.08–2.37 s with (median ×0.92), group commits refused 19–30 → 9–12.
 */
const PIPELINING = { enableAutoPipelining: true } as const;

export function connectRedis(connection: RedisConnection, extra: RedisOptions = {}): Client {
  let client: Client;
  if ('url' in connection) client = new Redis(connection.url, { lazyConnect: true, ...PIPELINING, ...extra });
  else if ('sentinels' in connection) {
    client = new Redis({ sentinels: [...connection.sentinels], name: connection.name, password: connection.password, lazyConnect: true, ...PIPELINING, ...extra });
  } else client = new Cluster([...connection.cluster], { lazyConnect: true, ...PIPELINING, redisOptions: { password: connection.password, ...extra } });
  return quiet(client);
}

/**
 * Connection errors surface as rejected commands (and reconnects); the event itself needs a listener, or ioredis
 * prints "Unhandled error event" (and a bare emitter would throw). Every client the store makes goes through here,
 * duplicates too: duplicate() copies the options, not the listeners.
 */
function quiet<C extends Client>(client: C): C {
  client.on('error', () => undefined);
  return client;
}

/** How long a start waits for Redis (it may be starting beside the service), ioredis reconnecting meanwhile. */
export const REDIS_CONNECT_TIMEOUT_MS = 20_000;

/** Redis could not be reached in time at start: the client is closed, so the process can end and be restarted. */
export class RedisUnreachableError extends Error {
  constructor(readonly seconds: number, readonly reason: string) {
    super(`Redis not reachable within ${seconds} s: ${reason}`);
    this.name = 'RedisUnreachableError';
  }
}

/**
 * Resolves when the client is ready, waiting through ioredis's own reconnects up to `timeoutMs`; then closes the client
 * and throws with the last connection error. A rejected first connect() is not the end: Redis may come up a moment
 * later. Without this a start against an unreachable Redis waited forever, neither listening nor exiting.
 */
async function readyWithin(client: Client, timeoutMs: number): Promise<void> {
  let last = 'no answer';
  const onError = (err: Error) => void (last = err.message);
  client.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        client.once('ready', () => resolve());
        client.connect().catch((err: Error) => void (last = err.message));
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RedisUnreachableError(Math.round(timeoutMs / 1000), last)), timeoutMs);
      }),
    ]);
  } catch (err) {
    client.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
    client.off('error', onError);
  }
}

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  private readonly keys;
  private blocking: Client | undefined;
  /** Set while the last durability check found the server not durable (see checkDurable); appends are refused. */
  private notDurable: RedisNotDurableError | null = null;

  private constructor(
    private readonly client: ScriptClient,
    prefix: string,
    private readonly feed: ReadonlySet<string> | null,
    /** Opened requiring durability: each write probe checks it again (a restart or failover may have lost it). */
    private readonly requireDurable = false,
  ) {
    const tag = `${prefix}{log}`;
    this.keys = {
      size: `${tag}:size`,
      entries: `${tag}:entries`,
      nodes: `${tag}:nodes`,
      checkpoints: `${tag}:checkpoints`,
      checkpointIndex: `${tag}:checkpoint-index`,
      changes: `${tag}:changes`,
      probe: `${tag}:probe`,
      /** Records of a collection live in one hash; same hash tag, so the append script reaches them in a Cluster. */
      records: (collection: string) => `${tag}:rec:${collection}`,
      lease: (name: string) => `${tag}:lease:${name}`,
    };
  }

  /** Connects, checks persistence, and loads the scripts. */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    const client = connectRedis(options.connection) as ScriptClient;
    await readyWithin(client, options.connectTimeoutMs ?? REDIS_CONNECT_TIMEOUT_MS);
    // The number of keys varies with the record collections a batch touches: it is passed with each call.
    client.defineCommand('edAppend', { lua: APPEND_SCRIPT });
    client.defineCommand('edCheckpoint', { numberOfKeys: 2, lua: CHECKPOINT_SCRIPT });
    client.defineCommand('edLease', { numberOfKeys: 1, lua: LEASE_SCRIPT });
    client.defineCommand('edRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    if (options.requireDurable) {
      const found = await persistenceOf(client);
      if (found.appendonly !== 'yes' || found.appendfsync !== 'always') {
        client.disconnect();
        throw new RedisNotDurableError(found);
      }
    }
    return new RedisStore(client, options.prefix ?? 'expert-draw:', options.feed ? new Set(options.feed) : null, options.requireDurable);
  }

  async appendLog(batch: LogBatch): Promise<void> {
    if (this.notDurable) throw this.notDurable;
    const writes = batch.writes ?? [];
    const expects = batch.expects ?? [];
    const recordKeys: string[] = [];
    const keyIndex = (collection: string) => {
      const key = this.keys.records(collection);
      let at = recordKeys.indexOf(key);
      if (at < 0) at = recordKeys.push(key) - 1;
      // KEYS[1..4] are size, entries, nodes, changes.
      return 5 + at;
    };
    const args: Array<string | Buffer | number> = [batch.start, batch.entries.length, batch.nodes.length, writes.length, expects.length];
    for (const e of batch.entries) args.push(e);
    for (const n of batch.nodes) args.push(`${n.level}:${n.index}`, n.hash);
    for (const w of writes) args.push(keyIndex(w.collection), this.feed === null || this.feed.has(w.collection) ? w.collection : '', w.key, w.value === null ? '0' : '1', w.value ?? '');
    for (const x of expects) args.push(keyIndex(x.collection), x.key, x.value === null ? '0' : '1', x.value ?? '');
    const call: Array<string | Buffer | number> = [4 + recordKeys.length, this.keys.size, this.keys.entries, this.keys.nodes, this.keys.changes];
    for (const k of recordKeys) call.push(k);
    for (const a of args) call.push(a);
    const [code, detail] = await this.client.edAppend(call);
    if (code === -1) throw new StoreConflictError(batch.start, detail);
    if (code === -2) throw new RecordConflictError(expects[detail]!.collection, expects[detail]!.key);
    // The new entries would land after the stored ones, not at their index: refuse rather than misplace them.
    if (code === -3) throw new LogLengthMismatchError(batch.start, detail);
  }

  async getRecords(collection: string, keys: readonly string[]): Promise<Array<Buffer | null>> {
    const out: Array<Buffer | null> = [];
    // HMGET in slices: one round trip for a feed batch, without one huge reply for a huge list.
    for (let i = 0; i < keys.length; i += 1000) out.push(...(await this.client.hmgetBuffer(this.keys.records(collection), ...keys.slice(i, i + 1000))));
    return out;
  }

  async getRecord(collection: string, key: string): Promise<Buffer | null> {
    return this.client.hgetBuffer(this.keys.records(collection), key);
  }

  async putUnloggedRecord(collection: string, key: string, value: Buffer): Promise<void> {
    await this.client.hset(this.keys.records(collection), key, value);
  }

  async listRecords(collection: string): Promise<Array<{ key: string; value: Buffer }>> {
    const all = await this.client.hgetallBuffer(this.keys.records(collection));
    return Object.entries(all)
      .map(([key, value]) => ({ key, value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async readChanges(cursor: string, limit: number, waitMs = 0): Promise<{ cursor: string; changes: RecordChange[] }> {
    const from = cursor === '' ? '0-0' : cursor;
    // A blocking read would stall every other command on the shared connection: it gets its own.
    const reader = waitMs > 0 ? (this.blocking ??= quiet(this.client instanceof Cluster ? this.client.duplicate() : this.client.duplicate())) : this.client;
    const reply = (waitMs > 0
      ? await reader.xread('COUNT', limit, 'BLOCK', waitMs, 'STREAMS', this.keys.changes, from)
      : await reader.xread('COUNT', limit, 'STREAMS', this.keys.changes, from)) as Array<[string, Array<[string, string[]]>]> | null;
    const rows = reply?.[0]?.[1] ?? [];
    const changes = rows.map(([, fields]) => ({ collection: fields[1]!, key: fields[3]! }));
    return { cursor: rows.at(-1)?.[0] ?? from, changes };
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

  async readNodeRangeHex(level: number, start: number, end: number): Promise<string[]> {
    const out: string[] = [];
    for (let from = start; from < end; from += 10_000) {
      const ids = Array.from({ length: Math.min(10_000, end - from) }, (_, i) => ({ level, index: from + i }));
      for (const hash of await this.readNodes(ids)) out.push(hash.toString('hex'));
    }
    return out;
  }

  async readEntriesWithLeaves(start: number, end: number): Promise<{ entries: Buffer[]; leafHex: string[] }> {
    const [entries, leafHex] = await Promise.all([this.readEntries(start, end), this.readNodeRangeHex(0, start, end)]);
    return { entries, leafHex };
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

  async claimLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.client.edLease(this.keys.lease(name), owner, ttlMs)) === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.client.edRelease(this.keys.lease(name), owner);
  }

  async changesHead(): Promise<string> {
    const last = (await this.client.xrevrange(this.keys.changes, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    return last[0]?.[0] ?? '0-0';
  }

  async ping(): Promise<void> {
    await this.client.ping();
    await this.checkDurable();
  }

  /**
   * Opened requiring durability: the server must still persist every write before answering. Checked by each health
   * check and write probe (a restart without the flags, a failover to a replica set otherwise, a CONFIG SET). While it
   * does not, appends are refused, so that nothing is acknowledged that a crash could lose.
   */
  private async checkDurable(): Promise<void> {
    if (!this.requireDurable) return;
    const found = await persistenceOf(this.client);
    this.notDurable = found.appendonly === 'yes' && found.appendfsync === 'always' ? null : new RedisNotDurableError(found);
    if (this.notDurable) throw this.notDurable;
  }

  async probeWrite(): Promise<void> {
    // A write command: refused (MISCONF, READONLY, OOM, NOREPLICAS) whenever an append would be. It expires by itself.
    await this.client.set(this.keys.probe, String(Date.now()), 'PX', 60_000);
    await this.checkDurable();
  }

  async close(): Promise<void> {
    this.blocking?.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** Deletes every key of this store's prefix (tests only). */
  async destroy(): Promise<void> {
    const fixed = Object.values(this.keys).filter((k): k is string => typeof k === 'string');
    const records = await this.scanKeys(this.keys.records('*'));
    const leases = await this.scanKeys(this.keys.lease('*'));
    await this.client.del(...fixed, ...records, ...leases);
  }

  private async scanKeys(pattern: string): Promise<string[]> {
    const nodes: Redis[] = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    const out: string[] = [];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        out.push(...keys);
      } while (cursor !== '0');
    }
    return out;
  }
}

async function persistenceOf(client: Client): Promise<{ appendonly: string; appendfsync: string }> {
  const config = async (name: string) => {
    const reply = (await client.config('GET', name)) as string[];
    return reply[1] ?? 'unknown';
  };
  return { appendonly: await config('appendonly'), appendfsync: await config('appendfsync') };
}
