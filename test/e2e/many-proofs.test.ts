// Many draws through the API, at the three assurance levels the service runs (operator; witnessed: planned at
// registration, two supervisors deposit secrets; and beacon against a local drand relay), each disclosed and its proof
// downloaded as an inspector would; then the service is stopped and its store deleted, and every bundle still verifies
// offline against the pinned log key and chain. Flipping any byte of any of them fails: either the file is no longer
// JSON, or a named check fails.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenClaims } from '../../src/auth/roles.js';
import type { BeaconChain } from '../../src/beacon/chains.js';
import { generatePool, syntheticPersonal, syntheticUscc } from '../../src/pool/generator.js';
import { verifyDrawProof, verifyDrawProofWithFacts } from '../../src/verify/draw-proof.js';
import { readProofFile, verifyProofFile } from '../../src/verify/proof-files.js';
import { build, type Built } from '../helper.js';
import { LocalBeacon } from '../helpers/local-beacon.js';
import { person } from '../helpers/people.js';

const HOUR = 3_600_000;
/** Draws per assurance level: more than 500 in all. */
const PER_LEVEL = 170;
const LEVELS = ['operator', 'witnessed', 'beacon'] as const;
const pool = generatePool({ size: 600, seed: 'many-proofs', fixed: [{ code: 'C990101', members: 150 }, { code: 'C990102', members: 150 }, { code: 'C990103', members: 150 }] });
const op: TokenClaims = { sub: 'op-wang', role: 'operator', iat: 0, exp: 0, sid: 'S-operator-session-00001' };
const sup: TokenClaims = { sub: 'sup-li', role: 'supervisor', iat: 0, exp: 0, sid: 'S-supervisor-session-001' };

let offset = 0;
/** Real time (beacon rounds come in real time), moved past bid opening to unseal. */
const clock = () => Date.now() + offset;
const dir = mkdtempSync(join(tmpdir(), 'expert-draw-many-proofs-'));
const bundles = join(dir, 'bundles');
let beacon: LocalBeacon;
let chain: BeaconChain;
let verifierKey = '';
let dataDir = '';
let t: Built | undefined;

async function inChunks<T>(items: readonly T[], size: number, f: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(f));
}

beforeAll(async () => {
  beacon = await LocalBeacon.start(clock);
  chain = beacon.chain;
  // Frequency caps out of the way: hundreds of panels come from a pool of hundreds.
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ frequency: { maxDraws: 1000, maxDrawsSameTenderer: 1000 } }));
  t = await build(beacon.env({ EXPERT_DRAW_POLICY_FILE: policy, EXPERT_DRAW_BEACON_TIMEOUT_S: '20', EXPERT_DRAW_RATE_LIMIT: '1000000' }), { now: clock });
  dataDir = t.config.EXPERT_DRAW_DATA_DIR;
  verifierKey = t.ctx.keys.logVerifier.verifierKey;
  await t.ctx.pool.import(pool.experts.map((expert, i) => ({ line: i + 1, expert, personal: syntheticPersonal(i) })), [], 'all', { sub: 'seed', role: 'admin', iat: 0, exp: 0 });
  const bidOpeningAt = new Date(clock() + 3 * HOUR).toISOString();
  const projects = LEVELS.flatMap((level) =>
    Array.from({ length: PER_LEVEL }, (_, i) => ({
      id: `P-MANY-${level}-${i}`,
      tenderer: syntheticUscc(7000 + (i % 50)),
      agency: null,
      bidOpeningAt,
      region: '330106',
      groups: [{ specialty: ['C990101', 'C990102', 'C990103'][i % 3]!, count: 5 }, ...(i % 4 === 0 ? [{ specialty: 'C990103', count: 2 }] : [])],
      tendererRepresentatives: 0,
      ...(level !== 'operator' ? { assurance: level } : {}),
    })),
  );
  const drawn: Array<{ projectId: string; drawId: string; assurance: string }> = [];
  await inChunks(projects, 50, async (p) => {
    const registered = await t!.app.inject({ method: 'POST', url: '/v1/projects', headers: t!.auth('operator'), payload: p });
    expect(registered.statusCode, registered.body).toBe(201);
  });
  // Two supervisors, logged in, deposit a secret for each witnessed project's planned draw.
  const witnesses = [await person(t, 'supervisor'), await person(t, 'supervisor')];
  await inChunks(projects.filter((p) => p.assurance === 'witnessed'), 25, async (p) => {
    for (const w of witnesses) {
      const res = await t!.app.inject({ method: 'POST', url: `/v1/projects/${p.id}/witness-deposits`, headers: w.auth, payload: { secret: randomBytes(32).toString('hex') } });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  // Beacon draws wait for the first round after their commit: run together, they share rounds.
  await inChunks(projects, 50, async (p) => {
    const res = await t!.app.inject({ method: 'POST', url: `/v1/projects/${p.id}/draw`, headers: t!.auth('operator') });
    expect(res.statusCode, res.body).toBe(201);
    drawn.push({ projectId: p.id, drawId: res.json().drawId, assurance: res.json().assurance });
  });
  offset = Date.parse(bidOpeningAt) - Date.now() + 60_000;
  rmSync(bundles, { recursive: true, force: true });
  mkdirSync(bundles);
  await inChunks(drawn, 25, async (d) => {
    for (const who of [op, sup]) await t!.ctx.roster.approveUnseal(d.drawId, d.projectId, bidOpeningAt, who);
    const disclosed = await t!.app.inject({ method: 'POST', url: `/v1/draws/${d.drawId}/disclose`, headers: t!.auth('operator') });
    expect(disclosed.statusCode, disclosed.body).toBe(200);
    const proof = await t!.app.inject({ method: 'GET', url: `/v1/draws/${d.drawId}/proof`, headers: t!.auth('inspector') });
    expect(proof.statusCode, proof.body).toBe(200);
    writeFileSync(join(bundles, `${d.assurance}-${d.drawId}.json`), proof.body);
  });
  // The service stops and its store is deleted: the bundles are all an inspector has.
  await t.close();
  t = undefined;
  rmSync(dataDir, { recursive: true, force: true });
}, 600_000);
afterAll(async () => {
  await t?.close();
  await beacon?.close();
  rmSync(dir, { recursive: true, force: true });
});

const files = () => readdirSync(bundles).map((f) => join(bundles, f));

describe(`${PER_LEVEL * LEVELS.length} draws through the API, verified after the service is gone`, () => {
  it('has every bundle, at each level, and no store left', () => {
    expect(existsSync(dataDir)).toBe(false);
    for (const level of LEVELS) expect(files().filter((f) => f.includes(`/${level}-`)), level).toHaveLength(PER_LEVEL);
  });

  it('verifies every bundle offline, every check passing, at the level it claims', () => {
    const failed: string[] = [];
    for (const file of files()) {
      const report = verifyDrawProof(JSON.parse(readFileSync(file, 'utf8')), { verifierKey, beaconChains: [chain] });
      const level = LEVELS.find((l) => file.includes(`/${l}-`));
      if (!report.ok || report.assurance !== level) failed.push(`${file}: ${report.assurance} ${report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`).join(', ')}`);
    }
    expect(failed).toEqual([]);
    // A machine shared with other work verifies hundreds of bundles in more than the default 30 s.
  }, 180_000);

  it('fails any one byte changed in any bundle: the file is no longer JSON, or a named check fails', () => {
    const texts = files().map((f) => readFileSync(f, 'utf8'));
    fc.assert(
      // Positions uniform over the file (fc.double draws uniformly over its bits: nearly all near 0, the file's brace).
      fc.property(fc.nat(texts.length - 1), fc.noBias(fc.nat(1 << 30)), fc.integer({ min: 1, max: 255 }), (which, where, xor) => {
        const bytes = Buffer.from(texts[which]!, 'utf8');
        const at = where % bytes.length;
        bytes[at] = bytes[at]! ^ xor;
        let bundle: unknown;
        try {
          bundle = JSON.parse(bytes.toString('utf8'));
        } catch {
          return true;
        }
        const report = verifyDrawProof(bundle, { verifierKey, beaconChains: [chain] });
        // A change that leaves the same JSON value (e.g. in insignificant text) is no change of the bundle.
        if (JSON.stringify(bundle) === JSON.stringify(JSON.parse(texts[which]!))) return true;
        return !report.ok && report.checks.some((c) => c.status === 'fail');
      }),
      { numRuns: 500 },
    );
    // 500 verifications of bundles of every shape: about 15 s alone, more than the default 30 s on a shared machine.
  }, 180_000);

  it('reads every file as proof verify does, and with any one byte changed answers what the file’s text parsed whole does', () => {
    // Read as files first: their member tables are kept, so the files below are read with the lists cut (kept-lists.ts).
    for (const file of files()) {
      const verdict = verifyProofFile(file, { verifierKey, beaconChains: [chain] });
      expect('report' in verdict && verdict.report.ok, file).toBe(true);
    }
    // So read, every honest file is cut: the comparisons below are of the cut reading.
    for (const file of files()) expect(readProofFile(file), file).toHaveProperty('reveal');
    const texts = files().map((f) => readFileSync(f));
    const changed = join(dir, 'changed.json');
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.noBias(fc.nat(1 << 30)), fc.integer({ min: 1, max: 255 }), (which, where, xor) => {
        const bytes = Buffer.from(texts[which]!);
        const at = where % bytes.length;
        bytes[at] = bytes[at]! ^ xor;
        writeFileSync(changed, bytes);
        const verdict = verifyProofFile(changed, { verifierKey, beaconChains: [chain] });
        let bundle: unknown;
        try {
          bundle = JSON.parse(bytes.toString('utf8'));
        } catch {
          expect(verdict).toHaveProperty('error');
          return;
        }
        expect(verdict).toEqual({ file: changed, ...verifyDrawProofWithFacts(bundle, { verifierKey, beaconChains: [chain] }) });
      }),
      { numRuns: 400 },
    );
  }, 120_000);
});
