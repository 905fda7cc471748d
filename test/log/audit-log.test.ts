// The audit log on both real stores: group commit, hash chain, checkpoints, proofs, restart, several writers.
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, chainedPrev } from '../../src/log/audit-log.js';
import { openCheckpoint } from '../../src/log/checkpoint.js';
import { GENESIS_PREV, leafHash } from '../../src/log/entry.js';
import { verifyConsistency, verifyInclusion } from '../../src/log/merkle.js';
import { verifyLog } from '../../src/log/verify.js';
import type { Store } from '../../src/store/store.js';
import { redisTestStore, sqliteTestStore, testKeys, TEST_ORIGIN, type TestStore } from '../helpers/log.js';

const keys = testKeys();
const open = (store: Store, extra: Partial<Parameters<typeof AuditLog.open>[0]> = {}) =>
  AuditLog.open({ store, signer: keys.signer, verifier: keys.verifier, checkpointIntervalMs: 50, ...extra });

/** Counts appendLog calls, to see group commit at work (the store underneath is real). */
function counting(store: Store): Store & { calls: number } {
  const wrapper = Object.create(store) as Store & { calls: number };
  wrapper.calls = 0;
  wrapper.appendLog = async (batch) => {
    wrapper.calls++;
    return store.appendLog(batch);
  };
  return wrapper;
}

for (const [name, make] of [['sqlite', sqliteTestStore], ['redis', redisTestStore]] as const) {
  describe(`AuditLog on ${name}`, () => {
    let t: TestStore;
    afterEach(async () => {
      await t?.dispose();
    });

    it('chains entries and resolves each append with its index and leaf hash', async () => {
      t = await make();
      const log = await open(t.store);
      const a = await log.append('test.a', { n: 1 });
      const b = await log.append('test.b', { n: 2 });
      expect([a.index, b.index]).toEqual([0, 1]);
      expect(chainedPrev(a.entry)).toBe(GENESIS_PREV);
      expect(chainedPrev(b.entry)).toBe(a.leafHash.toString('hex'));
      expect(leafHash(await log.entry(1)).equals(b.leafHash)).toBe(true);
      expect(JSON.parse(b.entry.toString())).toMatchObject({ type: 'test.b', payload: { n: 2 } });
      await log.close();
    });

    it('never dates an entry before the last it wrote when the clock steps back a little; a large step is taken as it is', async () => {
      t = await make();
      let now = Date.parse('2026-12-01T08:00:00.000Z');
      const log = await open(t.store, { clock: () => new Date(now) });
      const time = async (type: string) => (JSON.parse((await log.append(type, {})).entry.toString()) as { time: string }).time;
      expect(await time('test.commit')).toBe('2026-12-01T08:00:00.000Z');
      // An NTP correction of 3 s back between a draw's commit and its result: the result keeps the commit's time.
      now -= 3000;
      expect(await time('test.result')).toBe('2026-12-01T08:00:00.000Z');
      now += 4000;
      expect(await time('test.later')).toBe('2026-12-01T08:00:01.000Z');
      // A clock set right by hand, a day back: taken as it is (the log does not run a day ahead of every clock).
      now -= 86_400_000;
      expect(await time('test.reset')).toBe('2026-11-30T08:00:01.000Z');
      await log.close();
    });

    it('commits concurrent appends in groups, each acknowledged only once stored', async () => {
      t = await make();
      const store = counting(t.store);
      const log = await open(store);
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => log.append('test.bulk', { i })));
      expect(results.map((r) => r.index)).toEqual(Array.from({ length: 500 }, (_, i) => i));
      expect(store.calls).toBeLessThan(50);
      expect(await t.store.logSize()).toBe(500);
      await log.close();
    });

    it('signs checkpoints that verify, with inclusion and consistency proofs bound to them', async () => {
      t = await make();
      const log = await open(t.store);
      for (let i = 0; i < 7; i++) await log.append('test.x', { i });
      const first = await log.checkpoint();
      const cp7 = openCheckpoint(first.note, keys.verifier, TEST_ORIGIN).checkpoint;
      expect(cp7.size).toBe(7);
      for (let i = 0; i < 6; i++) await log.append('test.y', { i });
      // The proofs are taken against the latest checkpoint: one of all 13 (the timer may have signed one of 8–12 already).
      await log.checkpoint();
      const proof = await log.inclusionProof(9);
      const cp = openCheckpoint(proof.checkpoint, keys.verifier, TEST_ORIGIN).checkpoint;
      expect(cp.size).toBe(13);
      expect(verifyInclusion(Buffer.from(proof.leafHash, 'hex'), 9, cp.size, proof.hashes.map((h) => Buffer.from(h, 'hex')), cp.rootHash)).toBe(true);
      expect(verifyInclusion(Buffer.from(proof.leafHash, 'hex'), 8, cp.size, proof.hashes.map((h) => Buffer.from(h, 'hex')), cp.rootHash)).toBe(false);
      const cons = await log.consistencyProof(7);
      expect(cons.toSize).toBe(13);
      expect(verifyConsistency(7, 13, cons.hashes.map((h) => Buffer.from(h, 'hex')), cp7.rootHash, cp.rootHash)).toBe(true);
      await log.close();
    });

    it('signs a checkpoint on its own within the interval while entries arrive', async () => {
      t = await make();
      const log = await open(t.store, { checkpointIntervalMs: 20 });
      await log.append('test.x', {});
      await new Promise((r) => setTimeout(r, 200));
      expect((await t.store.latestCheckpoint())?.size).toBe(1);
      await log.close();
    });

    it('signs at start what a killed process left unsigned, without waiting for a write', async () => {
      t = await make();
      // A long interval: the entries are stored, then the process "dies" before its checkpoint (the log is never closed).
      const log = await open(t.store, { checkpointIntervalMs: 60_000 });
      for (let i = 0; i < 5; i++) await log.append('test.x', { i });
      expect((await t.store.latestCheckpoint())?.size ?? 0).toBe(0);
      const again = await open(await t.reopen(), { checkpointIntervalMs: 20 });
      await new Promise((r) => setTimeout(r, 300));
      expect((await t.store.latestCheckpoint())?.size).toBe(5);
      await again.close();
      await log.close();
    });

    it('continues the chain after a restart, and the full verification passes', async () => {
      t = await make();
      const log = await open(t.store);
      for (let i = 0; i < 20; i++) await log.append('test.x', { i });
      await log.close();
      const again = await open(await t.reopen());
      expect(again.integrity).toBeNull();
      expect(again.size).toBe(20);
      const next = await again.append('test.after', {});
      expect(next.index).toBe(20);
      expect(chainedPrev(next.entry)).toBe(leafHash(await again.entry(19)).toString('hex'));
      await again.close();
      const report = await verifyLog({ store: t.store, verifier: keys.verifier, origin: TEST_ORIGIN });
      expect(report).toMatchObject({ ok: true, size: 21, failure: null });
      expect(report.checkpoints).toBeGreaterThanOrEqual(2);
    });

    it('lets two writers on one store interleave without losing or forking entries', async () => {
      t = await make();
      const one = await open(t.store);
      const two = await open(await t.reopen());
      const writes = Array.from({ length: 200 }, (_, i) => (i % 2 ? one : two).append('test.two', { i }));
      const results = await Promise.all(writes);
      expect(new Set(results.map((r) => r.index)).size).toBe(200);
      await one.close();
      await two.close();
      const report = await verifyLog({ store: t.store, verifier: keys.verifier, origin: TEST_ORIGIN });
      expect(report).toMatchObject({ ok: true, size: 200 });
    });
  });
}

describe('AuditLog on Redis, where other instances append', () => {
  /** Appends whose store calls are counted, and whose logSize can run something first (another instance's append). */
  function watched(store: Store): Store & { sent: number; built: number; beforeSize: Array<() => Promise<unknown>> } {
    const wrapper = Object.create(store) as Store & { sent: number; built: number; beforeSize: Array<() => Promise<unknown>> };
    wrapper.sent = 0;
    wrapper.built = 0;
    wrapper.beforeSize = [];
    wrapper.appendLog = async (batch) => {
      wrapper.sent++;
      return store.appendLog(batch);
    };
    wrapper.logSize = async () => {
      await wrapper.beforeSize.shift()?.();
      return store.logSize();
    };
    return wrapper;
  }
  /** Twenty entries in one append: a group commit large enough to look at the stored size first. */
  const twenty = (store: { built: number }) =>
    Array.from({ length: 20 }, (_, i) => (prev: string, time: string) => {
      store.built++;
      return Buffer.from(JSON.stringify({ type: 'test.many', time, prev, payload: { i } }));
    });

  /** Two instances' logs on one Redis prefix, the second's store watched; the log must verify afterwards. */
  async function twoInstances(run: (one: AuditLog, two: AuditLog, store: ReturnType<typeof watched>) => Promise<void>): Promise<void> {
    const t = await redisTestStore();
    try {
      const one = await open(t.store);
      const store = watched(await t.reopen());
      const two = await open(store);
      // The second has seen the first append (its own append lost that race): from now on its large commits look.
      await one.append('test.first', {});
      await two.append('test.second', {});
      expect(store.sent).toBe(2);
      store.sent = 0;
      await run(one, two, store);
      await one.close();
      await two.close();
      expect(await verifyLog({ store: t.store, verifier: keys.verifier, origin: TEST_ORIGIN })).toMatchObject({ ok: true, size: 23 });
    } finally {
      await t.dispose();
    }
  }

  it('builds a large group commit on the tail another instance left, not on its own stale one', async () => {
    await twoInstances(async (one, two, store) => {
      await one.append('test.other', { n: 1 });
      const appended = await two.appendBuilt(twenty(store));
      // Sent once and built once: without the look, the batch is built on a stale size, sent, refused, and built again.
      expect(store.sent).toBe(1);
      expect(store.built).toBe(20);
      expect(appended[0]!.index).toBe(3);
      expect(chainedPrev(appended[0]!.entry)).toBe(leafHash(await one.entry(2)).toString('hex'));
    });
  });

  it('does not send a large group commit whose tail moved while it was built; builds it again on the new one', async () => {
    await twoInstances(async (one, two, store) => {
      // The first look (before building) finds the log as two knows it; the second (before sending) comes after
      // another instance's append.
      store.beforeSize.push(async () => undefined, () => one.append('test.other', { n: 1 }));
      const appended = await two.appendBuilt(twenty(store));
      expect(store.sent).toBe(1);
      expect(store.built).toBe(40);
      expect(appended[0]!.index).toBe(3);
    });
  });

  it('looks at nothing for a small commit, nor for a lone instance: a lone draw pays no extra round trip', async () => {
    const t = await redisTestStore();
    try {
      const store = watched(t.store);
      const log = await open(store);
      let looks = 0;
      store.beforeSize.push(...Array.from({ length: 10 }, () => async () => looks++));
      await log.appendAll([{ type: 'test.commit', payload: {} }, { type: 'test.result', payload: {} }, { type: 'test.calls', payload: {} }]);
      await log.appendBuilt(twenty(store));
      expect(looks).toBe(0);
      expect(store.sent).toBe(2);
      await log.close();
    } finally {
      await t.dispose();
    }
  });
});

describe('AuditLog state changes', () => {
  for (const [name, make] of [['sqlite', sqliteTestStore], ['redis', redisTestStore]] as const) {
    it(`${name}: entries built with their index, and writes that read their entries' leaf hashes, in shared commits`, async () => {
      const t = await make();
      try {
        const store = counting(t.store);
        const log = await AuditLog.open({ store, signer: keys.signer, verifier: keys.verifier });
        const asked: string[][] = [];
        // 50 commit-and-result pairs of 50 projects, sharing commits: each result names its own commit's index, and each
        // record holds its commit's real leaf hash (the batching asks before the entries exist, and is answered '').
        const pairs = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            log.appendBuilt(
              [
                (prev, time) => Buffer.from(JSON.stringify({ type: 'draw.commit', time, prev, payload: { i } })),
                (prev, time, index) => Buffer.from(JSON.stringify({ type: 'draw.result', time, prev, payload: { i, commitIndex: index - 1 } })),
              ],
              {
                writes: (index, leaf) => {
                  asked.push([leaf(0), leaf(1)]);
                  return [{ collection: 'projects', key: `P${i}`, value: Buffer.from(`${index} ${leaf(0)} ${leaf(1)}`) }];
                },
              },
            ),
          ),
        );
        expect(store.calls).toBeLessThan(20);
        for (const [i, [commit, result]] of pairs.entries()) {
          expect(result!.index).toBe(commit!.index + 1);
          expect(JSON.parse(result!.entry.toString()).payload.commitIndex).toBe(commit!.index);
          expect(chainedPrev(result!.entry)).toBe(commit!.leafHash.toString('hex'));
          const stored = (await t.store.getRecord('projects', `P${i}`))?.toString();
          expect(stored).toBe(`${commit!.index} ${commit!.leafHash.toString('hex')} ${result!.leafHash.toString('hex')}`);
          expect(leafHash(await log.entry(commit!.index)).equals(commit!.leafHash)).toBe(true);
        }
        // Asked once to batch (no leaves yet) and once with the built entries: never a stored '' leaf.
        expect(asked.filter(([a]) => a === '').length).toBe(50);
        expect(asked.length).toBe(100);
        await log.close();
      } finally {
        await t.dispose();
      }
    });

    it(`${name}: groups appends with expectations on different records into one commit, and keeps one record's appends in order`, async () => {
      const t = await make();
      try {
        const store = counting(t.store);
        const log = await AuditLog.open({ store, signer: keys.signer, verifier: keys.verifier });
        const v = (s: string) => Buffer.from(s);
        // 200 draws of 200 projects, each expecting its own record unchanged: they share commits.
        for (let i = 0; i < 200; i++) await t.store.putUnloggedRecord('projects', `P${i}`, v('scheduled'));
        const before = store.calls;
        const draws = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            log.appendAll([{ type: 'draw.commit', payload: { i } }, { type: 'calls.placed', payload: { i } }], {
              expects: [{ collection: 'projects', key: `P${i}`, value: v('scheduled') }],
              writes: (index) => [{ collection: 'projects', key: `P${i}`, value: v(`drawn at ${index}`) }],
            }),
          ),
        );
        expect(store.calls - before).toBeLessThan(20);
        // Each append's entries are consecutive, and the index its writes got is its own.
        for (const [i, [first, second]] of draws.entries()) {
          expect(second!.index).toBe(first!.index + 1);
          expect((await t.store.getRecord('projects', `P${i}`))?.toString()).toBe(`drawn at ${first!.index}`);
        }
        // Appends touching the same record never share a commit: the second sees the first's write, and fails.
        const same = await Promise.allSettled(
          ['a', 'b', 'c'].map((who) =>
            log.append('draw.result', { who }, { expects: [{ collection: 'projects', key: 'P0', value: v(`drawn at ${draws[0]![0]!.index}`) }], writes: [{ collection: 'projects', key: 'P0', value: v(`result by ${who}`) }] }),
          ),
        );
        expect(same.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
        // A failed expectation in a shared batch rejects only its own append.
        await t.store.putUnloggedRecord('projects', 'P5', v('changed behind the log'));
        const mixed = await Promise.allSettled(
          [4, 5, 6].map((i) => log.append('draw.result', { i }, { expects: [{ collection: 'projects', key: `P${i}`, value: v(`drawn at ${draws[i]![0]!.index}`) }], writes: [{ collection: 'projects', key: `P${i}`, value: v('done') }] })),
        );
        expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect((mixed[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'RecordConflictError', key: 'P5' });
        expect((await t.store.getRecord('projects', 'P5'))?.toString()).toBe('changed behind the log');
        expect(await t.store.logSize()).toBe(400 + 1 + 2);
        await log.close();
        expect((await verifyLog({ store: t.store, verifier: keys.verifier, origin: TEST_ORIGIN })).ok).toBe(true);
      } finally {
        await t.dispose();
      }
    });

    it(`${name}: lets appends that only read a record share a commit when they expect the same bytes, and caps a commit's size`, async () => {
      const t = await make();
      try {
        const store = counting(t.store);
        const log = await AuditLog.open({ store, signer: keys.signer, verifier: keys.verifier, maxBatch: 50 });
        const v = (s: string) => Buffer.from(s);
        await t.store.putUnloggedRecord('meta', 'pool', v('7'));
        // 200 commits of 200 projects, each naming pool version 7 without writing it: four commits of 50.
        let before = store.calls;
        const commits = await Promise.allSettled(
          Array.from({ length: 200 }, (_, i) =>
            log.append('draw.commit', { i }, { expects: [{ collection: 'meta', key: 'pool', value: v('7') }], writes: [{ collection: 'projects', key: `P${i}`, value: v('drawing') }] }),
          ),
        );
        expect(commits.every((c) => c.status === 'fulfilled')).toBe(true);
        expect(store.calls - before).toBe(4);
        // Expecting different bytes: never in one commit (one of them is stale, and only it fails).
        before = store.calls;
        const split = await Promise.allSettled(['7', '6', '7'].map((version, i) => log.append('draw.commit', { i }, { expects: [{ collection: 'meta', key: 'pool', value: v(version) }] })));
        expect(split.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(store.calls - before).toBe(3);
        // An append that writes the record it is read by ends the shared commit: the readers after it see its write.
        const moved = await Promise.allSettled([
          log.append('draw.commit', { a: 1 }, { expects: [{ collection: 'meta', key: 'pool', value: v('7') }] }),
          log.append('pool.changed', {}, { expects: [{ collection: 'meta', key: 'pool', value: v('7') }], writes: [{ collection: 'meta', key: 'pool', value: v('8') }] }),
          log.append('draw.commit', { a: 2 }, { expects: [{ collection: 'meta', key: 'pool', value: v('7') }] }),
        ]);
        expect(moved.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
        await log.close();
        expect((await verifyLog({ store: t.store, verifier: keys.verifier, origin: TEST_ORIGIN })).ok).toBe(true);
      } finally {
        await t.dispose();
      }
    });

    it(`${name}: writes records with their entry, and rejects only the append whose expectation fails`, async () => {
      const t = await make();
      try {
        const log = await AuditLog.open({ store: t.store, signer: keys.signer, verifier: keys.verifier });
        const v = (s: string) => Buffer.from(s);
        await log.append('project.registered', { id: 'P1' }, { writes: [{ collection: 'schedule', key: 'P1', value: v('pending') }] });
        // Two instances race to finish the same draw: exactly one wins, the other is told, nothing else is hurt.
        const finish = (who: string) =>
          log.append('draw.result', { who }, { expects: [{ collection: 'schedule', key: 'P1', value: v('pending') }], writes: [{ collection: 'schedule', key: 'P1', value: v(`done by ${who}`) }] });
        const results = await Promise.allSettled([finish('a'), log.append('other', {}), finish('b'), log.append('other', {})]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
        expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ name: 'RecordConflictError', key: 'P1' });
        expect((await t.store.getRecord('schedule', 'P1'))?.toString()).toBe('done by a');
        expect(await t.store.logSize()).toBe(4);
        await log.close();
        expect((await verifyLog({ store: t.store, verifier: keys.verifier, origin: TEST_ORIGIN })).ok).toBe(true);
      } finally {
        await t.dispose();
      }
    });
  }
});
