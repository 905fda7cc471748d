// The selection history takes an instance's own results from memory once they are committed (never reading back and
// opening the record it just wrote), yet in the change feed's order: a draw still reads every result committed before
// it, its own instance's and others', and records the same `historyUpTo` the disclosure rebuilds from the store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { SealedContent } from '../../src/services/draw.service.js';
import { SelectionHistory } from '../../src/services/selection-history.js';
import { verifyDrawProof } from '../../src/verify/draw-proof.js';
import type { Store } from '../../src/store/store.js';
import type { DrawRecord } from '../../src/records/draws.js';
import { build, waitForPool, type Built } from '../helper.js';

const op: TokenClaims = { sub: 'op', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };
const dir = mkdtempSync(join(tmpdir(), 'expert-draw-history-'));
const pool = generatePool({ size: 80, seed: 'selection-history', fixed: [{ code: 'C990101', members: 40 }] });
let clock = Date.parse('2026-12-01T08:00:00+08:00');

/**
 * Counts the selection records each instance reads from its store, and the reads (round trips) that fetch them; lists
 * of every selection record, separately.
 */
function countingSelectionReads(reads: { n: number; trips?: number; lists?: number }): (store: Store) => Store {
  return (inner) =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'getRecord') {
          return (collection: string, key: string) => {
            if (collection === 'selections') (reads.n++, (reads.trips = (reads.trips ?? 0) + 1));
            return target.getRecord(collection, key);
          };
        }
        if (prop === 'listRecords') {
          return (collection: string) => {
            if (collection === 'selections') reads.lists = (reads.lists ?? 0) + 1;
            return target.listRecords(collection);
          };
        }
        if (prop === 'getRecords') {
          return (collection: string, keys: readonly string[]) => {
            if (collection === 'selections') (reads.n += keys.length, (reads.trips = (reads.trips ?? 0) + 1));
            return target.getRecords(collection, keys);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
}

async function register(t: Built, ids: readonly string[], bidOpeningAt = '2026-12-01T10:00:00+08:00'): Promise<void> {
  for (const [i, id] of ids.entries()) {
    await t.ctx.projects.register(
      {
        project: { id, tenderer: syntheticUscc(9600 + i), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt, region: '330106' },
        request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
        name: null,
        venue: null,
        leadTimeMinutes: undefined,
      },
      op,
    );
  }
}

const selectedBy = (t: Built, d: DrawRecord) => (t.ctx.draws.openSealed(d) as SealedContent).result.groups[0]!.selected;
const ranked = (t: Built, d: DrawRecord) => {
  const content = t.ctx.draws.openSealed(d) as SealedContent;
  return [...content.result.groups[0]!.selected, ...content.result.groups[0]!.alternates, ...content.extension[0]!];
};
/** The instance's live selection history (the draw service's own). */
const liveHistory = (t: Built) => (t.ctx.draws as unknown as { history: SelectionHistory }).history;
const view = (t: Built) => liveHistory(t).current();
/** The pool of every test, imported by an administrator. */
const seedPool = (t: Built) => t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });

beforeAll(() => {
  // At most one selection in 30 days: whoever one draw selects, every later draw must skip.
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ frequency: { maxDraws: 1 } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('selection history', () => {
  it("takes its own instance's result from memory, and the disclosure rebuilds the same exclusions from the store", async () => {
    const reads = { n: 0, lists: 0 };
    const t = await build({ EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') }, { now: () => clock, wrapStore: countingSelectionReads(reads) });
    try {
      await seedPool(t);
      await register(t, ['P-OWN-1', 'P-OWN-2']);
      const first = await t.ctx.draws.run('P-OWN-1', 'immediate', op);
      clock += 60_000;
      const second = await t.ctx.draws.run('P-OWN-2', 'immediate', op);
      expect(second.historyUpTo).toBe(first.resultIndex);
      for (const id of selectedBy(t, first)) expect(ranked(t, second)).not.toContain(id);
      // Its own record came from memory: nothing was read back from the store.
      expect(reads.n).toBe(0);
      expect(view(t).index.size).toBe(5);

      clock = Date.parse('2026-12-01T10:05:00+08:00');
      for (const who of [op, sup]) await t.ctx.roster.approveUnseal(second.drawId, 'P-OWN-2', '2026-12-01T10:00:00+08:00', who);
      const listed = reads.lists;
      const disclosed = await t.ctx.disclosure.disclose(second.drawId, op);
      // The past draws inside its windows came from memory: the store's selections were not listed again.
      expect(reads.lists).toBe(listed);
      const reveal = JSON.parse((await t.ctx.auditLog.entry(disclosed.revealIndex!)).toString()).payload;
      const capped = (reveal.groups[0].exclusions as string[]).filter((line) => line.includes('FREQUENCY_CAP')).map((line) => line.split('\t')[0]);
      expect(capped.sort()).toEqual([...selectedBy(t, first)].sort());
    } finally {
      await t.close();
    }
  }, 60_000);

  it('stops counting a cancelled draw from the cancellation on; a draw before it keeps it; both disclose and verify', async () => {
    const t = await build({ EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') }, { now: () => clock });
    try {
      clock = Date.parse('2026-12-01T08:00:00+08:00');
      await seedPool(t);
      await register(t, ['P-CX-1', 'P-CX-2', 'P-CX-3']);
      const cancelled = await t.ctx.draws.run('P-CX-1', 'immediate', op);
      clock += 60_000;
      const before = await t.ctx.draws.run('P-CX-2', 'immediate', op);
      // Drawn before the cancellation: its history holds the first draw, whose experts it must skip.
      for (const id of selectedBy(t, cancelled)) expect(ranked(t, before)).not.toContain(id);
      clock += 60_000;
      const size = await t.ctx.store.logSize();
      await t.ctx.roster.cancelProject('P-CX-1', '招标终止', op);
      // The withdrawal arrives on the feed, in log order, as results do (read before each draw).
      await liveHistory(t).refresh();
      expect(view(t).upTo).toBe(size);
      expect(view(t).index.size).toBe(5);
      clock += 60_000;
      const after = await t.ctx.draws.run('P-CX-3', 'immediate', op);
      expect(after.historyUpTo).toBe(size);
      // The store path (a new instance, a disclosure outside memory) reads the same: the cancelled draw is in the
      // history up to the cancellation, and out of it from there on.
      const asOf = async (upTo: number) => (await liveHistory(t).recordsAsOf(upTo)).records.map((r) => r.drawId);
      expect(await asOf(before.historyUpTo!)).toEqual([cancelled.drawId]);
      expect(await asOf(after.historyUpTo!)).toEqual([before.drawId]);

      clock = Date.parse('2026-12-01T10:05:00+08:00');
      const cappedBy = async (d: DrawRecord, projectId: string) => {
        for (const who of [op, sup]) await t.ctx.roster.approveUnseal(d.drawId, projectId, '2026-12-01T10:00:00+08:00', who);
        const disclosed = await t.ctx.disclosure.disclose(d.drawId, op);
        const reveal = JSON.parse((await t.ctx.auditLog.entry(disclosed.revealIndex!)).toString()).payload;
        const proof = await t.app.inject({ url: `/v1/draws/${d.drawId}/proof`, headers: t.auth('inspector') });
        const report = verifyDrawProof(proof.json(), { verifierKey: t.ctx.keys.logVerifier.verifierKey });
        expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
        return (reveal.groups[0].exclusions as string[]).filter((line) => line.includes('FREQUENCY_CAP')).map((line) => line.split('\t')[0]).sort();
      };
      expect(await cappedBy(before, 'P-CX-2')).toEqual([...selectedBy(t, cancelled)].sort());
      expect(await cappedBy(after, 'P-CX-3')).toEqual([...selectedBy(t, before)].sort());

      // A history opened anew from the store (a restart, another instance) holds the same.
      const reopened = await SelectionHistory.open(t.ctx.store, t.ctx.vault);
      expect(reopened.current().upTo).toBe(view(t).upTo);
      expect(reopened.current().index.size).toBe(view(t).index.size);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('lets go of the selections older than its longest window and a month, between draws', async () => {
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    const t = await build({ EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') }, { now: () => clock });
    try {
      await seedPool(t);
      await register(t, ['P-KEEP-1']);
      const old = await t.ctx.draws.run('P-KEEP-1', 'immediate', op);
      await t.ctx.draws.refreshHistory();
      expect(view(t).index.size).toBe(5);
      // The default windows are 30 and 365 days: 395 days are kept. A day short of that, the old draw still counts.
      const DAY = 86_400_000;
      clock += 394 * DAY;
      await t.ctx.draws.refreshHistory();
      expect(view(t).index.size).toBe(5);
      // Past it, the next look lets the old draw go; the history answers the windows of every draw still to come.
      clock += 2 * DAY;
      await register(t, ['P-KEEP-2'], new Date(clock + 3 * 3_600_000).toISOString());
      const next = await t.ctx.draws.run('P-KEEP-2', 'immediate', op);
      expect(view(t).index.keptFrom).toBe(clock - 395 * DAY);
      await t.ctx.draws.refreshHistory();
      expect(view(t).index.size).toBe(5);
      expect(next.historyUpTo).toBe(old.resultIndex);
      // The store keeps every selection: a disclosure rebuilds any draw's history from it, whatever memory let go.
      expect((await liveHistory(t).recordsAsOf(next.resultIndex!)).records).toHaveLength(2);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('gives a disclosure the past draws inside its windows, from memory while it holds them and from the store once not', async () => {
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    const reads = { n: 0, lists: 0 };
    // Caps high enough for the pool to hold all the draws below.
    writeFileSync(join(dir, 'wide.json'), JSON.stringify({ frequency: { maxDraws: 100, maxDrawsSameTenderer: 100 } }));
    const t = await build({ EXPERT_DRAW_POLICY_FILE: join(dir, 'wide.json') }, { now: () => clock, wrapStore: countingSelectionReads(reads) });
    const DAY = 86_400_000;
    try {
      await seedPool(t);
      // Draws 40 and 10 days apart: three windows' worth of history, with the first tenderer's draws spread over it.
      const drawn: DrawRecord[] = [];
      for (const [i, days] of [0, 40, 50, 90].entries()) {
        clock = Date.parse('2026-12-01T08:00:00+08:00') + days * DAY;
        const id = `P-WIN-${i}`;
        await register(t, [id], new Date(clock + 3 * 3_600_000).toISOString());
        drawn.push(await t.ctx.draws.run(id, 'immediate', op));
      }
      const history = liveHistory(t);
      const windowOf = (fromMs: number, tendererFromMs: number, tenderer: string) => ({ fromMs: Math.min(fromMs, tendererFromMs), counts: (at: number, who: string) => at >= fromMs || (who === tenderer && at >= tendererFromMs) });
      const upTo = drawn[3]!.resultIndex!;
      const idsOf = (r: { records: Array<{ drawId: string }> }) => r.records.map((x) => x.drawId);
      // The last 30 days, or the same tenderer's draws over the last 365 (register names each project's tenderer alike).
      const wide = windowOf(clock - 30 * DAY, clock - 365 * DAY, syntheticUscc(9600));
      const narrow = windowOf(clock - 45 * DAY, clock - 45 * DAY, 'none');
      const listed = reads.lists;
      const fromMemory = [await history.recordsAsOf(upTo, wide), await history.recordsAsOf(upTo, narrow), await history.recordsAsOf(drawn[1]!.resultIndex!, narrow)];
      expect(reads.lists).toBe(listed);
      expect(fromMemory.map(idsOf)).toEqual([drawn.map((d) => d.drawId), [drawn[2]!.drawId, drawn[3]!.drawId], []]);
      // The same answers as the whole history from the store, cut to the windows.
      const whole = await history.recordsAsOf(upTo);
      expect(reads.lists).toBe(listed + 1);
      expect(idsOf(whole)).toEqual(drawn.map((d) => d.drawId));
      expect(fromMemory[1]!.index.size).toBe(10);
      // Once memory has let go of the first draws, a window reaching back to them is read from the store.
      clock += 400 * DAY - 85 * DAY;
      await t.ctx.draws.refreshHistory();
      const back = windowOf(clock - 410 * DAY, clock - 410 * DAY, 'none');
      expect(idsOf(await history.recordsAsOf(upTo, back))).toEqual(drawn.map((d) => d.drawId));
      expect(reads.lists).toBe(listed + 2);
    } finally {
      await t.close();
    }
  }, 60_000);

  it("reads other instances' results between two of its own in the feed's order, in one round trip", async () => {
    clock = Date.parse('2026-12-01T08:00:00+08:00');
    const readsA = { n: 0, trips: 0 };
    const env = { EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') };
    const a = await build(env, { now: () => clock, wrapStore: countingSelectionReads(readsA) });
    let b: Built | undefined;
    try {
      b = await build({ ...env, EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock });
      await seedPool(a);
      await register(a, ['P-FEED-1', 'P-FEED-2', 'P-FEED-3', 'P-FEED-4']);
      await waitForPool(b, 80);
      const first = await a.ctx.draws.run('P-FEED-1', 'immediate', op);
      clock += 60_000;
      const second = await b.ctx.draws.run('P-FEED-2', 'immediate', op);
      clock += 60_000;
      const third = await b.ctx.draws.run('P-FEED-3', 'immediate', op);
      clock += 60_000;
      const fourth = await a.ctx.draws.run('P-FEED-4', 'immediate', op);
      // The fourth draw read every earlier result: up to the other instance's last, which came after its own first.
      expect(second.resultIndex).toBeGreaterThan(first.resultIndex!);
      expect(third.resultIndex).toBeGreaterThan(second.resultIndex!);
      expect(fourth.historyUpTo).toBe(third.resultIndex);
      for (const id of [...selectedBy(a, first), ...selectedBy(b, second), ...selectedBy(b, third)]) expect(ranked(a, fourth)).not.toContain(id);
      // Only the other instance's records were read and opened, both in one read.
      expect(readsA.n).toBe(2);
      expect(readsA.trips).toBe(1);
      await a.ctx.draws.refreshHistory();
      expect(view(a)).toEqual(expect.objectContaining({ upTo: fourth.resultIndex }));
      expect(view(a).index.size).toBe(20);
    } finally {
      await b?.close();
      await a.close();
    }
  }, 60_000);
});
