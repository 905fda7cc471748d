// The inspector's log API on a real SQLite store: checkpoints verify against the pinned key; every entry, read page by
// page, hashes to its leaf, chains to the one before and rebuilds the checkpoint's root; inclusion proofs for every
// entry and consistency proofs between random sizes verify (and fail on any flipped byte); a project's entries are
// its registration and its one draw; no entry holds personal data or names a sealed draw's experts; reading writes
// nothing.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../../src/auth/roles.js';
import { openCheckpoint, type Checkpoint } from '../../../src/log/checkpoint.js';
import { proofFromHex, relateCheckpoints } from '../../../src/log/consistency.js';
import { GENESIS_PREV, leafHash } from '../../../src/log/entry.js';
import { MerkleFrontier, verifyInclusion } from '../../../src/log/merkle.js';
import { generatePool, syntheticPersonal } from '../../../src/pool/generator.js';
import { build, type Built } from '../../helper.js';
import { registerProject } from '../../helpers/projects.js';

const BID_OPENING = '2026-12-01T10:00:00+08:00';
let clock = Date.parse('2026-12-01T06:00:00+08:00');
const pool = generatePool({ size: 90, seed: 'log-api', fixed: [{ code: 'C990101', members: 40 }] });
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

let t: Built;
/** Every entry as /v1/log/entries served it, and the roots of the tree at each size, rebuilt from them here. */
let entries: Array<{ index: number; leafHash: string; entry: string }> = [];
let roots: Buffer[] = [];
let latest: Checkpoint;
let sealedDrawId = '';

const get = (url: string, role: 'inspector' | 'supervisor' = 'inspector') => t.app.inject({ method: 'GET', url, headers: t.auth(role) });
async function ok(url: string): Promise<any> {
  const res = await get(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json();
}
const open = (note: string) => openCheckpoint(note, t.ctx.keys.logVerifier, t.ctx.auditLog.origin).checkpoint;
const checkpointAt = (size: number): Checkpoint => ({ origin: latest.origin, size, rootHash: roots[size]!, extensions: [] });

beforeAll(async () => {
  t = await build({}, { now: () => clock });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  await t.ctx.auditLog.checkpoint();
  await registerProject(t, op, { id: 'P-LOG-OPEN', bidOpeningAt: BID_OPENING });
  await registerProject(t, op, { id: 'P-LOG-SEALED', bidOpeningAt: BID_OPENING });
  const disclosed = (await t.ctx.draws.run('P-LOG-OPEN', 'immediate', op)).drawId;
  await t.ctx.auditLog.checkpoint();
  sealedDrawId = (await t.ctx.draws.run('P-LOG-SEALED', 'immediate', op)).drawId;
  await t.ctx.calls.tick();
  clock = Date.parse('2026-12-01T10:05:00+08:00');
  for (const who of [op, sup]) await t.ctx.roster.approveUnseal(disclosed, 'P-LOG-OPEN', BID_OPENING, who);
  await t.ctx.disclosure.disclose(disclosed, op);
  latest = open((await t.ctx.auditLog.checkpoint()).note);

  // Every entry, page by page, as an inspector reads them.
  for (let start: number | null = 0; start !== null; ) {
    const page: { items: typeof entries; next: number | null } = await ok(`/v1/log/entries?start=${start}&limit=37`);
    entries.push(...page.items);
    start = page.next;
  }
  const frontier = new MerkleFrontier();
  roots = [frontier.root()];
  for (const e of entries) {
    frontier.append(leafHash(Buffer.from(e.entry, 'utf8')));
    roots.push(frontier.root());
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('checkpoints', () => {
  it('the latest verifies against the pinned key and covers the whole log', async () => {
    const answer = await ok('/v1/log/checkpoint');
    const cp = open(answer.note);
    expect(answer.size).toBe(cp.size);
    expect(cp.size).toBe(await t.ctx.store.logSize());
    expect(cp.rootHash.equals(latest.rootHash)).toBe(true);
    // A supervisor reads it too.
    expect((await get('/v1/log/checkpoint', 'supervisor')).statusCode).toBe(200);
  });

  it('lists every checkpoint by size, page by page, each also served by its size', async () => {
    const seen: Array<{ size: number; note: string }> = [];
    for (let from: number | null = 0; from !== null; ) {
      const page: { items: typeof seen; next: number | null } = await ok(`/v1/log/checkpoints?from=${from}&limit=1`);
      expect(page.items.length).toBe(1);
      seen.push(...page.items);
      from = page.next;
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.map((c) => c.size)).toEqual([...seen.map((c) => c.size)].sort((a, b) => a - b));
    expect(seen.at(-1)!.size).toBe(latest.size);
    for (const c of seen) {
      expect(await ok(`/v1/log/checkpoints/${c.size}`)).toEqual(c);
      // Each checkpoint's root is the root of the entries up to its size.
      expect(open(c.note).rootHash.equals(roots[c.size]!)).toBe(true);
    }
  });
});

describe('entries', () => {
  it('every entry is served once, hashes to its stored leaf and chains to the one before; together they rebuild the checkpoint', () => {
    expect(entries.map((e) => e.index)).toEqual(entries.map((_, i) => i));
    expect(entries.length).toBe(latest.size);
    let prev = GENESIS_PREV;
    for (const e of entries) {
      expect(leafHash(Buffer.from(e.entry, 'utf8')).toString('hex'), `entry ${e.index}`).toBe(e.leafHash);
      expect(JSON.parse(e.entry).prev, `entry ${e.index}`).toBe(prev);
      prev = e.leafHash;
    }
    expect(roots[latest.size]!.equals(latest.rootHash)).toBe(true);
  });

  it('a range stops at its end, and a page at its limit with the next start', async () => {
    const page = await ok('/v1/log/entries?start=5&end=9');
    expect(page).toEqual({ items: entries.slice(5, 9), next: null });
    const limited = await ok('/v1/log/entries?start=5&end=9&limit=3');
    expect(limited).toEqual({ items: entries.slice(5, 8), next: 8 });
    const tail = await ok(`/v1/log/entries?start=${latest.size - 2}`);
    expect(tail).toEqual({ items: entries.slice(-2), next: null });
  });

  it('no entry holds a name, phone or ID number of any expert', () => {
    const secrets = pool.experts.flatMap((_, i) => Object.values(syntheticPersonal(i)));
    const all = entries.map((e) => e.entry).join('\n');
    for (const s of secrets) expect(all).not.toContain(s);
  });
});

describe('proofs', () => {
  it('inclusion of every entry in the latest tree, and in an older tree that has no checkpoint of its own', async () => {
    for (const e of entries) {
      const p = await ok(`/v1/log/inclusion?index=${e.index}`);
      expect(p).toMatchObject({ index: e.index, treeSize: latest.size, leafHash: e.leafHash });
      expect(open(p.checkpoint).size).toBe(latest.size);
      const leaf = leafHash(Buffer.from(e.entry, 'utf8'));
      expect(verifyInclusion(leaf, e.index, latest.size, proofFromHex(p.hashes)!, latest.rootHash), `entry ${e.index}`).toBe(true);
    }
    const size = latest.size - 3;
    const index = randomInt(0, size);
    const p = await ok(`/v1/log/inclusion?index=${index}&treeSize=${size}`);
    expect(p.checkpoint).toBeNull();
    expect(verifyInclusion(Buffer.from(entries[index]!.leafHash, 'hex'), index, size, proofFromHex(p.hashes)!, roots[size]!)).toBe(true);
    expect(verifyInclusion(Buffer.from(entries[index]!.leafHash, 'hex'), index, size, proofFromHex(p.hashes)!, latest.rootHash)).toBe(false);
  });

  it('consistency between random sizes m ≤ n: the proof relates the two trees; any flipped byte makes a fork', async () => {
    for (let round = 0; round < 40; round++) {
      const n = randomInt(1, latest.size + 1);
      const m = randomInt(1, n + 1);
      const p = await ok(`/v1/log/consistency?from=${m}&to=${n}`);
      expect(p).toMatchObject({ fromSize: m, toSize: n });
      const proof = proofFromHex(p.hashes)!;
      expect(relateCheckpoints(checkpointAt(m), checkpointAt(n), proof).kind, `${m}→${n}`).toBe(m === n ? 'same' : 'consistent');
      for (let k = 0; k < proof.length; k++) {
        const bad = proof.map((h) => Buffer.from(h));
        bad[k]![randomInt(0, 32)]! ^= 1 << randomInt(0, 8);
        expect(relateCheckpoints(checkpointAt(m), checkpointAt(n), bad).kind, `${m}→${n} hash ${k}`).toBe('fork');
      }
    }
  });

  it('to the latest checkpoint by default, with both signed checkpoints where the log signed them', async () => {
    const [first] = (await ok('/v1/log/checkpoints?limit=1')).items;
    const p = await ok(`/v1/log/consistency?from=${first.size}`);
    expect(p).toMatchObject({ fromSize: first.size, toSize: latest.size, fromCheckpoint: first.note });
    expect(relateCheckpoints(open(p.fromCheckpoint), open(p.toCheckpoint), proofFromHex(p.hashes)!).kind).toBe('consistent');
  });
});

describe('a project’s entries', () => {
  it('its registration and its one draw, as the range serves them, page by page', async () => {
    const served: typeof entries = [];
    for (let from: number | null = 0; from !== null; ) {
      const page = await ok(`/v1/log/projects/P-LOG-OPEN/entries?from=${from}&limit=2`);
      expect(page.projectId).toBe('P-LOG-OPEN');
      served.push(...page.items);
      from = page.next;
    }
    for (const e of served) expect(e).toEqual(entries[e.index]);
    const types = served.map((e) => JSON.parse(e.entry).type as string);
    expect(types[0]).toBe('project.registered');
    expect(types.filter((x) => x === 'draw.commit')).toHaveLength(1);
    expect(types).toContain('draw.result');
    expect(types).toContain('draw.reveal');
    // Exactly the entries that name the project or its draw.
    const drawId = JSON.parse(served.find((e) => JSON.parse(e.entry).type === 'draw.commit')!.entry).payload.drawId as string;
    const naming = entries.filter((e) => e.entry.includes('"P-LOG-OPEN"') || e.entry.includes(`"${drawId}"`)).map((e) => e.index);
    expect(served.map((e) => e.index)).toEqual(naming);
  });

  it('a sealed draw’s entries name none of its experts', async () => {
    const page = await ok('/v1/log/projects/P-LOG-SEALED/entries');
    expect(page.next).toBeNull();
    const types = page.items.map((e: { entry: string }) => JSON.parse(e.entry).type);
    expect(types).toEqual(expect.arrayContaining(['project.registered', 'draw.commit', 'draw.result', 'calls.placed']));
    const drawn = (await t.ctx.roster.read(sealedDrawId)).roster.groups[0]!.ranking;
    expect(drawn.length).toBeGreaterThan(3);
    const text = JSON.stringify(page);
    for (const id of drawn) expect(text).not.toContain(id);
  });
});

describe('refusals and edges, as docs/inspectors.md states them', () => {
  const refusal = async (url: string, status: number) => {
    const res = await get(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
    return res.json().error as { code: string; message: string };
  };

  it('takes sizes and indices as decimal integers only', async () => {
    for (const bad of ['1e3', '0x10', '%20', '', '+1', '-1', '01', '1.0', '1%200']) {
      for (const url of [`/v1/log/inclusion?index=${bad}`, `/v1/log/entries?start=${bad}`, `/v1/log/consistency?from=${bad}`, `/v1/log/checkpoints?from=${bad}`]) {
        expect((await refusal(url, 400)).code, url).toBe('INVALID_INPUT');
      }
    }
    expect((await ok('/v1/log/inclusion?index=0')).index).toBe(0);
  });

  it('serves an empty page at the log’s end and an empty range, and refuses a start past the end with 404', async () => {
    const size = await t.ctx.store.logSize();
    expect(await ok(`/v1/log/entries?start=${size}`)).toEqual({ items: [], next: null });
    expect(await ok('/v1/log/entries?start=5&end=5')).toEqual({ items: [], next: null });
    expect(await refusal('/v1/log/entries?start=6&end=5', 400)).toMatchObject({ code: 'INVALID_INPUT', message: '记录范围的结束位置 5 小于起始位置 6' });
    expect(await refusal(`/v1/log/entries?start=${size + 1}`, 404)).toMatchObject({ code: 'NOT_FOUND', message: `审计日志只有 ${size} 条记录：索引 ${size + 1} 超出了日志末尾` });
  });

  it('answers a consistency proof from a size beyond the log 404, and one out of order 400', async () => {
    const size = await t.ctx.store.logSize();
    expect((await refusal(`/v1/log/consistency?from=${size + 1000}`, 404)).code).toBe('NOT_FOUND');
    expect((await refusal(`/v1/log/consistency?from=3&to=2`, 400)).code).toBe('INVALID_INPUT');
  });
});

it('reading the log writes nothing to it', async () => {
  const size = await t.ctx.store.logSize();
  for (const url of ['/v1/log/checkpoint', '/v1/log/checkpoints', '/v1/log/inclusion?index=0', '/v1/log/consistency?from=1', '/v1/log/entries?start=0&limit=3', '/v1/log/projects/P-LOG-OPEN/entries']) await ok(url);
  expect(await t.ctx.store.logSize()).toBe(size);
});
