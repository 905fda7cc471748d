// The draw lease on Redis with several instances: immediate and scheduled draws run under the same lease, renewed while
// they run, so no scheduler aborts a live draw, and a dead holder's draw is taken over once its lease expires.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { verifyLog } from '../../src/log/verify.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { DrawRecord } from '../../src/records/draws.js';
import type { ProjectRecord } from '../../src/records/projects.js';
import type { LogBatch, Store } from '../../src/store/store.js';
import { notingDrawReleases } from '../helpers/leases.js';
import { drawEntriesByProject, drawEntriesOf } from '../helpers/log.js';
import { build, waitForPool, type Built } from '../helper.js';

const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const NOW = Date.parse('2026-12-01T08:00:00+08:00');
const OPERATOR = { sub: 'op', role: 'operator' as const, iat: 0, exp: 0 };
/** Due at 08:00 (the default lead time is an hour). */
const DUE = '2026-12-01T09:00:00+08:00';
const LATER = '2026-12-03T09:00:00+08:00';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Projects whose draw.commit entries a batch holds. */
function committedProjects(batch: LogBatch): string[] {
  return batch.entries
    .map((e) => JSON.parse(e.toString('utf8')) as { type: string; payload: { projectId?: string } })
    .filter((e) => e.type === 'draw.commit' && e.payload.projectId)
    .map((e) => e.payload.projectId!);
}

/** The real store, whose appendLog waits on `after(projectId)` once a commit of that project is durable. */
function afterCommit(inner: Store, after: (projectId: string) => Promise<void> | undefined): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'appendLog') return (value as (...a: unknown[]) => unknown).bind(target);
      return async (batch: LogBatch) => {
        await target.appendLog(batch);
        await Promise.all(committedProjects(batch).map(after));
      };
    },
  });
}

async function seedPool(t: Built, seed: string): Promise<void> {
  const pool = generatePool({ size: 300, seed, fixed: [{ code: 'C990101', members: 150 }] });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
}

async function register(t: Built, id: string, bidOpeningAt: string, n: number): Promise<void> {
  await t.ctx.projects.register(
    {
      project: { id, tenderer: syntheticUscc(8000 + n), agency: null, bidders: [], avoid: [], preparedBy: [], bidOpeningAt, region: '330106' },
      request: { groups: [{ specialty: 'C990101', count: 5 }], tendererRepresentatives: 0 },
      name: null,
      venue: null,
      leadTimeMinutes: undefined,
    },
    OPERATOR,
  );
}


async function projectState(t: Built, id: string): Promise<ProjectRecord> {
  return JSON.parse((await t.ctx.store.getRecord('projects', id))!.toString()) as ProjectRecord;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('two instances: immediate draws and both schedulers', () => {
  let a: Built;
  let b: Built;
  let clock = NOW;
  /** Per project, what appendLog waits on after its commit, on instance a's or b's store. */
  const pauses = new Map<string, (on: 'a' | 'b') => Promise<void>>();
  const pause = (on: 'a' | 'b') => (id: string) => pauses.get(id)?.(on);

  beforeAll(async () => {
    a = await build({ EXPERT_DRAW_STORE: 'redis' }, { now: () => clock, wrapStore: (s) => afterCommit(s, pause('a')) });
    b = await build({ EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_KEYS_DIR: a.config.EXPERT_DRAW_KEYS_DIR, EXPERT_DRAW_REDIS_PREFIX: a.config.EXPERT_DRAW_REDIS_PREFIX }, { now: () => clock, wrapStore: (s) => afterCommit(s, pause('b')) });
    await seedPool(a, 'draw-lease');
    await waitForPool(b, 300);
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('the other instance\'s tick leaves an immediate draw paused between its commit and its result alone', async () => {
    await register(a, 'P-PAUSE', LATER, 0);
    const committed = deferred();
    const gate = deferred();
    pauses.set('P-PAUSE', () => {
      committed.resolve();
      return gate.promise;
    });
    const answer = a.app.inject({ method: 'POST', url: '/v1/projects/P-PAUSE/draw', headers: a.auth('operator') });
    await committed.promise;
    // The commit is durable and the project `drawing`; the result is not written yet.
    expect((await projectState(b, 'P-PAUSE')).state).toBe('drawing');
    const report = await b.ctx.scheduler.tick().finally(() => gate.resolve());
    const res = await answer;
    expect(res.statusCode).toBe(201);
    expect(report.aborted).toEqual([]);
    expect(res.json()).toMatchObject({ projectId: 'P-PAUSE', kind: 'immediate', state: 'drawn' });
    expect((await drawEntriesByProject(a.ctx.store)).get('P-PAUSE')).toEqual(['draw.commit', 'draw.result']);
  }, 60_000);

  it('concurrent immediate draws on both instances while both schedulers tick: no 5xx, each project drawn once, nothing aborted', async () => {
    const N = 40;
    const ids = Array.from({ length: N }, (_, i) => `P-RACE-${String(i).padStart(2, '0')}`);
    // Half fall due one after the other, each as its immediate draws are asked for (the schedulers race them); half
    // only later (immediate draws alone).
    const minute = 60_000;
    const dueAt = (i: number) => NOW + (i + 1) * minute;
    for (const [i, id] of ids.entries()) await register(a, id, i % 2 === 0 ? new Date(dueAt(i) + 60 * minute).toISOString() : LATER, 100 + i);
    // Each draw waits between its commit and its result until the other instance has ticked (a tick begun after the
    // commit: two ends of ticks), or 200 ms at most (the other instance may itself be waiting): every draw is
    // `drawing` while a stale check of the other instance looks at it.
    const ticked = new EventEmitter();
    const otherTicks = async (other: 'a' | 'b') => {
      const timeout = AbortSignal.timeout(200);
      await once(ticked, other, { signal: timeout })
        .then(() => once(ticked, other, { signal: timeout }))
        .catch(() => undefined);
    };
    for (const id of ids) pauses.set(id, (on) => otherTicks(on === 'a' ? 'b' : 'a'));
    let ticking = true;
    const tickLoop = async (t: Built, name: 'a' | 'b') => {
      while (ticking) {
        await t.ctx.scheduler.tick();
        ticked.emit(name);
        await sleep(1);
      }
    };
    const ticks = Promise.all([tickLoop(a, 'a'), tickLoop(b, 'b')]);
    const requests: Array<Promise<{ id: string; status: number; body: { drawId?: string; state?: string; error?: { code: string } } }>> = [];
    const post = (t: Built, id: string, key?: string) =>
      requests.push(
        t.app
          .inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers: { ...t.auth('operator'), ...(key ? { 'idempotency-key': key } : {}) } })
          .then((res) => ({ id, status: res.statusCode, body: res.json() })),
      );
    // The requests are spread over a few hundred milliseconds, so that the ticks meet draws at every step.
    for (const [i, id] of ids.entries()) {
      if (i > 0) await sleep(15);
      if (i % 2 === 0) clock = dueAt(i);
      switch (i % 4) {
        case 0: // both instances at once, the same Idempotency-Key
          post(a, id, `same-key-${id}`);
          post(b, id, `same-key-${id}`);
          break;
        case 1: // both instances at once, different keys
          post(a, id, `key-a-${id}`);
          post(b, id, `key-b-${id}`);
          break;
        case 2: // both instances at once, no key
          post(a, id);
          post(b, id);
          break;
        default: // one instance only
          post(i % 8 === 3 ? a : b, id);
      }
    }
    const answers = await Promise.all(requests);
    // The schedulers draw what no immediate draw did (the due half); the rest is left to the immediate draws.
    for (const start = Date.now(); ; await sleep(20)) {
      const states = await Promise.all(ids.map(async (id) => (await projectState(a, id)).state));
      if (states.every((s, i) => s === 'drawn' || (i % 2 === 1 && s === 'scheduled'))) break;
      if (Date.now() - start > 60_000) throw new Error(`not settled: ${JSON.stringify(states)}`);
    }
    ticking = false;
    await ticks;

    expect(answers.filter((r) => r.status >= 500)).toEqual([]);
    for (const r of answers) {
      expect([201, 409], JSON.stringify(r)).toContain(r.status);
      if (r.status === 409) expect(['CONFLICT', 'DRAW_IN_PROGRESS', 'IDEMPOTENCY_CONFLICT'], JSON.stringify(r)).toContain(r.body.error?.code);
    }
    const entries = await drawEntriesByProject(a.ctx.store);
    for (const id of ids) {
      // Every project a request reached is drawn once: one commit, one result, nothing aborted.
      const project = await projectState(a, id);
      expect(project.state, id).toBe('drawn');
      expect(entries.get(id), id).toEqual(['draw.commit', 'draw.result']);
      // A 201 is that one draw (two 201s only as a replay of the same key), drawn and never aborted.
      for (const r of answers.filter((x) => x.id === id && x.status === 201)) {
        expect(r.body.state, id).toBe('drawn');
        expect(r.body.drawId, id).toBe(project.drawId);
        expect((JSON.parse((await a.ctx.store.getRecord('draws', r.body.drawId!))!.toString()) as DrawRecord).state, id).toBe('drawn');
      }
    }
    const verified = await verifyLog({ store: a.ctx.store, verifier: a.ctx.keys.logVerifier, origin: a.config.EXPERT_DRAW_LOG_ORIGIN });
    expect(verified.failure).toBeNull();
    expect(verified.ok).toBe(true);
  }, 120_000);
});

describe('the lease is renewed while a draw runs and expires when its holder dies', () => {
  // Short, so that the test waits a few seconds; the heartbeat renews every third of it.
  const LEASE_MS = 2000;
  let slow: Built;
  let dead: Built;
  let taker: Built;
  const slowGate = deferred();
  const slowCommitted = deferred();
  const deadCommitted = deferred();
  /** The dead instance's store stops answering after its commit, as a frozen or cut-off process would; until thawed. */
  let frozen = false;
  const thaw = deferred();

  beforeAll(async () => {
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const env = { EXPERT_DRAW_STORE: 'redis', EXPERT_DRAW_REDIS_PREFIX: prefix, EXPERT_DRAW_DRAW_LEASE_MS: String(LEASE_MS) };
    taker = await build(env, { now: () => NOW });
    const shared = { ...env, EXPERT_DRAW_KEYS_DIR: taker.config.EXPERT_DRAW_KEYS_DIR };
    slow = await build(shared, {
      now: () => NOW,
      wrapStore: (s) =>
        afterCommit(s, (id) => {
          if (id !== 'P-SLOW') return undefined;
          slowCommitted.resolve();
          return slowGate.promise;
        }),
    });
    dead = await build(shared, {
      now: () => NOW,
      wrapStore: (s) => {
        const paused = afterCommit(s, (id) => {
          if (id !== 'P-DEAD') return undefined;
          frozen = true;
          deadCommitted.resolve();
          return thaw.promise;
        });
        return new Proxy(paused, {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver) as unknown;
            if (typeof value !== 'function' || prop === 'close') return value;
            return async (...args: unknown[]) => {
              if (frozen) await thaw.promise;
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        });
      },
    });
    await seedPool(taker, 'draw-lease-renewal');
    await Promise.all([waitForPool(slow, 300), waitForPool(dead, 300)]);
    await register(taker, 'P-SLOW', DUE, 0);
    await register(taker, 'P-DEAD', DUE, 1);
  }, 120_000);

  afterAll(async () => {
    thaw.resolve();
    slowGate.resolve();
    await dead?.close();
    await slow?.close();
    await taker?.close();
  });

  it('keeps a slow live draw through many lease periods and takes a dead holder\'s draw over within a few', async () => {
    expect(loadConfig({}).EXPERT_DRAW_DRAW_LEASE_MS).toBeLessThanOrEqual(10_000);
    // Both draws run the path the scheduler runs; both stop after their commit: one alive, one dead.
    const slowRun = slow.ctx.draws.run('P-SLOW', 'scheduled', 'scheduler');
    const deadRun = dead.ctx.draws.run('P-DEAD', 'scheduled', 'scheduler').catch((err: unknown) => err);
    await Promise.all([slowCommitted.promise, deadCommitted.promise]);
    const started = Date.now();
    // The surviving instance ticks on: the dead holder's lease expires and its draw is aborted and drawn again; the
    // slow draw renews its lease and is left alone for three lease periods at least.
    let takenOver = false;
    while (!takenOver || Date.now() - started < 3 * LEASE_MS) {
      await taker.ctx.scheduler.tick();
      takenOver = (await projectState(taker, 'P-DEAD')).state === 'drawn';
      if (!takenOver && Date.now() - started > 10 * LEASE_MS) throw new Error('the dead holder\'s draw was never taken over');
      await sleep(50);
    }
    expect((await projectState(taker, 'P-SLOW')).state).toBe('drawing');
    slowGate.resolve();
    const drawn = await slowRun;
    expect(drawn.state).toBe('drawn');
    const entries = await drawEntriesByProject(taker.ctx.store);
    expect(entries.get('P-SLOW')).toEqual(['draw.commit', 'draw.result']);
    expect(entries.get('P-DEAD')).toEqual(['draw.commit', 'draw.aborted', 'draw.commit', 'draw.result']);
    // The dead holder, thawed, finds its draw aborted: a conflict, never a second result.
    thaw.resolve();
    expect(await deadRun).toMatchObject({ code: 'CONFLICT' });
    expect((await drawEntriesByProject(taker.ctx.store)).get('P-DEAD')).toEqual(['draw.commit', 'draw.aborted', 'draw.commit', 'draw.result']);
    // The aborted draw is opened: its abort entry reveals the nonce its commit hashed.
    const [firstCommit, aborted, secondCommit] = await drawEntriesOf(taker.ctx.store, 'P-DEAD');
    expect(aborted!.payload.nonce).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256Hex(Buffer.from(aborted!.payload.nonce as string, 'hex'))).toBe(firstCommit!.payload.nonceHash);
    expect(secondCommit!.payload.nonceHash).not.toBe(firstCommit!.payload.nonceHash);
  }, 120_000);
});

describe('the heartbeat', () => {
  const LEASE_MS = 1000;
  let t: Built;
  const gate = deferred();
  const committed = deferred();
  /** claimLease calls on the draw lease of P-BEAT, and whether renewals fail (a store that went away for a moment). */
  const claims: string[] = [];
  let failRenewals = false;

  beforeAll(async () => {
    t = await build({ EXPERT_DRAW_DRAW_LEASE_MS: String(LEASE_MS) }, {
      now: () => NOW,
      wrapStore: (s) => {
        const paused = afterCommit(s, (id) => {
          if (id !== 'P-BEAT') return undefined;
          committed.resolve();
          return gate.promise;
        });
        return new Proxy(paused, {
          get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver) as unknown;
            if (prop !== 'claimLease' || typeof value !== 'function') return value;
            return async (name: string, owner: string, ttlMs: number) => {
              if (name !== 'draw:P-BEAT') return target.claimLease(name, owner, ttlMs);
              claims.push(owner);
              if (failRenewals && claims.length > 1) throw new Error('connection reset');
              return target.claimLease(name, owner, ttlMs);
            };
          },
        });
      },
    });
    await seedPool(t, 'draw-lease-heartbeat');
    await register(t, 'P-BEAT', LATER, 0);
  }, 60_000);

  afterAll(async () => {
    gate.resolve();
    await t?.close();
  });

  it('survives failed renewals, and stops beating once the draw is done', async () => {
    failRenewals = true;
    const answer = t.app.inject({ method: 'POST', url: '/v1/projects/P-BEAT/draw', headers: t.auth('operator') });
    await committed.promise;
    // Renewals fail while the draw waits (they are retried, and nothing crashes).
    while (claims.length < 3) await sleep(50);
    gate.resolve();
    const res = await answer;
    expect(res.statusCode).toBe(201);
    expect(res.json().state).toBe('drawn');
    // One owner for the whole run; after it, no beat renews the lease again.
    expect(new Set(claims).size).toBe(1);
    const after = claims.length;
    await sleep(LEASE_MS);
    expect(claims.length).toBe(after);
  }, 60_000);
});

describe('after the draw', () => {
  let t: Built;
  /** The draw leases given back, by name. */
  const released: string[] = [];

  beforeAll(async () => {
    t = await build({}, {
      now: () => NOW,
      wrapStore: (s) => notingDrawReleases(s, released),
    });
    await seedPool(t, 'draw-lease-kept');
    await register(t, 'P-KEEP', LATER, 0);
    await waitForPool(t, 300);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('leaves a drawn project\'s lease to expire (a failed draw\'s is given back: failed-draw-open.test.ts), and answers a second draw as before', async () => {
    const drawn = await t.app.inject({ method: 'POST', url: '/v1/projects/P-KEEP/draw', headers: t.auth('operator') });
    expect(drawn.statusCode).toBe(201);
    expect(released).toEqual([]);
    // The lease is still held, so a second draw is refused on the project's state, as it was when the lease was given back.
    const again = await t.app.inject({ method: 'POST', url: '/v1/projects/P-KEEP/draw', headers: t.auth('operator') });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');
  });
});
