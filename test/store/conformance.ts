// One conformance suite for every Store adapter: the same tests, run against SQLite and against Redis.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordConflictError, StoreConflictError, type LogBatch, type Store } from '../../src/store/store.js';

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

    it('takes probe writes that leave the log, the records and the change feed as they were', async () => {
      await store.appendLog({ start: 0, entries: [Buffer.from('e0')], nodes: [{ level: 0, index: 0, hash: Buffer.alloc(32, 1) }], writes: [{ collection: 'things', key: 'a', value: Buffer.from('1') }] });
      const head = await store.changesHead();
      await store.probeWrite();
      await store.probeWrite();
      expect(await store.logSize()).toBe(1);
      expect(await store.listRecords('things')).toEqual([{ key: 'a', value: Buffer.from('1') }]);
      expect(await store.changesHead()).toBe(head);
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
      const range = await store.readNodeRangeHex(0, 2, 5);
      expect(range).toEqual([h('e2'), h('e3'), h('e4')].map((b) => b.toString('hex')));
      expect(await store.readNodeRangeHex(0, 3, 3)).toEqual([]);
      await expect(store.readNodeRangeHex(0, 4, 8)).rejects.toThrow(/not all stored|not stored/);
      const both = await store.readEntriesWithLeaves(1, 3);
      expect(both.entries.map(String)).toEqual(['{"i":1,"t":"e"}', '{"i":2,"t":"e"}']);
      expect(both.leafHex).toEqual([h('e1'), h('e2')].map((b) => b.toString('hex')));
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

    it('commits 100,000 record writes with one entry (a bulk import of 50,000 experts writes twice that)', async () => {
      const writes = Array.from({ length: 100_000 }, (_, i) => ({ collection: 'bulk', key: `k${String(i).padStart(6, '0')}`, value: Buffer.from(`v${i}`) }));
      await store.appendLog({ ...batchOf(0, 1), writes });
      const all = await store.listRecords('bulk');
      expect(all).toHaveLength(100_000);
      expect(all[99_999]).toEqual({ key: 'k099999', value: Buffer.from('v99999') });
    }, 60_000);

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

    it('writes records with the log batch, atomically, and reports them on the change feed', async () => {
      const json = (v: unknown) => Buffer.from(JSON.stringify(v));
      await store.appendLog({ ...batchOf(0, 2), writes: [{ collection: 'experts', key: 'E1', value: json({ v: 1 }) }, { collection: 'projects', key: 'P1', value: json({ p: 1 }) }] });
      expect((await store.getRecord('experts', 'E1'))?.toString()).toBe('{"v":1}');
      expect(await store.getRecord('experts', 'E2')).toBeNull();
      await store.appendLog({ ...batchOf(2, 1), writes: [{ collection: 'experts', key: 'E0', value: json({ v: 0 }) }, { collection: 'projects', key: 'P1', value: null }] });
      expect((await store.listRecords('experts')).map((r) => [r.key, r.value.toString()])).toEqual([['E0', '{"v":0}'], ['E1', '{"v":1}']]);
      // Several at once, in the order asked, null where absent (the pool follower's one read per feed batch).
      expect((await store.getRecords('experts', ['E1', 'E9', 'E0'])).map((v) => v?.toString() ?? null)).toEqual(['{"v":1}', null, '{"v":0}']);
      expect(await store.getRecords('experts', [])).toEqual([]);
      const many = Array.from({ length: 2500 }, (_, i) => (i % 2 === 0 ? 'E1' : `missing-${i}`));
      expect((await store.getRecords('experts', many)).filter((v) => v !== null)).toHaveLength(1250);
      expect(await store.listRecords('projects')).toEqual([]);
      const first = await store.readChanges('', 3);
      expect(first.changes).toEqual([
        { collection: 'experts', key: 'E1' },
        { collection: 'projects', key: 'P1' },
        { collection: 'experts', key: 'E0' },
      ]);
      expect((await store.readChanges(await store.changesHead(), 10)).changes).toEqual([]);
      const rest = await store.readChanges(first.cursor, 10);
      expect(rest.changes).toEqual([{ collection: 'projects', key: 'P1' }]);
      expect((await store.readChanges(rest.cursor, 10)).changes).toEqual([]);
    });

    it('refuses a batch whose expectation fails, writing neither entries nor records', async () => {
      const v = (s: string) => Buffer.from(s);
      await store.appendLog({ ...batchOf(0, 1), writes: [{ collection: 'schedule', key: 'P1', value: v('pending') }] });
      await expect(
        store.appendLog({ ...batchOf(1, 1), expects: [{ collection: 'schedule', key: 'P1', value: v('done') }], writes: [{ collection: 'schedule', key: 'P1', value: v('x') }] }),
      ).rejects.toBeInstanceOf(RecordConflictError);
      await expect(store.appendLog({ ...batchOf(1, 1), expects: [{ collection: 'schedule', key: 'P2', value: v('pending') }] })).rejects.toMatchObject({ key: 'P2' });
      await expect(store.appendLog({ ...batchOf(1, 1), expects: [{ collection: 'schedule', key: 'P1', value: null }] })).rejects.toBeInstanceOf(RecordConflictError);
      expect(await store.logSize()).toBe(1);
      expect((await store.getRecord('schedule', 'P1'))?.toString()).toBe('pending');
      await store.appendLog({ ...batchOf(1, 1), expects: [{ collection: 'schedule', key: 'P1', value: v('pending') }, { collection: 'schedule', key: 'P9', value: null }], writes: [{ collection: 'schedule', key: 'P1', value: v('done') }] });
      expect((await store.getRecord('schedule', 'P1'))?.toString()).toBe('done');
      expect(await store.logSize()).toBe(2);
    });

    it('keeps an unlogged record without a log entry or a change event', async () => {
      const head = await store.changesHead();
      await store.putUnloggedRecord('idempotency', 'k1', Buffer.from('a'));
      await store.putUnloggedRecord('idempotency', 'k1', Buffer.from('b'));
      expect((await store.getRecord('idempotency', 'k1'))?.toString()).toBe('b');
      expect(await store.logSize()).toBe(0);
      expect((await store.readChanges(head, 10)).changes).toEqual([]);
    });

    it('waits for changes when asked to, and returns as soon as one arrives', async () => {
      const waiting = store.readChanges('', 10, 2000);
      await new Promise((r) => setTimeout(r, 50));
      await store.appendLog({ ...batchOf(0, 1), writes: [{ collection: 'experts', key: 'E5', value: Buffer.from('x') }] });
      expect((await waiting).changes).toEqual([{ collection: 'experts', key: 'E5' }]);
    });

    it('grants a lease to one owner at a time, renews it for that owner, and frees it on release or expiry', async () => {
      // Long leases where expiry must not happen (a loaded machine can pause for hundreds of ms); a short one where it must.
      expect(await store.claimLease('draw:P1', 'a', 60_000)).toBe(true);
      expect(await store.claimLease('draw:P1', 'b', 60_000)).toBe(false);
      expect(await store.claimLease('draw:P1', 'a', 60_000)).toBe(true);
      await store.releaseLease('draw:P1', 'b');
      expect(await store.claimLease('draw:P1', 'b', 60_000)).toBe(false);
      await store.releaseLease('draw:P1', 'a');
      expect(await store.claimLease('draw:P1', 'b', 60)).toBe(true);
      await new Promise((r) => setTimeout(r, 120));
      expect(await store.claimLease('draw:P1', 'a', 200)).toBe(true);
    });

    it('takes claims asked at once as if one after the other, in the order asked', async () => {
      // On SQLite these share one transaction; on Redis one pipeline. Either way the first owner to ask gets the lease.
      const granted = await Promise.all([
        store.claimLease('draw:P2', 'a', 60_000),
        store.claimLease('draw:P2', 'b', 60_000),
        store.claimLease('draw:P3', 'b', 60_000),
        store.claimLease('draw:P2', 'a', 60_000),
        store.claimLease('draw:P3', 'a', 60_000),
      ]);
      expect(granted).toEqual([true, false, true, true, false]);
      // The next turn sees the batch's claims: P2 is a's, P3 is b's.
      expect(await store.claimLease('draw:P2', 'b', 60_000)).toBe(false);
      expect(await store.claimLease('draw:P3', 'b', 60_000)).toBe(true);
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
