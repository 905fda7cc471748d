// One conformance suite for every Store adapter: the same tests, run against SQLite and against Redis.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreConflictError, type LogBatch, type Store } from '../../src/store/store.js';

const h = (s: string) => createHash('sha256').update(s).digest();

/** A batch of `n` entries from `start`, with level-0 nodes and (for even pairs) level-1 nodes. */
export function batchOf(start: number, n: number, tag = 'e'): LogBatch {
  const entries = Array.from({ length: n }, (_, i) => Buffer.from(`{"i":${start + i},"t":"${tag}"}`));
  const nodes = entries.map((_, i) => ({ level: 0, index: start + i, hash: h(`${tag}${start + i}`) }));
  return { start, entries, nodes };
}

export function storeConformance(name: string, open: () => Promise<Store>, cleanup: (s: Store) => Promise<void>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await cleanup(store);
    });

    it('starts empty', async () => {
      expect(await store.logSize()).toBe(0);
      expect(await store.readEntries(0, 0)).toEqual([]);
      expect(await store.latestCheckpoint()).toBeNull();
      await store.ping();
    });

    it('appends batches and reads entries and nodes back byte for byte', async () => {
      await store.appendLog(batchOf(0, 3));
      await store.appendLog(batchOf(3, 2));
      expect(await store.logSize()).toBe(5);
      const entries = await store.readEntries(1, 4);
      expect(entries.map((b) => b.toString())).toEqual(['{"i":1,"t":"e"}', '{"i":2,"t":"e"}', '{"i":3,"t":"e"}']);
      const nodes = await store.readNodes([{ level: 0, index: 4 }, { level: 0, index: 0 }]);
      expect(nodes[0]!.equals(h('e4'))).toBe(true);
      expect(nodes[1]!.equals(h('e0'))).toBe(true);
    });

    it('reads a range of nodes of one level', async () => {
      await store.appendLog(batchOf(0, 6));
      const range = await store.readNodeRange(0, 2, 5);
      expect(range.map((b) => b.toString('hex'))).toEqual([h('e2'), h('e3'), h('e4')].map((b) => b.toString('hex')));
      expect(await store.readNodeRange(0, 3, 3)).toEqual([]);
      await expect(store.readNodeRange(0, 4, 8)).rejects.toThrow(/not all stored|not stored/);
    });

    it('keeps binary entries intact (every byte value)', async () => {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await store.appendLog({ start: 0, entries: [all], nodes: [{ level: 0, index: 0, hash: h('x') }] });
      expect((await store.readEntries(0, 1))[0]!.equals(all)).toBe(true);
    });

    it('appends a large batch in one call', async () => {
      await store.appendLog(batchOf(0, 5000));
      expect(await store.logSize()).toBe(5000);
      expect((await store.readEntries(4999, 5000))[0]!.toString()).toBe('{"i":4999,"t":"e"}');
    });

    it('refuses a batch that does not start at the stored size, and writes nothing of it', async () => {
      await store.appendLog(batchOf(0, 2));
      await expect(store.appendLog(batchOf(1, 2, 'x'))).rejects.toBeInstanceOf(StoreConflictError);
      await expect(store.appendLog(batchOf(5, 1, 'x'))).rejects.toMatchObject({ expected: 5, actual: 2 });
      expect(await store.logSize()).toBe(2);
      expect((await store.readEntries(0, 2)).map(String)).toEqual(['{"i":0,"t":"e"}', '{"i":1,"t":"e"}']);
      await expect(store.readNodes([{ level: 0, index: 5 }])).rejects.toThrow(/not stored/);
    });

    it('lets exactly one of two concurrent writers append at the same start', async () => {
      const results = await Promise.allSettled([store.appendLog(batchOf(0, 3, 'a')), store.appendLog(batchOf(0, 3, 'b'))]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.logSize()).toBe(3);
      const tags = new Set((await store.readEntries(0, 3)).map((b) => JSON.parse(b.toString()).t));
      expect(tags.size).toBe(1);
    });

    it('fails to read what is not there', async () => {
      await store.appendLog(batchOf(0, 2));
      await expect(store.readEntries(0, 3)).rejects.toThrow(/not all stored/);
      await expect(store.readNodes([{ level: 3, index: 0 }])).rejects.toThrow(/not stored/);
    });

    it('stores checkpoints once per size and lists them in order', async () => {
      await store.putCheckpoint({ size: 5, note: 'five\n' });
      await store.putCheckpoint({ size: 2, note: 'two\n' });
      await store.putCheckpoint({ size: 9, note: 'nine\n' });
      await expect(store.putCheckpoint({ size: 5, note: 'other\n' })).rejects.toThrow();
      expect(await store.latestCheckpoint()).toEqual({ size: 9, note: 'nine\n' });
      expect(await store.listCheckpoints(0, 10)).toEqual([
        { size: 2, note: 'two\n' },
        { size: 5, note: 'five\n' },
        { size: 9, note: 'nine\n' },
      ]);
      expect(await store.listCheckpoints(3, 1)).toEqual([{ size: 5, note: 'five\n' }]);
    });
  });
}
