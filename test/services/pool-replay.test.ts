// A past draw rebuilt from the audit log alone: the pool replayed to the draw's version reproduces every committed
// digest however the pool changed afterwards, the reveal lines hash to the commit, and they name no person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import { open } from '../../src/crypto/sealing.js';
import type { Expert } from '../../src/domain/expert.js';
import type { CommitPayload } from '../../src/draw/commit.js';
import { linesDigest } from '../../src/draw/digest.js';
import { rankDraw, type DrawResult } from '../../src/draw/engine.js';
import { deriveSeed } from '../../src/draw/seed.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import type { DrawRecord } from '../../src/records/draws.js';
import { PoolIndex } from '../../src/draw/pool-index.js';
import { PoolReplay, rebuildDraw, REPLAY_BATCH, replayPool, ReplayError, type RebuildArgs } from '../../src/verify/pool-replay.js';
import { build, type Built } from '../helper.js';

let t: Built;
const clock = Date.parse('2026-12-01T06:00:00+08:00');
const by: TokenClaims = { sub: 'pool-1', role: 'pool-manager', iat: 0, exp: 0 };
const tenderer = syntheticUscc(5001);
const pool = generatePool({ size: 300, seed: 'replay', fixed: [{ code: 'C990101', members: 50 }, { code: 'C990102', members: 10 }, { code: 'C990201', members: 40 }] });
const personal = syntheticPersonal;
/** Experts under C9901 with nothing that excludes them yet: each change below is then visible in the lines. */
const plain = pool.experts.filter((e) => e.specialties.some((s) => s.startsWith('C9901')) && e.status === 'active' && e.relations.length === 0 && e.unavailable.length === 0);
const m = (i: number) => plain[i]!.id;
const outsider = pool.experts.find((e) => !e.specialties.some((s) => s.startsWith('C9901')))!;
const newcomer = (id: string): Expert => ({ ...pool.experts[0]!, id, specialties: ['C990101'], status: 'active', suspendedUntil: null, unavailable: [], relations: [] });

let draw: DrawRecord;
let args: RebuildArgs;
let commit: CommitPayload;
let poolAtDraw: Expert[];
let currentDigest: string;

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  const ctx = t.ctx;
  await ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: personal(i) })), [], 'all', by);
  // Before the draw: each kind of pool change, on members of the drawn specialty.
  await ctx.pool.setStatus(m(0), { status: 'suspended', reason: '核查中', until: '2026-12-31' }, by);
  await ctx.pool.update(m(1), { relations: [{ kind: 'org', holder: 'self', role: 'adviser', org: tenderer, until: null }] }, by, 'expert.relations');
  await ctx.pool.update(m(2), { unavailable: ['2026-12-01'] }, by, 'expert.availability');
  await ctx.pool.update(m(3), { employer: tenderer }, by);
  await ctx.pool.update(m(4), { relations: [{ kind: 'relative', expertId: m(5) }] }, by, 'expert.relations');
  await ctx.pool.create(newcomer('NEW-BEFORE'), personal(1001), by);
  await ctx.pool.upsertOrganisation({ code: tenderer, name: '某市城市建设投资集团有限公司' }, by);
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/projects',
    headers: t.auth('operator'),
    payload: {
      id: 'P-REPLAY',
      tenderer,
      bidOpeningAt: '2026-12-01T09:00:00+08:00',
      region: '330106',
      groups: [{ specialty: 'C9901', count: 3 }, { specialty: 'C990201', count: 2, regions: { exclude: ['11'] } }],
    },
  });
  expect(res.statusCode).toBe(201);
  poolAtDraw = ctx.pool.list({ limit: 10_000 }).items.map(({ revision: _r, updatedAt: _u, ...expert }) => expert);
  await ctx.draws.run('P-REPLAY', 'immediate', { sub: 'op-1', role: 'operator', iat: 0, exp: 0 });
  draw = JSON.parse((await ctx.store.getRecord('draws', (await ctx.projects.get('P-REPLAY')).record.drawId!))!.toString()) as DrawRecord;
  commit = JSON.parse((await ctx.auditLog.entry(draw.commitIndex)).toString()).payload as CommitPayload;
  // After the draw: more changes, in the drawn specialty too, and through an import.
  await ctx.pool.setStatus(m(0), { status: 'active', reason: '核查完毕', until: null }, by);
  await ctx.pool.update(m(2), { unavailable: [] }, by, 'expert.availability');
  await ctx.pool.setStatus(m(6), { status: 'retired', reason: '退休', until: null }, by);
  await ctx.pool.update(m(7), { employer: tenderer }, by);
  await ctx.pool.update(outsider.id, { relations: [{ kind: 'relative', expertId: m(8) }] }, by, 'expert.relations');
  await ctx.pool.create(newcomer('NEW-AFTER'), personal(1002), by);
  await ctx.pool.import([{ line: 1, expert: newcomer('NEW-IMPORTED'), personal: personal(1003) }], [], 'all', by);
  currentDigest = ctx.pool.current().membersDigest('C9901');
  const { record } = await ctx.projects.get('P-REPLAY');
  args = { commitIndex: draw.commitIndex, poolVersion: draw.poolVersion, drawId: draw.drawId, project: record.project, request: record.request, policy: ctx.projects.policy };
});
afterAll(async () => {
  await t.close();
});

const line = (lines: readonly string[], id: string) => lines.find((l) => l.startsWith(`${id}\t`));

describe('replayPool', () => {
  it('rebuilds the pool exactly as it was at the draw, from the store in batches or from the log entry by entry', async () => {
    expect(draw.state).toBe('drawn');
    const replayed = await replayPool(t.ctx.store, draw.commitIndex, draw.poolVersion);
    expect(replayed.map((e) => e.id)).toEqual(poolAtDraw.map((e) => e.id));
    expect(replayed).toEqual(poolAtDraw);
    expect(await replayPool(t.ctx.auditLog, draw.commitIndex, draw.poolVersion)).toEqual(replayed);
  });

  it('stops at the given version even when later changes are read', async () => {
    const size = await t.ctx.store.logSize();
    expect(await replayPool(t.ctx.store, size, draw.poolVersion)).toEqual(poolAtDraw);
    expect((await replayPool(t.ctx.store, size, t.ctx.pool.poolVersion)).map((e) => e.id)).toContain('NEW-IMPORTED');
  });

  it('refuses a version the log has not reached by then', async () => {
    await expect(replayPool(t.ctx.store, draw.commitIndex, draw.poolVersion + 1)).rejects.toThrow(
      new ReplayError(`the log before entry ${draw.commitIndex} reaches pool version ${draw.poolVersion}, not ${draw.poolVersion + 1}`),
    );
  });

  it('refuses a log with a pool change it cannot apply: a version gap, or a change to no one', async () => {
    const rewrite = (from: string, to: string) => ({
      readEntries: async (start: number, end: number) => (await t.ctx.store.readEntries(start, end)).map((b) => (b.includes(from) ? Buffer.from(b.toString().replace(from, to)) : b)),
    });
    // The availability change read as a type the replay does not know: the version it bumped goes missing.
    await expect(replayPool(rewrite('"type":"expert.availability"', '"type":"expert.holiday"'), draw.commitIndex, draw.poolVersion)).rejects.toThrow(/has pool version \d+ after \d+: the log misses a pool change/);
    await expect(replayPool(rewrite(`"id":"${m(0)}","poolVersion"`, '"id":"NOBODY","poolVersion"'), draw.commitIndex, draw.poolVersion)).rejects.toThrow('(expert.status) for unknown expert NOBODY');
  });

  it('lets the event loop run between batches: a long replay does not hold up the service', async () => {
    // A store that answers at once, as SQLite does, with a log of 5½ batches of entries that change no pool.
    const size = Math.floor(5.5 * REPLAY_BATCH);
    const entry = Buffer.from('{"payload":{},"type":"draw.commit"}');
    const log = { readEntries: async (start: number, end: number) => Array.from({ length: end - start }, () => entry) };
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const replayed = await replayPool(log, size, 0);
    ticking = false;
    expect(replayed).toEqual([]);
    // The event loop turned between every two batches (and not only once the replay was over).
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(size / REPLAY_BATCH) - 1);
  });
});

describe('rebuildDraw', () => {
  it('reproduces every committed digest although the pool changed since the draw', async () => {
    expect(currentDigest).not.toBe(commit.groups[0]!.membersDigest);
    const { prepared, lines } = await rebuildDraw(t.ctx.store, args);
    expect(prepared.requestHash).toBe(commit.requestHash);
    expect(prepared.policyHash).toBe(commit.policyHash);
    expect(lines.map((g) => g.index)).toEqual([0, 1]);
    lines.forEach((g, i) => {
      const c = commit.groups[i]!;
      expect(g.specialty).toBe(c.specialty);
      expect(g.members).toHaveLength(c.membersCount);
      expect(linesDigest(g.members)).toBe(c.membersDigest);
      expect(g.exclusions).toHaveLength(c.excludedCount);
      expect(linesDigest(g.exclusions)).toBe(c.exclusionDigest);
    });
  });

  it('holds the changes made before the draw, and none made after', async () => {
    const [group] = (await rebuildDraw(t.ctx.store, args)).lines;
    const { members, exclusions } = group!;
    expect(line(exclusions, m(0))).toBe(`${m(0)}\tSUSPENDED\n`);
    expect(line(exclusions, m(1))).toBe(`${m(1)}\tPOSITION_AT_PARTY\n`);
    expect(line(exclusions, m(2))).toBe(`${m(2)}\tUNAVAILABLE\n`);
    expect(line(exclusions, m(3))).toBe(`${m(3)}\tEMPLOYER_IS_TENDERER\n`);
    expect(line(exclusions, m(6))).toBeUndefined();
    expect(line(exclusions, m(7))).toBeUndefined();
    expect(line(members, m(4))?.endsWith(`\t${m(5)}\n`)).toBe(true);
    expect(line(members, m(5))?.endsWith(`\t${m(4)}\n`)).toBe(true);
    expect(line(members, m(8))?.endsWith('\t\n')).toBe(true);
    expect(line(members, 'NEW-BEFORE')).toBeDefined();
    expect(line(members, 'NEW-AFTER')).toBeUndefined();
    expect(line(members, 'NEW-IMPORTED')).toBeUndefined();
  });

  it('with the revealed nonce, gives the sealed ranking', async () => {
    const { prepared } = await rebuildDraw(t.ctx.store, args);
    const sealed = JSON.parse(open(draw.sealed!, draw.drawId, 'service', t.ctx.keys.sealing.privateKey).toString()) as { result: DrawResult; nonce: string };
    const seed = deriveSeed(commit.entropy, commit.nonceHash, {
      nonce: Buffer.from(sealed.nonce, 'hex'),
      commitLeafHash: Buffer.from(draw.commitLeafHash, 'hex'),
      beaconRandomness: null,
      witnessReveals: [],
    });
    expect(rankDraw(prepared, seed).result).toEqual(sealed.result);
  });

  it('refuses a wrong pool version, entry, draw, project or policy, naming what differs', async () => {
    const at = `draw.commit at entry ${draw.commitIndex}`;
    await expect(rebuildDraw(t.ctx.store, { ...args, poolVersion: args.poolVersion - 1 })).rejects.toThrow(`${at}: poolVersion is ${args.poolVersion}, rebuilt ${args.poolVersion - 1}`);
    await expect(rebuildDraw(t.ctx.store, { ...args, commitIndex: args.commitIndex - 1 })).rejects.toThrow(`entry ${args.commitIndex - 1} is project.registered, not draw.commit`);
    await expect(rebuildDraw(t.ctx.store, { ...args, commitIndex: 1e6 })).rejects.toThrow('log entry 1000000 could not be read');
    await expect(rebuildDraw(t.ctx.store, { ...args, drawId: 'D-other' })).rejects.toThrow(`${at}: drawId is ${draw.drawId}, rebuilt D-other`);
    const moved = { ...args.project, bidOpeningAt: '2026-12-02T09:00:00+08:00' };
    await expect(rebuildDraw(t.ctx.store, { ...args, project: moved })).rejects.toThrow(`${at}: requestHash is ${commit.requestHash}`);
    await expect(rebuildDraw(t.ctx.store, { ...args, policy: { ...args.policy, maxPerEmployerPerPanel: 2 } })).rejects.toThrow(`${at}: policyHash is ${commit.policyHash}`);
  });

  it('refuses a log whose pool changes do not give the committed digests', async () => {
    // m(3)'s move to the tenderer, read back with another employer: its member line, hence the digest, differs.
    const altered = {
      readEntries: async (start: number, end: number) =>
        (await t.ctx.store.readEntries(start, end)).map((bytes) => {
          const text = bytes.toString();
          return text.includes('"type":"expert.updated"') && text.includes(`"id":"${m(3)}"`) ? Buffer.from(text.replaceAll(tenderer, syntheticUscc(5003))) : bytes;
        }),
    };
    await expect(rebuildDraw(altered, args)).rejects.toThrow(`draw.commit at entry ${draw.commitIndex}: group 0 membersDigest is ${commit.groups[0]!.membersDigest}`);
  });
});

describe('PoolReplay (kept from one disclosure to the next)', () => {
  const PACKED = ['employerOf', 'regionOf', 'statusOf', 'suspendedUntilDay', 'flagsOf', 'relationStart', 'relationOrgs', 'unavailableStart', 'unavailableDays'] as const;
  /** Everything a draw reads of a pool index. */
  const fingerprint = (pool: PoolIndex) => ({
    version: pool.version,
    members: Array.from({ length: pool.size }, (_, i) => pool.member(i)),
    orgs: [...pool.orgIndex],
    packed: Object.fromEntries(PACKED.map((k) => [k, Array.from(pool[k])])),
    digests: ['C9901', 'C990101', 'C990102', 'C990201'].map((s) => pool.membersDigest(s)),
  });
  const replayed = async (untilIndex: number, version: number) => fingerprint(new PoolIndex(await replayPool(t.ctx.store, untilIndex, version), version));
  /** The log's pool changes after the draw: where each ends, and the version it reached. */
  const laterChanges = async () => {
    const size = await t.ctx.store.logSize();
    const out: Array<{ until: number; version: number }> = [];
    for (const [k, bytes] of (await t.ctx.store.readEntries(draw.commitIndex, size)).entries()) {
      const { payload } = JSON.parse(bytes.toString()) as { payload: { poolVersion?: number } };
      if (/"type":"(expert|organisation)\./.test(bytes.toString()) && payload.poolVersion !== undefined) out.push({ until: draw.commitIndex + k + 1, version: payload.poolVersion });
    }
    return { size, changes: out };
  };

  it('gives what a replay from the first entry gives, reading only the entries since the last call', async () => {
    const { size, changes } = await laterChanges();
    expect(changes.length).toBeGreaterThanOrEqual(6);
    const kept = new PoolReplay(t.ctx.store);
    const first = await kept.poolAt(draw.commitIndex, draw.poolVersion);
    expect(fingerprint(first)).toEqual(await replayed(draw.commitIndex, draw.poolVersion));
    expect(kept.entriesRead).toBe(draw.commitIndex);
    // No pool change since: the same index, nothing read.
    expect(await kept.poolAt(draw.commitIndex, draw.poolVersion)).toBe(first);
    expect(kept.entriesRead).toBe(draw.commitIndex);
    let read = draw.commitIndex;
    for (const { until, version } of changes) {
      const pool = await kept.poolAt(until, version);
      expect(kept.entriesRead - read).toBe(until - read);
      read = until;
      expect(fingerprint(pool), `until ${until}`).toEqual(await replayed(until, version));
    }
    const last = changes.at(-1)!;
    const end = await kept.poolAt(size, last.version);
    expect(kept.entriesRead).toBe(size);
    expect(end.version).toBe(t.ctx.pool.poolVersion);
    expect(fingerprint(end)).toEqual(await replayed(size, last.version));
    // An earlier place is replayed from the first entry, and what is kept stays as it was.
    expect(fingerprint(await kept.poolAt(draw.commitIndex, draw.poolVersion))).toEqual(await replayed(draw.commitIndex, draw.poolVersion));
    expect(kept.entriesRead).toBe(size + draw.commitIndex);
    expect(await kept.poolAt(size, last.version)).toBe(end);
    expect(kept.entriesRead).toBe(size + draw.commitIndex);
  });

  it('passes over later pool changes as a replay from the first entry does, and keeps no such pool', async () => {
    const { size, changes } = await laterChanges();
    const kept = new PoolReplay(t.ctx.store);
    await kept.poolAt(draw.commitIndex, draw.poolVersion);
    // Up to the end of the log at the draw's version: every later change is passed over.
    expect(fingerprint(await kept.poolAt(size, draw.poolVersion))).toEqual(await replayed(size, draw.poolVersion));
    expect(kept.entriesRead).toBe(size);
    // What was kept is no longer the pool at its place: the next call starts again from the first entry.
    const latest = changes.at(-1)!.version;
    expect(fingerprint(await kept.poolAt(size, latest))).toEqual(await replayed(size, latest));
    expect(kept.entriesRead).toBe(2 * size);
  });

  it('refuses what a replay from the first entry refuses, with the same words, and recovers', async () => {
    const kept = new PoolReplay(t.ctx.store);
    await kept.poolAt(draw.commitIndex, draw.poolVersion);
    const words = `the log before entry ${draw.commitIndex} reaches pool version ${draw.poolVersion}, not ${draw.poolVersion + 1}`;
    await expect(replayPool(t.ctx.store, draw.commitIndex, draw.poolVersion + 1)).rejects.toThrow(new ReplayError(words));
    await expect(kept.poolAt(draw.commitIndex, draw.poolVersion + 1)).rejects.toThrow(new ReplayError(words));
    expect(fingerprint(await kept.poolAt(draw.commitIndex, draw.poolVersion))).toEqual(await replayed(draw.commitIndex, draw.poolVersion));
  });

  it('drops what it kept when a call fails part-way, so a later call never builds on half a replay', async () => {
    const { size, changes } = await laterChanges();
    let broken = true;
    // m(6)'s retirement, read as a change to no one while `broken`: the changes before it are applied, then it throws.
    const log = {
      readEntries: async (start: number, end: number) =>
        (await t.ctx.store.readEntries(start, end)).map((b) => (broken && b.includes(`"id":"${m(6)}","poolVersion"`) ? Buffer.from(b.toString().replace(`"id":"${m(6)}"`, '"id":"NOBODY"')) : b)),
    };
    const kept = new PoolReplay(log);
    await kept.poolAt(draw.commitIndex, draw.poolVersion);
    const latest = changes.at(-1)!.version;
    await expect(kept.poolAt(size, latest)).rejects.toThrow('(expert.status) for unknown expert NOBODY');
    broken = false;
    expect(fingerprint(await kept.poolAt(size, latest))).toEqual(await replayed(size, latest));
  });

  it('runs calls one at a time: calls made together get what each would get alone', async () => {
    const { size, changes } = await laterChanges();
    const kept = new PoolReplay(t.ctx.store);
    const asks = [{ until: draw.commitIndex, version: draw.poolVersion }, ...changes, { until: size, version: changes.at(-1)!.version }];
    const pools = await Promise.all(asks.map((a) => kept.poolAt(a.until, a.version)));
    for (const [i, a] of asks.entries()) expect(fingerprint(pools[i]!)).toEqual(await replayed(a.until, a.version));
    expect(kept.entriesRead).toBe(size);
  });

  it('rebuilds the draw through it as from the first entry', async () => {
    const kept = new PoolReplay(t.ctx.store);
    const once = await rebuildDraw(t.ctx.store, args);
    expect((await rebuildDraw(t.ctx.store, args, kept)).lines).toEqual(once.lines);
    expect((await rebuildDraw(t.ctx.store, args, kept)).lines).toEqual(once.lines);
    expect(kept.entriesRead).toBe(draw.commitIndex);
  });
});

describe('reveal lines', () => {
  it('carry pool attributes only: no name, phone or ID number of anyone in the pool', async () => {
    const { lines } = await rebuildDraw(t.ctx.store, args);
    const text = lines.flatMap((g) => [...g.members, ...g.exclusions]).join('');
    expect(text.length).toBeGreaterThan(0);
    // Ids, organisation codes, regions and codes: printable ASCII, tabs and newlines only (names are not ASCII).
    expect(text).toMatch(/^[\x20-\x7e\t\n]+$/);
    for (const g of lines) for (const l of g.members) expect(l.split('\t')).toHaveLength(4);
    for (let i = 0; i < pool.experts.length; i++) {
      const p = personal(i);
      for (const secret of [p.name, p.phone, p.idNumber]) expect(text).not.toContain(secret);
    }
    for (const i of [1001, 1002, 1003]) for (const secret of Object.values(personal(i))) expect(text).not.toContain(secret);
  });
});
