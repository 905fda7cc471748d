// Tamper test: changing any single byte of a stored entry, tree node or checkpoint is detected by the full
// verification and by the start-up self-check, which name the index; both stores, edited underneath the service.
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/log/audit-log.js';
import { verifyLog } from '../../src/log/verify.js';
import { postOrder } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { redisTestStore, sqliteTestStore, testKeys, TEST_ORIGIN, type TestStore } from '../helpers/log.js';

const keys = testKeys();
const ENTRIES = 37;

/** Raw access to the stored bytes, bypassing the Store interface, as an attacker with database access would. */
interface Raw {
  entry(index: number): Promise<Buffer>;
  setEntry(index: number, bytes: Buffer): Promise<void>;
  node(level: number, index: number): Promise<Buffer>;
  setNode(level: number, index: number, hash: Buffer): Promise<void>;
  checkpoints(): Promise<Array<{ size: number; note: string }>>;
  setCheckpoint(size: number, note: string): Promise<void>;
  close(): Promise<void>;
}

function sqliteRaw(file: string): Raw {
  const db = new Database(file);
  return {
    entry: async (i) => (db.prepare('SELECT data FROM log_entries WHERE idx = ?').get(i) as { data: Buffer }).data,
    setEntry: async (i, b) => void db.prepare('UPDATE log_entries SET data = ? WHERE idx = ?').run(b, i),
    // Leaf hashes (level 0) are stored beside their entries; interior nodes in log_nodes, by their post-order place.
    node: async (l, i) =>
      l === 0
        ? (db.prepare('SELECT leaf FROM log_entries WHERE idx = ?').get(i) as { leaf: Buffer }).leaf
        : (db.prepare('SELECT hash FROM log_nodes WHERE pos = ?').get(postOrder(l, i)) as { hash: Buffer }).hash,
    setNode: async (l, i, h) =>
      void (l === 0 ? db.prepare('UPDATE log_entries SET leaf = ? WHERE idx = ?').run(h, i) : db.prepare('UPDATE log_nodes SET hash = ? WHERE pos = ?').run(h, postOrder(l, i))),
    checkpoints: async () => db.prepare('SELECT size, note FROM checkpoints ORDER BY size').all() as Array<{ size: number; note: string }>,
    setCheckpoint: async (size, note) => void db.prepare('UPDATE checkpoints SET note = ? WHERE size = ?').run(note, size),
    close: async () => void db.close(),
  };
}

function redisRaw(prefix: string): Raw {
  const r = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const k = (s: string) => `${prefix}{log}:${s}`;
  return {
    entry: async (i) => (await r.lindexBuffer(k('entries'), i))!,
    setEntry: async (i, b) => void (await r.lset(k('entries'), i, b)),
    node: async (l, i) => (await r.hgetBuffer(k('nodes'), `${l}:${i}`))!,
    setNode: async (l, i, h) => void (await r.hset(k('nodes'), `${l}:${i}`, h)),
    checkpoints: async () => {
      const sizes = await r.zrange(k('checkpoint-index'), '0', '-1');
      return Promise.all(sizes.map(async (s) => ({ size: Number(s), note: (await r.hget(k('checkpoints'), s))! })));
    },
    setCheckpoint: async (size, note) => void (await r.hset(k('checkpoints'), String(size), note)),
    close: async () => void r.disconnect(),
  };
}

function flip(bytes: Buffer, at: number, mask: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at % copy.length] = copy[at % copy.length]! ^ (mask || 1);
  return copy;
}

/** Every complete node of a tree of `size` leaves. */
function allNodes(size: number): Array<{ level: number; index: number }> {
  const out = [];
  for (let level = 0; 2 ** level <= size; level++) for (let index = 0; (index + 1) * 2 ** level <= size; index++) out.push({ level, index });
  return out;
}

type Tamper = { kind: 'entry'; index: number } | { kind: 'node'; level: number; index: number } | { kind: 'checkpoint'; which: number };
const nodes = allNodes(ENTRIES);
const tamperArb: fc.Arbitrary<{ t: Tamper; at: number; mask: number }> = fc.record({
  t: fc.oneof(
    fc.integer({ min: 0, max: ENTRIES - 1 }).map((index): Tamper => ({ kind: 'entry', index })),
    fc.constantFrom(...nodes).map((n): Tamper => ({ kind: 'node', ...n })),
    fc.integer({ min: 0, max: 10 }).map((which): Tamper => ({ kind: 'checkpoint', which })),
  ),
  at: fc.nat(),
  mask: fc.integer({ min: 1, max: 255 }),
});

async function buildLog(t: TestStore): Promise<void> {
  const log = await AuditLog.open({ store: t.store, signer: keys.signer, verifier: keys.verifier, checkpointIntervalMs: 60_000 });
  for (let i = 0; i < ENTRIES; i++) {
    await log.append('test.tamper', { i, note: `entry ${i}` });
    if (i % 9 === 8) await log.checkpoint();
  }
  await log.close();
}

for (const [name, make, raw] of [
  ['sqlite', sqliteTestStore, (t: TestStore) => sqliteRaw((t as TestStore & { file: string }).file)],
  ['redis', redisTestStore, (t: TestStore) => redisRaw((t as TestStore & { prefix: string }).prefix)],
] as const) {
  describe(`tamper detection on ${name}`, () => {
    let opened: TestStore[] = [];
    beforeAll(() => {
      opened = [];
    });
    afterAll(async () => {
      for (const t of opened) await t.dispose();
    });

    it('an untouched log verifies', async () => {
      const t = await make();
      opened.push(t);
      await buildLog(t);
      expect((await verifyLog({ store: t.store, verifier: keys.verifier, origin: TEST_ORIGIN })).ok).toBe(true);
    });

    it('finds any single changed byte, with its index, at start-up and in the full verification', async () => {
      await fc.assert(
        fc.asyncProperty(tamperArb, async ({ t: tamper, at, mask }) => {
          const t = await make();
          opened.push(t);
          await buildLog(t);
          const db = raw(t);
          let expectedIndex: number;
          if (tamper.kind === 'entry') {
            await db.setEntry(tamper.index, flip(await db.entry(tamper.index), at, mask));
            expectedIndex = tamper.index;
          } else if (tamper.kind === 'node') {
            await db.setNode(tamper.level, tamper.index, flip(await db.node(tamper.level, tamper.index), at, mask));
            expectedIndex = tamper.index * 2 ** tamper.level;
          } else {
            const cps = await db.checkpoints();
            const cp = cps[tamper.which % cps.length]!;
            await db.setCheckpoint(cp.size, flip(Buffer.from(cp.note), at, mask).toString('latin1'));
            expectedIndex = cp.size;
          }
          await db.close();
          const store: Store = await t.reopen();
          const report = await verifyLog({ store, verifier: keys.verifier, origin: TEST_ORIGIN });
          expect(report.ok).toBe(false);
          expect(report.failure?.index).toBe(expectedIndex);
          const log = await AuditLog.open({ store, signer: keys.signer, verifier: keys.verifier });
          expect(log.integrity).not.toBeNull();
          await expect(log.append('test.after', {})).rejects.toMatchObject({ code: 'LOG_MISMATCH' });
        }),
        { numRuns: 60 },
      );
    }, 120_000);
  });
}
