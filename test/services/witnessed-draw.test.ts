// Witnessed draws end to end through the API (docs/draw-proof.md §6.2): a witnessed project is planned at registration
// (draw.planned: draw id and H(nonce) fixed), two supervisors deposit secrets (witness.deposited: commitments only),
// the draw runs the plan with those deposits, and its disclosed proof verifies offline at `witnessed` — while a bundle
// with a deposit dropped or reordered, or a plan not the commit's, fails a named check. Too few deposits fail the draw
// (WITNESS_MISSING, the plan opened) or draw at the assurance they give, as the policy says; the hostile deposits
// (twice, after the close, unplanned, by a machine token or another role, malformed) are refused with their codes, and
// no secret ever appears in an answer or a log entry.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import type { CommitPayload, DepositPayload, PlannedPayload } from '../../src/draw/entries.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { verifyDrawProof, type DrawProofBundle } from '../../src/verify/draw-proof.js';
import { commitPayloadHash } from '../../src/draw/commit.js';
import { deriveSeed } from '../../src/draw/seed.js';
import { build, type Built } from '../helper.js';
import { person, type Person } from '../helpers/people.js';

const HOUR = 3_600_000;
let offset = 0;
const clock = () => Date.now() + offset;
const pool = generatePool({ size: 60, seed: 'witnessed-draw', fixed: [{ code: 'C990101', members: 30 }] });
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };
const dirs: string[] = [];
const sha = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

interface Entry {
  type: string;
  time: string;
  payload: Record<string, unknown>;
}

/** A service whose policy asks `witnesses` of witnessed draws. */
async function service(witnesses: object, env: Record<string, string> = {}): Promise<Built> {
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-witness-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ witnesses }));
  const t = await build({ EXPERT_DRAW_POLICY_FILE: join(dir, 'policy.json'), ...env }, { now: clock });
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  return t;
}

const body = (id: string, opensInMs: number, over: Record<string, unknown> = {}) => ({
  id,
  tenderer: syntheticUscc(9101),
  agency: null,
  bidOpeningAt: new Date(clock() + opensInMs).toISOString(),
  region: '330106',
  groups: [{ specialty: 'C990101', count: 5 }],
  assurance: 'witnessed',
  ...over,
});

async function register(t: Built, payload: object) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

function deposit(t: Built, projectId: string, who: { authorization: string }, secret: string) {
  return t.app.inject({ method: 'POST', url: `/v1/projects/${projectId}/witness-deposits`, headers: { ...who, 'accept-language': 'en' }, payload: { secret } });
}

async function entries(t: Built, from = 0): Promise<Array<Entry & { index: number; text: string }>> {
  const size = await t.ctx.store.logSize();
  const out = [];
  for (let i = from; i < size; i++) {
    const text = (await t.ctx.auditLog.entry(i)).toString();
    out.push({ ...(JSON.parse(text) as Entry), index: i, text });
  }
  return out;
}

async function proofOf(t: Built, drawId: string, projectId: string, bidOpeningAt: string): Promise<DrawProofBundle> {
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

let t: Built;
let witnesses: Person[];

beforeAll(async () => {
  t = await service({ required: 2, onShort: 'fail' });
  witnesses = [await person(t, 'supervisor'), await person(t, 'supervisor'), await person(t, 'supervisor')];
}, 60_000);
afterAll(async () => {
  await t?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a witnessed draw, planned at scheduling', () => {
  const secrets = [randomBytes(32).toString('hex'), randomBytes(48).toString('hex')];
  let project: { drawAt: string; project: { bidOpeningAt: string }; plan: { drawId: string; planIndex: number; nonceHash: string; depositsCloseAt: string; deposits: unknown[] } };
  let receipts: Array<{ index: number; commitment: string; drawId: string }>;
  let bundle: DrawProofBundle;

  it('registration logs the plan: draw id, H(nonce), close at the due time, the policy’s requirement', async () => {
    project = await register(t, body('P-WIT-1', 3 * HOUR));
    expect(project.plan).toMatchObject({ drawId: expect.stringMatching(/^D-/), nonceHash: expect.stringMatching(/^[0-9a-f]{64}$/), depositsCloseAt: project.drawAt, witnesses: { required: 2, onShort: 'fail' }, deposits: [] });
    const [registered, planned] = (await entries(t, project.plan.planIndex - 1)).slice(0, 2);
    expect(registered!.type).toBe('project.registered');
    expect(planned).toMatchObject({ type: 'draw.planned', index: project.plan.planIndex });
    expect(planned!.payload as PlannedPayload).toEqual({ projectId: 'P-WIT-1', drawId: project.plan.drawId, nonceHash: project.plan.nonceHash, depositsCloseAt: project.drawAt, witnesses: { required: 2, onShort: 'fail' } });
    const read = await t.app.inject({ method: 'GET', url: '/v1/projects/P-WIT-1', headers: t.auth('supervisor') });
    expect(read.json().plan).toEqual(project.plan);
    expect(read.body).not.toMatch(/sealed/i);
  });

  it('two supervisors deposit; each gets a receipt naming the entry and the commitment, never the secret', async () => {
    receipts = [];
    for (const [k, secret] of secrets.entries()) {
      const res = await deposit(t, 'P-WIT-1', witnesses[k]!.auth, secret);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.body).not.toContain(secret);
      receipts.push(res.json());
      expect(res.json()).toEqual({ projectId: 'P-WIT-1', drawId: project.plan.drawId, index: expect.any(Number), commitment: sha(secret), depositsCloseAt: project.plan.depositsCloseAt });
    }
    const logged = await entries(t, receipts[0]!.index);
    expect(logged[0]).toMatchObject({ type: 'witness.deposited', payload: { projectId: 'P-WIT-1', drawId: project.plan.drawId, witness: { user: witnesses[0]!.userId, role: 'supervisor' }, commitment: sha(secrets[0]!) } satisfies DepositPayload });
    const read = (await t.app.inject({ method: 'GET', url: '/v1/projects/P-WIT-1', headers: t.auth('operator') })).json();
    expect(read.plan.deposits).toEqual(receipts.map((r, k) => ({ index: r.index, witness: { user: witnesses[k]!.userId, role: 'supervisor' }, commitment: r.commitment })));
  });

  it('a second deposit by the same witness, another role, a machine token or a malformed secret are refused, naming no secret', async () => {
    const again = randomBytes(32).toString('hex');
    const twice = await deposit(t, 'P-WIT-1', witnesses[0]!.auth, again);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('ALREADY_DEPOSITED');
    expect(twice.body).not.toContain(again);
    const operator = await person(t, 'operator');
    expect((await deposit(t, 'P-WIT-1', operator.auth, again)).statusCode).toBe(403);
    // A machine token is nobody in particular: only a person's login session witnesses.
    expect((await deposit(t, 'P-WIT-1', t.auth('supervisor'), again)).statusCode).toBe(403);
    for (const bad of [randomBytes(15).toString('hex'), randomBytes(65).toString('hex'), again.toUpperCase(), `${again}0`, 'zz'.repeat(32)]) {
      const res = await deposit(t, 'P-WIT-1', witnesses[2]!.auth, bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.body).not.toContain(bad);
      expect(res.body.toLowerCase()).not.toContain(bad.toLowerCase());
    }
    expect((await deposit(t, 'P-NOPE', witnesses[2]!.auth, again)).statusCode).toBe(404);
  });

  it('the draw runs the plan: its draw id and nonce, the deposits in log order, at witnessed assurance', async () => {
    const durable = vi.spyOn(t.ctx.store, 'appendLog');
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-1/draw', headers: t.auth('operator') });
    const appends = durable.mock.calls.map(([batch]) => batch.entries.map((e) => (JSON.parse(e.toString()) as Entry).type));
    durable.mockRestore();
    expect(res.statusCode, res.body).toBe(201);
    const draw = res.json();
    // Ranked before its commit (its seed reads only what the commit holds: §6.3), the commit, result and calls are one
    // durable append; the result names the commit just before it.
    expect(appends).toEqual([['draw.commit', 'draw.result', 'calls.placed']]);
    expect(draw.resultIndex).toBe(draw.commitIndex + 1);
    const [c, r] = await entries(t, draw.commitIndex);
    expect(r!.payload.commitIndex).toBe(draw.commitIndex);
    expect(draw.commitLeafHash).toBe(createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(c!.text)])).digest('hex'));
    expect(draw).toMatchObject({ drawId: project.plan.drawId, state: 'drawn', assurance: 'witnessed', witnesses: { required: 2, deposited: 2, onShort: 'fail' }, planned: { index: project.plan.planIndex, deposits: receipts.map((r) => r.index) } });
    expect(res.body).not.toMatch(/sealed(Nonce|WitnessReveals)/);
    const listed = await t.app.inject({ url: '/v1/draws?limit=50', headers: t.auth('supervisor') });
    expect(listed.json().items.find((d: { drawId: string }) => d.drawId === draw.drawId)).toMatchObject({ assurance: 'witnessed', witnesses: { deposited: 2 } });
    expect(listed.body).not.toMatch(/sealed(Nonce|WitnessReveals)/);
    const commit = (await entries(t, draw.commitIndex))[0]!;
    const payload = commit.payload as CommitPayload;
    expect(payload.entropy).toEqual({ beacon: null, witnessCommitments: receipts.map((r) => r.commitment), planIndex: project.plan.planIndex });
    expect(payload.nonceHash).toBe(project.plan.nonceHash);
    // The plan is used up: no deposit counts once the draw has started.
    const late = await deposit(t, 'P-WIT-1', witnesses[2]!.auth, randomBytes(32).toString('hex'));
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('DEPOSITS_CLOSED');
  });

  it('disclosed, the proof verifies offline at witnessed: plan, deposits, the secrets and the planned seed', async () => {
    const drawId = project.plan.drawId;
    bundle = await proofOf(t, drawId, 'P-WIT-1', project.project.bidOpeningAt);
    expect(bundle.planned?.plan.index).toBe(project.plan.planIndex);
    expect(bundle.planned?.deposits.map((d) => d.index)).toEqual(receipts.map((r) => r.index));
    const reveal = JSON.parse(bundle.reveal.entry) as { payload: { witnessReveals: string[] } };
    expect(reveal.payload.witnessReveals).toEqual(secrets);
    const report = verifyDrawProof(structuredClone(bundle), { verifierKey: t.ctx.keys.logVerifier.verifierKey });
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report).toMatchObject({ ok: true, assurance: 'witnessed' });
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['plan', 'deposits', 'reveal.witnesses', 'seed', 'ranking']));
    expect(report.checks.find((c) => c.id === 'seed')!.detail).toMatch(/2 witness secret\(s\); planned at entry/);
    expect(report.notChecked.map((n) => n.id)).toEqual(expect.arrayContaining(['witness.deposits', 'pool.changes']));
  });

  it('the command verifies the bundle offline, from the file and the log key alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'expert-draw-witness-cli-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'proof.json'), JSON.stringify(bundle));
    const root = resolve(import.meta.dirname, '../..');
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proof', 'verify', join(dir, 'proof.json'), '--verifier-key', t.ctx.keys.logVerifier.verifierKey], { cwd: root, encoding: 'utf8' });
    expect(cli.status, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toContain('assurance witnessed');
    for (const id of ['plan', 'deposits', 'reveal.witnesses', 'seed']) expect(cli.stdout).toMatch(new RegExp(`^✓ ${id.replace('.', '\\.')} `, 'm'));
    expect(cli.stdout).toContain('witness.deposits');
  }, 120_000);

  it('a bundle with a deposit dropped or reordered, or another plan’s entry, fails a named check', async () => {
    const key = t.ctx.keys.logVerifier.verifierKey;
    const failing = (b: DrawProofBundle) => verifyDrawProof(b, { verifierKey: key }).checks.filter((c) => c.status === 'fail').map((c) => c.id);
    const dropped = structuredClone(bundle);
    dropped.planned!.deposits.pop();
    expect(failing(dropped)).toEqual(['deposits']);
    const reordered = structuredClone(bundle);
    reordered.planned!.deposits.reverse();
    expect(failing(reordered)).toEqual(['deposits']);
    // Another project's plan, proved into the same log: its draw id and nonce hash are not the commit's.
    const other = await register(t, body('P-WIT-OTHER', 3 * HOUR));
    const [proof] = await t.ctx.auditLog.inclusionProofs([other.plan.planIndex]);
    const swapped = structuredClone(bundle);
    swapped.planned!.plan = { index: other.plan.planIndex, entry: (await t.ctx.auditLog.entry(other.plan.planIndex)).toString(), inclusion: proof! } as DrawProofBundle['commit'];
    // (Its entry, logged after the reveal at this test's earlier clock, also fails `times`.)
    expect(failing(swapped)).toContain('plan');
    expect(verifyDrawProof(swapped, { verifierKey: key }).checks.find((c) => c.id === 'plan')!.detail).toMatch(/nonceHash/);
    // Without the plan the commit's claim cannot be checked: not verifiable, never passed.
    const { planned: _gone, ...bare } = structuredClone(bundle);
    const report = verifyDrawProof(bare, { verifierKey: key });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'plan')!.status).toBe('unverifiable');
  });

  it('no secret is in any log entry before the disclosure’s reveal', async () => {
    const all = await entries(t);
    const reveal = all.find((e) => e.type === 'draw.reveal' && e.payload.drawId === project.plan.drawId)!;
    for (const e of all.filter((x) => x.index < reveal.index)) for (const s of secrets) expect(e.text).not.toContain(s);
  });
});

describe('deposits close, plans end, and a draw short of deposits is never silent', () => {
  it('a scheduled draw due takes only the deposits logged before the close; a later one is refused', async () => {
    const p = await register(t, body('P-WIT-SCHED', HOUR + 2_000));
    const secrets = [randomBytes(32).toString('hex'), randomBytes(16).toString('hex')];
    for (const [k, s] of secrets.entries()) expect((await deposit(t, 'P-WIT-SCHED', witnesses[k]!.auth, s)).statusCode).toBe(201);
    offset = Date.parse(p.drawAt) - Date.now() + 10;
    try {
      const late = await deposit(t, 'P-WIT-SCHED', witnesses[2]!.auth, randomBytes(32).toString('hex'));
      expect(late.statusCode).toBe(409);
      expect(late.json().error.code).toBe('DEPOSITS_CLOSED');
      const report = await t.ctx.scheduler.tick();
      expect(report.drawn).toContain('P-WIT-SCHED');
    } finally {
      offset = 0;
    }
    const draw = (await t.app.inject({ method: 'GET', url: `/v1/draws/${p.plan.drawId}`, headers: t.auth('supervisor') })).json();
    expect(draw).toMatchObject({ kind: 'scheduled', state: 'drawn', assurance: 'witnessed', witnesses: { deposited: 2 } });
  });

  it('onShort fail: too few deposits fail the draw before any commit with WITNESS_MISSING, its plan opened at once', async () => {
    const p = await register(t, body('P-WIT-SHORT', 3 * HOUR));
    const secret = randomBytes(32).toString('hex');
    expect((await deposit(t, 'P-WIT-SHORT', witnesses[0]!.auth, secret)).statusCode).toBe(201);
    // Drawn now, before the close, it would leave the witnesses out: refused, changing nothing (an outside audit, stop 43).
    const before = await t.ctx.store.logSize();
    const early = await t.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-SHORT/draw', headers: { ...t.auth('operator'), 'accept-language': 'en' } });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().error.message).toBe(`witness deposits for project P-WIT-SHORT close at ${p.plan.depositsCloseAt} and hold 1 of the 2 required: drawing now would leave the witnesses out; let the draw run at its planned time`);
    expect(await t.ctx.store.logSize()).toBe(before);
    // At the close, one deposit of two fails the draw.
    offset = Date.parse(p.drawAt) - Date.now() + 10;
    const from = await t.ctx.store.logSize();
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-SHORT/draw', headers: { ...t.auth('operator'), 'accept-language': 'en' } });
    offset = 0;
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'WITNESS_MISSING', message: expect.stringContaining('1 witness deposit(s), fewer than the 2') });
    expect(res.body).not.toContain(secret);
    const logged = await entries(t, from);
    expect(logged.map((e) => e.type)).toEqual(['draw.failed']);
    const failed = logged[0]!.payload;
    expect(failed).toMatchObject({ drawId: p.plan.drawId, code: 'WITNESS_MISSING', committed: false, details: { required: 2, deposited: 1 }, witnessReveals: [secret] });
    expect(sha(failed.nonce as string)).toBe(p.plan.nonceHash);
    const project = (await t.app.inject({ method: 'GET', url: '/v1/projects/P-WIT-SHORT', headers: t.auth('operator') })).json();
    expect(project).toMatchObject({ state: 'failed', drawId: p.plan.drawId });
    expect(project.plan).toBeUndefined();
    // Rescheduling plans anew: the failed draw ended the old plan, so the new one replaces none; moving it again
    // replaces the open plan, by name, and its deposits do not carry over.
    const move = (hours: number) => t.app.inject({ method: 'PATCH', url: '/v1/projects/P-WIT-SHORT/bid-opening', headers: t.auth('operator'), payload: { bidOpeningAt: new Date(clock() + hours * HOUR).toISOString(), reason: '见证不足，重新安排' } });
    const moved = await move(4);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().plan).toMatchObject({ deposits: [], drawId: expect.not.stringMatching(p.plan.drawId) });
    const first = (await entries(t, moved.json().plan.planIndex))[0]!;
    expect(first).toMatchObject({ type: 'draw.planned', payload: { drawId: moved.json().plan.drawId } });
    expect(first.payload.replaces).toBeUndefined();
    expect((await deposit(t, 'P-WIT-SHORT', witnesses[0]!.auth, randomBytes(32).toString('hex'))).statusCode).toBe(201);
    const again = (await move(5)).json();
    expect(again.plan.deposits).toEqual([]);
    expect((await entries(t, again.plan.planIndex))[0]).toMatchObject({ type: 'draw.planned', payload: { drawId: again.plan.drawId, replaces: moved.json().plan.drawId } });
  });

  it('no one person voids or reshapes the deposits: a postponement to the same time, new bidders before the draw, a copied or empty secret are refused, nothing logged', async () => {
    const p = await register(t, body('P-WIT-KEEP', 3 * HOUR));
    const secret = randomBytes(32).toString('hex');
    expect((await deposit(t, 'P-WIT-KEEP', witnesses[0]!.auth, secret)).statusCode).toBe(201);
    const before = await t.ctx.store.logSize();
    const same = await t.app.inject({ method: 'PATCH', url: '/v1/projects/P-WIT-KEEP/bid-opening', headers: { ...t.auth('operator'), 'accept-language': 'en' }, payload: { bidOpeningAt: p.project.bidOpeningAt, reason: '同一时间' } });
    expect([same.statusCode, same.json().error.message]).toEqual([409, `project P-WIT-KEEP opens at ${p.project.bidOpeningAt} already: a postponement needs another time`]);
    const bidders = await t.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-KEEP/bidders', headers: t.auth('operator'), payload: { bidders: [syntheticUscc(9102)] } });
    expect([bidders.statusCode, bidders.json().error.code]).toEqual([409, 'CONFLICT']);
    for (const copied of [secret, '00'.repeat(32)]) {
      const res = await deposit(t, 'P-WIT-KEEP', witnesses[1]!.auth, copied);
      expect([res.statusCode, res.json().error.message]).toEqual([409, 'this secret was deposited by another witness already (or is all zeros): make your own at random (e.g. openssl rand -hex 32)']);
      expect(res.body).not.toContain(copied);
    }
    expect(await t.ctx.store.logSize()).toBe(before);
    const kept = (await t.app.inject({ url: '/v1/projects/P-WIT-KEEP', headers: t.auth('operator') })).json();
    expect(kept.plan).toMatchObject({ drawId: p.plan.drawId, deposits: [expect.anything()] });
    expect(kept.project.bidders).toEqual(p.project.bidders);
  });

  it('witnesses depositing at the same moment are all taken, once each, in log order', async () => {
    await register(t, body('P-WIT-RACE', 3 * HOUR));
    const secrets = witnesses.map(() => randomBytes(32).toString('hex'));
    const answers = await Promise.all(witnesses.map((w, k) => deposit(t, 'P-WIT-RACE', w.auth, secrets[k]!)));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201]);
    const plan = (await t.app.inject({ url: '/v1/projects/P-WIT-RACE', headers: t.auth('operator') })).json().plan;
    const byIndex = [...answers.map((a) => a.json() as { index: number; commitment: string })].sort((a, b) => a.index - b.index);
    expect(plan.deposits.map((d: { index: number; commitment: string }) => [d.index, d.commitment])).toEqual(byIndex.map((r) => [r.index, r.commitment]));
    expect(new Set(plan.deposits.map((d: { witness: { user: string } }) => d.witness.user)).size).toBe(3);
  });

  it('cancelling ends the plan in its entry; a deposit then finds no plan', async () => {
    const p = await register(t, body('P-WIT-CANCEL', 3 * HOUR));
    const res = await t.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-CANCEL/cancel', headers: t.auth('operator'), payload: { reason: '项目取消' } });
    expect(res.statusCode, res.body).toBe(200);
    const last = (await entries(t, (await t.ctx.store.logSize()) - 1))[0]!;
    expect(last).toMatchObject({ type: 'project.cancelled', payload: { endsPlan: p.plan.drawId } });
    const refused = await deposit(t, 'P-WIT-CANCEL', witnesses[0]!.auth, randomBytes(32).toString('hex'));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('NOT_PLANNED');
  });

  it('a project not needing witnesses has no plan, takes no deposit, and draws as before (no planIndex)', async () => {
    await register(t, body('P-WIT-OP', 3 * HOUR, { assurance: undefined }));
    const refused = await deposit(t, 'P-WIT-OP', witnesses[0]!.auth, randomBytes(32).toString('hex'));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('NOT_PLANNED');
    const durable = vi.spyOn(t.ctx.store, 'appendLog');
    const draw = (await t.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-OP/draw', headers: t.auth('operator') })).json();
    const appends = durable.mock.calls.map(([batch]) => batch.entries.map((e) => (JSON.parse(e.toString()) as Entry).type));
    durable.mockRestore();
    expect(draw).toMatchObject({ state: 'drawn', assurance: 'operator' });
    // Unplanned, its seed binds the commit entry: the commit is durable on its own before the ranking exists.
    expect(appends).toEqual([['draw.commit'], ['draw.result', 'calls.placed']]);
    expect(draw.witnesses).toBeUndefined();
    const commit = (await entries(t, draw.commitIndex))[0]!.payload as CommitPayload;
    expect(commit.entropy).toEqual({ beacon: null, witnessCommitments: [] });
  });
});

describe('onShort operator: the draw goes on with the deposits there are and says what it reached', () => {
  let u: Built;
  let people: Person[];
  beforeAll(async () => {
    u = await service({ required: 2, onShort: 'operator' });
    people = [await person(u, 'supervisor')];
  }, 60_000);
  afterAll(async () => {
    await u?.close();
  });

  it('one deposit of two: witnessed, with its count; none: operator, still from the plan’s nonce; both verify', async () => {
    const one = await register(u, body('P-WIT-ONE', 3 * HOUR));
    expect((await deposit(u, 'P-WIT-ONE', people[0]!.auth, randomBytes(24).toString('hex'))).statusCode).toBe(201);
    const none = await register(u, body('P-WIT-NONE', 3 * HOUR));
    // Before the close they are refused (an operator would preempt the witnesses); at it, each draws with what it has.
    expect((await u.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-NONE/draw', headers: u.auth('operator') })).statusCode).toBe(409);
    offset = Date.parse(none.drawAt) - Date.now() + 10;
    const a = (await u.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-ONE/draw', headers: u.auth('operator') })).json();
    expect(a).toMatchObject({ drawId: one.plan.drawId, state: 'drawn', assurance: 'witnessed', witnesses: { required: 2, deposited: 1, onShort: 'operator' } });
    const b = (await u.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-NONE/draw', headers: u.auth('operator') })).json();
    offset = 0;
    expect(b).toMatchObject({ drawId: none.plan.drawId, state: 'drawn', assurance: 'operator', witnesses: { required: 2, deposited: 0 }, planned: { index: none.plan.planIndex, deposits: [] } });
    for (const [draw, p, level] of [[a, one, 'witnessed'], [b, none, 'operator']] as const) {
      const bundle = await proofOf(u, draw.drawId, p.project.id, p.project.bidOpeningAt);
      const report = verifyDrawProof(bundle, { verifierKey: u.ctx.keys.logVerifier.verifierKey });
      expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(report).toMatchObject({ ok: true, assurance: level });
    }
  });

  it('a witnessed draw that fails after its commit opens its nonce and its witnesses’ secrets, from which its seed follows', async () => {
    // Every holder of the specialty works for one employer: the panel rule leaves one seat of seven after the commit.
    const admin = { sub: 'pool-desk', role: 'admin', iat: 0, exp: 0 } as const;
    for (const e of pool.experts.filter((x) => x.specialties.includes('C990101'))) await u.ctx.pool.update(e.id, { employer: syntheticUscc(9777) }, admin);
    const p = await register(u, body('P-WIT-FAILS', 3 * HOUR));
    const secret = randomBytes(40).toString('hex');
    expect((await deposit(u, 'P-WIT-FAILS', people[0]!.auth, secret)).statusCode).toBe(201);
    const from = await u.ctx.store.logSize();
    offset = Date.parse(p.drawAt) - Date.now() + 10;
    const res = await u.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-FAILS/draw', headers: u.auth('operator') });
    offset = 0;
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('INSUFFICIENT_CANDIDATES');
    const [commit, failed] = await entries(u, from);
    expect([commit!.type, failed!.type]).toEqual(['draw.commit', 'draw.failed']);
    const c = commit!.payload as CommitPayload;
    expect(c.entropy).toEqual({ beacon: null, witnessCommitments: [sha(secret)], planIndex: p.plan.planIndex });
    expect(failed!.payload).toMatchObject({ drawId: p.plan.drawId, committed: true, witnessReveals: [secret] });
    // With what the failure opened, anyone derives the seed the commit bound (the planned seed: §6.2).
    const seed = deriveSeed(c.entropy, c.nonceHash, {
      nonce: Buffer.from(failed!.payload.nonce as string, 'hex'),
      commitLeafHash: Buffer.alloc(32),
      commitPayloadHash: commitPayloadHash(c),
      beaconRandomness: null,
      witnessReveals: [Buffer.from(secret, 'hex')],
    });
    expect(seed).toHaveLength(32);
  });

  it('a planned draw that fails before its commit (its candidates gone) opens its plan: nonce and secrets, nothing committed', async () => {
    const p = await register(u, body('P-WIT-EMPTY', 3 * HOUR));
    const secret = randomBytes(32).toString('hex');
    expect((await deposit(u, 'P-WIT-EMPTY', people[0]!.auth, secret)).statusCode).toBe(201);
    // Every holder of the specialty now works for the tenderer: excluded before any commit.
    const admin = { sub: 'pool-desk', role: 'admin', iat: 0, exp: 0 } as const;
    for (const e of pool.experts.filter((x) => x.specialties.includes('C990101'))) await u.ctx.pool.update(e.id, { employer: syntheticUscc(9101) }, admin);
    const from = await u.ctx.store.logSize();
    offset = Date.parse(p.drawAt) - Date.now() + 10;
    const res = await u.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-EMPTY/draw', headers: u.auth('operator') });
    offset = 0;
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.code).toBe('INSUFFICIENT_CANDIDATES');
    expect(res.body).not.toContain(secret);
    const logged = await entries(u, from);
    expect(logged.map((e) => e.type)).toEqual(['draw.failed']);
    expect(logged[0]!.payload).toMatchObject({ drawId: p.plan.drawId, code: 'INSUFFICIENT_CANDIDATES', committed: false, witnessReveals: [secret] });
    expect(sha(logged[0]!.payload.nonce as string)).toBe(p.plan.nonceHash);
    expect((await u.app.inject({ method: 'GET', url: '/v1/projects/P-WIT-EMPTY', headers: u.auth('operator') })).json()).toMatchObject({ state: 'failed', drawId: p.plan.drawId });
    // A deposit now: the plan was used up by the failure, whatever time it was to close at.
    const late = await deposit(u, 'P-WIT-EMPTY', people[0]!.auth, randomBytes(32).toString('hex'));
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'DEPOSITS_CLOSED', message: `witness deposits for project P-WIT-EMPTY closed with draw ${p.plan.drawId} (failed): its plan is used up; a new bid opening makes a new plan` });
  });
});

describe('on Redis: the planned draw is one durable append there too, and its proof verifies', () => {
  let r: Built;
  let people: Person[];
  beforeAll(async () => {
    r = await service({ required: 1, onShort: 'fail' }, { EXPERT_DRAW_STORE: 'redis' });
    people = [await person(r, 'supervisor')];
  }, 60_000);
  afterAll(async () => {
    await r?.close();
  });

  it('commit, result and calls in one append; the result names its commit; the bundle verifies at witnessed', async () => {
    const p = await register(r, body('P-WIT-REDIS', 3 * HOUR));
    const secret = randomBytes(32).toString('hex');
    expect((await deposit(r, 'P-WIT-REDIS', people[0]!.auth, secret)).statusCode).toBe(201);
    const durable = vi.spyOn(r.ctx.store, 'appendLog');
    const res = await r.app.inject({ method: 'POST', url: '/v1/projects/P-WIT-REDIS/draw', headers: r.auth('operator') });
    const appends = durable.mock.calls.map(([batch]) => batch.entries.map((e) => (JSON.parse(e.toString()) as Entry).type));
    durable.mockRestore();
    expect(res.statusCode, res.body).toBe(201);
    expect(appends).toEqual([['draw.commit', 'draw.result', 'calls.placed']]);
    const draw = res.json();
    expect(draw).toMatchObject({ drawId: p.plan.drawId, assurance: 'witnessed', resultIndex: draw.commitIndex + 1 });
    const bundle = await proofOf(r, draw.drawId, 'P-WIT-REDIS', p.project.bidOpeningAt);
    const report = verifyDrawProof(bundle, { verifierKey: r.ctx.keys.logVerifier.verifierKey });
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report).toMatchObject({ ok: true, assurance: 'witnessed' });
  });
});
