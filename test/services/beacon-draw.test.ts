// Beacon draws end to end, against a local drand beacon (its own BLS key, one round a second) on a free port: an
// immediate and a scheduled draw over the API reach `beacon` assurance and their proofs verify offline with the chain
// pinned; a relay serving a bad signature or another chain, or no relay at all, fails the draw after its commit with
// the reason, and nothing else is written. Projects needing a beacon where none is configured are refused.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import type { CommitPayload, ResultPayload } from '../../src/draw/entries.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { checkBeaconRound } from '../../src/verify/beacon-proof.js';
import { verifyDrawProof, type DrawProofBundle } from '../../src/verify/draw-proof.js';
import { build, type Built } from '../helper.js';
import { LocalBeacon } from '../helpers/local-beacon.js';
import { freePort } from '../helpers/redis-server.js';

const HOUR = 3_600_000;
let offset = 0;
/** The service's and the beacon's clock: real time (rounds come in real time), moved past bid opening to unseal. */
const clock = () => Date.now() + offset;
const pool = generatePool({ size: 60, seed: 'beacon-draw', fixed: [{ code: 'C990101', members: 30 }] });
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

let beacon: LocalBeacon;
let t: Built;
const dirs: string[] = [];

const body = (id: string, opensInMs: number, over: Record<string, unknown> = {}) => ({
  id,
  tenderer: syntheticUscc(9001),
  agency: null,
  bidOpeningAt: new Date(clock() + opensInMs).toISOString(),
  region: '330106',
  groups: [{ specialty: 'C990101', count: 5 }],
  ...over,
});

async function seed(app: Built): Promise<void> {
  await app.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
}

async function register(app: Built, payload: object) {
  return app.app.inject({ method: 'POST', url: '/v1/projects', headers: app.auth('operator'), payload });
}

async function entryTypes(app: Built, from: number): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  const size = await app.ctx.store.logSize();
  const out = [];
  for (let i = from; i < size; i++) out.push(JSON.parse((await app.ctx.auditLog.entry(i)).toString()) as { type: string; payload: Record<string, unknown> });
  return out;
}

/** Unseals (after bid opening) and discloses a drawn project's draw; the proof as an inspector fetches it. */
async function proofOf(drawId: string, projectId: string, bidOpeningAt: string): Promise<DrawProofBundle> {
  offset = Date.parse(bidOpeningAt) - Date.now() + 60_000;
  try {
    for (const who of [op, sup]) await t.ctx.roster.approveUnseal(drawId, projectId, bidOpeningAt, who);
    await t.ctx.disclosure.disclose(drawId, op);
  } finally {
    offset = 0;
  }
  const res = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: t.auth('inspector') });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DrawProofBundle;
}

beforeAll(async () => {
  beacon = await LocalBeacon.start(clock);
  // The bound is short here: a round that does not come fails the draw three seconds after its time.
  t = await build(beacon.env({ EXPERT_DRAW_BEACON_TIMEOUT_S: '3' }), { now: clock });
  await seed(t);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await beacon?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('beacon draws', () => {
  let immediate: { drawId: string; bundle: DrawProofBundle };

  it('an immediate draw waits for the first round after its commit and verifies end to end', async () => {
    beacon.mode = 'honest';
    const p = body('P-BEACON-NOW', 3 * HOUR, { assurance: 'beacon' });
    expect((await register(t, p)).statusCode).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-BEACON-NOW/draw', headers: t.auth('operator') });
    expect(res.statusCode, res.body).toBe(201);
    const draw = res.json();
    expect(draw).toMatchObject({ state: 'drawn', assurance: 'beacon', beacon: { chain: beacon.chain.hash } });

    const [commit, result] = (await entryTypes(t, draw.commitIndex)).slice(0, 2);
    const plan = (commit!.payload as CommitPayload).entropy;
    expect(plan).toEqual({ beacon: { chain: beacon.chain.hash, round: draw.beacon.round }, witnessCommitments: [] });
    // The round was published after the commit was logged, with the margin: nobody knew its randomness at commit.
    const published = (beacon.chain.genesis + (plan.beacon!.round - 1) * beacon.chain.periodS) * 1000;
    expect(published).toBeGreaterThan(Date.parse((commit as unknown as { time: string }).time) + t.config.EXPERT_DRAW_BEACON_MARGIN_MS);
    // The result entry carries the round as the beacon signed it.
    expect((result!.payload as ResultPayload).beacon).toEqual({ chain: beacon.chain.hash, round: plan.beacon!.round, randomness: expect.stringMatching(/^[0-9a-f]{64}$/), signature: beacon.sign(plan.beacon!.round) });

    const bundle = await proofOf(draw.drawId, 'P-BEACON-NOW', p.bidOpeningAt);
    immediate = { drawId: draw.drawId, bundle };
    const report = verifyDrawProof(bundle, { verifierKey: t.ctx.keys.logVerifier.verifierKey, beaconChains: [beacon.chain] });
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report).toMatchObject({ ok: true, assurance: 'beacon' });
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['beacon', 'seed', 'ranking']));
    expect(report.checks.find((c) => c.id === 'seed')!.detail).toContain(`drand round ${plan.beacon!.round}`);
  });

  it('without the chain pinned the round and so the seed and ranking are not verified', () => {
    const report = verifyDrawProof(immediate.bundle, { verifierKey: t.ctx.keys.logVerifier.verifierKey });
    expect(report.ok).toBe(false);
    const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({ beacon: 'unverifiable', seed: 'skipped', ranking: 'skipped' });
  });

  it('the offline check refuses a changed signature, another round, and a round not after the commit', () => {
    const commit = JSON.parse(immediate.bundle.commit.entry) as { time: string; payload: CommitPayload };
    const result = (JSON.parse(immediate.bundle.result.entry) as { payload: ResultPayload }).payload;
    const check = (c: CommitPayload, r: ResultPayload, entry = immediate.bundle.commit.entry) => checkBeaconRound(c, entry, r, [beacon.chain]);
    expect(check(commit.payload, result).status).toBe('pass');
    const round = result.beacon!.round;
    const other = beacon.sign(round + 1);
    expect(check(commit.payload, { ...result, beacon: { ...result.beacon!, signature: other } })).toMatchObject({ status: 'fail', detail: expect.stringMatching(/does not verify|randomness/) });
    expect(check(commit.payload, { ...result, beacon: { ...result.beacon!, round: round + 1, signature: other } })).toMatchObject({ status: 'fail', detail: expect.stringContaining('the plan names round') });
    // Both entries naming an earlier round, published before the commit was logged: the grinding the rule forbids.
    const early = { ...commit.payload, entropy: { ...commit.payload.entropy, beacon: { chain: beacon.chain.hash, round: round - 5 } } };
    const earlyResult: ResultPayload = { ...result, beacon: { chain: beacon.chain.hash, round: round - 5, randomness: result.beacon!.randomness, signature: beacon.sign(round - 5) } };
    expect(check(early, earlyResult)).toMatchObject({ status: 'fail', detail: expect.stringContaining('not after the commit') });
  });

  it('the command verifies the bundle with the chain given as its info file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-beacon-cli-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'proof.json'), JSON.stringify(immediate.bundle));
    writeFileSync(join(dir, 'chain.json'), JSON.stringify(beacon.info));
    const root = resolve(import.meta.dirname, '../..');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proof', 'verify', join(dir, 'proof.json'), '--verifier-key', t.ctx.keys.logVerifier.verifierKey, ...args], { cwd: root, encoding: 'utf8' });
    const good = cli('--beacon-chain', join(dir, 'chain.json'));
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain('assurance beacon');
    expect(good.stdout).toMatch(/^✓ beacon /m);
    const unpinned = cli();
    expect(unpinned.status).toBe(1);
    expect(unpinned.stdout).toMatch(/^\? beacon /m);
  });

  it('a scheduled draw of a project due now reaches beacon assurance', async () => {
    beacon.mode = 'honest';
    expect((await register(t, body('P-BEACON-SCHED', 30 * 60_000, { assurance: 'beacon' }))).statusCode).toBe(201);
    const report = await t.ctx.scheduler.tick();
    expect(report.drawn).toContain('P-BEACON-SCHED');
    const project = (await t.app.inject({ method: 'GET', url: '/v1/projects/P-BEACON-SCHED', headers: t.auth('operator') })).json();
    const draw = (await t.app.inject({ method: 'GET', url: `/v1/draws/${project.drawId}`, headers: t.auth('supervisor') })).json();
    expect(draw).toMatchObject({ kind: 'scheduled', state: 'drawn', assurance: 'beacon', beacon: { chain: beacon.chain.hash } });
    const bundle = await proofOf(draw.drawId, 'P-BEACON-SCHED', project.project.bidOpeningAt);
    expect(verifyDrawProof(bundle, { verifierKey: t.ctx.keys.logVerifier.verifierKey, beaconChains: [beacon.chain] })).toMatchObject({ ok: true, assurance: 'beacon' });
    // Fairness and the alerts count the service's beacon draws: verified with its own chain pinned (an outside audit
    // found them all left out as unverified, stop 43).
    const fairness = (await t.app.inject({ url: '/v1/fairness', headers: t.auth('inspector') })).json();
    expect(fairness.unverified).toEqual([]);
    expect(fairness.draws).toBeGreaterThanOrEqual(2);
  });

  it('a project without the beacon request draws at operator assurance on the same service', async () => {
    expect((await register(t, body('P-BEACON-OP', 3 * HOUR))).statusCode).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-BEACON-OP/draw', headers: t.auth('operator') });
    expect(res.json()).toMatchObject({ state: 'drawn', assurance: 'operator' });
    expect(res.json().beacon).toBeUndefined();
  });

  it.each([
    ['bad-signature', 'BEACON_INVALID', /does not verify/],
    ['wrong-chain', 'BEACON_INVALID', /does not verify/],
    ['down', 'BEACON_UNAVAILABLE', /did not arrive/],
    ['silent', 'BEACON_UNAVAILABLE', /did not arrive/],
  ] as const)('a relay that is %s fails the draw after its commit, with the reason, and writes nothing else', async (mode, code, reason) => {
    beacon.mode = 'honest';
    const id = `P-BEACON-${mode.toUpperCase()}`;
    expect((await register(t, body(id, 3 * HOUR, { assurance: 'beacon' }))).statusCode).toBe(201);
    const from = await t.ctx.store.logSize();
    beacon.mode = mode;
    const res = await t.app.inject({ method: 'POST', url: `/v1/projects/${id}/draw`, headers: { ...t.auth('operator'), 'accept-language': 'en' } });
    beacon.mode = 'honest';
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json().error).toMatchObject({ code, message: expect.stringMatching(reason) });

    const entries = await entryTypes(t, from);
    expect(entries.map((e) => e.type)).toEqual(['draw.commit', 'draw.failed']);
    const [commit, failed] = entries as unknown as [{ payload: CommitPayload }, { payload: Record<string, unknown> }];
    const round = commit.payload.entropy.beacon!.round;
    expect(failed.payload).toMatchObject({ drawId: commit.payload.drawId, code, committed: true, details: { round, reason: expect.any(String) } });
    // The failure opens the draw: its nonce is the one the commit bound.
    expect(createHash('sha256').update(Buffer.from(failed.payload.nonce as string, 'hex')).digest('hex')).toBe(commit.payload.nonceHash);
    const project = (await t.app.inject({ method: 'GET', url: `/v1/projects/${id}`, headers: t.auth('operator') })).json();
    expect(project).toMatchObject({ state: 'failed', drawId: commit.payload.drawId });
    const draw = (await t.app.inject({ method: 'GET', url: `/v1/draws/${commit.payload.drawId}`, headers: t.auth('supervisor') })).json();
    expect(draw).toMatchObject({ state: 'failed', assurance: 'beacon', beacon: { round }, resultIndex: null, failure: { code } });
  });
});

describe('a relay nobody answers at', () => {
  it('fails the draw with a reason in the reader’s language, and neither the answer nor the public log names the relay', async () => {
    // A port nothing listens on: the relay's address must reach neither a site's answer nor the permanent log.
    const closed = await freePort();
    const relay = `http://127.0.0.1:${closed}`;
    const app = await build(beacon.env({ EXPERT_DRAW_BEACON_URL: relay, EXPERT_DRAW_BEACON_TIMEOUT_S: '1' }), { now: clock });
    try {
      await seed(app);
      expect((await register(app, body('P-BEACON-CLOSED', 3 * HOUR, { assurance: 'beacon' }))).statusCode).toBe(201);
      const from = await app.ctx.store.logSize();
      const res = await app.app.inject({ method: 'POST', url: '/v1/projects/P-BEACON-CLOSED/draw', headers: app.auth('operator') });
      expect(res.statusCode, res.body).toBe(503);
      const { message } = res.json().error as { message: string };
      expect(message).toMatch(/^信标第 \d+ 轮在其发布时间后 1 秒内没有到达：无法连接信标中继（network ECONNREFUSED）$/);
      const en = await app.app.inject({ method: 'POST', url: '/v1/projects/P-BEACON-CLOSED/draw', headers: { ...app.auth('operator'), 'accept-language': 'en' } });
      expect(en.json().error.message).not.toMatch(/[\u4e00-\u9fff]/);
      const failed = (await entryTypes(app, from)).find((e) => e.type === 'draw.failed')!;
      expect((failed.payload as { details: unknown }).details).toMatchObject({ reason: 'relay unreachable: network ECONNREFUSED' });
      for (const text of [res.body, en.body, JSON.stringify(failed)]) {
        expect(text).not.toContain(String(closed));
        expect(text).not.toContain('127.0.0.1');
      }
    } finally {
      await app.close();
    }
  }, 30_000);
});

describe('beacon settings and policy', () => {
  it('the policy’s minimum makes every draw a beacon draw', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-beacon-policy-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ minimumAssurance: 'beacon' }));
    const app = await build(beacon.env({ EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') }), { now: clock });
    try {
      await seed(app);
      beacon.mode = 'honest';
      expect((await register(app, body('P-POLICY-BEACON', 3 * HOUR))).statusCode).toBe(201);
      const res = await app.app.inject({ method: 'POST', url: '/v1/projects/P-POLICY-BEACON/draw', headers: app.auth('operator') });
      expect(res.json()).toMatchObject({ state: 'drawn', assurance: 'beacon' });
    } finally {
      await app.close();
    }
  });

  it.each([
    ['the project asks for beacon assurance', {}, { assurance: 'beacon' }],
    ['the policy’s minimum is beacon', { minimumAssurance: 'beacon' }, {}],
  ])('without a beacon, registration is refused with 422 ASSURANCE_UNAVAILABLE when %s, and nothing is stored', async (_, policy, over) => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-beacon-none-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    const app = await build({ EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json') }, { now: clock });
    try {
      await seed(app);
      const size = await app.ctx.store.logSize();
      const res = await app.app.inject({ method: 'POST', url: '/v1/projects', headers: { ...app.auth('operator'), 'accept-language': 'en' }, payload: body('P-NO-BEACON', 3 * HOUR, over) });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error).toMatchObject({ code: 'ASSURANCE_UNAVAILABLE', message: expect.stringContaining('EXPERT_DRAW_BEACON_URL') });
      expect(await app.ctx.store.logSize()).toBe(size);
      expect((await app.app.inject({ method: 'GET', url: '/v1/projects/P-NO-BEACON', headers: app.auth('operator') })).statusCode).toBe(404);
      // An operator project is still registered where the policy allows it.
      if (!('minimumAssurance' in policy)) expect((await register(app, body('P-OPERATOR', 3 * HOUR))).statusCode).toBe(201);
    } finally {
      await app.close();
    }
  });

  it('a relay serving another chain than the pinned one stops the start', async () => {
    beacon.mode = 'wrong-chain';
    try {
      await expect(build(beacon.env(), { now: clock })).rejects.toThrow(/EXPERT_DRAW_BEACON_URL: the beacon relay does not serve the pinned chain/);
    } finally {
      beacon.mode = 'honest';
    }
  });
});
