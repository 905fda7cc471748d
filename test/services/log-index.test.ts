// The log index and the listings fed from it, on a real store: a caller always sees what was appended before it asked
// (also while another catch-up runs), a draw's entries reach its project through the draw id, and a store that fails
// while the listing re-reads records loses no change: the next request reads them again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { catchingUp } from '../../src/services/catch-up.js';
import { LogIndex } from '../../src/services/log-index.js';
import type { Store } from '../../src/store/store.js';
import { build, type Built } from '../helper.js';
import { registerProject } from '../helpers/projects.js';

const by: TokenClaims = { sub: 'op', role: 'operator', iat: 0, exp: 0 };
const pool = generatePool({ size: 40, seed: 'log-index', fixed: [{ code: 'C990101', members: 30 }] });
let t: Built;
/** When set, the store's next getRecords fails (as a dropped connection would). */
let failNextRead = false;
const flaky = (store: Store): Store =>
  new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'getRecords') {
        return (...args: Parameters<Store['getRecords']>) => {
          if (failNextRead) {
            failNextRead = false;
            return Promise.reject(new Error('connection reset'));
          }
          return target.getRecords(...args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });

const register = (id: string) => registerProject(t, by, { id, bidOpeningAt: '2026-12-01T10:00:00+08:00', tenderer: syntheticUscc(4001) });
const listed = async () => (await t.ctx.listings.listProjects({ after: null, limit: 500 }, { kind: 'every-owner' })).items.map((p) => `${p.id}:${p.state}`);

beforeAll(async () => {
  t = await build({}, { now: () => Date.parse('2026-12-01T06:00:00+08:00'), wrapStore: flaky });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', by);
});
afterAll(async () => {
  await t?.close();
});

describe('catchingUp', () => {
  it('never answers a caller with a pass that began before it asked; callers arriving together share one pass', async () => {
    const started: number[] = [];
    const release: Array<() => void> = [];
    const pass = catchingUp(() => {
      started.push(started.length);
      return new Promise<void>((r) => release.push(r));
    });
    const first = pass();
    const second = pass();
    const third = pass();
    expect(started).toEqual([0]);
    let secondDone = false;
    void second.then(() => (secondDone = true));
    release[0]!();
    await first;
    await new Promise((r) => setImmediate(r));
    // The first pass ended; the second and third share a new one, which has not ended yet.
    expect(started).toEqual([0, 1]);
    expect(secondDone).toBe(false);
    release[1]!();
    await Promise.all([second, third]);
    expect(started).toEqual([0, 1]);
  });
});

describe('log index', () => {
  it('finds a project’s entries, its draw’s included, and skips the pool’s', async () => {
    await register('P-IX-1');
    const drawId = (await t.ctx.draws.run('P-IX-1', 'immediate', by)).drawId;
    const index = new LogIndex(t.ctx.store);
    await index.catchUp();
    expect(index.size).toBe(await t.ctx.store.logSize());
    const types = await Promise.all(index.of('P-IX-1').map(async (i) => JSON.parse((await t.ctx.auditLog.entry(i)).toString()) as { type: string; payload: { drawId?: string } }));
    expect(types.map((e) => e.type)).toEqual(['project.registered', 'draw.commit', 'draw.result', 'calls.placed']);
    expect(types.slice(1).every((e) => e.payload.drawId === drawId)).toBe(true);
    expect(index.of('P-NONE')).toEqual([]);
  });

  it('lists what was written just before, and loses no change when a re-read fails', async () => {
    await register('P-IX-2');
    expect(await listed()).toContain('P-IX-2:scheduled');
    await t.ctx.projects.cancel('P-IX-2', '招标人撤回', by);
    failNextRead = true;
    await expect(listed()).rejects.toThrow(/connection reset/);
    expect(await listed()).toContain('P-IX-2:cancelled');
  });
});
