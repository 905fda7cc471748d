// A beacon draw's commit against the checkpoints an inspector kept (check beacon.kept, docs/draw-proof.md §6.1): the
// first kept checkpoint holding the commit, fetched at T by the watcher, bounds the commit's time and the round. The
// rule on made-up times, then a real beacon draw (a local drand beacon) verified with kept records, in code and by the
// command in both languages.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import type { BeaconChain } from '../../src/beacon/chains.js';
import { roundAfter, roundTimeMs } from '../../src/beacon/rounds.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { BEACON_KEPT_CHECK, checkBeaconKept } from '../../src/verify/beacon-proof.js';
import { verifyDrawProof, type DrawProofBundle, type KeptInput } from '../../src/verify/draw-proof.js';
import { build, type Built } from '../helper.js';
import { LocalBeacon } from '../helpers/local-beacon.js';

describe('checkBeaconKept: the commit and its round against the first kept checkpoint holding the commit', () => {
  const genesis = Date.parse('2026-12-01T00:00:00Z') / 1000;
  const chain: BeaconChain = { hash: 'ab'.repeat(32), publicKey: '', scheme: 'bls-unchained-g1-rfc9380', periodS: 3, genesis };
  const committedAt = Date.parse('2026-12-01T02:00:00.400Z');
  const entry = JSON.stringify({ time: new Date(committedAt).toISOString() });
  const round = roundAfter(chain, committedAt, 1000);
  const check = (fetchedAt: number, r = round, c = chain) => checkBeaconKept(entry, 17, r, c, { size: 20, fetchedAt });

  it('a fetch after the round: within the bound, and says that the order rests on the commit’s time', () => {
    const outcome = check(committedAt + 60_000);
    expect(outcome.status).toBe('pass');
    expect(outcome.detail).toContain('kept checkpoint 20, fetched by your watcher at 2026-12-01T02:01:00.400Z, holds the commit (entry 17)');
    expect(outcome.detail).toContain('rests on the commit’s time');
  });

  it('a fetch before the round was published: the commit is proved to come first on the inspector’s clock', () => {
    expect(roundTimeMs(chain, round)).toBeGreaterThan(committedAt + 500);
    expect(check(committedAt + 500)).toMatchObject({ status: 'pass', detail: expect.stringContaining('the commit was in the log before the round existed') });
  });

  it('a commit dated after the fetch of a checkpoint already holding it fails', () => {
    expect(check(committedAt - 6_000)).toMatchObject({ status: 'fail', detail: expect.stringContaining('but the commit is dated 2026-12-01T02:00:00.400Z, later than that') });
    // Within the clocks' 5 s it passes.
    expect(check(committedAt - 4_000).status).toBe('pass');
  });

  it('a later round than the first after the fetch passes: the round the commit names is the service’s margin, not held to the fetch', () => {
    // One-second rounds, the commit dated 4.5 s after the fetch (inside the clocks' allowance), a 20 s margin.
    const fast = { ...chain, periodS: 1 };
    const fetchedAt = committedAt - 4_500;
    const r = roundAfter(fast, committedAt, 20_000);
    expect(r).toBeGreaterThan(roundAfter(fast, fetchedAt, 5_000));
    expect(check(fetchedAt, r, fast)).toMatchObject({ status: 'pass', detail: expect.stringContaining('the commit was in the log before the round existed') });
  });
});

describe('beacon.kept on a real beacon draw', () => {
  let offset = 0;
  const clock = () => Date.now() + offset;
  const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
  const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };
  const pool = generatePool({ size: 40, seed: 'beacon-kept', fixed: [{ code: 'C990101', members: 20 }] });
  let beacon: LocalBeacon;
  let t: Built;
  let bundle: DrawProofBundle;
  let committedAt = 0;
  const dir = mkdtempSync(join(tmpdir(), 'expert-draw-beacon-kept-'));

  beforeAll(async () => {
    beacon = await LocalBeacon.start(clock);
    t = await build(beacon.env(), { now: clock });
    await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
    const bidOpeningAt = new Date(clock() + 3 * 3_600_000).toISOString();
    const project = { id: 'P-BEACON-KEPT', tenderer: syntheticUscc(9002), agency: null, bidOpeningAt, region: '330106', groups: [{ specialty: 'C990101', count: 5 }], assurance: 'beacon' };
    expect((await t.app.inject({ method: 'POST', url: '/v1/projects', headers: t.auth('operator'), payload: project })).statusCode).toBe(201);
    const drawn = await t.app.inject({ method: 'POST', url: '/v1/projects/P-BEACON-KEPT/draw', headers: t.auth('operator') });
    expect(drawn.statusCode, drawn.body).toBe(201);
    const drawId = drawn.json().drawId as string;
    offset = Date.parse(bidOpeningAt) - Date.now() + 60_000;
    for (const who of [op, sup]) await t.ctx.roster.approveUnseal(drawId, 'P-BEACON-KEPT', bidOpeningAt, who);
    await t.ctx.disclosure.disclose(drawId, op);
    offset = 0;
    bundle = (await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof`, headers: t.auth('inspector') })).json() as DrawProofBundle;
    committedAt = Date.parse((JSON.parse(bundle.commit.entry) as { time: string }).time);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await beacon?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const size = () => bundle.reveal.inclusion.treeSize;
  const keptAt = (at: number | null): KeptInput => ({ notes: [bundle.reveal.inclusion.checkpoint], fetched: at === null ? [] : [{ size: size(), at: new Date(at).toISOString() }] });
  const verify = (kept?: KeptInput) => verifyDrawProof(bundle, { verifierKey: t.ctx.keys.logVerifier.verifierKey, beaconChains: [beacon.chain], ...(kept ? { kept } : {}) });
  const status = (kept?: KeptInput) => verify(kept).checks.find((c) => c.id === BEACON_KEPT_CHECK.id);

  it('runs only with kept checkpoints, and passes when the kept checkpoint was fetched after the commit', () => {
    expect(status()).toBeUndefined();
    const report = verify(keptAt(committedAt + 30_000));
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(status(keptAt(committedAt + 30_000))).toMatchObject({ status: 'pass', title: BEACON_KEPT_CHECK.title });
  });

  it('fails when the commit is dated after the kept checkpoint holding it was fetched; does not run on a folder without fetch times', () => {
    const report = verify(keptAt(committedAt - 60_000));
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([[BEACON_KEPT_CHECK.id, 'fail']]);
    // A folder kept before the watcher recorded fetch times verifies as it did then.
    expect(status(keptAt(null))).toBeUndefined();
    expect(verify(keptAt(null)).ok).toBe(true);
    // Fetch times recorded, but none for a checkpoint holding the commit: not verifiable.
    const other: KeptInput = { notes: [bundle.reveal.inclusion.checkpoint], fetched: [{ size: size() + 1000, at: new Date(committedAt).toISOString() }] };
    expect(status(other)).toMatchObject({ status: 'unverifiable', detail: expect.stringContaining('no kept checkpoint with a recorded fetch time holds the commit') });
  });

  it('the command prints it as a verdict line, in English and in Chinese, from a kept folder', () => {
    const root = resolve(import.meta.dirname, '../..');
    writeFileSync(join(dir, 'proof.json'), JSON.stringify(bundle));
    writeFileSync(join(dir, 'chain.json'), JSON.stringify(beacon.info));
    const folder = (name: string, at: number) => {
      const kept = join(dir, name);
      mkdirSync(kept, { recursive: true });
      writeFileSync(join(kept, `${size()}.note`), bundle.reveal.inclusion.checkpoint);
      writeFileSync(join(kept, `${size()}.json`), `${JSON.stringify({ consistency: null, fetchedAt: new Date(at).toISOString(), size: size() })}\n`);
      return kept;
    };
    const cli = (kept: string, ...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'proof', 'verify', join(dir, 'proof.json'), '--verifier-key', t.ctx.keys.logVerifier.verifierKey, '--beacon-chain', join(dir, 'chain.json'), '--kept', kept, ...args], { cwd: root, encoding: 'utf8' });
    // Fetched a second after the commit: in the past (a record dated after now is refused, below).
    const good = cli(folder('kept-good', committedAt + 1_000), '--lang', 'en');
    expect(good.status, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^✓ beacon\.kept +a checkpoint you kept holds the commit/m);
    const late = folder('kept-early', committedAt - 60_000);
    const bad = cli(late, '--lang', 'en');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^✗ beacon\.kept /m);
    expect(bad.stdout.trimEnd().split('\n').at(-1)).toBe('NOT VERIFIED: failed beacon.kept');
    const zh = cli(late, '--lang', 'zh-CN');
    expect(zh.stdout).toMatch(/^✗ beacon\.kept +您保存的检查点中已含承诺/m);
    expect(zh.stdout.trimEnd().split('\n').at(-1)).toBe('未通过核验：失败 beacon.kept');
    // A fetch time moved into the future (after the round, so that beacon.kept would say the commit came first) is
    // refused before any bundle, naming the record, in both languages.
    const future = folder('kept-2099', Date.parse('2099-01-01T00:00:00.000Z'));
    for (const [lang, said] of [['en', 'says it was fetched at 2099-01-01T00:00:00.000Z, later than now on this machine'], ['zh-CN', '称取得于 2099-01-01T00:00:00.000Z，晚于本机当前时间']] as const) {
      const refused = cli(future, '--lang', lang);
      expect(refused.status, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stderr).toContain(`${join(future, `${size()}.json`)} ${said}`);
      expect(refused.stdout).not.toMatch(/^✓ beacon\.kept/m);
    }
  }, 60_000);
});
